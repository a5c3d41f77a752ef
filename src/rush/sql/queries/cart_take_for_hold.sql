-- The sale's and the family's status, and the family's open cart locked, marked live, priced
-- at today's group prices and read (migrations 0011 and 0013).
SELECT sale_status, family_status, cart_id, id, program_id, person_id, group_id, price_cents,
       previous_price_cents, options
  FROM cart_take_for_hold($1, $2);
