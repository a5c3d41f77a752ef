-- The account self-pacing logs its changes as (see migration 0010), created again if the
-- table was emptied. One row either way: the SELECT does not see the row the INSERT adds.
WITH created AS (
    INSERT INTO account (email, password_hash, role)
    VALUES ('self-pacing@rush.invalid', '!', 'supervisor')
    ON CONFLICT (email) DO NOTHING
    RETURNING id
)
SELECT id FROM created
UNION ALL
SELECT id FROM account WHERE email = 'self-pacing@rush.invalid';
