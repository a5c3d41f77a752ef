INSERT INTO person (family_id, role, first_name, last_name, email, phone_home, phone_mobile, phone_work)
VALUES ($1, 'adult', $2, $3, $4, $5, $6, $7)
RETURNING id;
