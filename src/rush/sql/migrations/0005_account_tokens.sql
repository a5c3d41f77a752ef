-- Single-use, expiring links sent by email: confirm an address, reset a password.
-- Only a hash of the token is stored, so a database leak gives no working link.
CREATE TABLE account_token (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES account ON DELETE CASCADE,
    purpose     text NOT NULL CHECK (purpose IN ('confirm_email', 'reset_password')),
    token_hash  bytea NOT NULL UNIQUE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_token_account ON account_token (account_id, purpose);
