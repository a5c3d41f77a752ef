SELECT id, family_id, role, first_name, last_name, birth_date
  FROM person WHERE family_id = $1 ORDER BY role, birth_date NULLS FIRST, id;
