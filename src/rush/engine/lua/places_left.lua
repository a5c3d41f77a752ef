-- places_left: capacity, paid and held places of many groups of one program, in one call.
-- KEYS: the seven program keys (see _prelude.lua).
-- ARGV: group ids.
-- Returns {now_ms, cap1, paid1, held1, cap2, paid2, held2, ...}; cap is -1 for an unknown group.
-- Invariant: expired holds are purged first, so a place is free from the very instant its
-- hold expires, and a reading never counts a dead hold.

local now = now_ms()
purge_expired(now)

local reply = {now}
for _, group in ipairs(ARGV) do
  local cap = redis.call('HGET', K_CAP, group)
  table.insert(reply, cap and tonumber(cap) or -1)
  table.insert(reply, hget_number(K_PAID, group))
  table.insert(reply, hget_number(K_HELD, group))
end
return reply
