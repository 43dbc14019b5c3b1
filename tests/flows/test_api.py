"""The run's own temporary Prefect API server (``flows.api.shared_api``), for real."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import httpx
import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

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
