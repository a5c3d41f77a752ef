-- name: admin_seasons
-- Every season, latest first, for the catalogue admin.
SELECT id, name_fr, name_en, starts_on, ends_on, age_reference_date
  FROM season
 ORDER BY starts_on DESC, id DESC;

-- name: admin_season
SELECT id, name_fr, name_en, starts_on, ends_on, age_reference_date
  FROM season
 WHERE id = $1;

-- name: admin_season_insert
INSERT INTO season (name_fr, name_en, starts_on, ends_on, age_reference_date)
VALUES ($1, $2, $3, $4, $5)
RETURNING id;

-- name: admin_season_update
UPDATE season
   SET name_fr = $2, name_en = $3, starts_on = $4, ends_on = $5, age_reference_date = $6
 WHERE id = $1
RETURNING id;

-- name: admin_sales
-- Every sale, next opening first, for the staff home and the catalogue admin.
SELECT id, season_id, name_fr, name_en, opens_at, closes_at, status,
       two_instalments_min_cents, second_instalment_due_on
  FROM sale
 ORDER BY opens_at DESC, id DESC;

-- name: admin_sale
SELECT id, season_id, name_fr, name_en, opens_at, closes_at, status,
       two_instalments_min_cents, second_instalment_due_on
  FROM sale
 WHERE id = $1;

-- name: admin_sale_insert
INSERT INTO sale (season_id, name_fr, name_en, opens_at, closes_at,
                  two_instalments_min_cents, second_instalment_due_on)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id;

-- name: admin_sale_update
-- The season is kept: its programs carry it too.
UPDATE sale
   SET name_fr = $2, name_en = $3, opens_at = $4, closes_at = $5,
       two_instalments_min_cents = $6, second_instalment_due_on = $7
 WHERE id = $1
RETURNING id;

-- name: admin_programs
-- The programs of one sale, in creation order.
SELECT id, season_id, sale_id, kind, name_fr, name_en, description_fr, description_en,
       childcare_eligible
  FROM program
 WHERE sale_id = $1
 ORDER BY id;

-- name: admin_program
SELECT id, season_id, sale_id, kind, name_fr, name_en, description_fr, description_en,
       childcare_eligible
  FROM program
 WHERE id = $1;

-- name: admin_program_insert
-- A program takes its season from its sale, so the two never disagree.
INSERT INTO program (season_id, sale_id, kind, name_fr, name_en, description_fr, description_en,
                     childcare_eligible)
SELECT s.season_id, s.id, $2, $3, $4, $5, $6, $7
  FROM sale s
 WHERE s.id = $1
RETURNING id;

-- name: admin_program_update
-- The sale is kept: the program's groups and carts belong to it.
UPDATE program
   SET kind = $2, name_fr = $3, name_en = $4, description_fr = $5, description_en = $6,
       childcare_eligible = $7
 WHERE id = $1
RETURNING id;
