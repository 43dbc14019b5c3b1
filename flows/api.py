"""One Prefect API for the driver and its worker processes.

Without ``PREFECT_API_URL``, Prefect starts a temporary ("ephemeral") API server in the process
that first needs one. Process-pool and Dask workers are other processes: each would start its
own server (slow to start: docs/benchmark.md, "Task runners"; and their task runs would be
invisible to the flow run's). So before a run we start the one temporary server ourselves and
hand its URL to the workers through the settings (which the process runner and prefect-dask
pass on) and the environment (which a Dask ``LocalCluster``'s worker processes inherit). With
``PREFECT_API_URL`` set (a Prefect server, the test harness), nothing is started.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
    temporary_settings,
)

__all__ = ["shared_api"]

# Prefect's default (20 s) is short for a cold start on a busy small machine: a first start
# creates and migrates the SQLite database.
MIN_STARTUP_TIMEOUT = 90


@contextmanager
def shared_api() -> Iterator[str]:
    """Yield the API URL every process of the run uses, starting a temporary server if none."""
    url = PREFECT_API_URL.value()
    if url:
        yield url
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # Prefect's own singleton: get_client() reuses it
    server.start(timeout=max(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value(),
                             MIN_STARTUP_TIMEOUT))
    previous = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        with temporary_settings({PREFECT_API_URL: server.api_url}):
            yield server.api_url
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous
