-- Orders staff look for: by the start of the order id, part of the family's email, or the
-- start of a family member's last name; newest first. An empty search lists the latest orders.
SELECT o.id, o.status, o.total_cents, o.created_at,
       (SELECT a.email::text FROM account a WHERE a.family_id = o.family_id
         ORDER BY a.id LIMIT 1) AS email,
       (SELECT pe.first_name || ' ' || pe.last_name FROM person pe
         WHERE pe.family_id = o.family_id AND pe.role = 'adult' ORDER BY pe.id LIMIT 1) AS family_name
  FROM orders o
 WHERE $1 = ''
    OR starts_with(o.id::text, lower($1))
    OR EXISTS (SELECT 1 FROM account a
                WHERE a.family_id = o.family_id AND strpos(lower(a.email::text), lower($1)) > 0)
    OR EXISTS (SELECT 1 FROM person pe
                WHERE pe.family_id = o.family_id AND starts_with(lower(pe.last_name), lower($1)))
 ORDER BY o.created_at DESC, o.id
 LIMIT $2;
