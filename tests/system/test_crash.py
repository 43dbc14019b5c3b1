"""Crash consistency: a run SIGKILLed at each phase (``pipeline.crash_points``), a worker
process killed, a full disk. After each, every published file parses, and the next run's
outputs are byte-identical to a clean full run into a fresh folder."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest

from flows import commands
from pipeline.cli import main
from pipeline.crash_points import CHUNK_STORED, PHASES
from pipeline.ingest.decoding import InputLimits
from pipeline.run import SerialExecutor, run_incremental
from pipeline.store import incremental
from tests.conftest import FIXTURES, RAW, ROOT
from tests.store.test_incremental import make_corpus, published, run

# The run without Prefect, in a process of its own so that it can be killed.
RUN = """
import sys
from pipeline.run import SerialExecutor, run_incremental
run_incremental(sys.argv[1], sys.argv[2], executor=SerialExecutor(), batch_size=1)
"""


def change(corpus) -> None:
    """The second state of the corpus: one source changed, one added, one removed."""
    harbour = corpus / "harbour.txt"
    harbour.write_text(harbour.read_text() + "\nThe series was revived in 2022.\n")
    shutil.copy(RAW / "000_a130407e5d50b46e.txt", corpus / "added.txt")
    (corpus / "eastern.txt").unlink()


@pytest.fixture(scope="module")
def expected(tmp_path_factory) -> dict[str, bytes]:
    """What a clean full run of the changed corpus publishes, into a fresh folder."""
    corpus = make_corpus(tmp_path_factory.mktemp("corpus"), RAW)
    change(corpus)
    out = tmp_path_factory.mktemp("clean") / "out"
    run(corpus, out, full=True)
    return published(out)


def previous_outputs(tmp_path):
    corpus = make_corpus(tmp_path / "in", RAW)
    out = tmp_path / "out"
    run(corpus, out)
    before = published(out)
    change(corpus)
    return corpus, out, before


def assert_every_published_file_parses(out) -> None:
    files = [p for p in out.rglob("*") if p.is_file() and p.name != ".pipeline.lock"
             and not p.name.endswith(".tmp")]
    for path in files:
        if path.suffix == ".json":
            json.loads(path.read_bytes())
        elif path.suffix == ".jsonl":  # a chunk of a dump's stored results
            assert all(json.loads(line) for line in path.read_bytes().splitlines())
        elif path.suffix == ".parquet":
            pq.read_table(path)
        else:
            raise AssertionError(f"unexpected file {path}")
    assert any(p.suffix == ".parquet" for p in files)


@pytest.mark.slow
@pytest.mark.parametrize("phase", PHASES)
def test_a_run_killed_at_any_phase_loses_nothing(phase, tmp_path, expected):
    corpus, out, before = previous_outputs(tmp_path)
    killed = subprocess.run(
        [sys.executable, "-c", RUN, str(corpus), str(out)], cwd=ROOT, capture_output=True,
        env={**os.environ, "PIPELINE_TEST_KILL_AT": phase}, timeout=300, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr  # it did reach the phase
    assert_every_published_file_parses(out)
    if PHASES.index(phase) < PHASES.index("publishing-json"):
        assert published(out) == before  # nothing published yet
    # Publishing's spill file (pipeline/store/spill.py) is left by a kill while publishing, and
    # only then; the next run removes it with the other temporaries and makes its own.
    spilled = sorted((out / ".state").glob(".publishing.*.tmp"))
    assert len(spilled) == (phase in ("publishing-json", "publishing-parquet"))

    summary = run(corpus, out)
    assert published(out) == expected
    assert not any(path.exists() for path in spilled)
    assert not list((out / ".state").glob(".publishing.*.tmp"))
    # Two documents to extract (one changed, one added), one per batch: what the killed run
    # stored is not extracted again.
    assert summary.extracted == {"listed": 2, "extracting": 2, "checkpointed": 1}.get(phase, 0)


@pytest.mark.slow
def test_a_killed_worker_process_fails_the_run_and_the_next_run_completes(tmp_path, expected):
    corpus, out, before = previous_outputs(tmp_path)
    env = {name: value for name, value in os.environ.items() if name != "PREFECT_API_URL"}
    env.update({"PIPELINE_TEST_KILL_AT": "extracting", "PREFECT_HOME": str(tmp_path / "home")})
    # In a session of its own: a Prefect server the failed run leaves behind (seen once: one
    # started in the run's process group after the pool broke) would hold the output pipes
    # open and the test would wait on them forever; the group is killed once the run exits.
    done = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", str(corpus), "--out", str(out), "--quiet",
         "--runner", "process", "--workers", "1", "--batch-size", "1"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True)
    try:
        done.wait(timeout=600)
        # Nothing the run started outlives it (a Prefect server started by a thread of the
        # run without the run's API URL did); Python's resource tracker gets a moment to exit.
        left = session_processes(done.pid)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(done.pid, signal.SIGKILL)
    _, stderr = done.communicate()
    assert not left, left
    assert done.returncode == 1, stderr[-3000:]
    assert "run failed" in stderr
    assert_every_published_file_parses(out)
    assert published(out) == before
    run(corpus, out)
    assert published(out) == expected


# The same, with a dump's results stored in chunks of one page.
RUN_IN_CHUNKS_OF_ONE = """
import sys
from pipeline.store import incremental
incremental.CHUNK_DOCUMENTS = 1
from pipeline.run import SerialExecutor, run_incremental
run_incremental(sys.argv[1], sys.argv[2], executor=SerialExecutor())
"""


def test_a_run_killed_while_storing_a_dump_in_chunks_loses_nothing(
    tmp_path, monkeypatch, counted
):
    monkeypatch.setattr(incremental, "CHUNK_DOCUMENTS", 1)
    corpus = tmp_path / "in"
    corpus.mkdir()
    dump = corpus / "dump.xml"
    shutil.copy(FIXTURES / "formats" / "dump.xml", dump)
    out = tmp_path / "out"
    run(corpus, out)
    before = published(out)
    chunks = sorted((out / ".state" / "results").glob("*.jsonl"))
    assert len(chunks) == 2
    dump.write_text(dump.read_text().replace("first held in 2000.", "first held in 2001."))

    killed = subprocess.run(
        [sys.executable, "-c", RUN_IN_CHUNKS_OF_ONE, str(corpus), str(out)], cwd=ROOT,
        capture_output=True, env={**os.environ, "PIPELINE_TEST_KILL_AT": CHUNK_STORED},
        timeout=300, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr  # it did reach the phase
    assert_every_published_file_parses(out)
    assert published(out) == before
    # The killed run's first chunk is there beside the stored ones, which it did not touch.
    assert len(list((out / ".state" / "results").glob("*.jsonl"))) == 3
    assert all(chunk.exists() for chunk in chunks)

    counted.clear()
    run(corpus, out)
    assert counted == ["dump.xml#102"]  # the unchanged page taken from the stored chunks
    clean = tmp_path / "clean"
    run(corpus, clean, full=True)
    assert published(out) == published(clean)
    assert len(list((out / ".state" / "results").glob("*.jsonl"))) == 2  # the orphan pruned


def session_processes(session: int, grace: float = 10.0) -> list[str]:
    """The command lines of the live processes of ``session``, once none is left or after
    ``grace`` seconds."""
    import psutil

    deadline = time.monotonic() + grace
    while True:
        left = []
        for process in psutil.process_iter(["pid", "cmdline", "status"]):
            with contextlib.suppress(psutil.Error, ProcessLookupError):
                if (os.getsid(process.info["pid"]) == session
                        and process.info["status"] != psutil.STATUS_ZOMBIE):
                    left.append(" ".join(process.info["cmdline"] or []))
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.5)


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs: room for the outputs of a few documents, not for sixty."""
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root and the permission to mount): "
                    f"{mounted.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_is_a_clear_error_and_leaves_the_previous_outputs(
    tmp_path, small_disk, monkeypatch
):
    def plain_flow(args):  # the command's own handling, the run without Prefect
        def flow(input_dir, output_dir, batch_size, full, max_bytes, component_settings,
                 source_format=None, wikiextractor_dump=None):
            return run_incremental(input_dir, output_dir, executor=SerialExecutor(),
                                   batch_size=batch_size, full=full,
                                   limits=InputLimits.from_options(max_bytes, source_format))
        return flow

    monkeypatch.setattr(commands, "_configured_flow", plain_flow)
    @contextlib.contextmanager
    def no_api(while_starting):
        while_starting()
        yield None

    monkeypatch.setattr("flows.api.shared_api", no_api)
    corpus = make_corpus(tmp_path / "in", RAW)
    out = small_disk / "out"
    assert main(["run", str(corpus), "--out", str(out), "--quiet"]) == 0
    before = published(out)
    for number in range(60):
        shutil.copy(RAW / "000_a130407e5d50b46e.txt", corpus / f"copy{number:02d}.txt")

    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        assert main(["run", str(corpus), "--out", str(out), "--quiet"]) == 1
    assert stderr.getvalue().startswith(f"run failed: the disk of {out} is full (")
    assert "No space left on device" in stderr.getvalue()
    assert published(out) == before
    assert_every_published_file_parses(out)
