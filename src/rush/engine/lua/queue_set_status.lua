-- queue_set_status: pause, resume or close a sale's waiting room.
-- KEYS: the nine waiting-room keys (see _queue_prelude.lua).
-- ARGV: 'paused', 'open' (resume) or 'closed'.
-- Returns {'ok', status, now_ms} or {'refused', current_status, now_ms}.
-- Invariant: a pause admits nobody and accrues no admission credit; a closed room stays closed.
-- Opening a scheduled room goes through queue_open, which draws the pre-queue.

local wanted = ARGV[1]
local now = now_ms()
local status = redis.call('HGET', K_ROOM, 'status')
local allowed = (wanted == 'paused' and status == 'open')
  or (wanted == 'open' and status == 'paused')
  or (wanted == 'closed' and status ~= nil and status ~= 'closed')
if not allowed then
  return {'refused', status or '', now}
end
admit_due(now)
redis.call('HSET', K_ROOM, 'status', wanted, 'credit',
  wanted == 'open' and math.min(room_number('rate_per_min'), 1) or 0, 'credit_ms', now)
return {'ok', wanted, now}
