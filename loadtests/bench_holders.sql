-- name: bench_first_program
-- The first program of sale $1: the hold ceiling phase opens its own group there.
SELECT id FROM program WHERE sale_id = $1 ORDER BY id LIMIT 1;

-- name: bench_admin_id
SELECT id FROM account WHERE email = $1;

-- name: bench_holder_carts
-- Up to $3 families among the emails $4 with no open cart in sale $1 each get one: a draft of their first child in
-- group $2 (the ceiling's own group), for the hold phase to hold. Returns their emails.
WITH chosen AS (
    SELECT a.email::text AS email, a.family_id,
           (SELECT p.id FROM person p
             WHERE p.family_id = a.family_id AND p.role = 'child'
             ORDER BY p.id LIMIT 1) AS person_id
      FROM account a
     WHERE a.role = 'family'
       AND a.email = ANY($4::citext[])
       AND NOT EXISTS (SELECT 1 FROM cart c
                        WHERE c.family_id = a.family_id AND c.sale_id = $1 AND c.status = 'open')
       AND EXISTS (SELECT 1 FROM person p WHERE p.family_id = a.family_id AND p.role = 'child')
     ORDER BY a.id
     LIMIT $3
),
carts AS (
    INSERT INTO cart (id, family_id, sale_id)
    SELECT gen_random_uuid(), family_id, $1 FROM chosen
    RETURNING id, family_id
),
items AS (
    INSERT INTO cart_item (cart_id, program_id, person_id, group_id, price_cents)
    SELECT c.id, g.program_id, ch.person_id, g.id, g.price_cents
      FROM carts c
      JOIN chosen ch ON ch.family_id = c.family_id
      JOIN activity_group g ON g.id = $2
)
SELECT email FROM chosen ORDER BY email;
