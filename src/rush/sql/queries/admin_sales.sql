-- Every sale, next opening first, for the staff home and the catalogue admin.
SELECT id, season_id, name_fr, name_en, opens_at, closes_at, status,
       two_instalments_min_cents, second_instalment_due_on
  FROM sale
 ORDER BY opens_at DESC, id DESC;
