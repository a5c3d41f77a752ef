-- sweep: purge every expired hold of one program.
-- KEYS: the seven program keys (see _prelude.lua).
-- ARGV: none.
-- Returns {purged_count, now_ms}.
-- Each purged hold counts in this slot's expiries (KEYS[7], flow), as in every script.
-- Invariant: every other script purges lazily too; the sweeper only keeps counts fresh for
-- watchers of programs that nobody is holding in at the moment, and changes no live hold.

local now = now_ms()
return {purge_expired(now), now}
