-- One approved family per email, each with its account (email already confirmed), in one
-- statement. Families are empty yet, so pairing them with emails in id order is enough.
-- $1 emails, $2 argon2 hashes (the same hash repeated: one password for the whole trace).
WITH new_family AS (
    INSERT INTO family (status)
    SELECT 'approved' FROM unnest($1::text[])
    RETURNING id
), numbered AS (
    SELECT id, row_number() OVER (ORDER BY id) AS n FROM new_family
)
INSERT INTO account (family_id, email, password_hash, role, locale, email_confirmed_at)
SELECT f.id, a.email, a.password_hash, 'family', 'fr-CA', now()
  FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS a (email, password_hash, n)
  JOIN numbered f USING (n)
RETURNING family_id, email::text;
