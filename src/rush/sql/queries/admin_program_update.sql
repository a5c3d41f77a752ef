-- The sale is kept: the program's groups and carts belong to it.
UPDATE program
   SET kind = $2, name_fr = $3, name_en = $4, description_fr = $5, description_en = $6,
       childcare_eligible = $7
 WHERE id = $1
RETURNING id;
