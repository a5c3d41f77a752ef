"""Each Lua script's reply is read by one decoder, beside the one wrapper that calls the script."""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

import pytest

from rush.engine.holds import GroupPlaces, decode_places_left, decode_reconcile
from rush.engine.stored_state import StoredGroup, decode_audit_program
from rush.errors import RoomTransitionRefused, UnknownGroup
from rush.room.waiting_room import decode_queue_open

RUSH = Path(__file__).resolve().parents[2] / "src" / "rush"
SCRIPT_CALLERS = {"engine/holds.py", "engine/stored_state.py", "room/waiting_room.py"}
SCRIPTS = sorted(
    f.name.removesuffix(".lua")
    for f in (resources.files("rush.engine") / "lua").iterdir()
    if f.name.endswith(".lua") and not f.name.startswith("_")
)


def _module_trees() -> dict[str, ast.Module]:
    return {str(p.relative_to(RUSH)): ast.parse(p.read_text()) for p in RUSH.rglob("*.py")}


def _decoders() -> dict[str, list[str]]:
    """Every top-level `decode_*` function of `rush`, by name, with the modules defining it."""
    found: dict[str, list[str]] = {}
    for module, tree in _module_trees().items():
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("decode_"):
                found.setdefault(node.name, []).append(module)
    return found


def _imports_scripts(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ImportFrom) and node.module == "rush.engine.scripts"
        for node in ast.walk(tree)
    )


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_script_has_one_decoder_beside_its_caller(script: str) -> None:
    defined_in = _decoders().get(f"decode_{script}", [])
    assert len(defined_in) == 1, f"decode_{script} defined in {defined_in}"
    assert defined_in[0] in SCRIPT_CALLERS


def test_only_the_engine_and_the_room_call_scripts() -> None:
    callers = {m for m, tree in _module_trees().items() if _imports_scripts(tree)}
    assert callers == SCRIPT_CALLERS


def test_places_of_a_group_unknown_to_redis_are_refused_not_read_as_negative() -> None:
    reply = [1_000, 10, 2, 3, -1, 0, 0]
    with pytest.raises(UnknownGroup) as caught:
        decode_places_left(reply, [7, 8])
    assert caught.value.group_id == 8
    assert decode_places_left(reply[:4], [7]).groups == {7: GroupPlaces(7, 10, 2, 3)}


def test_reconcile_reads_each_changed_group_before_and_after() -> None:
    reply = [1_000, 2, 7, 10, 12, 3, 4, 1, 0, 8, 5, 5, 0, 0, 2, 2]
    drifts = decode_reconcile(reply)
    assert [(d.group_id, d.capacity, d.paid, d.held) for d in drifts] == [
        (7, (10, 12), (3, 4), (1, 0)),
        (8, (5, 5), (0, 0), (2, 2)),
    ]


def test_the_audit_reads_groups_and_holds_as_redis_stores_them() -> None:
    reply = [5_000, [7, 10, 2, 1, 1], [b"h-1", 9_000, 65_000, 9_000, b'{"7":1}']]
    state = decode_audit_program(reply, program_id=3)
    assert state.groups == {7: StoredGroup(3, 10, 2, 1, 1)}
    (hold,) = state.holds
    assert (hold.hold_id, hold.items, hold.live, hold.indexed_ms) == ("h-1", {7: 1}, True, 9_000)


def test_a_room_not_scheduled_refuses_to_open_and_says_its_status() -> None:
    with pytest.raises(RoomTransitionRefused) as caught:
        decode_queue_open([b"not_scheduled", b"closed"], sale_id=4)
    assert (caught.value.sale_status, caught.value.wanted) == ("closed", "open")
    assert decode_queue_open([b"ok", 1_000, 42, 17], sale_id=4).families == [42, 17]
