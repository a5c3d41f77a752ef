SELECT id, first_name, last_name, email, phone_home, phone_mobile, phone_work
  FROM person
 WHERE family_id = $1 AND role = 'adult'
 ORDER BY id;
