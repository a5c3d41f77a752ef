SELECT s.at, a.email::text AS staff, s.action, s.details::text AS details
  FROM staff_action s JOIN account a ON a.id = s.account_id
 WHERE s.sale_id = $1
 ORDER BY s.at DESC
 LIMIT $2;
