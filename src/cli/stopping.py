"""Stopping a command on SIGTERM as on Ctrl-C.

A container's stop, systemd and supervisors send SIGTERM. Python's default for it ends the
process on the spot: no `finally`, no context manager, no atexit, so `rush demo` left its
embedded Postgres, Valkey and worker running. Here SIGTERM takes SIGINT's path instead:
uvicorn's and arq's graceful stops while they run (both handle either signal), asyncio's
cancellation of the main task, or `KeyboardInterrupt` elsewhere; whatever the command
started is then stopped on the way out, and a stop asked for this way exits 0.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType

__all__ = ["sigterm_as_ctrl_c", "until_stopped"]


def _as_ctrl_c(signum: int, frame: FrameType | None) -> None:
    # Through the signal machinery, not `raise KeyboardInterrupt`: whoever handles SIGINT
    # right now (uvicorn, asyncio's runner, an arq loop) gets it as it would from a terminal.
    signal.raise_signal(signal.SIGINT)


def sigterm_as_ctrl_c() -> None:
    """Make SIGTERM do what SIGINT does, from now on in this process."""
    signal.signal(signal.SIGTERM, _as_ctrl_c)


@contextlib.contextmanager
def until_stopped() -> Iterator[None]:
    """Run the block until it ends or Ctrl-C or SIGTERM stops it; a stop is a normal exit.

    Wrap the whole command, its start-up included: a stop that comes while servers are
    starting still unwinds through the blocks that stop them.
    """
    previous = signal.getsignal(signal.SIGTERM)
    sigterm_as_ctrl_c()
    try:
        with contextlib.suppress(KeyboardInterrupt):
            yield
    finally:
        signal.signal(signal.SIGTERM, previous)
