SELECT id, name_fr, name_en, starts_on, ends_on, age_reference_date
  FROM season
 WHERE id = $1;
