-- name: carts_went_live
-- Carts held from their staged copy (or checked out before the worker copied that): each is
-- marked live at the Redis instant it was held (now() when not given) and priced at today's
-- group prices, keeping the prepared price, as `cart_take_for_hold` does on the Postgres path.
-- A cart already live is left as it is: the first time it went live wins.
WITH went AS (
    UPDATE cart c
       SET live_since = coalesce(w.at, now())
      FROM unnest($1::uuid[], $2::timestamptz[]) AS w(id, at)
     WHERE c.id = w.id AND c.live_since IS NULL AND c.status = 'open'
    RETURNING c.id
)
UPDATE cart_item ci
   SET previous_price_cents = coalesce(ci.previous_price_cents, ci.price_cents),
       price_cents = g.price_cents
  FROM went, activity_group g
 WHERE ci.cart_id = went.id AND g.id = ci.group_id AND ci.price_cents <> g.price_cents;
