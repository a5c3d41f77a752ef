-- name: account_exists
SELECT EXISTS (SELECT 1 FROM account WHERE email = $1);
