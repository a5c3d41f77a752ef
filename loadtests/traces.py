"""Traces of an opening morning: who arrives when, wants what, and pays or not.

A trace is JSON lines: one `TraceHeader`, then one `FamilyPlan` per line in arrival order, so a
trace of 100,000 families streams instead of loading at once. `generate_trace` makes one from a
catalogue and a seed (the same seed gives the same morning); `TraceRecorder` writes what a real
run did in the same format, so a recorded morning replays like a generated one.

Times are trace seconds relative to opening (negative: before opening). A run at
`RUSH_REPLAY_SPEED=10` plays ten trace seconds in one real second.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, TypeAlias

import msgspec

__all__ = [
    "DEFAULT_PASSWORD",
    "TRACE_FORMAT",
    "Behaviour",
    "ChildPlan",
    "FamilyPlan",
    "GroupInfo",
    "Trace",
    "TraceEvent",
    "TraceHeader",
    "TraceRecorder",
    "arrival_offsets",
    "generate_trace",
    "iter_plans",
    "read_header",
    "read_trace",
    "write_trace",
]

TRACE_FORMAT = "rush-trace/1"
DEFAULT_PASSWORD = "loadtest password 1"
"""Every generated family shares it, so seeding hashes it with argon2 only once."""

Behaviour: TypeAlias = Literal["pays", "abandons", "removes", "pays_late"]
"""pays; abandons its held cart; removes one item then pays; pays after `pay_delay_s`."""

# Ages children are given when the catalogue states none.
_DEFAULT_AGES = (4, 14)
# Ages are computed on this date when the catalogue does not give the season's own.
_DEFAULT_AGE_REFERENCE = dt.date(2026, 6, 24)
_POPULAR_GROUP_SHARE = 0.2
_CAMP_KINDS = frozenset({"day_camp"})
_DAYCARE_KIND = "daycare"

_FIRST_NAMES = (
    "Léa", "Emma", "Alice", "Florence", "Livia", "Charlotte", "Rosalie", "Olivia", "Béatrice",
    "Juliette", "Noah", "William", "Thomas", "Liam", "Jacob", "Léo", "Édouard", "Arthur",
    "Nathan", "Félix", "Zoé", "Mila", "Éloïse", "Samuel", "Louis", "Raphaël", "Adam", "Mia",
)  # fmt: skip
_LAST_NAMES = (
    "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin",
    "Gagné", "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette",
    "Girard", "Simard", "Boucher", "Caron", "Beaulieu", "Cloutier", "Dubé", "Poirier", "Nguyen",
)  # fmt: skip


class GroupInfo(msgspec.Struct, frozen=True, kw_only=True):
    """What the generator needs to know of a group on sale (see `seed_families.load_catalogue`)."""

    id: int
    sale_id: int
    program_id: int
    program_kind: str
    capacity: int
    price_cents: int = 0
    age_min: int | None = None
    age_max: int | None = None
    week_number: int | None = None
    daycare_for_group_id: int | None = None
    age_reference_date: dt.date | None = None
    """The season's date ages are computed on; the same for every group of a sale."""


class ChildPlan(msgspec.Struct, frozen=True):
    first_name: str
    birth_date: dt.date


class TraceEvent(msgspec.Struct, frozen=True, array_like=True):
    """One request a recorded family made: trace seconds from opening, its name and status."""

    t: float
    name: str
    status: int


class FamilyPlan(msgspec.Struct, frozen=True, kw_only=True):
    """One family's morning. `wants[i]` are the group ids child `i` is registered for."""

    key: str
    email: str
    password: str
    last_name: str
    children: list[ChildPlan]
    arrival_s: float
    wants: list[list[int]]
    behaviour: Behaviour = "pays"
    instalments: int = 1
    pay_delay_s: float = 0.0
    """Seconds between checkout and paying on the provider's page (`pays_late`)."""
    think_s: float = 5.0
    """Seconds the parent spends between two steps (reading the groups, filling the cart)."""
    events: list[TraceEvent] = []
    """Filled in recorded traces only: what the family actually did."""


class TraceHeader(msgspec.Struct, frozen=True, kw_only=True):
    sale_id: int
    seed: int
    parameters: dict[str, Any]
    created_at: dt.datetime
    format: str = TRACE_FORMAT


class Trace(msgspec.Struct, frozen=True, kw_only=True):
    """A whole trace in memory; `iter_plans` reads big ones one family at a time."""

    sale_id: int
    seed: int
    parameters: dict[str, Any]
    created_at: dt.datetime
    families: list[FamilyPlan]

    @property
    def header(self) -> TraceHeader:
        return TraceHeader(
            sale_id=self.sale_id,
            seed=self.seed,
            parameters=self.parameters,
            created_at=self.created_at,
        )


# -- arrivals ------------------------------------------------------------------------------------


def _arrival(rng: random.Random) -> float:
    """An arrival in trace seconds: a crowd before opening, the spike, then a long tail."""
    phase = rng.random()
    if phase < 0.35:
        # Squaring a uniform draw packs arrivals against the opening instant.
        return -1800.0 * rng.random() ** 2
    if phase < 0.80:
        return min(rng.expovariate(1 / 20), 300.0)
    return min(60.0 + rng.expovariate(1 / 600), 3600.0)


def arrival_offsets(families: int, seed: int) -> list[float]:
    """Sorted arrival offsets of the opening-morning curve, for a shape run without a trace."""
    rng = random.Random(seed)
    return sorted(round(_arrival(rng), 3) for _ in range(families))


# -- generation ----------------------------------------------------------------------------------


class _Catalogue:
    """The catalogue indexed the ways the generator asks for it."""

    def __init__(self, groups: Sequence[GroupInfo], rng: random.Random) -> None:
        self.groups = sorted(groups, key=lambda g: g.id)
        self.by_id = {g.id: g for g in self.groups}
        self.daycare_of = {
            g.daycare_for_group_id: g for g in self.groups if g.daycare_for_group_id is not None
        }
        self.camp_programs: dict[int, list[GroupInfo]] = {}
        self.others: list[GroupInfo] = []
        by_program: dict[int, list[GroupInfo]] = {}
        for group in self.groups:
            if group.daycare_for_group_id is not None or group.program_kind == _DAYCARE_KIND:
                continue  # taken only with its camp week
            by_program.setdefault(group.program_id, []).append(group)
            if group.program_kind in _CAMP_KINDS:
                self.camp_programs.setdefault(group.program_id, []).append(group)
            else:
                self.others.append(group)
        self.popular: set[int] = set()
        for program_groups in by_program.values():
            count = max(1, math.ceil(len(program_groups) * _POPULAR_GROUP_SHARE))
            self.popular.update(g.id for g in rng.sample(program_groups, count))
        choosable = [g for groups in by_program.values() for g in groups]
        bounds = [a for g in choosable for a in (g.age_min, g.age_max) if a is not None]
        low, high = (min(bounds), max(bounds)) if bounds else _DEFAULT_AGES
        # Only ages some group takes: every child of the trace wants at least one group.
        self.ages = [a for a in range(low, high + 1) if any(_fits(g, a) for g in choosable)]
        if not self.ages:
            raise ValueError("the catalogue has no group a child can be registered in")
        dates = [g.age_reference_date for g in self.groups if g.age_reference_date is not None]
        self.age_reference = dates[0] if dates else _DEFAULT_AGE_REFERENCE


def _fits(group: GroupInfo, age: int) -> bool:
    low = group.age_min if group.age_min is not None else 0
    high = group.age_max if group.age_max is not None else 200
    return low <= age <= high


def _pick(
    rng: random.Random, candidates: list[GroupInfo], popular: set[int], share: float, count: int
) -> list[GroupInfo]:
    """Draw `count` distinct groups, each from the popular ones with probability `share`."""
    pool = list(candidates)
    chosen: list[GroupInfo] = []
    while pool and len(chosen) < count:
        hot = [g for g in pool if g.id in popular]
        cold = [g for g in pool if g.id not in popular]
        side = hot if hot and (not cold or rng.random() < share) else cold
        group = rng.choice(side)
        chosen.append(group)
        pool.remove(group)
    return chosen


def _birth_date(rng: random.Random, age: int, reference: dt.date) -> dt.date:
    """A birth date giving exactly `age` full years on `reference`."""
    anniversary = reference.replace(year=reference.year - age, day=min(reference.day, 28))
    return anniversary - dt.timedelta(days=rng.randint(0, 360))


def _wants_of_child(
    rng: random.Random, cat: _Catalogue, age: int, popular_share: float, daycare: bool
) -> list[int]:
    camps = [
        fitting
        for groups in cat.camp_programs.values()
        if (fitting := [g for g in groups if _fits(g, age)])
    ]
    others = [g for g in cat.others if _fits(g, age)]
    if camps and (not others or rng.random() < 0.7):
        weeks = _pick(
            rng, rng.choice(camps), cat.popular, popular_share, rng.choice((1, 2, 2, 3, 4))
        )
        wanted = [w.id for w in weeks]
        if daycare:
            wanted += [
                d.id for w in weeks if (d := cat.daycare_of.get(w.id)) is not None and _fits(d, age)
            ]
        return wanted
    return [g.id for g in _pick(rng, others, cat.popular, popular_share, 1)]


def _family(
    rng: random.Random,
    cat: _Catalogue,
    children_per_family: float,
    popular_share: float,
    password: str,
    seed: int,
    index: int,
) -> tuple[FamilyPlan, float]:
    last_name = rng.choice(_LAST_NAMES)
    count = 1 + _poisson(rng, max(children_per_family - 1, 0.0))
    ages = [rng.choice(cat.ages) for _ in range(count)]
    children = [
        ChildPlan(rng.choice(_FIRST_NAMES), _birth_date(rng, age, cat.age_reference))
        for age in ages
    ]
    daycare = rng.random() < 0.5
    wants: list[list[int]] = []
    for age in ages:
        # Siblings go to the same weeks when they can: one request holds them together.
        if wants and rng.random() < 0.7 and all(_fits(cat.by_id[g], age) for g in wants[0]):
            wants.append(list(wants[0]))
        else:
            wants.append(_wants_of_child(rng, cat, age, popular_share, daycare))
    plan = FamilyPlan(
        key=f"f{index:06d}",
        email=f"loadtest-{seed}-{index:06d}@rush.test",
        password=password,
        last_name=last_name,
        children=children,
        arrival_s=round(_arrival(rng), 3),
        wants=wants,
        think_s=round(rng.uniform(2.0, 20.0), 2),
    )
    return plan, rng.random()


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's draw: small means only (children per family), no numpy needed."""
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _with_behaviour(
    rng: random.Random,
    plan: FamilyPlan,
    draw: float,
    abandon_share: float,
    late_share: float,
    remove_share: float,
    two_instalment_share: float,
) -> FamilyPlan:
    instalments = 2 if rng.random() < two_instalment_share else 1
    if draw < abandon_share:
        return msgspec.structs.replace(plan, behaviour="abandons", instalments=instalments)
    if draw < abandon_share + late_share:
        delay = round(rng.uniform(120.0, 1200.0), 1)
        return msgspec.structs.replace(
            plan, behaviour="pays_late", instalments=instalments, pay_delay_s=delay
        )
    items = sum(len(w) for w in plan.wants)
    behaviour: Behaviour = "removes" if items > 1 and rng.random() < remove_share else "pays"
    return msgspec.structs.replace(plan, behaviour=behaviour, instalments=instalments)


def _check_share(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, not {value}")


def generate_trace(
    catalogue: list[GroupInfo],
    families: int,
    children_per_family: float,
    popular_share: float,
    abandon_share: float,
    late_share: float,
    seed: int,
    *,
    remove_share: float = 0.1,
    two_instalment_share: float = 0.3,
    password: str = DEFAULT_PASSWORD,
    created_at: dt.datetime | None = None,
) -> Trace:
    """A morning of `families` families in arrival order; the same arguments give the same trace.

    A fifth of each program's groups are popular and get `popular_share` of the choices, so
    they sell out while others keep places.
    """
    if not catalogue:
        raise ValueError("the catalogue has no group")
    sale_ids = {g.sale_id for g in catalogue}
    if len(sale_ids) != 1:
        raise ValueError(f"the catalogue must be one sale's, not {sorted(sale_ids)}")
    for name, share in (
        ("popular_share", popular_share),
        ("abandon_share", abandon_share),
        ("late_share", late_share),
        ("remove_share", remove_share),
        ("two_instalment_share", two_instalment_share),
    ):
        _check_share(name, share)
    if abandon_share + late_share > 1.0:
        raise ValueError("abandon_share + late_share cannot pass 1")
    if families < 0 or children_per_family < 1.0:
        raise ValueError("families >= 0 and children_per_family >= 1")
    rng = random.Random(seed)
    cat = _Catalogue(catalogue, rng)
    drafts = [
        _family(rng, cat, children_per_family, popular_share, password, seed, i)
        for i in range(families)
    ]
    plans = [
        _with_behaviour(
            rng, plan, draw, abandon_share, late_share, remove_share, two_instalment_share
        )
        for plan, draw in drafts
    ]
    plans.sort(key=lambda p: (p.arrival_s, p.key))
    return Trace(
        sale_id=sale_ids.pop(),
        seed=seed,
        parameters={
            "families": families,
            "children_per_family": children_per_family,
            "popular_share": popular_share,
            "abandon_share": abandon_share,
            "late_share": late_share,
            "remove_share": remove_share,
            "two_instalment_share": two_instalment_share,
            "popular_group_ids": sorted(cat.popular),
            "age_reference_date": cat.age_reference.isoformat(),
        },
        created_at=created_at or dt.datetime.now(dt.UTC).replace(microsecond=0),
        families=plans,
    )


# -- files ---------------------------------------------------------------------------------------

_encoder = msgspec.json.Encoder()
_header_decoder = msgspec.json.Decoder(TraceHeader)
_plan_decoder = msgspec.json.Decoder(FamilyPlan)


def write_trace(trace: Trace, path: Path | str) -> None:
    """Header line, then one family per line."""
    with Path(path).open("wb") as out:
        out.write(_encoder.encode(trace.header) + b"\n")
        for plan in trace.families:
            out.write(_encoder.encode(plan) + b"\n")


def read_header(path: Path | str) -> TraceHeader:
    with Path(path).open("rb") as lines:
        header = _header_decoder.decode(lines.readline())
    if header.format != TRACE_FORMAT:
        raise ValueError(f"{path} is a {header.format!r} file, not {TRACE_FORMAT!r}")
    return header


def iter_plans(path: Path | str) -> Iterator[FamilyPlan]:
    """The families of a trace one at a time, in file order."""
    with Path(path).open("rb") as lines:
        lines.readline()
        for line in lines:
            if line.strip():
                yield _plan_decoder.decode(line)


def read_trace(path: Path | str) -> Trace:
    header = read_header(path)
    return Trace(
        sale_id=header.sale_id,
        seed=header.seed,
        parameters=header.parameters,
        created_at=header.created_at,
        families=list(iter_plans(path)),
    )


class TraceRecorder:
    """Appends families as they finish to a trace file that replays like a generated one.

    The header is written when the file is new; a lock keeps lines whole when several users of
    one process finish at once (each locust worker records to its own file).
    """

    def __init__(self, path: Path | str, header: TraceHeader) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        with self._lock, self.path.open("ab") as out:
            if out.tell() == 0:
                out.write(_encoder.encode(header) + b"\n")

    def record(self, plan: FamilyPlan) -> None:
        line = _encoder.encode(plan) + b"\n"
        with self._lock, self.path.open("ab") as out:
            out.write(line)


# -- command line --------------------------------------------------------------------------------


def _summary(trace: Trace) -> str:
    behaviours: dict[str, int] = {}
    for plan in trace.families:
        behaviours[plan.behaviour] = behaviours.get(plan.behaviour, 0) + 1
    children = sum(len(p.children) for p in trace.families)
    items = sum(len(w) for p in trace.families for w in p.wants)
    before = sum(1 for p in trace.families if p.arrival_s < 0)
    return (
        f"sale {trace.sale_id}, seed {trace.seed}: {len(trace.families)} families, "
        f"{children} children, {items} places wanted, {before} arrive before opening; "
        + ", ".join(f"{k} {v}" for k, v in sorted(behaviours.items()))
    )


def _generate(args: argparse.Namespace) -> None:
    # Imported here: the database side is only needed to read the catalogue.
    from loadtests.seed_families import load_catalogue_from_settings

    catalogue = load_catalogue_from_settings(args.sale)
    trace = generate_trace(
        catalogue,
        args.families,
        args.children_per_family,
        args.popular_share,
        args.abandon_share,
        args.late_share,
        args.seed,
        remove_share=args.remove_share,
    )
    write_trace(trace, args.output)
    print(f"{args.output}: {_summary(trace)}")


def _seed(args: argparse.Namespace) -> None:
    from loadtests.seed_families import seed_trace_file

    print(f"seeded {seed_trace_file(args.trace)} families of {args.trace}")


def _show(args: argparse.Namespace) -> None:
    print(_summary(read_trace(args.trace)))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m loadtests.traces", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="a trace from a sale's catalogue in Postgres")
    generate.add_argument("--sale", type=int, default=1)
    generate.add_argument("--families", type=int, default=2000)
    generate.add_argument("--children-per-family", type=float, default=1.6)
    generate.add_argument("--popular-share", type=float, default=0.7)
    generate.add_argument("--abandon-share", type=float, default=0.1)
    generate.add_argument("--late-share", type=float, default=0.1)
    generate.add_argument("--remove-share", type=float, default=0.1)
    generate.add_argument("--seed", type=int, default=1)
    generate.add_argument("-o", "--output", type=Path, default=Path("trace.jsonl"))
    generate.set_defaults(run=_generate)
    seed = commands.add_parser("seed", help="insert a trace's families into Postgres")
    seed.add_argument("trace", type=Path)
    seed.set_defaults(run=_seed)
    show = commands.add_parser("show", help="summarise a trace")
    show.add_argument("trace", type=Path)
    show.set_defaults(run=_show)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
