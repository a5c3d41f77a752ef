-- Families waiting for staff approval, oldest first, with what staff need to decide.
SELECT f.id, f.created_at,
       (SELECT pe.first_name || ' ' || pe.last_name FROM person pe
         WHERE pe.family_id = f.id AND pe.role = 'adult' ORDER BY pe.id LIMIT 1) AS name,
       (SELECT a.email::text FROM account a WHERE a.family_id = f.id
         ORDER BY a.id LIMIT 1) AS email,
       (SELECT count(*) FROM person pe WHERE pe.family_id = f.id AND pe.role = 'child')::int
           AS children
  FROM family f
 WHERE f.status = 'pending'
 ORDER BY f.created_at, f.id;
