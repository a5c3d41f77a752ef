SELECT id, season_id, sale_id, kind, name_fr, name_en, description_fr, description_en,
       childcare_eligible
  FROM program
 WHERE id = $1;
