-- The sale's status, and the family's open cart locked, marked live and read (0011 migration).
SELECT sale_status, cart_id, id, program_id, person_id, group_id, price_cents, options
  FROM cart_take_for_hold($1, $2);
