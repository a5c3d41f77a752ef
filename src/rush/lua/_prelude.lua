-- Shared prelude, prepended by scripts.py to every hold-engine script.
--
-- Every hold-engine script receives the same six keys of one program, all under the
-- program's hash tag so each script stays Redis Cluster safe:
--   KEYS[1] cap        hash  group -> capacity
--   KEYS[2] paid       hash  group -> paid places
--   KEYS[3] held       hash  group -> places in active holds
--   KEYS[4] holds      hash  hold id -> cjson {i = {group = qty}, e = expiry ms, m = latest expiry ms}
--   KEYS[5] expiry     zset  hold id scored by expiry ms
--   KEYS[6] confirmed  hash  hold id -> cjson {group = qty} of holds that became paid places
--
-- Invariant kept by every script: for every group, paid + held <= cap.
-- Time is always the Redis server's own clock: a client's clock never decides an expiry.

local K_CAP, K_PAID, K_HELD, K_HOLDS, K_EXPIRY, K_CONFIRMED =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function hget_number(key, field)
  return tonumber(redis.call('HGET', key, field) or '0') or 0
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
local function purge_expired(now)
  local expired = redis.call('ZRANGE', K_EXPIRY, '-inf', now, 'BYSCORE')
  for _, hold_id in ipairs(expired) do
    local raw = redis.call('HGET', K_HOLDS, hold_id)
    if raw then
      drop_hold(hold_id, cjson.decode(raw))
    else
      redis.call('ZREM', K_EXPIRY, hold_id)
    end
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

