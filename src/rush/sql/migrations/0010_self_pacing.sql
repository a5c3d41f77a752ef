-- Self-pacing: when switched on, a worker moves a sale's admission rate every few seconds so
-- hold latency (p99) and finalize lag stay under their targets, within a floor and a ceiling.
ALTER TABLE sale
    ADD COLUMN self_pacing                  boolean NOT NULL DEFAULT false,
    ADD COLUMN target_hold_p99_ms           integer NOT NULL DEFAULT 250
                                            CHECK (target_hold_p99_ms > 0),
    ADD COLUMN target_finalize_lag_ms       integer NOT NULL DEFAULT 15000
                                            CHECK (target_finalize_lag_ms > 0),
    ADD COLUMN self_pacing_floor_per_min    integer NOT NULL DEFAULT 10
                                            CHECK (self_pacing_floor_per_min >= 1),
    ADD COLUMN self_pacing_ceiling_per_min  integer NOT NULL DEFAULT 600,
    ADD CONSTRAINT sale_self_pacing_bounds
        CHECK (self_pacing_ceiling_per_min >= self_pacing_floor_per_min);

-- staff_action.account_id cannot be null: self-pacing logs its changes as this account.
-- '!' is no argon2 hash, so nobody can sign in as it; .invalid never receives mail.
INSERT INTO account (email, password_hash, role)
VALUES ('self-pacing@rush.invalid', '!', 'supervisor')
ON CONFLICT (email) DO NOTHING;
