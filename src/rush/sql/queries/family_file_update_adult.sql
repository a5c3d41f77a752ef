UPDATE person
   SET first_name = $3, last_name = $4, email = $5, phone_home = $6, phone_mobile = $7,
       phone_work = $8
 WHERE family_id = $1 AND id = $2 AND role = 'adult';
