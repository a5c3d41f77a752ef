from __future__ import annotations

from redis.crc import key_slot

from rush.engine.keys import program_keys


def test_every_key_of_a_program_lands_in_one_cluster_slot() -> None:
    for program_id in (1, 42, 987_654):
        keys = program_keys(program_id).all
        assert len(set(keys)) == 7
        assert len({key_slot(key.encode()) for key in keys}) == 1
        assert all(f"{{p:{program_id}}}" in key for key in keys)


def test_programs_are_spread_over_slots() -> None:
    slots = {key_slot(program_keys(n).capacity.encode()) for n in range(100)}
    assert len(slots) > 90
