"""Who may take a child home from its group: the family's parents and guardians, then the
people the family named in the child's file as allowed to pick the child up, in its order.

One reader serves both the attendance sheet (every child of a group) and the sign-out, which
refuses anyone else, so the list a monitor chooses from and the rule it is checked by agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from rush.db import Executor, query

__all__ = ["PickupPerson", "pickup_people"]


@dataclass(frozen=True, slots=True)
class PickupPerson:
    name: str
    relationship: str
    """As the family wrote it ("Tante"); empty for a parent or guardian of the file."""
    phone: str
    guardian: bool
    """A parent or guardian of the family file, rather than a pickup contact."""


async def pickup_people(
    conn: Executor, group_id: int, person_id: int | None = None
) -> dict[int, list[PickupPerson]]:
    """Each actively registered child of the group (or only `person_id`) and who may pick it up."""
    people: dict[int, list[PickupPerson]] = {}
    for row in await conn.fetch(query("pickup_people"), group_id, person_id):
        people.setdefault(row["person_id"], []).append(
            PickupPerson(row["name"], row["relationship"], row["phone"], row["guardian"])
        )
    return people
