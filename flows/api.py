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

The server is the one Prefect would start (uvicorn on ``prefect.server.api.server:create_app``,
as Prefect's ``SubprocessASGIServer`` runs it), started, health-checked and stopped here rather
than by subclassing ``SubprocessASGIServer``: importing that class imports Prefect's whole server
application (FastAPI routes, their schemas, the database layer) into the run's process, which
only the server subprocess needs (measured: 6.8 s of CPU on a busy 2-core machine, paid by
every ``run`` command).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import prefect
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
    PREFECT_UI_URL,
    get_current_settings,
    temporary_settings,
)

__all__ = [
    "NoSchedulingServer", "ServerDidNotStart", "TemporaryServer", "scheduling_api", "shared_api",
]

# Prefect's default (20 s) is short for a cold start on a busy small machine: a first start
# creates and migrates the SQLite database.
MIN_STARTUP_TIMEOUT = 90
# How long the last logs and events may take to reach the server before it is stopped.
DRAIN_SECONDS = 2
# How long the server gets to exit on SIGTERM before it is killed. Prefect waits 5 s, and the
# server used them all (it waits for the run's open connections): 5 s more on every run.
# Killing it loses nothing: the run is recorded, and SQLite's journal keeps its file whole.
STOP_SECONDS = 1
# Seconds between two health checks while a server starts.
_POLL_SECONDS = 0.1
# Launches on another port when the free port found was taken before the server bound it.
_MAX_RELAUNCHES = 3


class ServerDidNotStart(RuntimeError):
    """A server subprocess exited, or did not answer ``/health``, while starting."""


class _LocalServer:
    """A Prefect API server in a subprocess of its own process group, on a free local port.

    ``launch`` starts it and returns at once (the caller can do other work while it starts);
    ``wait_until_healthy`` returns when it answers. One health check for both servers of this
    module (the run's temporary one and ``serve``'s scheduling one)."""

    def __init__(self) -> None:
        self.port: int | None = None
        self.process: subprocess.Popen | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _popen(self, port: int) -> subprocess.Popen:
        raise NotImplementedError

    def launch(self) -> None:
        self.port = _free_port()
        self.process = self._popen(self.port)

    def wait_until_healthy(self, timeout: float) -> None:
        """Return once the server answers ``/health``. A server that exited because its free
        port was taken between our probe and its bind is launched again on another port.
        ``ServerDidNotStart`` (the server stopped first) when it exits otherwise or does not
        answer within ``timeout`` seconds."""
        import httpx  # Prefect's own HTTP client, already loaded by Prefect

        deadline = time.monotonic() + timeout
        relaunches = 0
        try:
            with httpx.Client(timeout=2) as client:
                while True:
                    if (status := self.process.poll()) is not None:
                        if relaunches == _MAX_RELAUNCHES or not _port_taken(self.port):
                            raise ServerDidNotStart(f"it exited with status {status}")
                        relaunches += 1
                        self.launch()  # the free port was taken meanwhile: another one
                    try:
                        if client.get(f"{self.api_url}/health").status_code == 200:
                            return
                    except httpx.HTTPError:
                        pass
                    if time.monotonic() >= deadline:
                        raise ServerDidNotStart(f"it did not answer within {timeout:.0f} s")
                    time.sleep(_POLL_SECONDS)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        raise NotImplementedError


class TemporaryServer(_LocalServer):
    """Prefect's temporary API server."""

    def _popen(self, port: int) -> subprocess.Popen:
        # Prefect's own command and environment (SubprocessASGIServer._run_uvicorn_command),
        # plus process_group=0: a Ctrl-C on the terminal reaches the run, which stops the
        # server after sending its last logs, and not the server first.
        return subprocess.Popen(
            args=[sys.executable, "-m", "uvicorn", "--app-dir",
                  str(Path(prefect.__file__).parent.parent), "--factory",
                  "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port",
                  str(port), "--log-level", "error", "--lifespan", "on"],
            env={**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                 "PREFECT__SERVER_FINAL": "1",
                 **get_current_settings().to_environment_variables(exclude_unset=True)},
            stdin=subprocess.DEVNULL,
            process_group=0,
        )

    def stop(self) -> None:
        if (process := self.process) is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.process = None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _port_taken(port: int) -> bool:
    """Whether another process now listens on ``port``."""
    with socket.socket() as probe:
        # Connections of the server that exited, left in TIME_WAIT, do not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
        return False


def _drain_logs_and_events() -> None:
    """Send what Prefect's background workers still hold, while the server is up."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=DRAIN_SECONDS)
    EventsWorker.drain_all(timeout=DRAIN_SECONDS)


@contextmanager
def _process_wide_settings(overrides: dict) -> Iterator[None]:
    """``temporary_settings`` for every thread of the process, not only this one's context.

    ``temporary_settings`` sets a context variable, which threads started with
    ``threading.Thread`` do not inherit: they read Prefect's global settings, made from the
    environment when Prefect was imported (before the server existed). Such a thread (the
    process runner's message forwarder, which sends the worker processes' events on) then found
    no API URL and started Prefect's own ephemeral server in the run's process group: a second
    server on every ``--runner process`` run, left running after the run when a worker was
    killed (the run exited while the forwarder still waited for it). So for the run's duration
    the global settings carry the API URL too, as Prefect's own test harness does.
    """
    import prefect.context

    with temporary_settings(overrides):
        previous = prefect.context.GLOBAL_SETTINGS_CONTEXT
        prefect.context.GLOBAL_SETTINGS_CONTEXT = prefect.context.SettingsContext.get()
        try:
            yield
        finally:
            prefect.context.GLOBAL_SETTINGS_CONTEXT = previous


@contextmanager
def shared_api(while_starting: Callable[[], object] | None = None) -> Iterator[str]:
    """Yield the API URL every process of the run uses, starting a temporary server if none
    (stopped at the end of the block).

    ``while_starting``: work that needs no API (the run's imports, its spaCy pipeline), done
    while the server starts, in the seconds it would otherwise only wait (the server is a
    subprocess: on a machine of two cores or more both go on at once)."""
    url = PREFECT_API_URL.value()
    if url:
        if while_starting is not None:
            while_starting()
        yield url
        return
    server = TemporaryServer()
    server.launch()
    try:
        if while_starting is not None:
            while_starting()
        server.wait_until_healthy(max(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value(),
                                      MIN_STARTUP_TIMEOUT))
    except ServerDidNotStart as exc:
        raise ServerDidNotStart(f"Prefect's temporary API server did not start: {exc}") \
            from None
    except BaseException:
        server.stop()
        raise
    # An empty UI URL: the flow engine prints no "View at" link to a server that is gone when
    # the command exits.
    overrides = {"PREFECT_API_URL": server.api_url, "PREFECT_UI_URL": ""}
    previous = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    try:
        with _process_wide_settings({PREFECT_API_URL: server.api_url, PREFECT_UI_URL: ""}):
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
    from prefect.settings import PREFECT_HOME

    server = _SchedulingServer(PREFECT_HOME.value() / "serve-server.log")
    server.launch()
    try:
        server.wait_until_healthy(SERVER_STARTUP_SECONDS)
    except ServerDidNotStart as exc:
        raise NoSchedulingServer(
            f"PREFECT_API_URL is not set and the local Prefect server this command starts in "
            f"its place did not come up ({exc}; its log: {server.log_path}). Start a server "
            "(`prefect server start`) and set PREFECT_API_URL, e.g. "
            "PREFECT_API_URL=http://127.0.0.1:4200/api") from None
    url, pid = server.api_url, server.process.pid
    try:
        previous = os.environ.get("PREFECT_API_URL")
        os.environ["PREFECT_API_URL"] = url  # the served runs' subprocesses report here
        try:
            with temporary_settings({PREFECT_API_URL: url}):
                yield url, pid
        finally:
            if previous is None:
                os.environ.pop("PREFECT_API_URL", None)
            else:
                os.environ["PREFECT_API_URL"] = previous
    finally:
        server.stop()


class _SchedulingServer(_LocalServer):
    """``prefect server start`` (with its scheduler), logging to ``log_path``."""

    def __init__(self, log_path: Path) -> None:
        super().__init__()
        self.log_path = log_path

    def _popen(self, port: int) -> subprocess.Popen:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                 "--port", str(port)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"},
                process_group=0,
            )

    def stop(self) -> None:
        if self.process is not None:
            _stop_group(self.process)
            self.process = None


def _stop_group(server: subprocess.Popen) -> None:
    """SIGTERM to the server's process group; SIGKILL to whatever is left of it after 10 s."""
    import signal

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
