-- Every season, latest first, for the catalogue admin.
SELECT id, name_fr, name_en, starts_on, ends_on, age_reference_date
  FROM season
 ORDER BY starts_on DESC, id DESC;
