SELECT id, family_id, email::text, role, locale, password_hash FROM account WHERE email = $1;
