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


SCENARIOS = {
    # Ctrl-C: the terminal signals the whole foreground process group.
    "ctrl-c": (signal.SIGINT, True, 130),
    # kill, or a service manager stopping the main process.
    "sigterm": (signal.SIGTERM, False, 143),
}


class Run:
    """A ``run`` over a changed corpus, into a folder with previous outputs, to be signalled."""

    def __init__(self, folder: Path) -> None:
        self.source, self.out = folder / "in", folder / "out"
        for seed in RAW.iterdir():
            (self.source / seed.name).parent.mkdir(parents=True, exist_ok=True)
            (self.source / seed.name).write_bytes(seed.read_bytes())
        run(self.source, self.out)  # the previous outputs
        self.before, self.stored_before = published(self.out), checkpoints(self.out)
        corpus_of_copies(self.source, COPIES)
        env = {name: value for name, value in os.environ.items() if name != "PREFECT_API_URL"}
        # A Prefect home each: two temporary servers on one SQLite database wait on its lock.
        env["PREFECT_HOME"] = str(folder / "prefect-home")
        self.log = folder / "stderr.txt"  # a file, not a pipe: nothing blocks the run
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pipeline", "run", str(self.source), "--out",
                 str(self.out), "--batch-size", "2"],
                stdout=subprocess.DEVNULL, stderr=log, env=env, cwd=ROOT,
                start_new_session=True,  # a group of its own, as a shell gives a foreground job
            )
        self.sent: float | None = None

    def checkpointed(self) -> int:
        return len(checkpoints(self.out) - self.stored_before)

    def signal(self, signum: int, to_group: bool) -> None:
        (os.killpg if to_group else os.kill)(self.process.pid, signum)
        self.sent = time.monotonic()

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def test_a_signal_stops_the_run_in_seconds_and_the_next_run_resumes(tmp_path):
    # Both runs at once: each spends most of its time starting its temporary server.
    runs = {name: Run(tmp_path / name) for name in SCENARIOS}
    ended: dict[str, tuple[float, str]] = {}
    try:
        deadline = time.monotonic() + 300
        while len(ended) < len(runs):
            assert time.monotonic() < deadline, "no checkpoint in 300 s, or no exit"
            for name, job in runs.items():
                if job.sent is None and job.checkpointed() >= 2:
                    assert job.process.poll() is None, f"{name}: the run ended before the signal"
                    job.signal(*SCENARIOS[name][:2])
                elif job.sent is not None and name not in ended and job.process.poll() is not None:
                    ended[name] = (time.monotonic() - job.sent, job.log.read_text())
            time.sleep(0.05)
    finally:
        for job in runs.values():
            job.kill()

    for name, job in runs.items():
        elapsed, stderr = ended[name]
        assert job.process.returncode == SCENARIOS[name][2], stderr[-3000:]
        assert elapsed < 5, f"{name}: stopped {elapsed:.1f} s after the signal"
        assert "interrupted: the previous outputs are unchanged" in stderr
        assert "Error logging to API" not in stderr and "EventsWorker" not in stderr
        assert "View at" not in stderr  # no link to the temporary server, gone by now
        assert published(job.out) == job.before

        checkpointed = job.checkpointed()
        assert 2 <= checkpointed < COPIES
        summary = run(job.source, job.out)
        assert summary.reused == 2 + checkpointed  # the seeds, and the batches done before
        assert summary.extracted == COPIES - checkpointed
        assert published(job.out) == full_run_files(job.source, tmp_path / name)
