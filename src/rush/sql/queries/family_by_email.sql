SELECT family_id FROM account WHERE email = $1 AND family_id IS NOT NULL;
