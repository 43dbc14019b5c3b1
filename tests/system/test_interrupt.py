"""Ctrl-C and SIGTERM during ``python -m pipeline run`` with no Prefect server: a real signal to
a real run (its own temporary server, the thread runner) while it extracts. The run stops within
5 s with exit status 130 or 143, the previous outputs are untouched, and the next run reuses
the batches checkpointed before the signal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import RAW, ROOT
from tests.store.test_incremental import full_run_files, published, run

pytestmark = pytest.mark.slow

COPIES = 60  # enough that extraction is still going when the first batches are checkpointed


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory) -> Path:
    """One Prefect home for the module's runs: its database is created once."""
    return tmp_path_factory.mktemp("prefect-home")


def corpus_of_copies(folder: Path, count: int) -> Path:
    """``count`` variants of the seeds (years changed, so no two documents are the same)."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted(RAW.iterdir())
    for number in range(count):
        text = seeds[number % 2].read_text(encoding="utf-8")
        (folder / f"copy{number:03d}.txt").write_text(
            text.replace("19", str(10 + number % 80), 3), encoding="utf-8")
    return folder


def checkpoints(out: Path) -> set[str]:
    results = out / ".state" / "results"
    return {p.name for p in results.glob("*.json")} if results.is_dir() else set()


@pytest.mark.parametrize("signum, to_group, status", [
    (signal.SIGINT, True, 130),  # Ctrl-C: the terminal signals the whole foreground group
    (signal.SIGTERM, False, 143),  # kill, or a service manager stopping the main process
], ids=["ctrl-c", "sigterm"])
def test_a_signal_stops_the_run_in_seconds_and_the_next_run_resumes(
    tmp_path, prefect_home, signum, to_group, status
):
    source, out = tmp_path / "in", tmp_path / "out"
    for seed in RAW.iterdir():
        (source / seed.name).parent.mkdir(parents=True, exist_ok=True)
        (source / seed.name).write_bytes(seed.read_bytes())
    run(source, out)  # the previous outputs
    before, stored_before = published(out), checkpoints(out)
    corpus_of_copies(source, COPIES)

    env = {name: value for name, value in os.environ.items() if name != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(prefect_home)
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", str(source), "--out", str(out),
         "--batch-size", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
        start_new_session=True,  # a group of its own, as a shell gives a foreground job
    )
    try:
        deadline = time.monotonic() + 300
        while len(checkpoints(out) - stored_before) < 2 and process.poll() is None:
            assert time.monotonic() < deadline, "the run checkpointed nothing in 300 s"
            time.sleep(0.1)
        assert process.poll() is None, "the run ended before the signal"
        (os.killpg if to_group else os.kill)(process.pid, signum)
        sent = time.monotonic()
        _, stderr = process.communicate(timeout=120)
        elapsed = time.monotonic() - sent
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    assert process.returncode == status, stderr[-3000:]
    assert elapsed < 5, f"stopped {elapsed:.1f} s after the signal"
    assert "interrupted: the previous outputs are unchanged" in stderr
    assert "Error logging to API" not in stderr and "EventsWorker" not in stderr
    assert "View at" not in stderr  # no link to the temporary server, gone by now
    assert published(out) == before

    checkpointed = len(checkpoints(out) - stored_before)
    assert 2 <= checkpointed < COPIES
    summary = run(source, out)
    assert summary.reused == 2 + checkpointed  # the seeds, and the batches done before
    assert summary.extracted == COPIES - checkpointed
    assert published(out) == full_run_files(source, tmp_path)
