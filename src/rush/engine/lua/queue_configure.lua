-- queue_configure: create a sale's waiting room, or change its pace live.
-- KEYS: the nine waiting-room keys (see _queue_prelude.lua).
-- ARGV: rate_per_min, max_shoppers, idle_ms, opens_ms (an empty string keeps the current
--       value), then the status a new room starts in (the sale's, when Redis was rebuilt).
-- Returns {'ok', status, now_ms}.
-- Invariant: a new room starts in the given status ('scheduled' by default); changing the pace
-- never admits out of order and never takes a slot from a family already shopping.

local now = now_ms()
if redis.call('EXISTS', K_ROOM) == 0 then
  local initial = ARGV[5]
  if initial ~= 'open' and initial ~= 'paused' and initial ~= 'closed' then
    initial = 'scheduled'
  end
  redis.call('HSET', K_ROOM, 'status', initial, 'opened_ms', now, 'issued', 0, 'head', 0,
    'credit', 0, 'credit_ms', now, 'rate_per_min', 60, 'max_shoppers', 100, 'idle_ms', 600000)
end
-- Settle admissions due at the old pace before the new one applies.
admit_due(now)
local fields = {'rate_per_min', 'max_shoppers', 'idle_ms', 'opens_ms'}
for n, field in ipairs(fields) do
  if ARGV[n] ~= nil and ARGV[n] ~= '' then
    redis.call('HSET', K_ROOM, field, tonumber(ARGV[n]))
  end
end
return {'ok', redis.call('HGET', K_ROOM, 'status'), now}
