INSERT INTO sale (season_id, name_fr, name_en, opens_at, closes_at,
                  two_instalments_min_cents, second_instalment_due_on)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id;
