-- audit_program: read one program's engine state at one instant, for `rush audit`.
-- KEYS: the program keys (see _prelude.lua).
-- ARGV: none.
-- Returns {now_ms, groups, holds}:
--   groups  flat list of {group, cap, paid, held, held_in_holds} for every group any key
--           names; cap is -1 when the group has no capacity in Redis, held_in_holds is the
--           sum of the group's places over the holds still stored;
--   holds   flat list of {hold_id, expiry_ms, latest_ms, indexed_ms, items_json} for every
--           stored hold, live or expired but not yet purged; indexed_ms is the hold's score
--           in the expiry index, -1 when the index lacks it (no purge would ever reach it).
-- Invariant: reads only. Unlike every other script it purges nothing, so the audit sees the
-- engine exactly as it is and never repairs what it reports.

local now = now_ms()

local cap, paid, held, in_holds, seen, order = {}, {}, {}, {}, {}, {}
local function note(group)
  if not seen[group] then
    seen[group] = true
    table.insert(order, group)
  end
end
local function read_hash(key, into)
  local flat = redis.call('HGETALL', key)
  for n = 1, #flat, 2 do
    into[flat[n]] = tonumber(flat[n + 1]) or 0
    note(flat[n])
  end
end
read_hash(K_CAP, cap)
read_hash(K_PAID, paid)
read_hash(K_HELD, held)

local holds = {}
local stored = redis.call('HGETALL', K_HOLDS)
for n = 1, #stored, 2 do
  local hold_id = stored[n]
  local hold = cjson.decode(stored[n + 1])
  for group, qty in pairs(hold.i) do
    note(group)
    in_holds[group] = (in_holds[group] or 0) + qty
  end
  local indexed = redis.call('ZSCORE', K_EXPIRY, hold_id)
  for _, value in ipairs({hold_id, hold.e, hold.m, indexed and tonumber(indexed) or -1,
                          cjson.encode(hold.i)}) do
    table.insert(holds, value)
  end
end

local groups = {}
for _, group in ipairs(order) do
  for _, value in ipairs({group, cap[group] or -1, paid[group] or 0, held[group] or 0,
                          in_holds[group] or 0}) do
    table.insert(groups, value)
  end
end
return {now, groups, holds}
