INSERT INTO season (name_fr, name_en, starts_on, ends_on, age_reference_date)
VALUES ($1, $2, $3, $4, $5)
RETURNING id;
