-- Which of these emails already have an account: seeding a trace twice adds nobody twice.
SELECT email::text FROM account WHERE email = ANY($1::text[]);
