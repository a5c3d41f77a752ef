UPDATE account SET email_confirmed_at = coalesce(email_confirmed_at, now()) WHERE id = $1;
