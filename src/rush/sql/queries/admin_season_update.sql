UPDATE season
   SET name_fr = $2, name_en = $3, starts_on = $4, ends_on = $5, age_reference_date = $6
 WHERE id = $1
RETURNING id;
