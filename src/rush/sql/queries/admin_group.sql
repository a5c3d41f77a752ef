SELECT g.id, g.program_id, p.sale_id, g.name_fr, g.name_en, g.capacity, g.paid_count,
       g.price_cents, g.age_min, g.age_max, g.starts_on, g.ends_on, g.schedule_fr,
       g.schedule_en, g.week_number, g.daycare_for_group_id
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
 WHERE g.id = $1;
