-- What eligibility needs to know about the groups a family asks for.
SELECT g.id, g.program_id, g.price_cents, g.age_min, g.age_max, g.daycare_for_group_id,
       p.sale_id, p.kind AS program_kind, se.age_reference_date
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
  JOIN season se ON se.id = p.season_id
 WHERE g.id = ANY($1::bigint[]);
