-- Replace the whole hash of latest dashboard snapshots at once, so a sale no longer
-- published leaves with it. One key: runs on one shard of a cluster (MULTI would not).
-- KEYS[1]  the hash: sale id -> snapshot JSON
-- ARGV[1]  its time to live in seconds
-- ARGV[2..] sale id, snapshot, sale id, snapshot, ...
-- Returns the number of snapshots stored.
redis.call('DEL', KEYS[1])
local stored = (#ARGV - 1) / 2
if stored > 0 then
    redis.call('HSET', KEYS[1], unpack(ARGV, 2))
    redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return stored
