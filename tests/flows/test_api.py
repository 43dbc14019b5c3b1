"""The run's own temporary Prefect API server (``flows.api.shared_api``), for real."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import httpx
import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

import flows.api
from flows.api import shared_api
from tests.conftest import ROOT


@pytest.fixture
def no_api(tmp_path, monkeypatch):
    """No PREFECT_API_URL, and a Prefect home of the test's own."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        yield


@pytest.mark.slow
def test_every_thread_of_the_run_uses_the_server_it_starts_and_it_is_stopped(no_api):
    seen_by_thread = []
    with shared_api() as url:
        assert httpx.get(f"{url}/health", timeout=10).status_code == 200
        # A thread started without the run's context (Prefect's process-runner message
        # forwarder is one): without the URL it would start a Prefect server of its own.
        reader = threading.Thread(target=lambda: seen_by_thread.append(PREFECT_API_URL.value()))
        reader.start()
        reader.join()
        assert seen_by_thread == [url]
    assert PREFECT_API_URL.value() is None
    assert os.environ.get("PREFECT_API_URL") is None
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/health", timeout=5)


def test_the_run_process_does_not_import_prefects_server_application():
    # The server subprocess imports it; the run's process has no use for it (seconds of CPU).
    code = ("import sys, flows.api, flows.extract, flows.commands; "
            "print('prefect.server.api.server' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=True)
    assert done.stdout.strip() == "False"


# --- the health check both local servers use ------------------------------------------------

# A stand-in server: answers 200 to every GET on the port given as its argument.
HEALTHY = """
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class Ok(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", int(sys.argv[1])), Ok).serve_forever()
"""


class _StandIn(flows.api._LocalServer):
    """Runs ``script`` (with the port as its argument) in place of a Prefect server."""

    def __init__(self, script: str) -> None:
        super().__init__()
        self.script = script
        self.launched: list[int] = []

    def _popen(self, port):
        self.launched.append(port)
        return subprocess.Popen([sys.executable, "-c", self.script, str(port)])

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def test_a_server_that_exits_while_starting_is_reported_with_its_status():
    server = _StandIn("raise SystemExit(5)")
    server.launch()
    with pytest.raises(flows.api.ServerDidNotStart, match="exited with status 5"):
        server.wait_until_healthy(timeout=60)
    assert server.process is None  # stopped


def test_a_server_whose_port_was_taken_meanwhile_is_launched_on_another(monkeypatch):
    import socket

    with socket.socket() as squatter:  # takes the port found free, before the server binds it
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        ports = iter([taken])
        real_free_port = flows.api._free_port
        monkeypatch.setattr(flows.api, "_free_port", lambda: next(ports, None) or real_free_port())
        server = _StandIn(HEALTHY)
        server.launch()
        try:
            server.wait_until_healthy(timeout=60)
            assert server.launched[0] == taken and server.port != taken
            assert httpx.get(f"{server.api_url}/health", timeout=10).status_code == 200
        finally:
            server.stop()


def test_a_server_that_never_answers_times_out():
    server = _StandIn("import time; time.sleep(60)")
    server.launch()
    with pytest.raises(flows.api.ServerDidNotStart, match="did not answer within 0 s"):
        server.wait_until_healthy(timeout=0)
    assert server.process is None


def test_the_runs_own_work_is_done_while_its_server_starts(no_api, monkeypatch):
    events = []

    class Server(_StandIn):
        def __init__(self):
            super().__init__(HEALTHY)

        def launch(self):
            super().launch()
            events.append("launched")

        def wait_until_healthy(self, timeout):
            events.append("waited")
            super().wait_until_healthy(timeout)

    monkeypatch.setattr(flows.api, "TemporaryServer", Server)
    monkeypatch.setattr(flows.api, "_drain_logs_and_events", lambda: None)
    with shared_api(while_starting=lambda: events.append("prepared")) as url:
        assert httpx.get(f"{url}/health", timeout=10).status_code == 200
    assert events == ["launched", "prepared", "waited"]
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/health", timeout=5)


def test_work_that_fails_while_the_server_starts_stops_it(no_api, monkeypatch):
    servers = []

    class Server(_StandIn):
        def __init__(self):
            super().__init__(HEALTHY)
            servers.append(self)

    def broken():
        raise RuntimeError("cannot import")

    monkeypatch.setattr(flows.api, "TemporaryServer", Server)
    with pytest.raises(RuntimeError, match="cannot import"), shared_api(while_starting=broken):
        pass
    assert servers[0].process is None
