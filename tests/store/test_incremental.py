"""Incremental runs through plain functions (no Prefect): what is extracted, what is published.

Every scenario compares the published files with a full run over the same input into a fresh
folder: an incremental run must write exactly what a full run writes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import pipeline.extract
from pipeline import data as resources
from pipeline.ingest import sources
from pipeline.run import (
    EXIT_PARTIAL,
    RunSummary,
    SerialExecutor,
    extract_paths,
    fingerprint_sources,
    run_incremental,
    split_work,
)
from pipeline.store import incremental
from pipeline.store.incremental import ResultStore, plan_run
from tests.conftest import FIXTURES

# Invented articles in the two layouts, about invented series, so that the corpus has more than
# the two seeds and a change to one is easy to make.
INVENTED = {
    "harbour.txt": (
        "= Harbour Endurance Series =\n\n"
        "The Harbour Endurance Series (HES) is a sports car racing series founded in 2004.\n"
        "It is sanctioned by the Fédération Internationale de l'Automobile.\n\n"
        "==History==\nThe first race was held at Lakeside Raceway on 3 May 2004.\n"
    ),
    "nested/northern.txt": (
        "Northern Formula Cup\n\n"
        "The Northern Formula Cup is an open-wheel racing series that began in 1998.\n\n"
        "History\n\nThe series was renamed in 2011. It ran until 2019.\n"
    ),
    "eastern.txt": (
        "= Eastern Touring Trophy =\n\n"
        "The Eastern Touring Trophy (ETT) is a touring car championship held since 1987.\n"
    ),
}


def make_corpus(folder: Path, raw_dir: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(raw_dir.iterdir()):
        shutil.copy(path, folder / path.name)
    for name, text in INVENTED.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run(input_dir: Path, output_dir: Path, **options) -> RunSummary:
    return run_incremental(input_dir, output_dir, executor=SerialExecutor(), **options)


def published(output_dir: Path) -> dict[str, bytes]:
    """Every published file (not the state store), by path."""
    return {
        p.relative_to(output_dir).as_posix(): p.read_bytes()
        for p in sorted(output_dir.rglob("*"))
        if p.is_file() and not p.relative_to(output_dir).as_posix().startswith(".state/")
    }


def full_run_files(input_dir: Path, scratch: Path) -> dict[str, bytes]:
    out = scratch / "full"
    shutil.rmtree(out, ignore_errors=True)
    run(input_dir, out, full=True)
    return published(out)


@pytest.fixture
def corpus(tmp_path, raw_dir) -> Path:
    return make_corpus(tmp_path / "in", raw_dir)


def test_first_run_extracts_everything_and_a_rerun_nothing(corpus, tmp_path, counted):
    out = tmp_path / "out"
    first = run(corpus, out)
    assert (first.new, first.extracted, first.reused) == (5, 5, 0)
    assert len(counted) == 5
    files = published(out)
    assert "json/nested/northern.json" in files

    counted.clear()
    second = run(corpus, out)
    assert counted == []
    assert (second.extracted, second.reused, second.unchanged, second.new) == (0, 5, 5, 0)
    assert second.rows == first.rows
    assert published(out) == files == full_run_files(corpus, tmp_path)


def test_changing_one_file_reprocesses_only_it(corpus, tmp_path, counted):
    out = tmp_path / "out"
    run(corpus, out)
    counted.clear()
    eastern = corpus / "eastern.txt"
    eastern.write_text(eastern.read_text() + "\nIt was renamed the Eastern Touring Cup in 2001.\n")

    summary = run(corpus, out)
    assert counted == ["eastern.txt"]
    assert (summary.changed, summary.unchanged, summary.extracted) == (1, 4, 1)
    assert published(out) == full_run_files(corpus, tmp_path)


def test_touching_without_changing_the_bytes_extracts_nothing(corpus, tmp_path, counted):
    # The key is the content hash, not the modification time: same bytes, same result.
    out = tmp_path / "out"
    run(corpus, out)
    counted.clear()
    (corpus / "eastern.txt").touch()
    assert run(corpus, out).extracted == 0
    assert counted == []


def test_a_new_file_is_added(corpus, tmp_path, counted):
    out = tmp_path / "out"
    run(corpus, out)
    counted.clear()
    (corpus / "western.txt").write_text(
        "= Western Rally Cup =\n\nThe Western Rally Cup is a rally series founded in 1975.\n"
    )
    summary = run(corpus, out)
    assert counted == ["western.txt"]
    assert (summary.new, summary.unchanged, summary.documents_read) == (1, 5, 6)
    assert "json/western.json" in published(out)
    assert published(out) == full_run_files(corpus, tmp_path)


def test_removing_a_file_drops_its_rows_json_and_stored_result(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    assert ResultStore(out).load("nested/northern.txt") is not None
    (corpus / "nested" / "northern.txt").unlink()

    summary = run(corpus, out)
    assert (summary.removed, summary.extracted, summary.documents_read) == (1, 0, 4)
    assert not (out / "json" / "nested").exists()
    for table in (out / "parquet").glob("*.parquet"):
        rows = pq.read_table(table)
        if "source" in rows.column_names:
            assert "nested/northern.txt" not in rows.column("source").to_pylist()
        else:  # the series index: the sources of each name
            assert not any("nested/northern.txt" in s for s in rows.column("sources").to_pylist())
    assert ResultStore(out).load("nested/northern.txt") is None
    assert published(out) == full_run_files(corpus, tmp_path)


def test_a_rule_data_change_reprocesses_every_document(corpus, tmp_path, counted, monkeypatch):
    out = tmp_path / "out"
    first = run(corpus, out)
    counted.clear()
    real = resources.data_fingerprint
    monkeypatch.setattr(resources, "data_fingerprint", lambda: real() + "-edited")

    summary = run(corpus, out)
    assert summary.pipeline_version != first.pipeline_version
    assert (summary.changed, summary.extracted, summary.reused) == (5, 5, 0)
    assert len(counted) == 5
    assert run(corpus, out).extracted == 0  # and it is stable under the new version


def test_pipeline_version_follows_data_files_not_a_number(monkeypatch):
    before = incremental.pipeline_version()
    assert incremental.pipeline_version() == before
    monkeypatch.setattr(resources, "data_fingerprint", lambda: "other data")
    assert incremental.pipeline_version() != before


def test_full_forces_extraction(corpus, tmp_path, counted):
    out = tmp_path / "out"
    run(corpus, out)
    counted.clear()
    summary = run(corpus, out, full=True)
    assert (summary.extracted, summary.unchanged) == (5, 5)
    assert len(counted) == 5


def test_an_exception_in_one_document_is_an_error_row(corpus, tmp_path, monkeypatch):
    real = pipeline.extract.extract_document

    def failing(document, nlp=None):
        if document.source == "eastern.txt":
            raise RuntimeError("injected failure")
        return real(document, nlp)

    monkeypatch.setattr(pipeline.extract, "extract_document", failing)
    out = tmp_path / "out"
    summary = run(corpus, out, batch_size=2)
    assert (summary.documents_failed, summary.documents_written) == (1, 4)
    assert summary.exit_code == EXIT_PARTIAL
    errors = pq.read_table(out / "parquet" / "errors.parquet").to_pylist()
    injected = [e for e in errors if e["source"] == "eastern.txt"]
    assert injected and injected[0]["stage"] == "extract"
    assert "injected failure" in injected[0]["reason"]
    assert not (out / "json" / "eastern.json").exists()
    assert (out / "json" / "harbour.json").exists()


def test_a_document_that_starts_failing_loses_its_json(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    assert (out / "json" / "eastern.json").exists()
    (corpus / "eastern.txt").write_bytes(b"\xff\xfe not text")
    summary = run(corpus, out)
    assert summary.documents_failed == 1
    assert not (out / "json" / "eastern.json").exists()
    assert published(out) == full_run_files(corpus, tmp_path)


def test_bad_inputs_are_error_rows_and_good_documents_are_written(corpus, tmp_path):
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (corpus / "latin1.txt").write_bytes("Caf\u00e9 racing series".encode("latin-1"))
    (corpus / "headings.txt").write_text("== History ==\n\n== Format ==\n")
    out = tmp_path / "out"
    summary = run(corpus, out)
    assert (summary.documents_read, summary.documents_written) == (9, 5)
    assert summary.exit_code == EXIT_PARTIAL
    errors = pq.read_table(out / "parquet" / "errors.parquet").to_pylist()
    failed = {e["source"]: e for e in errors if e["stage"] == "read"}
    assert set(failed) == {"empty.txt", "image.png", "latin1.txt", "headings.txt"}
    assert failed["latin1.txt"]["field"] == "encoding"
    documents = pq.read_table(out / "parquet" / "documents.parquet").column("source")
    assert sorted(documents.to_pylist()) == sorted(
        ["000_a130407e5d50b46e.txt", "001_76cd40ea1d91c0ad.txt", "eastern.txt",
         "harbour.txt", "nested/northern.txt"]
    )
    # Bad inputs are results like any other: not extracted again while unchanged.
    assert run(corpus, out).extracted == 0


class Interrupted(Exception):
    pass


class InterruptAfter(SerialExecutor):
    """Stops the run when it asks for batch ``n + 1``: an interruption between batches."""

    def __init__(self, batches: int) -> None:
        self.left = batches

    def extract(self, work, root, limits, settings=None, unchanged=None, store_dir=None):
        for output in super().extract(work, root, limits, settings, unchanged, store_dir):
            if self.left == 0:
                raise Interrupted
            self.left -= 1
            yield output


def test_an_interruption_between_batches_keeps_the_outputs_and_a_rerun_completes(
    corpus, tmp_path, counted
):
    out = tmp_path / "out"
    run(corpus, out)
    before = published(out)
    for name in ("harbour.txt", "eastern.txt", "nested/northern.txt"):
        path = corpus / name
        path.write_text(path.read_text() + "\nThe series was revived in 2022.\n")
    counted.clear()

    with pytest.raises(Interrupted):
        run_incremental(corpus, out, executor=InterruptAfter(1), batch_size=1)
    assert len(counted) == 2  # batch 1 finished, batch 2 was running when stopped
    assert published(out) == before  # the previous outputs, intact and readable
    for table in (out / "parquet").glob("*.parquet"):
        pq.read_table(table)

    counted.clear()
    summary = run(corpus, out, batch_size=1)
    assert summary.changed == 3
    assert len(counted) == 2 and summary.extracted == 2  # batch 1's results were checkpointed
    assert published(out) == full_run_files(corpus, tmp_path)


def test_an_interruption_while_publishing_is_completed_by_the_next_run(
    corpus, tmp_path, monkeypatch
):
    out = tmp_path / "out"
    run(corpus, out)
    (corpus / "eastern.txt").unlink()
    import pipeline.run as run_module

    def crash(*args, **kwargs):
        raise Interrupted

    with monkeypatch.context() as patch:
        patch.setattr(run_module.TableWriters, "commit", crash)
        with pytest.raises(Interrupted):
            run(corpus, out)
    for table in (out / "parquet").glob("*.parquet"):
        pq.read_table(table)  # the previous tables, still readable
    summary = run(corpus, out)
    assert summary.removed == 1  # counted against the last completed run
    assert published(out) == full_run_files(corpus, tmp_path)


def test_leftover_temporary_files_are_cleaned(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    strays = [out / "json" / ".harbour.json.abc123.tmp",
              out / ".state" / ".manifest.json.abc123.tmp",
              next((out / ".state" / "results").iterdir()).with_name(".0123.json.abc123.tmp")]
    for stray in strays:
        stray.write_bytes(b"half a file")
    run(corpus, out)
    assert not any(stray.exists() for stray in strays)


# --- work units ------------------------------------------------------------------------------


def test_a_transient_read_error_is_raised_for_a_retry_then_recorded(corpus, monkeypatch):
    target = corpus / "eastern.txt"
    real_read = sources.read_source

    def flaky(path, root, max_bytes):
        if Path(path) == target:
            raise OSError(5, "Input/output error")
        return real_read(path, root, max_bytes)

    monkeypatch.setattr(sources, "read_source", flaky)
    paths = [str(corpus / "harbour.txt"), str(target)]
    with pytest.raises(OSError):
        extract_paths(paths, str(corpus), final_attempt=False)
    output = extract_paths(paths, str(corpus), final_attempt=True)
    by_source = {d["source"]: d for d in output["documents"]}
    assert by_source["harbour.txt"]["results"][0]["record"] is not None
    unreadable = by_source["eastern.txt"]
    assert unreadable["sha256"] == "" and unreadable["results"][0]["record"] is None
    assert "Input/output error" in unreadable["results"][0]["errors"][0]["reason"]


def test_fingerprints_retry_then_leave_unreadable_files_to_extraction(corpus, monkeypatch):
    real_check = sources._check_path

    def flaky(path, root):
        if path.name == "eastern.txt":
            raise PermissionError(13, "Permission denied")
        return real_check(path, root)

    monkeypatch.setattr(sources, "_check_path", flaky)
    paths = [str(corpus / "harbour.txt"), str(corpus / "eastern.txt")]
    with pytest.raises(OSError):
        fingerprint_sources(paths, str(corpus), final_attempt=False)
    hashes = fingerprint_sources(paths, str(corpus), final_attempt=True)
    assert hashes["eastern.txt"] is None and len(hashes["harbour.txt"]) == 64
    plan = plan_run(hashes, ResultStore(corpus / "nowhere"), "v1")
    assert plan.to_extract == ["eastern.txt", "harbour.txt"]


def test_the_spacy_pipeline_is_built_once_per_process(corpus):
    paths = [str(corpus / "harbour.txt")]
    extract_paths(paths, str(corpus))
    assert extract_paths(paths, str(corpus))["nlp_builds"] == 0


def test_results_cross_process_boundaries_as_plain_data(corpus):
    import json

    output = extract_paths([str(corpus / "harbour.txt")], str(corpus))
    assert json.loads(json.dumps(output)) == output


@pytest.mark.parametrize(
    ("count", "max_size", "min_batches", "sizes"),
    [
        (10, 4, 1, [4, 3, 3]),
        (10, 64, 4, [3, 3, 2, 2]),
        (3, 64, 4, [1, 1, 1]),
        (0, 64, 4, []),
        (200, 64, 4, [50, 50, 50, 50]),
        (200, 16, 4, [16] * 5 + [15] * 8),
    ],
)
def test_split_work(count, max_size, min_batches, sizes):
    items = list(range(count))
    work = split_work(items, max_size, min_batches)
    assert [len(b) for b in work] == sizes
    assert [i for b in work for i in b] == items


def test_an_unchanged_rerun_rewrites_nothing(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    summary = run(corpus, out)
    assert summary.extracted == 0 and summary.rows["entities"] > 0
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == stamps
    (out / "parquet" / "dates.parquet").unlink()  # a published file gone: publish again
    run(corpus, out)
    assert published(out) == full_run_files(corpus, tmp_path)


def test_parquet_tables_stream_in_row_groups(corpus, tmp_path, monkeypatch):
    from pipeline.store.writer import TableWriters

    monkeypatch.setattr(TableWriters, "ROW_GROUP_ROWS", 7)
    out = tmp_path / "out"
    summary = run(corpus, out)
    table = pq.ParquetFile(out / "parquet" / "entities.parquet")
    assert table.metadata.num_row_groups > 1
    assert table.metadata.num_rows == summary.rows["entities"]


def test_a_users_data_file_is_part_of_the_version_and_of_the_results(corpus, tmp_path,
                                                                     counted):
    gazetteer = tmp_path / "gazetteer.jsonl"
    gazetteer.write_text('{"label": "ORG", "name": "Lakeside Raceway"}\n', encoding="utf-8")
    settings = {"motorsport_entities": {"gazetteer": str(gazetteer)}}
    out = tmp_path / "out"
    default = run(corpus, out)
    own = run(corpus, out, settings=settings)
    assert own.pipeline_version != default.pipeline_version
    assert own.changed == own.documents_read and own.extracted == own.documents_read
    entities = pq.read_table(out / "parquet" / "entities.parquet").to_pylist()
    labels = {(e["text"], e["label"]) for e in entities}
    assert ("Lakeside Raceway", "ORG") in labels  # the user's gazetteer
    assert not any(label == "MANUFACTURER" for _, label in labels)  # the packaged one is gone

    assert run(corpus, out, settings=settings).extracted == 0
    gazetteer.write_text('{"label": "CIRCUIT", "name": "Lakeside Raceway"}\n',
                         encoding="utf-8")
    edited = run(corpus, out, settings=settings)
    assert edited.pipeline_version != own.pipeline_version
    assert edited.extracted == edited.documents_read


@pytest.fixture(params=["inline", "chunks of one"])
def chunked(request, monkeypatch) -> bool:
    """Both ways a file of many documents is stored: its results together (the fixtures' dumps
    are smaller than CHUNK_DOCUMENTS), and in chunk files (here of one document each)."""
    if request.param == "chunks of one":
        monkeypatch.setattr(incremental, "CHUNK_DOCUMENTS", 1)
    return request.param != "inline"


def _chunk_files(out: Path) -> list[str]:
    return sorted(p.name for p in (out / ".state" / "results").glob("*.jsonl"))


def test_a_dump_is_one_source_with_a_document_per_article(tmp_path, counted, chunked):
    corpus = tmp_path / "dumps"
    corpus.mkdir()
    for name in ("dump.xml", "Super_GT.wiki"):
        shutil.copy(FIXTURES / "formats" / name, corpus / name)
    out = tmp_path / "out"
    first = run(corpus, out)
    assert (first.new, first.documents_read, first.documents_written) == (2, 3, 3)
    assert sorted(counted) == ["Super_GT.wiki", "dump.xml#101", "dump.xml#102"]
    files = published(out)
    assert {name for name in files if name.startswith("json/")} == {
        "json/Super_GT.json", "json/dump#101.json", "json/dump#102.json"}
    documents = pq.read_table(out / "parquet" / "documents.parquet").to_pylist()
    by_source = {row["source"]: row for row in documents}
    assert by_source["dump.xml#102"]["title"] == "Deutsche Tourenwagen Masters"
    assert any("1 redirect" in w for w in by_source["dump.xml#101"]["warnings"])
    # Stored page by page: the dump's stored result names its chunks and holds no result.
    stored = ResultStore(out).load("dump.xml")
    assert len(_chunk_files(out)) == (2 if chunked else 0)
    assert (stored.paged is not None, len(stored.results)) == ((True, 0) if chunked
                                                               else (False, 2))
    assert [r.source for r in ResultStore(out).iter_results(stored)] == [
        "dump.xml#101", "dump.xml#102"]
    first_chunks = _chunk_files(out)

    counted.clear()
    second = run(corpus, out)
    assert counted == [] and (second.reused, second.documents_read) == (2, 3)
    assert published(out) == files

    # An edited page: the dump changed, but only that page is extracted again; the other's
    # stored result is reused, and the outputs are those of a full run.
    dump = corpus / "dump.xml"
    dump.write_text(dump.read_text().replace("first held in 2000.", "first held in 2001."))
    counted.clear()
    third = run(corpus, out)
    assert counted == ["dump.xml#102"]
    # The page keeps its article_id (its source name and page id); its doc_id is new.
    edited = {row["source"]: row for row in
              pq.read_table(out / "parquet" / "documents.parquet").to_pylist()}
    assert edited["dump.xml#102"]["article_id"] == by_source["dump.xml#102"]["article_id"]
    assert edited["dump.xml#102"]["doc_id"] != by_source["dump.xml#102"]["doc_id"]
    assert edited["dump.xml#101"]["article_id"] != edited["dump.xml#102"]["article_id"]
    assert (third.changed, third.unchanged, third.documents_written) == (1, 1, 3)
    changed = published(out)
    assert changed["json/dump#101.json"] == files["json/dump#101.json"]
    assert changed["json/dump#102.json"] != files["json/dump#102.json"]
    assert changed == full_run_files(corpus, tmp_path)
    # The dump's new chunks replaced the old ones (pruned once the run was published).
    assert len(_chunk_files(out)) == len(first_chunks)
    assert not set(_chunk_files(out)) & set(first_chunks)
    counted.clear()
    assert run(corpus, out).extracted == 0 and counted == []

    dump.unlink()
    fourth = run(corpus, out)
    assert fourth.removed == 1 and fourth.documents_read == 1
    assert {name for name in published(out) if name.startswith("json/")} == {
        "json/Super_GT.json"}
    assert _chunk_files(out) == []


def test_a_batch_sends_back_no_result_of_a_dump_it_stored_in_chunks(tmp_path, monkeypatch):
    # What crosses from a worker to the run for a dump is what the manifest needs (its pages'
    # names), not its results: those are in the store's chunk files, a chunk in memory at once.
    monkeypatch.setattr(incremental, "CHUNK_DOCUMENTS", 1)
    corpus = tmp_path / "dumps"
    corpus.mkdir()
    shutil.copy(FIXTURES / "formats" / "dump.xml", corpus / "dump.xml")
    out = tmp_path / "out"
    output = extract_paths([str(corpus / "dump.xml")], str(corpus), store_dir=str(out))
    (stored,) = output["documents"]
    assert stored["results"] == []
    assert stored["paged"]["chunks"] == stored["paged"]["documents"] == 2
    assert stored["paged"]["written"] == ["dump.xml#101", "dump.xml#102"]
    lines = [path.read_bytes().splitlines()
             for path in sorted((out / ".state" / "results").glob("*.jsonl"))]
    assert [len(chunk) for chunk in lines] == [1, 1]


def _rows(out: Path, table: str) -> list[dict]:
    return pq.read_table(out / "parquet" / f"{table}.parquet").to_pylist()


def test_an_edited_article_keeps_its_article_id_and_gets_a_new_doc_id(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    before = {r["source"]: r for r in _rows(out, "documents")}
    eastern = corpus / "eastern.txt"
    eastern.write_text(eastern.read_text() + "\nIt was renamed the Eastern Touring Cup in 2001.\n")

    assert run(corpus, out).extracted == 1
    after = {r["source"]: r for r in _rows(out, "documents")}
    assert after["eastern.txt"]["article_id"] == before["eastern.txt"]["article_id"]
    assert after["eastern.txt"]["doc_id"] != before["eastern.txt"]["doc_id"]
    assert {s: r["doc_id"] for s, r in after.items() if s != "eastern.txt"} == {
        s: r["doc_id"] for s, r in before.items() if s != "eastern.txt"}
    # Every table's rows of the article carry the same article_id.
    for table in ("series", "entities", "dates", "relations"):
        assert {r["article_id"] for r in _rows(out, table) if r["source"] == "eastern.txt"} \
            == {before["eastern.txt"]["article_id"]}, table


def test_the_series_index_is_rebuilt_from_every_current_article(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    index = {r["name"]: r for r in _rows(out, "series_index")}
    eastern = index["Eastern Touring Trophy"]
    assert eastern["sources"] == ["eastern.txt"] and eastern["first_year"] == 1987
    assert index["ETT"]["series_ids"] == eastern["series_ids"] == [eastern["name_id"]]
    assert "Northern Formula Cup" in index

    # One article changed (its first year), one removed: only the changed one is extracted,
    # but the index holds the kept articles' names too, and is what a full run writes.
    text = (corpus / "eastern.txt").read_text()
    (corpus / "eastern.txt").write_text(text.replace("since 1987", "since 1989"))
    (corpus / "nested" / "northern.txt").unlink()
    summary = run(corpus, out)
    assert (summary.extracted, summary.removed) == (1, 1)
    index = {r["name"]: r for r in _rows(out, "series_index")}
    assert index["Eastern Touring Trophy"]["first_year"] == 1989
    assert index["Harbour Endurance Series"]["sources"] == ["harbour.txt"]  # kept, not re-read
    assert "Northern Formula Cup" not in index
    assert not any("nested/northern.txt" in r["sources"] for r in index.values())
    assert summary.rows["series_index"] == len(index)
    assert published(out) == full_run_files(corpus, tmp_path)


# --- publishing in bounded memory: what grows with the pages is spilled to disk ---------------


def _spill_files(out: Path) -> list[Path]:
    return sorted((out / ".state").glob(".publishing.*.tmp"))


def test_publishing_a_dump_in_chunks_writes_what_its_results_in_memory_give(
    tmp_path, monkeypatch
):
    # A run publishes from the store a chunk at a time, with the JSON files it wrote and the
    # series index's articles in a spill file; writing the same results at once, all in
    # memory, gives the same files.
    import pipeline.run as run_module
    from pipeline.store.writer import write_outputs

    corpus = tmp_path / "dumps"
    corpus.mkdir()
    for name in ("dump.xml", "Super_GT.wiki"):
        shutil.copy(FIXTURES / "formats" / name, corpus / name)
    seen = []
    real_finish = run_module.TableWriters.finish

    def finish(self):  # the spill file, while publishing (finish is called again by commit)
        seen.extend(set(_spill_files(tmp_path / "chunked")) - set(seen))
        return real_finish(self)

    monkeypatch.setattr(run_module.TableWriters, "finish", finish)
    monkeypatch.setattr(incremental, "CHUNK_DOCUMENTS", 1)
    summary = run(corpus, tmp_path / "chunked")
    assert len(_chunk_files(tmp_path / "chunked")) == 2
    assert len(seen) == 1 and not seen[0].exists()  # there while publishing, then deleted
    assert _spill_files(tmp_path / "chunked") == []

    store = ResultStore(tmp_path / "chunked")
    results = [result for source in ("Super_GT.wiki", "dump.xml")
               for result in store.iter_results(store.load(source))]
    assert len(results) == 3
    write_outputs(results, tmp_path / "at-once", summary.pipeline_version)
    chunked, at_once = published(tmp_path / "chunked"), published(tmp_path / "at-once")
    tables = sorted(name for name in chunked if name.startswith("parquet/"))
    assert len(tables) == 9 and tables == sorted(n for n in at_once if n.startswith("parquet/"))
    assert all(chunked[name] == at_once[name] for name in tables)
    # The same documents (write_outputs names a page's file by its source, a run by its dump).
    assert sorted(data for name, data in chunked.items() if name.startswith("json/")) == sorted(
        data for name, data in at_once.items() if name.startswith("json/"))


def test_a_failed_publish_leaves_no_spill_file_and_no_staged_json(corpus, tmp_path,
                                                                 monkeypatch):
    import pipeline.run as run_module

    out = tmp_path / "out"
    run(corpus, out)
    before = published(out)
    (corpus / "harbour.txt").write_text(INVENTED["harbour.txt"] + "\nIt ended in 2020.\n")

    def crash(*args, **kwargs):
        raise Interrupted

    with monkeypatch.context() as patch:
        patch.setattr(run_module.TableWriters, "finish", crash)
        with pytest.raises(Interrupted):
            run(corpus, out)
    assert published(out) == before
    assert _spill_files(out) == []
    assert not list((out / "json").rglob("*.tmp"))


def test_the_manifest_is_written_as_indented_json_with_sorted_keys(tmp_path):
    # Written as it is encoded (a dump's pages are many): the bytes json.dumps gives.
    import json

    from pipeline.store.incremental import Manifest, ManifestEntry

    manifest = Manifest(version="v1", rows={"documents": 3, "errors": 0}, documents={
        "b.txt": ManifestEntry(sha256="b", version="v1", ok=True),
        "a.xml": ManifestEntry(sha256="a", version="v1", ok=False, documents=3,
                               written=["a.xml#1", "a.xml#é"])})
    store = ResultStore(tmp_path)
    store.write_manifest(manifest)
    assert (tmp_path / ".state" / "manifest.json").read_text(encoding="utf-8") == json.dumps(
        manifest.model_dump(mode="json"), indent=1, sort_keys=True) + "\n"
    assert store.read_manifest() == manifest


def test_a_pipeline_built_ahead_is_counted_once_by_the_first_batch(monkeypatch):
    # The command line builds the pipeline while Prefect's server starts; the run's summary
    # still says one was built, and by this process.
    import pipeline.nlp
    from pipeline import run as run_module

    built: list = []
    monkeypatch.setattr(pipeline.nlp, "is_built", lambda settings=None: settings in built)
    monkeypatch.setattr(pipeline.nlp, "get_nlp", lambda settings=None: built.append(settings))
    monkeypatch.setattr(run_module, "_built_ahead", [])
    settings = {"motorsport_entities": {"gazetteer": "mine.jsonl"}}
    run_module.build_nlp_ahead(settings)
    run_module.build_nlp_ahead(settings)  # built already: not counted twice
    assert built == [settings]
    assert run_module._ensure_nlp(settings) == 1
    assert run_module._ensure_nlp(settings) == 0
    assert run_module._ensure_nlp(None) == 1 and built == [settings, None]


def test_sources_hashed_twice_in_one_command_are_read_once_unless_they_change(
    corpus, monkeypatch
):
    from pipeline.run import remembered_fingerprints

    reads = []
    real = sources.fingerprint

    def counted(path, root):
        reads.append(Path(path).name)
        return real(path, root)

    monkeypatch.setattr(sources, "fingerprint", counted)
    paths = sorted(str(p) for p in corpus.glob("*.txt"))
    changed = corpus / "harbour.txt"
    with remembered_fingerprints():
        first = fingerprint_sources(paths, str(corpus))
        assert len(reads) == len(paths)
        assert fingerprint_sources(paths, str(corpus)) == first
        assert len(reads) == len(paths)  # none read again
        changed.write_bytes(changed.read_bytes() + b"\nOne more line.\n")
        again = fingerprint_sources(paths, str(corpus))
        assert reads[len(paths):] == ["harbour.txt"]
        assert again["harbour.txt"] != first["harbour.txt"]
    fingerprint_sources(paths, str(corpus))  # outside the block: every source is read
    assert len(reads) == 2 * len(paths) + 1
