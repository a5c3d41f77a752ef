INSERT INTO account (family_id, email, password_hash, role, locale)
VALUES ($1, $2, $3, $4, $5)
RETURNING id, family_id, email::text, role, locale;
