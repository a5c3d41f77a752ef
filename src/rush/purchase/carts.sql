-- name: cart_mark_live
UPDATE cart SET live_since = coalesce(live_since, now()) WHERE id = $1;

-- name: cart_insert_item
INSERT INTO cart_item (cart_id, program_id, person_id, group_id, price_cents, options)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: cart_delete_items
DELETE FROM cart_item WHERE cart_id = $1 AND id = ANY($2::bigint[]) RETURNING program_id;

-- name: cart_take_for_hold
-- The sale's and the family's status, and the family's open cart locked, marked live, priced
-- at today's group prices and read (migrations 0011 and 0013).
SELECT sale_status, family_status, cart_id, id, program_id, person_id, group_id, price_cents,
       previous_price_cents, options
  FROM cart_take_for_hold($1, $2);

-- name: cart_open
SELECT id, live_since FROM cart WHERE family_id = $1 AND sale_id = $2 AND status = 'open';

-- name: cart_open_of_sale
-- The sale with the family's open cart, if any: no row when the sale does not exist.
SELECT c.id, c.live_since
FROM sale s
LEFT JOIN cart c ON c.sale_id = s.id AND c.family_id = $1 AND c.status = 'open'
WHERE s.id = $2;

-- name: cart_lock_open
-- The family's open cart for a sale, locked so two tabs edit it one after the other.
SELECT id FROM cart WHERE family_id = $1 AND sale_id = $2 AND status = 'open' FOR UPDATE;

-- name: cart_insert
INSERT INTO cart (id, family_id, sale_id) VALUES ($1, $2, $3)
ON CONFLICT (family_id, sale_id) WHERE status = 'open' DO NOTHING;
