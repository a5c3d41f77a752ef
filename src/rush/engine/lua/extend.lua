-- extend: push a live hold's expiry to now + ttl, never past its latest expiry.
-- KEYS: the seven program keys (see _prelude.lua).
-- ARGV: hold_id, ttl_ms.
-- Returns {'ok', expiry_ms, now_ms} or {'expired', now_ms} when the hold is no longer live.
-- An expiry never moves backwards: extending with a shorter ttl keeps the later expiry.
-- Invariant: an expired hold cannot be revived, so its freed places are never counted twice.

local hold_id = ARGV[1]
local ttl_ms = tonumber(ARGV[2])
local now = now_ms()
purge_expired(now)

local hold = load_hold(hold_id)
if not hold then
  return {'expired', now}
end
hold.e = math.max(hold.e, math.min(now + ttl_ms, hold.m))
store_hold(hold_id, hold)
return {'ok', hold.e, now}
