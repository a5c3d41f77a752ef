-- Where a family's emails go: its (first) account's address, in that account's language.
SELECT a.email::text AS email, a.locale,
       (SELECT pe.last_name FROM person pe WHERE pe.family_id = a.family_id AND pe.role = 'adult'
         ORDER BY pe.id LIMIT 1) AS family_name
  FROM account a
 WHERE a.family_id = $1
 ORDER BY a.id
 LIMIT 1;
