-- release: give back every place of one hold at once.
-- KEYS: the seven program keys (see _prelude.lua).
-- ARGV: hold_id.
-- Returns {'ok', places_released, now_ms} or {'absent', now_ms} when the hold is gone
-- (released before, expired, or paid): releasing is idempotent.
-- Invariant: only held places are given back; paid places are never touched.

local hold_id = ARGV[1]
local now = now_ms()
purge_expired(now)

local hold = load_hold(hold_id)
if not hold then
  return {'absent', now}
end
local released = 0
for _, qty in pairs(hold.i) do
  released = released + qty
end
drop_hold(hold_id, hold)
return {'ok', released, now}
