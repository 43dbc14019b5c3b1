"""One run per output folder: the lock, its release however the holder ends, and what a second
run is told."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from pipeline.run import EXIT_OUTPUT_IN_USE, SerialExecutor, run_incremental
from pipeline.store.lock import LOCK_FILE, OutputInUse, output_lock
from tests.conftest import ROOT

HOLD = """
import sys, time
from pipeline.store.lock import output_lock
with output_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_second_holder_is_refused_with_the_holders_pid(tmp_path):
    with output_lock(tmp_path / "out"):
        with (pytest.raises(OutputInUse, match=rf"process {os.getpid()}") as refused,
              output_lock(tmp_path / "out")):
            pass
        assert refused.value.holder == os.getpid()
    with output_lock(tmp_path / "out"):  # released at the end of the block
        pass
    assert (tmp_path / "out" / LOCK_FILE).exists()


def test_a_killed_holder_leaves_the_folder_free(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(OutputInUse, match=rf"process {holder.pid}"), output_lock(tmp_path):
            pass
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
    finally:
        if holder.poll() is None:
            holder.kill()
    with output_lock(tmp_path):
        pass


def test_run_incremental_refuses_a_folder_in_use_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    with output_lock(out), pytest.raises(OutputInUse):
        run_incremental(ROOT / "raw", out, executor=SerialExecutor())
    assert sorted(p.name for p in out.iterdir()) == [LOCK_FILE]


def test_the_run_command_exits_with_its_own_status_and_says_who_holds_the_folder(tmp_path):
    out = tmp_path / "out"
    with output_lock(out):
        done = subprocess.run(
            [sys.executable, "-m", "pipeline", "run", str(ROOT / "raw"), "--out", str(out),
             "--quiet"],
            capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
        )
    assert done.returncode == EXIT_OUTPUT_IN_USE
    assert f"is in use by another run (process {os.getpid()})" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in out.iterdir()) == [LOCK_FILE]  # refused before any work
