"""One run over an input folder, independent of the orchestrator.

:func:`run_incremental` lists the sources, hashes them, decides what must be extracted
(:mod:`pipeline.store.incremental`), hands batches to an :class:`Executor`, checkpoints each
finished batch, then publishes the outputs. The Prefect flow (``flows/extract.py``) is an
executor whose work units are Prefect tasks on a thread, process or Dask task runner;
:class:`SerialExecutor` runs the same steps in-process (tests, debugging).

What crosses a process boundary is plain data: lists of paths in, ``model_dump``-ed results
out. The spaCy pipeline is built once per worker process (``pipeline.nlp.get_nlp`` is cached);
each batch reports whether it had to build it, so this is observable.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import math
import os
import re
import threading
import time
import uuid
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel

from . import crash_points, progress
from .contract.tables import TABLES, DocumentResult
from .ingest import dump_join, sources
from .ingest.decoding import InputLimits
from .ingest.sources import SourceBytes, SourceRejected, list_sources, source_name
from .store import incremental
from .store.incremental import (
    Manifest,
    ManifestEntry,
    MissingChunk,
    PagedResults,
    Plan,
    ResultStore,
    StoredResult,
    manifest_entry,
    plan_run,
)
from .store.lock import output_lock
from .store.spill import JsonFiles, Spill
from .store.writer import (
    ConcurrentWrites,
    TableWriters,
    document_json,
    json_names,
    write_temporary,
)

__all__ = [
    "DEFAULT_BATCH_SIZE", "EXIT_OUTPUT_IN_USE", "EXIT_PARTIAL", "BatchOutput", "Executor",
    "RunStopped", "RunSummary", "SerialExecutor", "build_nlp_ahead",
    "describe_batch", "extract_paths", "fingerprint_sources", "remembered_fingerprints",
    "request_stop", "run_incremental", "split_work",
]

DEFAULT_BATCH_SIZE = 64
# Exit status of a run that finished with rejections, told apart from success (0), a failed run
# (1) and a usage error (2).
EXIT_PARTIAL = 3
EXIT_OUTPUT_IN_USE = 4  # another run holds the output folder
JSON_DIR = "json"

logger = logging.getLogger(__name__)


class RunStopped(Exception):
    """A batch gave up because its run is being stopped (Ctrl-C, SIGTERM)."""


# Set by the driver when its run is interrupted: batches running in its threads stop at the
# next document instead of finishing (the thread pool waits for them before the run can exit).
# Worker processes do not see it; a Ctrl-C on the terminal reaches them directly.
_stop_requested = threading.Event()


def request_stop() -> None:
    """Make the batches of this process's run stop at their next document."""
    _stop_requested.set()


def split_work(items: Sequence, max_size: int, min_batches: int = 1) -> list[list]:
    """Batches of at most ``max_size`` items, and at least ``min_batches`` of them when there
    are enough items, so that every worker gets work; sizes differ by at most one."""
    if max_size < 1:
        raise ValueError("batch size must be at least 1")
    if not items:
        return []
    count = min(len(items), max(math.ceil(len(items) / max_size), min_batches))
    size, extra = divmod(len(items), count)
    out, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        out.append(list(items[start:end]))
        start = end
    return out


# --- work units: what a worker runs ---------------------------------------------------------


class BatchOutput(BaseModel):
    """What one batch sends back: its results and facts about the worker that made them."""

    documents: list[StoredResult]
    pid: int
    nlp_builds: int  # 1 when this batch had to build the spaCy pipeline in its process
    seconds: float


def describe_batch(output: Mapping) -> str:
    """A batch's log line, read from its plain data (``BatchOutput`` dumped): the flow's task
    logs it without validating the batch, the run after validating it. A rejected document has
    an error row; an unchanged page left to be taken from the store
    (pipeline.extract.is_placeholder) has neither record nor error; a dump stored in chunks
    sends back only its counts (``paged``)."""
    documents = failed = 0
    for stored in output["documents"]:
        if paged := stored.get("paged"):
            documents += paged["documents"]
            failed += paged["documents"] - len(paged["written"])
        else:
            documents += len(stored["results"])
            failed += sum(1 for r in stored["results"]
                          if r.get("record") is None and r.get("errors"))
    built = " (built the spaCy pipeline)" if output["nlp_builds"] else ""
    return (f"{len(output['documents'])} files, {documents} documents, {failed} failed, "
            f"{output['seconds']:.2f} s in process {output['pid']}{built}")


# While set (remembered_fingerprints): path -> (its stat signature, its fingerprint), so that a
# command hashing the sources twice (its up-to-date check, then the flow) reads them once.
_remembered: dict[str, tuple[tuple[int, ...], str]] | None = None


@contextlib.contextmanager
def remembered_fingerprints() -> Iterator[None]:
    """Within the block, a source whose size, inode and modification and change times are
    those it had when this process last hashed it is not read again."""
    global _remembered
    previous, _remembered = _remembered, {}
    try:
        yield
    finally:
        _remembered = previous


def _signature(path: str) -> tuple[int, ...] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _fingerprint(path: str, root: str) -> str:
    memo = _remembered
    if memo is None:
        return sources.fingerprint(path, root)
    signature = _signature(path)
    if signature is not None and (known := memo.get(path)) and known[0] == signature:
        return known[1]
    value = sources.fingerprint(path, root)
    if signature is not None and signature == _signature(path):  # not changed while read
        memo[path] = (signature, value)
    return value


def fingerprint_sources(
    paths: Iterable[str], root: str, *, final_attempt: bool = True
) -> dict[str, str | None]:
    """source -> sha256 of its bytes (a fingerprint of the reason for a rejected path). An
    OSError is raised (so the task is retried) unless this is the last attempt; then the
    source maps to None and its extraction reports the error."""
    out: dict[str, str | None] = {}
    for path in paths:
        try:
            out[source_name(path, root)] = _fingerprint(path, root)
        except OSError:
            if not final_attempt:
                raise
            out[source_name(path, root)] = None
    return out


def extract_paths(paths: Sequence[str], root: str, *, limits: dict | None = None,
                  settings: dict | None = None, final_attempt: bool = True,
                  unchanged: dict[str, dict[str, str]] | None = None,
                  store_dir: str | None = None) -> dict:
    """Read and extract one batch; the plain-data result of a task.

    Every file is read before any is extracted, so a retry after a transient read error costs a
    re-read, not a re-extraction. On the last attempt an unreadable file becomes an error row.
    A path that must not be read (outside the folder, not a regular file) or a file beyond the
    size limit, and a document that fails to parse or extract, are error rows of their own
    results (``process_source`` never raises), so they never fail their batch. ``limits`` is an
    :class:`InputLimits` as a dict and ``settings`` the components' settings (see
    :func:`pipeline.nlp.build_nlp`), plain data to cross process boundaries. ``unchanged``:
    by source file, the documents (source -> doc_id) whose stored results are still valid; they
    are not extracted again but sent back as placeholders, which the run replaces with the
    stored results (a dump whose pages change one at a time).

    ``store_dir``: the run's output folder. When given, a file holding more documents than
    ``CHUNK_DOCUMENTS`` (a dump) has its results written to that folder's result store in
    chunks as they are extracted (its unchanged documents taken from the stored results there),
    and only what the manifest needs of them is sent back, so neither this batch nor the run
    holds all of a dump's results (the worker must see the output folder, as it sees the
    input folder).
    """
    unchanged = unchanged or {}
    started = time.perf_counter()
    input_limits = InputLimits(**limits) if limits else InputLimits.default()
    version = incremental.pipeline_version(input_limits, settings)
    contents: dict[str, SourceBytes | SourceRejected | OSError] = {}
    paths_by_source = {source_name(path, root): path for path in paths}
    for path in paths:
        if _stop_requested.is_set():
            raise RunStopped("the run is being stopped")
        try:
            contents[source_name(path, root)] = sources.read_source(
                path, root, input_limits.max_bytes)
        except SourceRejected as exc:
            contents[source_name(path, root)] = exc
        except OSError as exc:
            if not final_attempt:
                raise
            contents[source_name(path, root)] = exc
    # A file beyond the limit (data None) may be a dump, read page by page.
    readable = any(isinstance(c, SourceBytes) and (c.data or c.data is None)
                   for c in contents.values())
    nlp_builds = _ensure_nlp(settings) if readable else 0
    documents = []
    for source, content in contents.items():
        if _stop_requested.is_set():
            raise RunStopped("the run is being stopped")
        if isinstance(content, OSError):
            stored = StoredResult(source=source, sha256="", version=version,
                                  results=[_unreadable(source, content)])
        elif isinstance(content, SourceRejected):
            stored = StoredResult(
                source=source, sha256=sources.rejected_fingerprint(content.reason),
                version=version,
                results=[DocumentResult.rejected(source, None, "read", "path", content.reason)])
        else:
            results = _extract(content, paths_by_source[source], root, source, input_limits,
                               settings, unchanged.get(source))
            sha256 = dump_join.fingerprint(content.sha256, input_limits)
            if store_dir is None:
                stored = StoredResult(source=source, sha256=sha256, version=version,
                                      results=list(results))
            else:
                stored = _store_in_chunks(results, ResultStore(store_dir), source, sha256,
                                          version)
            crash_points.reached("extracting")
        documents.append(stored)
    return BatchOutput(
        documents=documents,
        pid=os.getpid(),
        nlp_builds=nlp_builds,
        seconds=round(time.perf_counter() - started, 3),
    ).model_dump(mode="json")


_nlp_lock = threading.Lock()
# Settings whose pipeline build_nlp_ahead built and no batch has counted yet.
_built_ahead: list[dict | None] = []


def build_nlp_ahead(settings: dict | None = None) -> None:
    """Build this process's spaCy pipeline before the run's batches need it (the command line
    does, while Prefect's server starts); the first batch of this process counts the build."""
    from .nlp import get_nlp, is_built

    with _nlp_lock:
        if not is_built(settings):
            get_nlp(settings)
            _built_ahead.append(settings)


def _ensure_nlp(settings: dict | None = None) -> int:
    """Build this process's spaCy pipeline (for ``settings``) unless it is built; 1 if this
    call built it, or is the first to use the one ``build_nlp_ahead`` built.

    Under a lock, so that concurrent batches of a thread runner do not both build it.
    """
    from .nlp import get_nlp, is_built

    with _nlp_lock:
        if settings in _built_ahead:
            _built_ahead.remove(settings)
            return 1
        if is_built(settings):
            return 0
        get_nlp(settings)
        return 1


def _extract(content: SourceBytes, path: str, root: str, source: str, limits: InputLimits,
             settings: dict | None = None,
             unchanged: dict[str, str] | None = None) -> Iterator[DocumentResult]:
    """The results of the documents of one file (a dump or a wikiextractor file holds many),
    yielded as each is extracted.

    A file beyond ``--max-bytes`` was not loaded: a MediaWiki dump is read from the file page by
    page (each page within the limit); any other such file is rejected as too large."""
    # Imported here: spaCy is loaded only where extraction runs, not by `--help` or the driver
    # of a process or Dask run.
    from .extract import iter_file_results
    from .ingest.formats import LargeFile
    from .nlp import get_nlp

    data = content.data
    if data is None:  # beyond the limit: not loaded
        data = LargeFile(size=content.size, sha256=content.sha256,
                         open=functools.partial(sources.open_source, path, root))
    return iter_file_results(data, source, limits, get_nlp(settings), unchanged)


def _store_in_chunks(results: Iterable[DocumentResult], store: ResultStore, source: str,
                     sha256: str, version: str) -> StoredResult:
    """The stored result of one file's ``results`` (read as they are extracted): as they are
    when the file holds at most ``CHUNK_DOCUMENTS`` documents; else written to ``store`` in
    chunks of that many as they come, and only what the manifest needs of them kept.

    Placeholders (unchanged documents) are replaced by their stored results, read from the
    file's previous stored result one chunk at a time. When one is not found there, it is
    left out and the file's hash dropped, so that the file is not stored and the next run
    extracts it again (as ``_with_stored_documents`` does)."""
    from .extract import is_placeholder

    previous = _PreviousResults(store, source, version)
    token = uuid.uuid4().hex[:12]
    buffer: list[DocumentResult] = []
    chunks = documents = 0
    written: list[str] = []
    ok = complete = True
    for result in results:
        if is_placeholder(result):
            found = previous.find(result.source, result.doc_id)
            if found is None:
                complete = False
                continue
            result = found
        buffer.append(result)
        documents += 1
        ok = ok and result.ok
        if result.ok:
            written.append(result.source)
        if len(buffer) > incremental.CHUNK_DOCUMENTS:
            store.save_chunk(source, token, chunks, buffer[:-1])
            chunks += 1
            del buffer[:-1]
            crash_points.reached(crash_points.CHUNK_STORED)
    sha256 = sha256 if complete else ""
    if not chunks:
        return StoredResult(source=source, sha256=sha256, version=version, results=buffer)
    store.save_chunk(source, token, chunks, buffer)
    return StoredResult(source=source, sha256=sha256, version=version, results=[],
                        paged=PagedResults(token=token, chunks=chunks + 1,
                                           documents=documents, ok=ok, written=written))


class _PreviousResults:
    """The stored results of a file from a run of the same pipeline version, found by
    (document source, doc_id) with at most one chunk in memory: chunks are searched from the
    one of the last document found on, as a dump's pages mostly keep their order."""

    def __init__(self, store: ResultStore, source: str, version: str) -> None:
        self.store, self.source, self.version = store, source, version
        self.stored: StoredResult | None = None  # read when first needed
        self.index = -1  # the chunk in ``self.loaded``
        self.loaded: dict[tuple[str, str | None], DocumentResult] = {}

    def find(self, source: str, doc_id: str | None) -> DocumentResult | None:
        if self.stored is None:
            stored = self.store.load(self.source)
            if stored is None or stored.version != self.version:
                return None
            self.stored = stored
        if self.stored.paged is None:
            if self.index < 0:
                self.index = 0
                self.loaded = {(r.source, r.doc_id): r for r in self.stored.results}
            return self.loaded.get((source, doc_id))
        chunks = self.stored.paged.chunks
        start = max(self.index, 0)
        for step in range(chunks):
            index = (start + step) % chunks
            if index != self.index:
                try:
                    results = self.store.load_chunk(self.stored, index)
                except MissingChunk:
                    continue
                self.index = index
                self.loaded = {(r.source, r.doc_id): r for r in results}
            if (found := self.loaded.get((source, doc_id))) is not None:
                return found
        return None


def _unreadable(source: str, error: OSError) -> DocumentResult:
    return DocumentResult.rejected(source, None, "read", "source", f"cannot read file: {error}")


class Executor(Protocol):
    """Where the work units run."""

    def fingerprint(self, paths: list[str], root: str) -> Mapping[str, str | None]: ...

    def extract(self, work: list[list[str]], root: str, limits: dict,
                settings: dict | None,
                unchanged: dict[str, dict[str, str]] | None = None,
                store_dir: str | None = None) -> Iterable[dict]:
        """Run :func:`extract_paths` on every batch; yield outputs as they complete."""
        ...


class SerialExecutor:
    def fingerprint(self, paths: list[str], root: str) -> Mapping[str, str | None]:
        return fingerprint_sources(paths, root)

    def extract(self, work: list[list[str]], root: str, limits: dict,
                settings: dict | None = None,
                unchanged: dict[str, dict[str, str]] | None = None,
                store_dir: str | None = None) -> Iterator[dict]:
        for batch in work:
            yield extract_paths(batch, root, limits=limits, settings=settings,
                                unchanged=unchanged, store_dir=store_dir)


def _unchanged_documents(plan: Plan, store: ResultStore) -> dict[str, dict[str, str]]:
    """For each changed source file that holds many documents and was extracted by this
    pipeline version: its documents (source -> doc_id), which need no new extraction while
    their text is the same."""
    out: dict[str, dict[str, str]] = {}
    for source in plan.to_extract:
        previous = store.load(source)
        if previous is None or previous.version != plan.version:
            continue
        try:
            documents = {r.source: r.doc_id for r in store.iter_results(previous)
                         if r.source != source and r.doc_id}
        except MissingChunk:
            continue
        if documents:
            out[source] = documents
    return out


def _with_stored_documents(stored: StoredResult, store: ResultStore) -> StoredResult:
    """``stored`` with its placeholders (unchanged documents) replaced by their stored results;
    when one is missing from the store, the file's hash is dropped so that it is not stored and
    the next run extracts it again."""
    from .extract import is_placeholder

    if not any(is_placeholder(r) for r in stored.results):
        return stored
    previous = store.load(stored.source)
    try:
        kept = {(r.source, r.doc_id): r for r in store.iter_results(previous)} \
            if previous else {}
    except MissingChunk:
        kept = {}
    results = [kept.get((r.source, r.doc_id), r) if is_placeholder(r) else r
               for r in stored.results]
    if any(is_placeholder(r) for r in results):
        return stored.model_copy(update={"sha256": "", "results": [
            r for r in results if not is_placeholder(r)]})
    return stored.model_copy(update={"results": results})


# --- publishing -----------------------------------------------------------------------------


def _publish(sources: Iterable[str], unstored: Mapping[str, StoredResult], version: str,
             store: ResultStore, output_dir: Path) -> dict[str, int]:
    """Write the outputs a full run would write for ``sources``; return rows per table.

    Results are streamed one document at a time from the store (``unstored`` holds the few
    that are not stored, such as unreadable files; a dump's are read a chunk at a time), so
    memory is bounded by a batch of table rows, not by the corpus. What must be known of every
    document at the end (the JSON files written, to remove the others; the ones staged; each
    series name's articles) is spilled to an SQLite file under ``.state/``
    (:mod:`pipeline.store.spill`), deleted once the outputs are published. What still grows
    with the documents here is the manifest's list of a dump's pages. Order matters for
    interruptions: every new JSON file and table is first written to a temporary file, and
    only when all are written (so a full disk fails the run before any published file changes)
    are they renamed into place; the manifest last (the commit point), then stored results of
    removed sources are pruned. A run stopped anywhere leaves readable files (and a spill file,
    removed with the other temporaries by the next run), and the next run publishes everything
    again.
    """
    output_dir = Path(output_dir)
    json_dir = output_dir / JSON_DIR
    entries: dict[str, ManifestEntry] = {}
    names = json_names(sources)
    renamed = False  # every staged JSON file is in place
    with Spill(store.root) as spill:
        # JSON files (names under json/) written, and those written to their temporaries
        # (_staged_path) to be renamed at the end; staged on the threads of ``writes``,
        # recorded here as each write is collected (the spill is this thread's).
        json_files = JsonFiles(spill)
        try:
            with TableWriters(output_dir, version, spill) as tables, \
                    ConcurrentWrites() as writes:
                for source in sorted(sources):
                    stored = unstored.get(source) or store.load(source)
                    if stored is None:
                        raise RuntimeError(
                            f"the stored result of {source} vanished during the run")
                    for result in store.iter_results(stored):
                        if result.record is not None:
                            name = _document_json_name(names[source], source, result.source)
                            writes.submit(
                                _stage_if_changed, json_dir / name, document_json(result.record),
                                then=functools.partial(_record_json_file, json_files, name))
                        tables.add(result)
                    entries[source] = manifest_entry(stored)
                writes.wait()  # every JSON file staged before any is renamed
                tables.finish()
                for name in json_files.staged():
                    path = json_dir / name
                    os.replace(_staged_path(path), path)
                    crash_points.reached("publishing-json")
                renamed = True
                _remove_stale_json(json_dir, json_files)
                counts = tables.commit()
        finally:
            if not renamed:  # the run failed before publishing
                for name in json_files.staged():
                    _staged_path(json_dir / name).unlink(missing_ok=True)
    _remove_stale_temporaries(output_dir / "parquet")
    store.write_manifest(Manifest(version=version, documents=entries, rows=counts))
    crash_points.reached("manifest")
    store.prune(entries)
    return counts


# A page or block id that can be part of a file name as it is; others are hashed.
_SAFE_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _document_json_name(file_json: str, file_source: str, document_source: str) -> str:
    """The JSON file of one document of a source file: the file's own name (``file_json``) for
    a file holding one article; for a page or block of a file holding many (``dump.xml#101``),
    that name with the page id: ``dump#101.json``."""
    if document_source == file_source:
        return file_json
    key = document_source[len(file_source) + 1:]
    if not _SAFE_KEY.match(key):
        key = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return f"{file_json.removesuffix('.json')}#{key}.json"


def _published_json(manifest: Manifest) -> set[str]:
    """The JSON files (under ``json/``) of the documents the manifest says were written."""
    names = json_names(manifest.documents)
    files = set()
    for source, entry in manifest.documents.items():
        if entry.written:
            files.update(_document_json_name(names[source], source, d) for d in entry.written)
        elif entry.ok:
            files.add(names[source])
    return files


def _document_counts(entry: ManifestEntry) -> tuple[int, int]:
    """(documents, documents written) of one source file."""
    if entry.written or entry.documents > 1:
        return entry.documents, len(entry.written)
    return 1, int(entry.ok)


def _outputs_complete(output_dir: Path, rows: Mapping[str, int], json_files: set[str]) -> bool:
    """Every file the last manifest says was published (``rows``: its rows per table,
    ``json_files``: its JSON files) is still there."""
    output_dir = Path(output_dir)
    tables = all((output_dir / "parquet" / f"{name}.parquet").is_file() for name in TABLES)
    documents = all((output_dir / JSON_DIR / name).is_file() for name in json_files)
    return tables and documents and bool(rows)


def _staged_path(path: Path) -> Path:
    """The temporary file of ``path`` while a run publishes (one run at a time writes an
    output folder, so one name will do; a killed run's is removed as a stale temporary)."""
    return path.with_name(f".{path.name}.staged.tmp")


def _record_json_file(json_files: JsonFiles, name: str, staged: bool) -> None:
    json_files.add(name, staged=staged)


def _stage_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to the temporary file of ``path`` (:func:`_staged_path`), to be renamed
    onto it; False (nothing written) when ``path`` holds it."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    os.replace(write_temporary(path, data), _staged_path(path))
    return True


def _remove_stale_temporaries(folder: Path) -> None:
    """Temporary files a killed run left behind (``.<name>.<random>.tmp``)."""
    if folder.is_dir():
        for path in folder.glob(".*.tmp"):
            path.unlink(missing_ok=True)


def _remove_stale_json(json_dir: Path, expected: Container[str]) -> None:
    """Make ``json_dir`` hold exactly one file per successful document, as a full run would:
    files of removed or now-failing sources, and temporary files of a killed run, go."""
    if json_dir.is_dir():
        _remove_unexpected(json_dir, "", expected)


def _remove_unexpected(folder: Path, relative: str, expected: Container[str]) -> None:
    """Remove the files under ``folder`` (``relative`` to json/: "" or "sub/") not in
    ``expected``, then its emptied subfolders. Entries are read as the folder is scanned, not
    listed first: a dump's pages are as many files in one folder. Symlinked folders are left
    as they are (not descended into)."""
    subfolders = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir():
                if not entry.is_symlink():
                    subfolders.append(entry.name)
            elif relative + entry.name not in expected:
                Path(entry.path).unlink(missing_ok=True)
    for name in subfolders:
        _remove_unexpected(folder / name, f"{relative}{name}/", expected)
        if not any((folder / name).iterdir()):
            (folder / name).rmdir()


# --- the run --------------------------------------------------------------------------------


class RunSummary(BaseModel):
    input_dir: str
    output_dir: str
    pipeline_version: str = ""
    # documents_*: documents (a dump counts its articles); new ... reused: source files, the
    # unit of change detection.
    documents_read: int
    documents_written: int
    documents_failed: int
    new: int = 0
    changed: int = 0  # bytes or pipeline version differ from the last published run
    unchanged: int = 0
    removed: int = 0
    extracted: int = 0  # documents this run actually extracted
    reused: int = 0  # documents whose stored result was reused
    nlp_builds: int = 0  # spaCy pipelines built by this run's workers
    error_rows: int
    rows: dict[str, int]

    @property
    def exit_code(self) -> int:
        """0 when everything was written; ``EXIT_PARTIAL`` when the run finished but some
        documents or records were rejected (the ``errors`` table says which and why)."""
        return EXIT_PARTIAL if self.documents_failed or self.error_rows else 0

    def format(self) -> str:
        lines = [
            (f"documents read:    {self.documents_read}"
             f"  (new {self.new}, changed {self.changed}, unchanged {self.unchanged},"
             f" removed {self.removed})"),
            f"extracted:         {self.extracted}  (reused {self.reused})",
            f"documents written: {self.documents_written}",
            f"documents failed:  {self.documents_failed}",
            f"pipeline version:  {self.pipeline_version}",
            f"spaCy pipelines built: {self.nlp_builds}  (once per worker process)",
            f"output:            {self.output_dir}",
            "rows per table:",
        ]
        lines += [f"  {name:<14}{count:>8}" for name, count in self.rows.items()]
        if self.error_rows:
            errors = Path(self.output_dir) / "parquet" / "errors.parquet"
            lines.append(f"what was rejected, and why: {errors} (stage, field, reason, excerpt)")
        return "\n".join(lines)

    def markdown(self) -> str:
        counts = [("new", self.new), ("changed", self.changed), ("unchanged", self.unchanged),
                  ("removed", self.removed), ("failed", self.documents_failed),
                  ("extracted", self.extracted), ("reused", self.reused)]
        lines = [
            f"# Extraction of `{self.input_dir}` into `{self.output_dir}`",
            "",
            (f"Pipeline version `{self.pipeline_version}`: {self.documents_read} documents, "
             f"{self.documents_written} written, {self.documents_failed} failed."),
            "",
            "| documents | count |",
            "| --- | ---: |",
            *[f"| {name} | {count} |" for name, count in counts],
            "",
            "| table | rows |",
            "| --- | ---: |",
            *[f"| {name} | {count} |" for name, count in self.rows.items()],
        ]
        return "\n".join(lines) + "\n"


def run_incremental(
    input_dir: Path | str,
    output_dir: Path | str,
    *,
    executor: Executor,
    batch_size: int = DEFAULT_BATCH_SIZE,
    full: bool = False,
    min_batches: int = 1,
    limits: InputLimits | None = None,
    settings: dict | None = None,
    log: logging.Logger | logging.LoggerAdapter | None = None,
    only_if_up_to_date: bool = False,
) -> RunSummary | None:
    """Bring ``output_dir`` up to date with ``input_dir``, extracting only what changed.

    ``limits`` bounds what is accepted (default: ``InputLimits.default()``); ``settings``: the
    components' settings, by component (default: the packaged data files). One run at a time
    per output folder: ``OutputInUse`` when another run holds it (:mod:`pipeline.store.lock`).
    ``only_if_up_to_date``: return the run's summary only when the outputs are already up to
    date (nothing to extract or publish); otherwise None, having extracted and published
    nothing (the command line then runs the flow).
    """
    with output_lock(output_dir):
        _stop_requested.clear()
        log = log or logger
        limits = limits or InputLimits.default()
        root = str(input_dir)
        paths, misnamed = [], {}
        dump = limits.wikiextractor_dump
        dump_path = Path(dump.path).resolve() if dump else None
        for path in list_sources(Path(root), exclude=output_dir):
            if dump_path is not None and path.resolve() == dump_path:
                continue  # the dump joined with wikiextractor's output is not read on its own
            if problem := sources.name_problem(path):
                misnamed[source_name(path, root)] = problem  # never handed to a task
            else:
                paths.append(str(path))
        fingerprints = dict(executor.fingerprint(paths, root))
        fingerprints.update({s: sources.rejected_fingerprint(r) for s, r in misnamed.items()})
        crash_points.reached("listed")
        store = ResultStore(output_dir)
        store.remove_temporaries()
        # The dump joined with wikiextractor's output: hashed, indexed once (workers open the
        # index), and part of every source's fingerprint.
        limits = dump_join.prepare(limits, store.root)
        fingerprints = {s: dump_join.fingerprint(sha, limits) for s, sha in fingerprints.items()}
        plan: Plan = plan_run(fingerprints, store, incremental.pipeline_version(limits, settings),
                              full=full)
        log.info(
            "%d sources: %d new, %d changed, %d unchanged, %d removed; %d to extract, %d reused "
            "(pipeline version %s%s)", len(fingerprints), plan.count("new"), plan.count("changed"),
            plan.count("unchanged"), len(plan.removed), len(plan.to_extract), len(plan.reused),
            plan.version, ", --full" if full else "",
        )
        if only_if_up_to_date and (plan.to_extract or plan.removed):
            return None

        # Only a lightweight index is kept: results live in the store and are streamed when
        # publishing, so memory does not grow with the corpus.
        ok: dict[str, ManifestEntry] = dict(plan.reused)  # source file -> its documents' state
        unstored: dict[str, StoredResult] = {}
        for source in (s for s in plan.to_extract if s in misnamed):
            stored = StoredResult(
                source=source, sha256=fingerprints[source], version=plan.version,
                results=[DocumentResult.rejected(source, None, "read", "path", misnamed[source])])
            store.save(stored)
            ok[source] = manifest_entry(stored)
        work = split_work([str(Path(root) / s) for s in plan.to_extract if s not in misnamed],
                          batch_size, min_batches)
        unchanged = {} if full else _unchanged_documents(plan, store)
        extracted = len(ok) - len(plan.reused)
        nlp_builds = 0
        bar = progress.current()
        bar.start(total=len(fingerprints), completed=len(ok))
        try:
            with ConcurrentWrites() as writes:
                for number, output in enumerate(
                        executor.extract(work, root, limits.model_dump(), settings, unchanged,
                                         store_dir=str(output_dir)),
                        start=1):
                    batch = BatchOutput.model_validate(output)
                    for stored in batch.documents:
                        if stored.source in unchanged:
                            stored = _with_stored_documents(stored, store)
                        if stored.sha256:
                            # checkpoint: an interrupted run's work is kept
                            writes.submit(store.save, stored)
                        else:
                            unstored[stored.source] = stored  # unreadable: retried next run
                        ok[stored.source] = manifest_entry(stored)
                    writes.wait()
                    crash_points.reached("checkpointed")
                    extracted += len(batch.documents)
                    nlp_builds += batch.nlp_builds
                    log.info("batch %d/%d: %s", number, len(work), describe_batch(output))
                    bar.advance(len(batch.documents))
                    del batch, output
        finally:
            bar.stop()

        # The last manifest's JSON files, only when nothing changed (they are as many as a
        # dump's pages, not to be held while publishing).
        manifest = store.read_manifest()
        json_files = _published_json(manifest) if (
            not extracted and not plan.removed and manifest.version == plan.version
            and set(manifest.documents) == set(ok)) else None
        published_rows = manifest.rows
        del manifest
        if json_files is not None and _outputs_complete(output_dir, published_rows, json_files):
            # Nothing changed since the last completed run and its outputs are all there.
            rows = {name: published_rows.get(name, 0) for name in TABLES}
            _remove_stale_json(Path(output_dir) / JSON_DIR, json_files)
            _remove_stale_temporaries(Path(output_dir) / "parquet")
            log.info("nothing changed: the published outputs are up to date")
        elif only_if_up_to_date:
            return None
        else:
            json_files = None  # not held while publishing
            rows = _publish(ok, unstored, plan.version, store, Path(output_dir))
        counts = [_document_counts(entry) for entry in ok.values()]
        read, written = sum(c[0] for c in counts), sum(c[1] for c in counts)
        summary = RunSummary(
            input_dir=root,
            output_dir=str(output_dir),
            pipeline_version=plan.version,
            documents_read=read,
            documents_written=written,
            documents_failed=read - written,
            new=plan.count("new"),
            changed=plan.count("changed"),
            unchanged=plan.count("unchanged"),
            removed=len(plan.removed),
            extracted=extracted,
            reused=len(plan.reused),
            nlp_builds=nlp_builds,
            error_rows=rows["errors"],
            rows=rows,
        )
        log.info(
            "published %d documents (%d failed, %d error rows); extracted %d, reused %d; "
            "spaCy pipeline built %d time(s)", summary.documents_read, summary.documents_failed,
            summary.error_rows, extracted, summary.reused, nlp_builds,
        )
        return summary
