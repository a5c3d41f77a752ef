-- queue_leave: a family is done shopping (paid or gave up); its slot goes to the next family.
-- KEYS: the nine waiting-room keys (see _queue_prelude.lua).
-- ARGV: family.
-- Returns {'ok', was_active, now_ms}.
-- Invariant: the ticket stays recorded, so the family cannot be admitted twice on it.

local family = ARGV[1]
local now = now_ms()
local removed = redis.call('ZREM', K_ACTIVE, family)
admit_due(now)
return {'ok', removed, now}
