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
