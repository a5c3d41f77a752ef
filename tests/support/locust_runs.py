"""Locust as the load tests run it: a process of its own (`python -m loadtests.run`), since
locust patches the standard library with gevent, which a test process must not get."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

__all__ = ["requests_named", "run_locust"]


async def run_locust(env: dict[str, str], base_url: str, within_s: float) -> dict[str, Any]:
    """Play the trace `env` names against `base_url`; the run's JSON summary, its output in
    `output`."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "loadtests.run",
        "--host",
        base_url,
        "--timeout",
        str(within_s),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), within_s + 60)
    text = output.decode()
    assert process.returncode == 0, text
    summary: dict[str, Any] = json.loads(text.strip().splitlines()[-1])
    summary["output"] = text
    return summary


def requests_named(summary: dict[str, Any], name: str) -> int:
    return sum(e["requests"] for key, e in summary["requests"].items() if key.endswith(f" {name}"))
