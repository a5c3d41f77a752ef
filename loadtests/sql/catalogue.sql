-- One sale's groups as the trace generator sees them, with the season's age reference date.
SELECT g.id, p.sale_id, g.program_id, p.kind AS program_kind, g.capacity, g.price_cents,
       g.age_min, g.age_max, g.week_number, g.daycare_for_group_id, se.age_reference_date
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
  JOIN season se ON se.id = p.season_id
 WHERE p.sale_id = $1
 ORDER BY g.id;
