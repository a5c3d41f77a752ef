-- name: cart_items
SELECT ci.id, ci.program_id, ci.person_id, ci.group_id, ci.price_cents,
       ci.previous_price_cents, ci.options, g.daycare_for_group_id
  FROM cart_item ci
  JOIN activity_group g ON g.id = ci.group_id
 WHERE ci.cart_id = $1
 ORDER BY ci.id;
