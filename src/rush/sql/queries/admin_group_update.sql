-- Everything but the capacity, which changes only through rush.capacity with the engine,
-- and the program, which keys the group's places in the engine.
UPDATE activity_group
   SET name_fr = $2, name_en = $3, price_cents = $4, age_min = $5, age_max = $6,
       starts_on = $7, ends_on = $8, schedule_fr = $9, schedule_en = $10, week_number = $11,
       daycare_for_group_id = $12
 WHERE id = $1
RETURNING id;
