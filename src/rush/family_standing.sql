-- name: family_standing_in_sale
-- What the family's status and orders say about where it stands in one sale.
SELECT f.status,
       EXISTS (SELECT 1 FROM orders o
                WHERE o.family_id = f.id AND o.sale_id = $2 AND o.status = 'paid') AS paid,
       (SELECT o.id FROM orders o
         WHERE o.family_id = f.id AND o.sale_id = $2 AND o.status = 'awaiting_payment'
         ORDER BY o.created_at DESC LIMIT 1) AS awaiting_order
  FROM family f
 WHERE f.id = $1;
