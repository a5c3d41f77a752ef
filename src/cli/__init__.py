"""The `rush` command line, above `web`, `workers` and `loadtests`: it starts them all.

`main` holds the click group; each family of commands has a module of its own: `serving`
(demo, serve, worker), `database` (migrate, reconcile, audit), `bench`. `processes` runs the
web server and the arq worker those commands start.
"""

__all__ = ["bench", "database", "main", "processes", "serving", "settings"]
