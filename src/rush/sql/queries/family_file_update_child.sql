UPDATE person
   SET first_name = $3, last_name = $4, birth_date = $5, sex = $6,
       health_insurance_number_encrypted = $7
 WHERE family_id = $1 AND id = $2 AND role = 'child';
