INSERT INTO person (family_id, role, first_name, last_name, birth_date) VALUES ($1, $2, $3, $4, $5);
