"""`rush bench`: benchmarks that print figures and a last JSON line, never assert times."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from cli.settings import local_settings, run
from rush.dev.servers import running_servers

__all__ = ["bench"]


@click.group()
def bench() -> None:
    """Benchmarks that print figures and a last JSON line."""


@bench.command("engine")
@click.option("--seconds", type=float, default=10.0, help="Duration of each measured phase.")
@click.option("--concurrency", type=int, default=64, help="Concurrent clients.")
@click.option(
    "--cluster",
    is_flag=True,
    help="Holds/s on local Valkey Clusters of 1 and 3 shards, fed by 1, 2, 4 client processes.",
)
@click.option(
    "--client-processes",
    default="1,2,4",
    show_default=True,
    help="With --cluster: the client process counts to try, comma-separated.",
)
def bench_engine(seconds: float, concurrency: int, cluster: bool, client_processes: str) -> None:
    """Redis holds/s against the classic Postgres hold, same run, same concurrency."""
    from rush.dev.bench.engine import run_engine_bench

    if cluster:
        from rush.dev.bench.cluster import run_cluster_bench

        counts = [int(count) for count in client_processes.split(",") if count.strip()]
        run_cluster_bench(seconds, concurrency, client_counts=counts)
        return

    settings = local_settings()
    with running_servers(settings.database_url, settings.redis_url, None) as urls:
        run(
            run_engine_bench(
                urls.database_url,
                urls.redis_url,
                seconds,
                concurrency,
                pooler=settings.database_pooler,
            )
        )


@bench.command("rush")
@click.option("--families", type=int, default=2000, help="Families in the generated trace.")
@click.option("--web-processes", type=int, default=2, help="Web processes (uvicorn workers).")
@click.option("--workers", type=int, default=1, help="arq worker processes.")
@click.option("--speed", type=float, default=30.0, help="Trace seconds per real second.")
@click.option("--seed", type=int, default=1, help="Seed of the trace.")
@click.option(
    "--admit-seconds",
    type=float,
    default=30.0,
    help="The fixed pace admits every family within about this many real seconds; with "
    "self-pacing, the highest rate it may reach.",
)
@click.option(
    "--self-pacing/--fixed-pace",
    default=True,
    show_default=True,
    help="The sale paces itself from a rate derived from the measured cost of a hold, as a "
    "new sale does; or keeps the fixed pace of --admit-seconds.",
)
@click.option("--ceiling-seconds", type=float, default=10.0, help="Length of each ceiling phase.")
@click.option("--ceiling-users", type=int, default=None, help="Default: the rush's peak.")
@click.option("--profile-dir", type=click.Path(path_type=Path), default=None, help="py-spy.")
@click.option(
    "--server",
    type=click.Choice(["uvicorn", "granian"]),
    default="uvicorn",
    show_default=True,
    help="The ASGI server of the web processes.",
)
@click.option(
    "--purchase-processes",
    type=int,
    default=0,
    show_default=True,
    help="Web processes of a second pool for the purchase path (cart, checkout, payment, "
    "order), as a path-routing load balancer would use; 0 for one pool.",
)
@click.option(
    "--front-nice",
    type=click.IntRange(0, 19),
    default=0,
    show_default=True,
    help="CPU niceness of the front pool when the purchase path has its own, so the shared "
    "cores favour the admitted families as machines of their own would.",
)
def bench_rush(
    families: int,
    web_processes: int,
    workers: int,
    speed: float,
    seed: int,
    admit_seconds: float,
    self_pacing: bool,
    ceiling_seconds: float,
    ceiling_users: int | None,
    profile_dir: Path | None,
    server: str,
    purchase_processes: int,
    front_nice: int,
) -> None:
    """An opening morning on K web processes and W workers, audited, against the trivial
    endpoint of the same app in the same run."""
    from loadtests.bench_rush import RushBenchOptions, run_rush_bench

    options = RushBenchOptions(
        families=families,
        web_processes=web_processes,
        workers=workers,
        speed=speed,
        seed=seed,
        admit_seconds=admit_seconds,
        self_pacing=self_pacing,
        ceiling_seconds=ceiling_seconds,
        ceiling_users=ceiling_users,
        profile_dir=profile_dir,
        server=server,
        purchase_processes=purchase_processes,
        front_nice=front_nice,
    )
    with contextlib.suppress(KeyboardInterrupt):
        run_rush_bench(options, runner=run)
