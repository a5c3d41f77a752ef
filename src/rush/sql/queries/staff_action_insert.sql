INSERT INTO staff_action (account_id, action, sale_id, details) VALUES ($1, $2, $3, $4::jsonb);
