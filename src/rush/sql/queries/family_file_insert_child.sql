INSERT INTO person (family_id, role, first_name, last_name, birth_date, sex,
                    health_insurance_number_encrypted)
VALUES ($1, 'child', $2, $3, $4, $5, $6)
RETURNING id;
