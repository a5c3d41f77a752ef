SELECT id FROM account WHERE email = $1;
