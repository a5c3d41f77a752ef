-- Adults and children of many families at once; $2 is 'adult' or 'child' per row.
INSERT INTO person (family_id, role, first_name, last_name, birth_date)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::date[])
RETURNING id, family_id, role;
