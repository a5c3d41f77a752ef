-- Shared prelude, prepended by scripts.py to every waiting-room script.
--
-- Every waiting-room script receives the same keys of one sale, all under the sale's hash tag:
--   KEYS[1] room        hash    status, rate_per_min, max_shoppers, idle_ms, opens_ms,
--                               opened_ms, seed, issued (last ticket), head (last admitted
--                               ticket), credit, credit_ms
--   KEYS[2] prequeue    hash    family -> arrival ms, before opening
--   KEYS[3] tickets     hash    family -> ticket number
--   KEYS[4] seqs        hash    ticket number -> family
--   KEYS[5] active      zset    admitted families shopping now, scored by last activity ms
--   KEYS[6] admissions  stream  one entry per admission: seq, family, ms, waited (ms, -1 unknown)
--   KEYS[7] buckets     hash    10-second bucket -> admissions, for the measured rate
--   KEYS[8] issued      hash    ticket number -> ms it was issued (the draw's tickets: opening),
--                               until that ticket is admitted or skipped
--   KEYS[9] waits       hash    '<bucket>:<bound s>' -> admissions of that 10-second bucket that
--                               had waited up to <bound> seconds, for the median wait
--
-- Invariants: tickets are admitted strictly in ticket order; at most max_shoppers families
-- shop at once; admissions never run faster than rate_per_min (plus a burst of a few seconds).
-- Time is the Redis server's clock.

local K_ROOM, K_PREQUEUE, K_TICKETS, K_SEQS, K_ACTIVE, K_ADMISSIONS, K_BUCKETS =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local K_ISSUED, K_WAITS = KEYS[8], KEYS[9]

local BUCKET_MS = 10000
local RATE_WINDOW_BUCKETS = 6
local BURST_SECONDS = 2
-- Upper bounds (seconds) of the wait histogram; a longer wait counts in the last one.
local WAIT_BOUNDS_S = {10, 30, 60, 120, 180, 300, 450, 600, 900, 1200, 1800, 2700, 3600, 7200}

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function room_number(field)
  return tonumber(redis.call('HGET', K_ROOM, field) or '0') or 0
end

-- Admitted families idle past idle_ms lose their slot, so abandoned sessions never stall the queue.
local function drop_idle(now)
  local idle_ms = room_number('idle_ms')
  if idle_ms > 0 then
    redis.call('ZREMRANGEBYSCORE', K_ACTIVE, '-inf', now - idle_ms)
  end
end

-- Admissions per minute over the last minute, from the 10-second buckets.
local function measured_rate(now)
  local current = math.floor(now / BUCKET_MS)
  local fields = {}
  for n = 1, RATE_WINDOW_BUCKETS do
    fields[n] = tostring(current - n + 1)
  end
  local counts = redis.call('HMGET', K_BUCKETS, unpack(fields))
  local total = 0
  for _, count in ipairs(counts) do
    total = total + (tonumber(count) or 0)
  end
  local opened = room_number('opened_ms')
  local window = math.min(RATE_WINDOW_BUCKETS * BUCKET_MS, math.max(now - opened, BUCKET_MS))
  return math.floor(total * 60000 / window)
end

local function count_admission(now)
  local current = math.floor(now / BUCKET_MS)
  redis.call('HINCRBY', K_BUCKETS, tostring(current), 1)
  redis.call('HDEL', K_BUCKETS, tostring(current - RATE_WINDOW_BUCKETS - 1))
end

-- Counts one admission's wait in this bucket's histogram; a new field drops old buckets.
local function count_wait(now, waited_ms)
  local current = math.floor(now / BUCKET_MS)
  local bound = WAIT_BOUNDS_S[#WAIT_BOUNDS_S]
  for _, b in ipairs(WAIT_BOUNDS_S) do
    if waited_ms <= b * 1000 then
      bound = b
      break
    end
  end
  if redis.call('HINCRBY', K_WAITS, current .. ':' .. bound, 1) == 1 then
    for _, field in ipairs(redis.call('HKEYS', K_WAITS)) do
      local bucket = tonumber(string.match(field, '^(%d+):'))
      if bucket and bucket < current - RATE_WINDOW_BUCKETS then
        redis.call('HDEL', K_WAITS, field)
      end
    end
  end
end

-- The wait (ms) of a ticket leaving the line, counted when it is admitted; -1 if unknown.
local function end_wait(ticket, now, admitted)
  local issued = tonumber(redis.call('HGET', K_ISSUED, ticket))
  if not issued then
    return -1
  end
  redis.call('HDEL', K_ISSUED, ticket)
  if admitted then
    count_wait(now, now - issued)
  end
  return now - issued
end

-- Admit the next tickets in order, as far as the pace and the shopper cap allow.
local function admit_due(now)
  drop_idle(now)
  if redis.call('HGET', K_ROOM, 'status') ~= 'open' then
    return 0
  end
  local rate = room_number('rate_per_min')
  local burst = math.max(1, rate * BURST_SECONDS / 60)
  local credit = room_number('credit') + (now - room_number('credit_ms')) * rate / 60000
  credit = math.min(credit, burst)
  local head = room_number('head')
  local waiting = room_number('issued') - head
  local free_slots = room_number('max_shoppers') - redis.call('ZCARD', K_ACTIVE)
  local admitted = 0
  while admitted < waiting and admitted < free_slots and credit >= 1 do
    head = head + 1
    local family = redis.call('HGET', K_SEQS, tostring(head))
    if family then
      redis.call('ZADD', K_ACTIVE, now, family)
      local waited = end_wait(tostring(head), now, true)
      redis.call('XADD', K_ADMISSIONS, '*', 'seq', head, 'family', family, 'ms', now,
        'waited', waited)
      count_admission(now)
      credit = credit - 1
      admitted = admitted + 1
    else
      end_wait(tostring(head), now, false)
      waiting = waiting - 1
    end
  end
  redis.call('HSET', K_ROOM, 'head', head, 'credit', tostring(credit), 'credit_ms', now)
  return admitted
end

local function issue_ticket(family, now)
  local seq = redis.call('HINCRBY', K_ROOM, 'issued', 1)
  redis.call('HSET', K_TICKETS, family, seq)
  redis.call('HSET', K_SEQS, tostring(seq), family)
  redis.call('HSET', K_ISSUED, tostring(seq), now)
  return seq
end

-- The median wait (seconds, a histogram bound) of the last minute's admissions; 0 for none.
local function median_wait_s(now)
  local current = math.floor(now / BUCKET_MS)
  local counts, total = {}, 0
  local fields = redis.call('HGETALL', K_WAITS)
  for n = 1, #fields, 2 do
    local bucket, bound = string.match(fields[n], '^(%d+):(%d+)$')
    if bucket and tonumber(bucket) > current - RATE_WINDOW_BUCKETS then
      bound = tonumber(bound)
      counts[bound] = (counts[bound] or 0) + tonumber(fields[n + 1])
      total = total + tonumber(fields[n + 1])
    end
  end
  local seen = 0
  for _, bound in ipairs(WAIT_BOUNDS_S) do
    seen = seen + (counts[bound] or 0)
    if total > 0 and seen * 2 >= total then
      return bound
    end
  end
  return 0
end

