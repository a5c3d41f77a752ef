-- Shared prelude, prepended by scripts.py to every hold-engine script.
--
-- Every hold-engine script receives the same seven keys of one program, all under the
-- program's hash tag so each script stays Redis Cluster safe:
--   KEYS[1] cap        hash  group -> capacity
--   KEYS[2] paid       hash  group -> paid places
--   KEYS[3] held       hash  group -> places in active holds
--   KEYS[4] holds      hash  hold id -> cjson {i = {group = qty}, e = expiry ms, m = latest expiry ms}
--   KEYS[5] expiry     zset  hold id scored by expiry ms
--   KEYS[6] confirmed  hash  hold id -> cjson {group = qty} of holds that became paid places
--   KEYS[7] flow       hash  'h:<slot>' / 'x:<slot>' -> holds taken / holds expired in one
--                            10 s slot of the server clock (slot = now_ms // 10000)
--
-- Invariant kept by every script: for every group, paid + held <= cap.
-- Time is always the Redis server's own clock: a client's clock never decides an expiry.

local K_CAP, K_PAID, K_HELD, K_HOLDS, K_EXPIRY, K_CONFIRMED, K_FLOW =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]

-- Flow slots: rush.flow reads them with the same size. Only the last minute is read, so the
-- first count of a new slot drops older slots and renews the key's TTL; an idle program's
-- counters vanish on their own, and the common path costs one HINCRBY.
local FLOW_SLOT_MS = 10000
local FLOW_KEEP_SLOTS = 6
local FLOW_TTL_MS = 180000

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function hget_number(key, field)
  return tonumber(redis.call('HGET', key, field) or '0') or 0
end

-- Adds n to this slot's counter of kind 'h' (holds taken) or 'x' (holds expired).
local function count_flow(kind, now, n)
  local slot = math.floor(now / FLOW_SLOT_MS)
  if redis.call('HINCRBY', K_FLOW, kind .. ':' .. slot, n) ~= n then
    return
  end
  for _, field in ipairs(redis.call('HKEYS', K_FLOW)) do
    if tonumber(string.sub(field, 3)) < slot - FLOW_KEEP_SLOTS then
      redis.call('HDEL', K_FLOW, field)
    end
  end
  redis.call('PEXPIRE', K_FLOW, FLOW_TTL_MS)
end

-- Gives back the places of one hold and forgets it.
local function drop_hold(hold_id, hold)
  for group, qty in pairs(hold.i) do
    redis.call('HINCRBY', K_HELD, group, -qty)
  end
  redis.call('HDEL', K_HOLDS, hold_id)
  redis.call('ZREM', K_EXPIRY, hold_id)
end

-- A hold is active while now < expiry: at its expiry instant its places are free again.
-- Each purged hold counts in this slot's expiries.
local function purge_expired(now)
  local expired = redis.call('ZRANGE', K_EXPIRY, '-inf', now, 'BYSCORE')
  local dropped = 0
  for _, hold_id in ipairs(expired) do
    local raw = redis.call('HGET', K_HOLDS, hold_id)
    if raw then
      drop_hold(hold_id, cjson.decode(raw))
      dropped = dropped + 1
    else
      redis.call('ZREM', K_EXPIRY, hold_id)
    end
  end
  if dropped > 0 then
    count_flow('x', now, dropped)
  end
  return #expired
end

local function load_hold(hold_id)
  local raw = redis.call('HGET', K_HOLDS, hold_id)
  if raw then
    return cjson.decode(raw)
  end
  return nil
end

local function store_hold(hold_id, hold)
  redis.call('HSET', K_HOLDS, hold_id, cjson.encode(hold))
  redis.call('ZADD', K_EXPIRY, hold.e, hold_id)
end

