"""What staff watch, change and download: the dashboard, the sale controls, the staff log,
exports, attendance, the audit.

`dashboard` aggregates a sale's numbers once for every watcher (`dashboard_history` and
`dashboard_latest` keep them in Redis); `sale_controls` change a live sale and log it;
`staff_log` records who did what; `exports` and `attendance` serve staff all year (`pickups`
says who may take a child home); `audit` (with `audit_table`) proves nothing was lost, and
lists the provider events Rush rejected (`rejected_webhooks`).
"""

__all__ = [
    "attendance",
    "audit",
    "audit_table",
    "dashboard",
    "dashboard_history",
    "dashboard_latest",
    "exports",
    "pickups",
    "rejected_webhooks",
    "sale_controls",
    "staff_log",
]
