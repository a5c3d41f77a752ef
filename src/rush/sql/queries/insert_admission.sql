INSERT INTO admission (sale_id, ticket, family_id, admitted_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (sale_id, ticket) DO NOTHING;
