-- hold: take places in several groups of one program, all or nothing.
-- KEYS: the seven program keys (see _prelude.lua).
-- ARGV: hold_id, ttl_ms, max_lifetime_ms, then pairs group, qty.
-- Returns one of:
--   {'ok', expiry_ms, now_ms, replaced}       replaced: 1 when a live hold id was replaced
--   {'short', group, places_left, now_ms}   the first group that cannot take its qty
--   {'unknown_group', group, now_ms}
--   {'paid', now_ms}                          this hold id already became paid places
-- Holding again under a live hold id replaces its items atomically: the old items count as
-- free while the new ones are checked, and stay held if the new ones do not fit. The
-- hold keeps its original latest expiry, so replacing items never prolongs its lifetime.
-- A new hold (not a replacement) counts in this slot's holds taken (KEYS[7], flow).
-- Invariant: paid + held <= cap for every group, before and after.

local hold_id = ARGV[1]
local ttl_ms = tonumber(ARGV[2])
local max_lifetime_ms = tonumber(ARGV[3])
local now = now_ms()
purge_expired(now)

if redis.call('HEXISTS', K_CONFIRMED, hold_id) == 1 then
  return {'paid', now}
end

local previous = load_hold(hold_id)
local previous_items = previous and previous.i or {}

local wanted = {}
for n = 4, #ARGV, 2 do
  local group = ARGV[n]
  wanted[group] = (wanted[group] or 0) + tonumber(ARGV[n + 1])
end

for n = 4, #ARGV, 2 do
  local group = ARGV[n]
  local cap = redis.call('HGET', K_CAP, group)
  if not cap then
    return {'unknown_group', group, now}
  end
  local left = tonumber(cap) - hget_number(K_PAID, group) - hget_number(K_HELD, group)
    + (previous_items[group] or 0)
  if wanted[group] > left then
    return {'short', group, math.max(left, 0), now}
  end
end

if previous then
  drop_hold(hold_id, previous)
else
  count_flow('h', now, 1)
end
for group, qty in pairs(wanted) do
  redis.call('HINCRBY', K_HELD, group, qty)
end
local latest = previous and previous.m or (now + max_lifetime_ms)
local expiry = math.min(now + ttl_ms, latest)
store_hold(hold_id, {i = wanted, e = expiry, m = latest})
return {'ok', expiry, now, previous and 1 or 0}
