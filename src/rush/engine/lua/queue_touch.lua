-- queue_touch: check that a family is admitted and shopping, and record its activity.
-- KEYS: the nine waiting-room keys (see _queue_prelude.lua), and with ARGV[2] = '1' a tenth:
--       the sale's staged carts (hash family -> prepared cart, `rush.purchase.staged_carts`).
-- ARGV: family, '1' to read the room's status and the family's staged cart too.
-- Returns {'ok', now_ms} or, reading, {'ok', now_ms, room status, staged cart or ''};
--         {'not_admitted', now_ms}.
-- Invariant: only families in the active set may hold places; activity keeps the slot alive.
-- Reading both here makes the hold at admission one round trip before its hold scripts.

local family = ARGV[1]
local now = now_ms()
drop_idle(now)
if redis.call('ZSCORE', K_ACTIVE, family) then
  redis.call('ZADD', K_ACTIVE, 'XX', now, family)
  if ARGV[2] == '1' then
    return {'ok', now, redis.call('HGET', K_ROOM, 'status') or '',
            redis.call('HGET', KEYS[10], family) or ''}
  end
  return {'ok', now}
end
return {'not_admitted', now}
