-- Up to $2 accounts of sale $1 whose cart is open and was held (families that left a held
-- cart behind): the hold ceiling phase holds those carts again.
SELECT a.email::text AS email
  FROM cart c
  JOIN account a ON a.family_id = c.family_id AND a.role = 'family'
 WHERE c.sale_id = $1
   AND c.status = 'open'
   AND c.live_since IS NOT NULL
   AND EXISTS (SELECT 1 FROM cart_item i WHERE i.cart_id = c.id)
 ORDER BY c.created_at
 LIMIT $2;
