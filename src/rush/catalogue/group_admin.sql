-- name: admin_groups
-- The groups of every program of one sale, in catalogue order.
SELECT g.id, g.program_id, p.sale_id, g.name_fr, g.name_en, g.capacity, g.paid_count,
       g.price_cents, g.age_min, g.age_max, g.starts_on, g.ends_on, g.schedule_fr,
       g.schedule_en, g.week_number, g.daycare_for_group_id
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
 WHERE p.sale_id = $1
 ORDER BY p.id, g.week_number NULLS LAST, g.id;

-- name: admin_group
SELECT g.id, g.program_id, p.sale_id, g.name_fr, g.name_en, g.capacity, g.paid_count,
       g.price_cents, g.age_min, g.age_max, g.starts_on, g.ends_on, g.schedule_fr,
       g.schedule_en, g.week_number, g.daycare_for_group_id
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
 WHERE g.id = $1;

-- name: lock_program_groups
-- Share-lock every group of one program, in id order (the order every writer locks in), so no
-- paid place or capacity can change while Redis is rebuilt from the snapshot read next.
SELECT id
  FROM activity_group
 WHERE program_id = $1
 ORDER BY id
   FOR SHARE;

-- name: admin_group_insert
INSERT INTO activity_group (program_id, name_fr, name_en, capacity, price_cents, age_min,
                            age_max, starts_on, ends_on, schedule_fr, schedule_en, week_number,
                            daycare_for_group_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
RETURNING id;

-- name: admin_group_update
-- Everything but the capacity, which changes only through rush.capacity with the engine,
-- and the program, which keys the group's places in the engine.
UPDATE activity_group
   SET name_fr = $2, name_en = $3, price_cents = $4, age_min = $5, age_max = $6,
       starts_on = $7, ends_on = $8, schedule_fr = $9, schedule_en = $10, week_number = $11,
       daycare_for_group_id = $12
 WHERE id = $1
RETURNING id;
