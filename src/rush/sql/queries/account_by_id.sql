SELECT id, family_id, email::text, role, locale FROM account WHERE id = $1;
