-- The season is kept: its programs carry it too.
UPDATE sale
   SET name_fr = $2, name_en = $3, opens_at = $4, closes_at = $5,
       two_instalments_min_cents = $6, second_instalment_due_on = $7
 WHERE id = $1
RETURNING id;
