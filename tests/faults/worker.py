"""`python -m tests.faults.worker`: the product's arq worker with a short job timeout.

`rush worker` keeps a dead worker's job claimed for arq's default 300 s + 10 s before another
worker retries it; a fault test cannot wait five minutes, so this worker is the same one
(`cli.processes.run_worker`, same functions and crons) with the timeout the test sets.
"""

from __future__ import annotations

import os

from cli.processes import run_worker
from rush.config import load_settings
from tests.faults.processes import JOB_TIMEOUT_ENV
from web.logs import configure_logging

if __name__ == "__main__":
    settings = load_settings()
    configure_logging(settings)
    run_worker(settings, job_timeout_s=int(os.environ.get(JOB_TIMEOUT_ENV, "300")))
