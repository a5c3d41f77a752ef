-- The name a receipt is made out to: the family's first adult, who opened the account.
SELECT first_name || ' ' || last_name
  FROM person
 WHERE family_id = $1 AND role = 'adult'
 ORDER BY id
 LIMIT 1;
