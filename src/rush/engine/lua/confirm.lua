-- confirm: turn a live hold into paid places, exactly once.
-- KEYS: the seven program keys (see _prelude.lua).
-- ARGV: hold_id.
-- Returns {'ok', now_ms}, {'already', now_ms} when it was confirmed before (idempotent),
-- or {'expired', now_ms} when no live hold has that id.
-- Invariant: held places move to paid one for one, so paid + held never grows here.

local hold_id = ARGV[1]
local now = now_ms()
purge_expired(now)

if redis.call('HEXISTS', K_CONFIRMED, hold_id) == 1 then
  return {'already', now}
end
local hold = load_hold(hold_id)
if not hold then
  return {'expired', now}
end
drop_hold(hold_id, hold)
for group, qty in pairs(hold.i) do
  redis.call('HINCRBY', K_PAID, group, qty)
end
redis.call('HSET', K_CONFIRMED, hold_id, cjson.encode(hold.i))
return {'ok', now}
