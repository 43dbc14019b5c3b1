"""Prefect flows: orchestration only; the work lives in ``pipeline``.

This file imports nothing but ``os``, so the command line reads the runner names from here
without loading Prefect.
"""

import os

__all__ = ["DEFAULT_RUNNER", "RUNNERS"]

# Project defaults, overridable from the environment or a Prefect profile:
# - no analytics: none from the embedded server (also in pyproject's [tool.prefect], which
#   Prefect reads only when run from the project folder), and none from the client, whose
#   first import on a terminal otherwise prints a "collects anonymous usage data" notice (the
#   client reads only DO_NOT_TRACK; set here, before any module imports Prefect);
# - embedded (ephemeral) server when no PREFECT_API_URL is set, so `make run` needs no server;
# - a start-up allowance above Prefect's 20 s: on a loaded 2-core machine the temporary server
#   has been seen to take longer, and a timeout there fails the whole run.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_ENABLED", "true")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

# Where the batches of a run can run (flows.runners.make_task_runner builds each).
RUNNERS = ("thread", "process", "dask")
# Threads: measured fastest on one 2-core machine, because a worker process's start-up
# outweighs what a second core gains (figures in docs/benchmark.md, "Task runners").
DEFAULT_RUNNER = "thread"
