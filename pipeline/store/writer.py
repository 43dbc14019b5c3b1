"""Write stage: ``output/json/<stem>.json`` per document and ``output/parquet/<table>.parquet``.

Deterministic (same results -> byte-identical files: stable key and row order, no timestamps)
and atomic (each file is written to a temporary file in its folder, then ``os.replace``d).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Self

import pyarrow as pa
import pyarrow.parquet as pq

from .. import crash_points
from ..contract.items import SCHEMA_VERSION, DocumentRecord
from ..contract.tables import (
    TABLES,
    DocumentResult,
    SeriesIndex,
    arrow_schema,
    document_rows,
    to_arrow_row,
)
from .files import FILE_MODE, atomic_write_bytes, write_temporary
from .incremental import pipeline_version as current_pipeline_version
from .spill import Spill

__all__ = [
    "FILE_MODE", "ConcurrentWrites", "TableWriters", "atomic_write_bytes", "document_json",
    "json_names", "write_outputs", "write_temporary",
]


def document_json(record: DocumentRecord) -> bytes:
    # pydantic's own serialiser, in one pass: the same bytes as json.dumps(record.model_dump(
    # mode="json"), ensure_ascii=False, indent=2) (tests/store/test_writer.py), which with an
    # indent runs Python's pure-Python encoder: 13 of the 44 s of publishing 2,000 documents.
    return record.model_dump_json(indent=2).encode("utf-8") + b"\n"


class ConcurrentWrites:
    """File writes run on a few threads, at most ``MAX_PENDING`` queued at once.

    Each output file is fsynced before it is renamed into place (``files.write_temporary``),
    and one fsync waited for at a time cost about 5 ms here: 20 of the 44 s of publishing
    2,000 documents, and as much again for their checkpoints in the result store. Issued from
    several threads the file system commits them together (7 times as many a second, measured
    on this machine; docs/benchmark.md, "Issue 16: the run command"). Every write still
    completes, with its fsync, before ``wait`` returns; the first error is raised there (or by
    ``submit`` once it is collected), after every other submitted write has ended.
    """

    THREADS = 4
    # Queued writes hold their bytes: a bound, so memory does not grow with the corpus.
    MAX_PENDING = 64

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(self.THREADS, thread_name_prefix="output-writes")
        self.pending: deque[tuple[Future, Callable[[object], object] | None]] = deque()

    def submit(self, write: Callable[..., object], *args,
               then: Callable[[object], object] | None = None) -> None:
        """Run ``write(*args)`` on a thread; ``then(its result)`` runs on this thread once the
        write is collected (by a later ``submit``, ``wait`` or the end), for every write that
        succeeded, even while another's error is being raised."""
        self.pending.append((self.pool.submit(write, *args), then))
        while len(self.pending) > self.MAX_PENDING:
            self._collect(*self.pending.popleft())

    def _collect(self, future: Future, then: Callable[[object], object] | None) -> None:
        try:
            result = future.result()
        except BaseException:
            self._settle()
            raise
        if then is not None:
            then(result)

    def _settle(self) -> None:
        """Wait for every queued write to end, ignoring their errors (one is being raised)."""
        while self.pending:
            future, then = self.pending.popleft()
            with contextlib.suppress(BaseException):
                result = future.result()
                if then is not None:
                    then(result)

    def wait(self) -> None:
        """Return once every submitted write is done; raise the first error among them."""
        while self.pending:
            self._collect(*self.pending.popleft())

    def close(self) -> None:
        self._settle()
        self.pool.shutdown(wait=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.wait()
        finally:
            self.close()


def json_names(sources: Iterable[str]) -> dict[str, str]:
    """source -> the path of its JSON file under ``json/``, one distinct file per source.

    The contract's name is the stem: ``sub/000_abc.txt`` -> ``sub/000_abc.json`` (the folder is
    kept, so equal stems in different folders do not clash). Sources that would share a file
    (``a.txt`` and ``a.md``; ``A.txt`` and ``a.txt`` on a case-insensitive file system) keep
    their whole name instead (``a.txt.json``, ``a.md.json``), and a clash left after that gets
    a hash of the source name, so no source's JSON ever overwrites another's. Source names are
    relative paths found under the input folder, so they hold no ``..`` or absolute parts;
    that is checked all the same, since a name here becomes a path we write to.
    """
    sources = sorted(set(sources))
    for source in sources:
        parts = PurePosixPath(source).parts
        if not parts or source.startswith("/") or any(p in ("..", ".") for p in parts):
            raise ValueError(f"unsafe source name for an output path: {source!r}")
    names = {source: _stem_name(source) for source in sources}
    for rename in (_full_name, _hashed_name):
        taken = Counter(name.casefold() for name in names.values())
        names = {s: rename(s) if taken[n.casefold()] > 1 else n for s, n in names.items()}
    return names


def _stem_name(source: str) -> str:
    path = PurePosixPath(source)
    return path.with_suffix(".json").as_posix() if path.suffix else f"{source}.json"


def _full_name(source: str) -> str:
    return f"{source}.json"


def _hashed_name(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]
    return f"{source}.{digest}.json"


class TableWriters:
    """Streams rows into every table, so memory is bounded by a row group, not the corpus.

    Each table is written to a temporary file beside its final path with ``pq.ParquetWriter``
    (a row group every ``ROW_GROUP_ROWS`` rows, so the layout depends on the data only and the
    bytes are deterministic); ``finish`` writes the last rows and the ``series_index`` (built
    from every document added, its article lists kept in ``spill`` when one is given) and
    closes them (a full disk shows here, before anything is
    renamed), ``commit`` finishes and renames each into place, ``abort`` removes them. Use as
    a context manager: leaving it by an exception aborts.

    Rows are buffered column by column, as Python values for up to ``ARROW_BATCH_ROWS`` rows and
    then as Arrow arrays (a tenth of the memory or less), joined into one contiguous array per
    column when the row group is written (so the file's bytes are what writing the values at
    once gives); the run columns (``pipeline_version``, ``schema_version``) are added then, and
    are in each file's metadata.
    """

    # 10,000, not 50,000 (before 7 Dec 2026): a row group is held in memory while it is built and
    # written, and at 50,000 rows a table, publishing a 100,000-page dump peaked 100 MB above a
    # 10,000-page one, which fills fewer tables' groups (docs/benchmark.md, dump). Values are the
    # same; files of tables with more rows than this are laid out in more row groups.
    ROW_GROUP_ROWS = 10_000
    ARROW_BATCH_ROWS = 2_048
    # series_index's rows list articles: its row groups are bounded by those too (8 Dec 2026:
    # publishing 100,000 pages peaked 79 MB above 10,000, most of it one such row group).
    SERIES_INDEX_GROUP_ARTICLES = 50_000

    def __init__(self, out_dir: Path, pipeline_version: str, spill: Spill | None = None) -> None:
        self.dir = Path(out_dir) / "parquet"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.pipeline_version = pipeline_version
        self.schemas = {name: arrow_schema(model, pipeline_version)
                        for name, model in TABLES.items()}
        # The columns a row gives (all but the run columns), each a list of values.
        self.buffers: dict[str, dict[str, list]] = {
            name: {column: [] for column in schema.names[:-2]}
            for name, schema in self.schemas.items()}
        # Rows already made Arrow arrays, by table: column -> its arrays, and their row count.
        self.arrow: dict[str, dict[str, list[pa.Array]]] = {
            name: {column: [] for column in columns} for name, columns in self.buffers.items()}
        self.arrow_rows = dict.fromkeys(TABLES, 0)
        self.counts = dict.fromkeys(TABLES, 0)
        # Its articles in ``spill`` (a run's file, see pipeline.store.spill), else in memory.
        self.series_index = SeriesIndex(spill.connection if spill else None)
        self.temps: dict[str, Path] = {}
        self.writers: dict[str, pq.ParquetWriter] = {}
        for name in TABLES:
            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=f".{name}.parquet.", suffix=".tmp")
            os.close(fd)
            self.temps[name] = Path(tmp)
            self.writers[name] = pq.ParquetWriter(tmp, self.schemas[name], compression="zstd")

    def add(self, result: DocumentResult) -> None:
        for name, rows in document_rows(result).items():
            self._extend(name, rows)
        if result.record is not None:
            self.series_index.add(result.record)

    def _extend(self, name: str, rows: Sequence) -> None:
        columns = self.buffers[name]
        dumped = [to_arrow_row(row) for row in rows]
        for column, values in columns.items():
            values.extend([data[column] for data in dumped])
        self.counts[name] += len(rows)
        pending = len(next(iter(columns.values())))
        if self.arrow_rows[name] + pending >= self.ROW_GROUP_ROWS:
            self._flush(name)
        elif pending >= self.ARROW_BATCH_ROWS:
            self._to_arrow(name)

    def _to_arrow(self, name: str) -> None:
        """The table's buffered Python values as Arrow arrays."""
        columns = self.buffers[name]
        size = len(next(iter(columns.values())))
        if not size:
            return
        schema = self.schemas[name]
        for column, values in columns.items():
            self.arrow[name][column].append(pa.array(values, type=schema.field(column).type))
            values.clear()
        self.arrow_rows[name] += size

    def _flush(self, name: str) -> None:
        self._to_arrow(name)
        size = self.arrow_rows[name]
        if not size:
            return
        schema = self.schemas[name]
        arrays = []
        for chunks in self.arrow[name].values():
            arrays.append(pa.concat_arrays(chunks) if len(chunks) > 1 else chunks[0])
            chunks.clear()
        self.arrow_rows[name] = 0
        arrays.append(pa.array([self.pipeline_version] * size, pa.string()))
        arrays.append(pa.array([SCHEMA_VERSION] * size, pa.int64()))
        table = pa.Table.from_arrays(arrays, schema=schema)
        self.writers[name].write_table(table, row_group_size=self.ROW_GROUP_ROWS)

    def finish(self) -> dict[str, int]:
        """Every table complete in its temporary file; rows per table. Called again (by
        ``commit``), it does nothing more."""
        if self.writers:
            # A row at a time, made Arrow arrays at once: a name's row lists every article
            # naming it, so the Python values of all of them would grow with the documents;
            # and a row group ends once its rows list SERIES_INDEX_GROUP_ARTICLES articles,
            # as its arrays would too (a dump's few names can list 100,000 pages each).
            articles = 0
            for row in self.series_index.rows():
                self._extend("series_index", [row])
                self._to_arrow("series_index")
                articles += len(row.article_ids)
                if articles >= self.SERIES_INDEX_GROUP_ARTICLES:
                    self._flush("series_index")
                    articles = 0
        for name, writer in self.writers.items():
            self._flush(name)
            writer.close()
        self.writers = {}
        return dict(self.counts)

    def commit(self) -> dict[str, int]:
        counts = self.finish()
        for name, tmp in self.temps.items():
            os.chmod(tmp, FILE_MODE)
            os.replace(tmp, self.dir / f"{name}.parquet")
            crash_points.reached("publishing-parquet")
        self.temps = {}
        return counts

    def abort(self) -> None:
        for writer in self.writers.values():
            # Cleaning up after a failure that is already being raised.
            with contextlib.suppress(Exception):
                writer.close()
        for tmp in self.temps.values():
            tmp.unlink(missing_ok=True)
        self.temps = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()


def _write_tables(results: Iterable[DocumentResult], out_dir: Path,
                  pipeline_version: str) -> dict[str, int]:
    """Write every table (empty ones too, with their schema); return rows per table."""
    with TableWriters(out_dir, pipeline_version) as tables:
        for result in sorted(results, key=lambda r: r.source):
            tables.add(result)
        return tables.commit()


def write_outputs(results: Sequence[DocumentResult], out_dir: Path,
                  pipeline_version: str | None = None) -> dict[str, int]:
    """Every JSON file and table of ``results`` (a whole run's, so names are chosen once).
    ``pipeline_version``: the version that produced them (default: this installation's, with
    the default input limits and settings)."""
    if pipeline_version is None:
        pipeline_version = current_pipeline_version()
    names = json_names(r.source for r in results)
    with ConcurrentWrites() as writes:
        for result in results:
            if result.record is not None:
                writes.submit(atomic_write_bytes, Path(out_dir) / "json" / names[result.source],
                              document_json(result.record))
    return _write_tables(results, out_dir, pipeline_version)
