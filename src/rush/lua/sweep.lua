-- sweep: purge every expired hold of one program.
-- KEYS: the six program keys (see _prelude.lua).
-- ARGV: none.
-- Returns {purged_count, now_ms}.
-- Every other script purges lazily too; the sweeper keeps counts fresh for watchers of
-- programs that nobody is holding in at the moment.

local now = now_ms()
return {purge_expired(now), now}
