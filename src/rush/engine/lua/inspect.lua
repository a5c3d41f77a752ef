-- inspect: what one hold is now.
-- KEYS: the seven program keys (see _prelude.lua).
-- ARGV: hold_id.
-- Returns {'live', expiry_ms, latest_ms, now_ms, group1, qty1, group2, qty2, ...},
--         {'paid', now_ms} or {'absent', now_ms}.
-- Invariant: reads only, besides purging what has expired.

local hold_id = ARGV[1]
local now = now_ms()
purge_expired(now)
if redis.call('HEXISTS', K_CONFIRMED, hold_id) == 1 then
  return {'paid', now}
end
local hold = load_hold(hold_id)
if not hold then
  return {'absent', now}
end
local reply = {'live', hold.e, hold.m, now}
for group, qty in pairs(hold.i) do
  table.insert(reply, group)
  table.insert(reply, qty)
end
return reply
