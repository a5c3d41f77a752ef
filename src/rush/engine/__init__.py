"""The hold engine: places held atomically in Redis, with expiry by the Redis clock.

`holds` is the public API (hold, release, confirm, inspect), each script's reply read by its one
decoder there; `scripts` loads the Lua files of `lua/` once and calls them by SHA; `keys`
builds every Redis key with its hash tag; `stored_state` reads it all, unpurged, for the audit;
`reconcile` rebuilds Redis from Postgres; `capacity` changes a group's capacity in both
together; `hold_timing`, `flow` and `drift_log` are the engine's own readings for the dashboard.
"""

__all__ = [
    "capacity",
    "drift_log",
    "flow",
    "hold_timing",
    "holds",
    "keys",
    "reconcile",
    "scripts",
    "stored_state",
]
