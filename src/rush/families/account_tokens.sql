-- name: account_token_insert
INSERT INTO account_token (account_id, purpose, token_hash, expires_at)
VALUES ($1, $2, $3, now() + make_interval(secs => $4));

-- name: account_token_use
-- Use a token once: only an unused, unexpired token of that purpose is spent.
UPDATE account_token SET used_at = now()
 WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
RETURNING account_id;
