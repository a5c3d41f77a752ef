"""What is on sale and who may take it.

`reading` is the catalogue families see (groups with places left, the early sold-out
refusal); `eligibility` is the one rule of who may take which place; `admin`, `group_admin`,
`caps_admin`, `fields` and `checks` are how staff set up seasons, sales, programs, groups and
per-child caps.
"""

__all__ = ["admin", "caps_admin", "checks", "eligibility", "fields", "group_admin", "reading"]
