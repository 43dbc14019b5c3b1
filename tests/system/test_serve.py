"""``serve`` with no ``PREFECT_API_URL``: it starts a local Prefect server with its scheduler,
the interval deployment fires, and the server goes with the command; or it refuses with a
message naming ``PREFECT_API_URL``."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import httpx
import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

import flows.api
from pipeline.cli import main
from tests.conftest import RAW, ROOT


@pytest.mark.slow
def test_a_served_interval_deployment_fires_on_the_server_serve_starts(tmp_path):
    env = {name: value for name, value in os.environ.items() if name != "PREFECT_API_URL"}
    env.update({
        "PREFECT_HOME": str(tmp_path / "home"),
        # Shorter loops than the defaults (60 s and 10 s), so two runs fire within the test.
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",
    })
    out, log = tmp_path / "out", tmp_path / "serve.log"
    with open(log, "wb") as sink:
        serve = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "serve", str(RAW), "--out", str(out),
             "--interval", "5"],
            stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
            start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        serving = None
        while serving is None:
            assert serve.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            serving = re.search(r"on (http://127\.0\.0\.1:\d+/api) \(a local Prefect server, "
                                r"pid (\d+)", log.read_text())
            time.sleep(0.5)
        api, server_pid = serving.group(1), int(serving.group(2))

        completed: list = []
        while len(completed) < 2:
            assert serve.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, f"{len(completed)} runs in 300 s"
            time.sleep(2)
            completed = httpx.post(f"{api}/flow_runs/filter", json={
                "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}}, timeout=10).json()
        assert {run["deployment_id"] for run in completed} != {None}
        assert sorted(p.name for p in (out / "json").iterdir()) == [
            "000_a130407e5d50b46e.json", "001_76cd40ea1d91c0ad.json"]

        serve.send_signal(signal.SIGINT)  # Ctrl-C
        serve.wait(timeout=60)
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
    with pytest.raises(ProcessLookupError):  # the server and its whole group are gone
        os.killpg(server_pid, 0)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{api}/health", timeout=5)


def test_serve_refuses_when_no_server_comes_up(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(flows.api, "SERVER_STARTUP_SECONDS", 0)  # never waits for it
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        assert main(["serve", str(RAW), "--out", str(tmp_path / "out"), "--interval", "60"]) == 1
    refusal = capsys.readouterr().err
    assert refusal.startswith("serve refused: PREFECT_API_URL is not set")
    assert "set PREFECT_API_URL" in refusal and "serve-server.log" in refusal
