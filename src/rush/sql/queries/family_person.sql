SELECT id, family_id, role, first_name, last_name, birth_date
  FROM person WHERE family_id = $1 AND id = $2;
