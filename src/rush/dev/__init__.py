"""For development and tests only: embedded servers, a mail catcher, the demo seed, benchmarks.

`servers` starts embedded PostgreSQL and Valkey; `mail_catcher` keeps emails as files;
`bootstrap` migrates, seeds and reconciles; `seed` loads the demo season; `bench/` measures.
"""

__all__ = ["bench", "bootstrap", "mail_catcher", "seed", "servers"]
