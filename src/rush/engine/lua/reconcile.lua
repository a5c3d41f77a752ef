-- reconcile: rebuild one program's capacities and paid counts from a Postgres snapshot.
-- KEYS: the seven program keys (see _prelude.lua).
-- ARGV: group_count, then triples group, capacity, paid (Postgres counts), then the ids of
--       every hold Postgres has recorded as paid for this program.
-- Returns {now_ms, changed_count, then per changed group:
--          group, old_cap, new_cap, old_paid, new_paid, old_held, new_held}.
--
-- Postgres commits a payment before Redis confirms its hold, so a snapshot can race a
-- finalize in two ways, and both are absorbed here:
--   * paid in Postgres, hold still live in Redis: the hold is confirmed now;
--   * confirmed in Redis after the snapshot was read: its places are added to the snapshot.
-- Held counts are recomputed from the live holds themselves.
-- Invariant: no paid place is lost, whether Redis was flushed or merely drifted.

local now = now_ms()
purge_expired(now)

local group_count = tonumber(ARGV[1])
local pg_cap, pg_paid, groups = {}, {}, {}
for n = 0, group_count - 1 do
  local group = ARGV[2 + n * 3]
  table.insert(groups, group)
  pg_cap[group] = tonumber(ARGV[3 + n * 3])
  pg_paid[group] = tonumber(ARGV[4 + n * 3])
end
local paid_in_pg = {}
for n = 2 + group_count * 3, #ARGV do
  paid_in_pg[ARGV[n]] = true
end

-- Live holds that Postgres already counts as paid become confirmed.
local holds = redis.call('HGETALL', K_HOLDS)
for n = 1, #holds, 2 do
  local hold_id = holds[n]
  if paid_in_pg[hold_id] then
    local hold = cjson.decode(holds[n + 1])
    redis.call('HDEL', K_HOLDS, hold_id)
    redis.call('ZREM', K_EXPIRY, hold_id)
    redis.call('HSET', K_CONFIRMED, hold_id, cjson.encode(hold.i))
  end
end

-- Confirmations that reached Redis after the snapshot was read.
local new_paid = {}
for group, paid in pairs(pg_paid) do
  new_paid[group] = paid
end
local confirmed = redis.call('HGETALL', K_CONFIRMED)
for n = 1, #confirmed, 2 do
  if not paid_in_pg[confirmed[n]] then
    for group, qty in pairs(cjson.decode(confirmed[n + 1])) do
      if new_paid[group] then
        new_paid[group] = new_paid[group] + qty
      end
    end
  end
end
for hold_id in pairs(paid_in_pg) do
  if redis.call('HEXISTS', K_CONFIRMED, hold_id) == 0 then
    redis.call('HSET', K_CONFIRMED, hold_id, '{}')
  end
end

local new_held = {}
holds = redis.call('HGETALL', K_HOLDS)
for n = 2, #holds, 2 do
  for group, qty in pairs(cjson.decode(holds[n]).i) do
    new_held[group] = (new_held[group] or 0) + qty
  end
end

local reply = {now, 0}
local changed = 0
for _, group in ipairs(groups) do
  local old_cap = tonumber(redis.call('HGET', K_CAP, group) or '-1')
  local old_paid = hget_number(K_PAID, group)
  local old_held = hget_number(K_HELD, group)
  local held = new_held[group] or 0
  if old_cap ~= pg_cap[group] or old_paid ~= new_paid[group] or old_held ~= held then
    changed = changed + 1
    for _, value in ipairs({group, old_cap, pg_cap[group], old_paid, new_paid[group], old_held, held}) do
      table.insert(reply, value)
    end
  end
end
reply[2] = changed

redis.call('DEL', K_CAP, K_PAID, K_HELD)
for _, group in ipairs(groups) do
  redis.call('HSET', K_CAP, group, pg_cap[group])
  redis.call('HSET', K_PAID, group, new_paid[group])
  redis.call('HSET', K_HELD, group, new_held[group] or 0)
end
return reply
