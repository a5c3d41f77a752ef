-- queue_stats: the numbers ops watch for one sale's waiting room.
-- KEYS: the nine waiting-room keys (see _queue_prelude.lua).
-- ARGV: none.
-- Returns {status, prequeue, waiting, shopping, admitted_total, measured_rate_per_min,
--          rate_per_min, max_shoppers, idle_ms, seed, now_ms, opens_ms, median_wait_s}.
-- admitted_total is the room's head: every ticket at or below it has been admitted.
-- Invariant: reads only, besides admitting what is due.

local now = now_ms()
local status = redis.call('HGET', K_ROOM, 'status')
if not status then
  return {'unknown_sale', 0, 0, 0, 0, 0, 0, 0, 0, '', now, 0, 0}
end
admit_due(now)
local head = room_number('head')
return {status, redis.call('HLEN', K_PREQUEUE), room_number('issued') - head,
  redis.call('ZCARD', K_ACTIVE), head, measured_rate(now), room_number('rate_per_min'),
  room_number('max_shoppers'), room_number('idle_ms'), redis.call('HGET', K_ROOM, 'seed') or '', now,
  room_number('opens_ms'), median_wait_s(now)}
