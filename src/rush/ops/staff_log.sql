-- name: staff_action_insert
INSERT INTO staff_action (account_id, action, sale_id, details) VALUES ($1, $2, $3, $4::jsonb);

-- name: staff_actions_of_sale
SELECT s.at, a.email::text AS staff, s.action, s.details::text AS details
  FROM staff_action s JOIN account a ON a.id = s.account_id
 WHERE s.sale_id = $1
 ORDER BY s.at DESC
 LIMIT $2;
