"""One Prefect API for the driver and its worker processes.

Without ``PREFECT_API_URL``, Prefect starts a temporary ("ephemeral") API server in the process
that first needs one. Process-pool and Dask workers are other processes: each would start its
own server (slow to start: docs/benchmark.md, "Task runners"; and their task runs would be
invisible to the flow run's). So before a run we start the one temporary server ourselves and
hand its URL to the workers through the settings (which the process runner and prefect-dask
pass on) and the environment (which a Dask ``LocalCluster``'s worker processes inherit). With
``PREFECT_API_URL`` set (a Prefect server, the test harness), nothing is started.

The temporary server is ours to stop: it runs in a process group of its own, so a Ctrl-C on the
terminal reaches the run and not the server, and the run sends its last logs and events before
stopping it (a server that died first had the run retry them for minutes). It has no UI, so
no "View at" link is printed for it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

import prefect
from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
    PREFECT_UI_URL,
    get_current_settings,
    temporary_settings,
)

__all__ = ["NoSchedulingServer", "scheduling_api", "shared_api"]

# Prefect's default (20 s) is short for a cold start on a busy small machine: a first start
# creates and migrates the SQLite database.
MIN_STARTUP_TIMEOUT = 90
# How long the last logs and events may take to reach the server before it is stopped.
DRAIN_SECONDS = 2
# How long the server gets to exit on SIGTERM before it is killed. Prefect waits 5 s, and the
# server used them all (it waits for the run's open connections): 5 s more on every run.
# Killing it loses nothing: the run is recorded, and SQLite's journal keeps its file whole.
STOP_SECONDS = 1


class _TemporaryServer(SubprocessASGIServer):
    """Prefect's temporary API server, started in a process group of its own."""

    # Not Prefect's singleton, which Prefect may start by itself and stop only at exit.
    _instances: ClassVar[dict] = {}

    def stop(self) -> None:
        if (process := self.server_process) is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        super().stop()  # Prefect's bookkeeping; the process has exited

    def _run_uvicorn_command(self) -> subprocess.Popen:
        # Prefect's own command (prefect.server.api.server), plus process_group=0.
        return subprocess.Popen(
            args=[sys.executable, "-m", "uvicorn", "--app-dir",
                  str(prefect.__module_path__.parent), "--factory",
                  "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port",
                  str(self.port), "--log-level", "error", "--lifespan", "on"],
            env={**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                 "PREFECT__SERVER_FINAL": "1",
                 **get_current_settings().to_environment_variables(exclude_unset=True)},
            process_group=0,
        )


def _drain_logs_and_events() -> None:
    """Send what Prefect's background workers still hold, while the server is up."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=DRAIN_SECONDS)
    EventsWorker.drain_all(timeout=DRAIN_SECONDS)


@contextmanager
def shared_api() -> Iterator[str]:
    """Yield the API URL every process of the run uses, starting a temporary server if none
    (stopped at the end of the block)."""
    url = PREFECT_API_URL.value()
    if url:
        yield url
        return
    server = _TemporaryServer()
    server.start(timeout=max(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value(),
                             MIN_STARTUP_TIMEOUT))
    # An empty UI URL: the flow engine prints no "View at" link to a server that is gone when
    # the command exits.
    overrides = {"PREFECT_API_URL": server.api_url, "PREFECT_UI_URL": ""}
    previous = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    try:
        with temporary_settings({PREFECT_API_URL: server.api_url, PREFECT_UI_URL: ""}):
            try:
                yield server.api_url
            finally:
                _drain_logs_and_events()
    finally:
        server.stop()
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class NoSchedulingServer(RuntimeError):
    """``serve`` has no Prefect API with a scheduler to register its deployment with."""


# `serve` waits this long for the local server it starts (a first start creates the database).
SERVER_STARTUP_SECONDS = 120


@contextmanager
def scheduling_api() -> Iterator[tuple[str, int | None]]:
    """Yield the URL of a Prefect API whose scheduler creates the runs of a served deployment,
    and the pid of the server started for it (None for the server of ``PREFECT_API_URL``).

    ``PREFECT_API_URL`` when it is set. Otherwise a local ``prefect server start`` (the
    temporary server has no scheduler, so a schedule served on it never fires), started here in
    a process group of its own, on a free port, logging to ``PREFECT_HOME/serve-server.log``,
    and stopped with its whole group at the end of the block. ``NoSchedulingServer`` when it does
    not come up.
    """
    url = PREFECT_API_URL.value()
    if url:
        yield url, None
        return
    import signal
    import socket

    import httpx
    from prefect.settings import PREFECT_HOME

    with socket.socket() as probe:  # a free port, as Prefect finds one for its own server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api"
    log_path = PREFECT_HOME.value() / "serve-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
             "--port", str(port)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "PREFECT_API_URL": url}, process_group=0,
        )
    try:
        _wait_until_healthy(server, url, log_path, httpx)
        previous = os.environ.get("PREFECT_API_URL")
        os.environ["PREFECT_API_URL"] = url  # the served runs' subprocesses report here
        try:
            with temporary_settings({PREFECT_API_URL: url}):
                yield url, server.pid
        finally:
            if previous is None:
                os.environ.pop("PREFECT_API_URL", None)
            else:
                os.environ["PREFECT_API_URL"] = previous
    finally:
        _stop_group(server, signal)


def _wait_until_healthy(server: subprocess.Popen, url: str, log_path, httpx) -> None:
    import time

    deadline = time.monotonic() + SERVER_STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    why = (f"it exited with status {server.returncode}" if server.poll() is not None
           else f"it did not answer in {SERVER_STARTUP_SECONDS} s")
    raise NoSchedulingServer(
        f"PREFECT_API_URL is not set and the local Prefect server this command starts in its "
        f"place did not come up ({why}; its log: {log_path}). Start a server "
        "(`prefect server start`) and set PREFECT_API_URL, e.g. "
        "PREFECT_API_URL=http://127.0.0.1:4200/api")


def _stop_group(server: subprocess.Popen, signal) -> None:
    """SIGTERM to the server's process group; SIGKILL to whatever is left of it after 10 s."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(server.pid, signal.SIGKILL)  # its children, if any outlived it
    except ProcessLookupError:
        pass
    server.wait()
