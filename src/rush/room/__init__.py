"""The virtual waiting room: who is in line, who is admitted to shop, in what order and pace.

`waiting_room` is the room in Redis (join, status, admit, leave); `tickets` and
`admission_tokens` are the signed proofs a family carries, and `admission` the one check
that a request comes from an admitted family; `sales` drives a sale's lifecycle
(Postgres records it, the room enforces it); `snapshots` shares one reading per process;
`pacing_rule` and `self_pacer` adjust the admission rate, from the one `starting_rate` derives
from measured cost; `fairness` audits the draw.
"""

__all__ = [
    "admission",
    "admission_tokens",
    "fairness",
    "pacing_rule",
    "sales",
    "self_pacer",
    "snapshots",
    "starting_rate",
    "tickets",
    "waiting_room",
]
