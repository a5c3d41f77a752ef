-- queue_open: open the sale, drawing the pre-queue in an order fixed by a recorded seed.
-- KEYS: the nine waiting-room keys (see _queue_prelude.lua).
-- ARGV: seed.
-- Returns {'ok', now_ms, family1, family2, ...} in drawn order, or {'not_scheduled', status}.
-- The draw sorts pre-queue families by SHA1(seed .. ':' .. family): anyone holding the seed
-- and the list of arrivals can recompute the order, in any language.
-- Invariant: every pre-queue family gets exactly one ticket, before any later arrival.

local seed = ARGV[1]
local now = now_ms()
local status = redis.call('HGET', K_ROOM, 'status')
if status ~= 'scheduled' then
  return {'not_scheduled', status or ''}
end
local draw = {}
for _, family in ipairs(redis.call('HKEYS', K_PREQUEUE)) do
  table.insert(draw, {redis.sha1hex(seed .. ':' .. family), family})
end
table.sort(draw, function(a, b) return a[1] < b[1] end)
local reply = {'ok', now}
for _, entry in ipairs(draw) do
  issue_ticket(entry[2], now)
  table.insert(reply, entry[2])
end
redis.call('DEL', K_PREQUEUE)
-- One credit to start with: the first ticket goes in at once, the rest at the pace.
redis.call('HSET', K_ROOM, 'status', 'open', 'opened_ms', now, 'seed', seed,
  'credit', math.min(room_number('rate_per_min'), 1), 'credit_ms', now)
admit_due(now)
return reply
