-- set_capacity: change one group's capacity live.
-- KEYS: the seven program keys (see _prelude.lua).
-- ARGV: group, capacity.
-- Returns {'ok', now_ms}, {'unknown_group', now_ms}, or {'below_committed', paid, held, now_ms}
-- when the new capacity is smaller than the places already paid or held: those are promises,
-- never taken back here.
-- Invariant: paid + held <= cap holds after the change.

local group = ARGV[1]
local capacity = tonumber(ARGV[2])
local now = now_ms()
purge_expired(now)

if redis.call('HEXISTS', K_CAP, group) == 0 then
  return {'unknown_group', now}
end
local paid = hget_number(K_PAID, group)
local held = hget_number(K_HELD, group)
if capacity < paid + held then
  return {'below_committed', paid, held, now}
end
redis.call('HSET', K_CAP, group, capacity)
return {'ok', now}
