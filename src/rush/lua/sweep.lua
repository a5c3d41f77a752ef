-- sweep: purge every expired hold of one program.
-- KEYS: the six program keys (see _prelude.lua).
-- ARGV: none.
-- Returns {purged_count, now_ms}.
-- Invariant: every other script purges lazily too; the sweeper only keeps counts fresh for
-- watchers of programs that nobody is holding in at the moment, and changes no live hold.

local now = now_ms()
return {purge_expired(now), now}
