-- name: groups_for_cart
-- What eligibility needs to know about the groups a family asks for.
SELECT g.id, g.program_id, g.price_cents, g.age_min, g.age_max, g.daycare_for_group_id,
       p.sale_id, p.kind AS program_kind, se.age_reference_date
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
  JOIN season se ON se.id = p.season_id
 WHERE g.id = ANY($1::bigint[]);

-- name: person_places_in_sale
-- Places (daycare add-ons excepted) a person already has in a sale, per program: paid ones
-- plus those in the family's open cart.
SELECT g.program_id, count(*)::int AS places
  FROM (
        SELECT r.group_id FROM registration r
         WHERE r.person_id = $1 AND r.status = 'active'
        UNION ALL
        SELECT ci.group_id FROM cart_item ci JOIN cart c ON c.id = ci.cart_id
         WHERE ci.person_id = $1 AND c.status = 'open' AND c.sale_id = $2
       ) AS taken
  JOIN activity_group g ON g.id = taken.group_id
  JOIN program p ON p.id = g.program_id
 WHERE p.sale_id = $2 AND g.daycare_for_group_id IS NULL
 GROUP BY g.program_id;

-- name: persons_registered_in_groups
SELECT person_id, group_id
  FROM registration
 WHERE status = 'active' AND person_id = ANY($1::bigint[]) AND group_id = ANY($2::bigint[]);

-- name: sale_caps_in_force
-- Per-child caps of a sale still in force now (some last only for a while after opening).
SELECT c.id, c.program_id, c.max_places
  FROM sale_child_cap c
  JOIN sale s ON s.id = c.sale_id
 WHERE c.sale_id = $1
   AND (c.for_seconds IS NULL OR s.status = 'scheduled'
        OR now() < coalesce((SELECT opened_at FROM queue_draw d WHERE d.sale_id = s.id), s.opens_at)
                    + make_interval(secs => c.for_seconds));
