-- name: catalogue_groups
-- Every group on sale, with its program, in catalogue order.
SELECT g.id, g.program_id, p.kind AS program_kind, p.name_fr AS program_name_fr, p.name_en AS program_name_en,
       p.description_fr AS program_description_fr, p.description_en AS program_description_en,
       g.name_fr, g.name_en, g.capacity, g.price_cents, g.age_min, g.age_max,
       g.starts_on, g.ends_on, g.schedule_fr, g.schedule_en, g.week_number, g.daycare_for_group_id,
       p.sale_id
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
 WHERE ($1::bigint IS NULL OR p.sale_id = $1)
   AND ($2::bigint IS NULL OR p.id = $2)
 ORDER BY p.id, g.week_number NULLS LAST, g.id;
