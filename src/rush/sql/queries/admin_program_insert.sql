-- A program takes its season from its sale, so the two never disagree.
INSERT INTO program (season_id, sale_id, kind, name_fr, name_en, description_fr, description_en,
                     childcare_eligible)
SELECT s.season_id, s.id, $2, $3, $4, $5, $6, $7
  FROM sale s
 WHERE s.id = $1
RETURNING id;
