"""What a person at a terminal sees from ``run``: with ``--quiet`` the summary and nothing else
(no Prefect banner, no analytics notice, no temporary-server lines), on a fresh ``PREFECT_HOME``
and outside the project folder (so pyproject's Prefect defaults do not apply)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import RAW

NOTICE = "collects anonymous usage data"


def terminal_env(home: Path) -> dict[str, str]:
    """The environment of a new user: a fresh Prefect home, no server, no opt-out of analytics
    and no CI variable (Prefect turns its analytics off in CI)."""
    from prefect._internal.analytics.ci_detection import CI_ENV_VARS

    env = {name: value for name, value in os.environ.items()
           if name not in CI_ENV_VARS and name != "DO_NOT_TRACK"
           and not name.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(home)
    return env


def on_terminal(argv: list[str], env: dict[str, str], cwd: Path,
                timeout: float = 300) -> tuple[int, str]:
    """Run ``argv`` with a pseudo-terminal as its stdout and stderr; (exit status, output)."""
    master, slave = pty.openpty()
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                               env=env, cwd=cwd)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every holder of the terminal has closed it
                break
            if not data:
                break
            chunks.append(data)
        return process.wait(timeout=max(deadline - time.monotonic(), 1)), \
            b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)


def test_prefect_would_show_its_analytics_notice_here(tmp_path):
    # The control: the environment below is one where Prefect prints its notice on import.
    status, shown = on_terminal([sys.executable, "-c", "import prefect"],
                                terminal_env(tmp_path / "home"), tmp_path, timeout=120)
    assert status == 0 and NOTICE in shown


@pytest.mark.slow
def test_quiet_prints_the_summary_only(tmp_path):
    status, shown = on_terminal(
        [sys.executable, "-m", "pipeline", "run", str(RAW), "--out", str(tmp_path / "out"),
         "--quiet"], terminal_env(tmp_path / "home"), tmp_path)
    assert status == 0, shown
    lines = shown.strip("\n").splitlines()
    assert lines[0].startswith("documents read:    2"), shown
    assert lines[-10] == "rows per table:" and lines[-1].split() == ["errors", "0"], shown
    assert len(lines) == 17, shown


@pytest.mark.slow
@pytest.mark.parametrize("runner", ["process", "dask"])
def test_quiet_reaches_worker_processes(tmp_path, runner):
    # Workers set up their own logging, and Dask's scheduler logs apart: no INFO line.
    status, shown = on_terminal(
        [sys.executable, "-m", "pipeline", "run", str(RAW), "--out", str(tmp_path / "out"),
         "--runner", runner, "--workers", "1", "--quiet"],
        terminal_env(tmp_path / "home"), tmp_path)
    assert status == 0, shown
    assert "| INFO" not in shown, shown
    assert "documents read:    2" in shown, shown
