"""The Prefect flow for real: real extraction, thread, process and Dask task runners, one
Prefect test server for the whole module.

The many scenarios of incremental runs are tested without Prefect in test_incremental.py; here
each test is one or two real flow runs.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from prefect.client.orchestration import get_client
from prefect.testing.utilities import prefect_test_harness

import flows.extract
import pipeline.extract
from flows.extract import ARTIFACT_KEY, extract_series_flow
from flows.runners import make_task_runner
from pipeline.cli import main
from pipeline.ingest import sources
from tests.store.test_incremental import make_corpus, published

BAD_INPUTS = {
    "bad/empty.txt": b"",
    "bad/binary.bin": b"\x00\x01\x02PK\x03\x04" + bytes(range(256)),
    "bad/cp1252.txt": "\u201cQuoted\u201d racing series".encode("cp1252"),
    "bad/headings.txt": b"== History ==\n\n== Champions ==\n",
}


@pytest.fixture(scope="module", autouse=True)
def prefect_server():
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, raw_dir) -> Path:
    folder = make_corpus(tmp_path_factory.mktemp("corpus"), raw_dir)
    for name, data in BAD_INPUTS.items():
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> tuple[Path, object]:
    """A command line run on the process runner (real extraction), done once."""
    out = tmp_path_factory.mktemp("reference")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exit_code = main(["run", str(corpus), "--out", str(out), "--runner", "process",
                          "--workers", "2", "--batch-size", "1", "--quiet"])
    assert exit_code == 3  # the bad inputs are rejected, the rest written
    # Nine batches on two worker processes: each process builds the spaCy pipeline once.
    builds = int(re.search(r"spaCy pipelines built: (\d+)", printed.getvalue()).group(1))
    assert 1 <= builds <= 2
    return out, published(out)


def test_the_command_line_run_writes_good_documents_and_error_rows(reference, capsys):
    out, files = reference
    assert sorted(n for n in files if n.startswith("json/")) == [
        "json/000_a130407e5d50b46e.json", "json/001_76cd40ea1d91c0ad.json",
        "json/eastern.json", "json/harbour.json", "json/nested/northern.json",
    ]
    errors = pq.read_table(out / "parquet" / "errors.parquet").to_pylist()
    rejected = {e["source"]: e["field"] for e in errors if e["stage"] == "read"}
    assert rejected == {"bad/empty.txt": "size", "bad/binary.bin": "encoding",
                        "bad/cp1252.txt": "encoding", "bad/headings.txt": "body"}
    series = pq.read_table(out / "parquet" / "series.parquet").column("name").to_pylist()
    assert "Harbour Endurance Series" in series


def test_threads_write_identical_bytes_and_a_rerun_extracts_nothing(reference, corpus, tmp_path):
    # Threads share one spaCy pipeline; one document per batch makes them run concurrently.
    out = tmp_path / "out"
    runner = make_task_runner("thread", workers=2)
    first = extract_series_flow.with_options(task_runner=runner)(
        str(corpus), str(out), batch_size=1
    )
    assert first.extracted == 9 and first.nlp_builds <= 1  # one pipeline per process
    assert published(out) == reference[1]

    summary = extract_series_flow.with_options(task_runner=runner)(str(corpus), str(out))
    assert (summary.extracted, summary.unchanged, summary.documents_failed) == (0, 9, 4)
    assert published(out) == reference[1]
    markdown = latest_artifact(ARTIFACT_KEY)
    assert "| unchanged | 9 |" in markdown and "| failed | 4 |" in markdown
    assert "| extracted | 0 |" in markdown


def latest_artifact(key: str) -> str:
    # Artifact.get() sends nulls the 3.8 server rejects with a 422; the same query, without them.
    with get_client(sync_client=True) as client:
        response = client.request("POST", "/artifacts/filter", json={
            "artifacts": {"key": {"any_": [key]}}, "sort": "CREATED_DESC", "limit": 1,
            "offset": 0,
        })
    return response.json()[0]["data"]


def test_dask_on_a_two_worker_local_cluster_writes_identical_bytes(reference, corpus, tmp_path):
    out = tmp_path / "out"
    runner = make_task_runner("dask", workers=2)
    summary = extract_series_flow.with_options(task_runner=runner)(
        str(corpus), str(out), batch_size=1
    )
    assert summary.extracted == 9
    # Nine batches on two worker processes: the spaCy pipeline is built by each worker once.
    assert 1 <= summary.nlp_builds <= 2
    assert published(out) == reference[1]


def test_retries_transient_read_errors_and_isolates_failing_documents(
    corpus, tmp_path, monkeypatch
):
    # Thread runner: the monkeypatches below are visible to the tasks.
    monkeypatch.setattr(flows.extract.extract_batch, "retry_delay_seconds", [0, 0])
    flaky, broken = corpus / "harbour.txt", corpus / "eastern.txt"
    attempts = {flaky: 0, broken: 0}
    real_read = sources.read_source

    def read_source(path, root, max_bytes):
        path = Path(path)
        if path in attempts:
            attempts[path] += 1
            if path == broken or attempts[path] == 1:
                raise OSError(5, "Input/output error")
        return real_read(path, root, max_bytes)

    real_extract = pipeline.extract.extract_document

    def extract_document(document, nlp=None):
        if document.source == "001_76cd40ea1d91c0ad.txt":
            raise ValueError("injected failure")
        return real_extract(document, nlp)

    monkeypatch.setattr(sources, "read_source", read_source)
    monkeypatch.setattr(pipeline.extract, "extract_document", extract_document)
    out = tmp_path / "out"
    runner = make_task_runner("thread", workers=2)
    summary = extract_series_flow.with_options(task_runner=runner)(
        str(corpus), str(out), batch_size=3
    )
    assert attempts == {flaky: 2, broken: 3}  # retried once; retried until the last attempt
    assert (summary.documents_read, summary.documents_written) == (9, 3)
    errors = {e["source"]: e for e in pq.read_table(out / "parquet" / "errors.parquet")
              .to_pylist() if e["field"] in ("document", "source")}
    assert "injected failure" in errors["001_76cd40ea1d91c0ad.txt"]["reason"]
    assert "Input/output error" in errors["eastern.txt"]["reason"]
    assert (out / "json" / "harbour.json").exists()
    assert not (out / "json" / "001_76cd40ea1d91c0ad.json").exists()


def test_only_os_errors_are_retried():
    from prefect.states import Failed

    from flows.extract import _retry_on_os_error

    assert _retry_on_os_error(None, None, Failed(data=OSError(5, "Input/output error")))
    assert _retry_on_os_error(None, None, Failed(data=FileNotFoundError(2, "gone")))
    assert not _retry_on_os_error(None, None, Failed(data=ValueError("a bug, not I/O")))
