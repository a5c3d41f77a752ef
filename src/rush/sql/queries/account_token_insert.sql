INSERT INTO account_token (account_id, purpose, token_hash, expires_at)
VALUES ($1, $2, $3, now() + make_interval(secs => $4));
