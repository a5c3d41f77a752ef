-- queue_leave: a family is done shopping (paid or gave up); its slot goes to the next family,
-- at once or, after a payment, once a short grace has passed without activity.
-- KEYS: the nine waiting-room keys (see _queue_prelude.lua).
-- ARGV: family, grace_ms (0: leave now; > 0: keep the slot that long, as if the family had
--       last been active `idle_ms - grace_ms` ago, so a forgotten activity needs no new ticket;
--       any later activity runs the usual idle clock again).
-- Returns {'ok', was_active, now_ms}.
-- Invariant: the ticket stays recorded, so the family cannot be admitted twice on it; the grace
-- never lengthens a turn (the slot's last activity only moves back in time).

local family = ARGV[1]
local grace = tonumber(ARGV[2] or '0') or 0
local now = now_ms()
local idle_ms = room_number('idle_ms')
local removed
if grace > 0 and idle_ms > grace then
  local last = redis.call('ZSCORE', K_ACTIVE, family)
  removed = 0
  if last then
    local until_grace = now - idle_ms + grace
    if tonumber(last) > until_grace then
      redis.call('ZADD', K_ACTIVE, 'XX', until_grace, family)
    end
  end
else
  removed = redis.call('ZREM', K_ACTIVE, family)
end
admit_due(now)
return {'ok', removed, now}
