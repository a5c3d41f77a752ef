-- queue_status: where one family stands, joining the queue if asked. The hot path of a rush.
-- KEYS: the nine waiting-room keys (see _queue_prelude.lua).
-- ARGV: family, join (1 to take a place, 0 to only look).
-- Returns {state, ticket, ahead, measured_rate_per_min, now_ms, room_status, waiting, opens_ms,
--          rate_per_min}
--   state: 'unknown_sale', 'none', 'prequeue', 'queued', 'admitted', 'expired', 'closed'.
-- A place belongs to the family, not the device: a second tab or phone gets the same ticket.
-- A family whose admission idled out is 'expired' until it joins again, at the back.
-- Invariant: O(1) work besides admitting what is due (amortised O(1) per admission).

local family, join = ARGV[1], ARGV[2] == '1'
local now = now_ms()
local status = redis.call('HGET', K_ROOM, 'status')
if not status then
  return {'unknown_sale', 0, 0, 0, now, '', 0, 0, 0}
end
admit_due(now)
local head = room_number('head')
local waiting = room_number('issued') - head
local rate = measured_rate(now)
local opens = room_number('opens_ms')

local function reply(state, ticket, ahead)
  return {state, ticket, ahead, rate, now, status, waiting, opens, room_number('rate_per_min')}
end

local ticket = tonumber(redis.call('HGET', K_TICKETS, family) or '0')
if ticket > head then
  return reply('queued', ticket, ticket - head - 1)
end
if ticket > 0 then
  if redis.call('ZSCORE', K_ACTIVE, family) then
    redis.call('ZADD', K_ACTIVE, 'XX', now, family)
    return reply('admitted', ticket, 0)
  end
  if not join or status ~= 'open' and status ~= 'paused' then
    return reply('expired', ticket, 0)
  end
end

if status == 'scheduled' then
  if join then
    redis.call('HSETNX', K_PREQUEUE, family, now)
  end
  if redis.call('HEXISTS', K_PREQUEUE, family) == 1 then
    return reply('prequeue', 0, redis.call('HLEN', K_PREQUEUE) - 1)
  end
  return reply('none', 0, 0)
end
if status == 'closed' then
  return reply('closed', 0, 0)
end
if not join then
  return reply('none', 0, 0)
end

ticket = issue_ticket(family, now)
admit_due(now)
head = room_number('head')
waiting = room_number('issued') - head
if ticket <= head then
  return reply('admitted', ticket, 0)
end
return reply('queued', ticket, ticket - head - 1)
