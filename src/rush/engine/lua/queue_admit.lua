-- queue_admit: admit whatever is due; run by a worker tick so admission never waits for a poll.
-- KEYS: the nine waiting-room keys (see _queue_prelude.lua).
-- ARGV: none.
-- Returns {admitted_now, now_ms}.
-- Invariant: same pace and order as admissions made by status polls.

local now = now_ms()
return {admit_due(now), now}
