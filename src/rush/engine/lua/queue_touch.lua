-- queue_touch: check that a family is admitted and shopping, and record its activity.
-- KEYS: the nine waiting-room keys (see _queue_prelude.lua).
-- ARGV: family.
-- Returns {'ok', now_ms} or {'not_admitted', now_ms}.
-- Invariant: only families in the active set may hold places; activity keeps the slot alive.

local family = ARGV[1]
local now = now_ms()
drop_idle(now)
if redis.call('ZSCORE', K_ACTIVE, family) then
  redis.call('ZADD', K_ACTIVE, 'XX', now, family)
  return {'ok', now}
end
return {'not_admitted', now}
