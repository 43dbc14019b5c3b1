"""Incremental runs: what a document's result depends on, where results are kept, what changed.

A document's result is a function of its bytes and of the pipeline (rules, vocabularies, code,
the libraries that parse). So a stored result is keyed by the sha256 of the bytes plus
:func:`pipeline_version`, a hash derived from the package itself (nobody has to remember to
bump it). Results live under ``OUTPUT_DIR/.state/``:

* ``results/<hash of source>.json``: one :class:`StoredResult` per source file (with a result
  per document it holds: a dump has one per article), written as soon as
  its batch is done (a checkpoint: an interrupted run's work is reused by the next run);
* ``results/<hash of source>.<token>.<n>.jsonl``: the results of a file holding more documents
  than :data:`CHUNK_DOCUMENTS` (a dump), written by the worker in chunks of that many as they
  are extracted, one JSON line per document, so that no process holds all of a dump's results;
  the file's ``.json`` then holds no results, only :class:`PagedResults` naming its chunks.
  ``token`` is new for each extraction, so a run that is killed while writing a dump's chunks
  never overwrites the chunks the stored ``.json`` names; chunks no ``.json`` names are pruned;
* ``manifest.json``: what the published outputs (``json/``, ``parquet/``) were built from,
  written last, so it is the commit point of a run. New, changed, unchanged and removed are
  counted against it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from .. import data as resources
from ..contract.tables import DocumentResult
from ..ingest.decoding import InputLimits
from .files import atomic_write_bytes

__all__ = [
    "CHUNK_DOCUMENTS", "RESULT_PARTS", "Manifest", "ManifestEntry", "MissingChunk",
    "PagedResults", "Plan", "ResultStore", "Status", "StoredResult",
    "manifest_entry", "pipeline_version", "plan_run", "version_files",
]

STATE_DIR = ".state"
RESULTS_DIR = "results"
MANIFEST = "manifest.json"
# Results of one source file kept together in memory (and in one chunk file): a file with more
# documents than this is stored in chunks of this many (a few MB of results at most).
CHUNK_DOCUMENTS = 256
_PACKAGE = Path(__file__).resolve().parents[1]

# The parts of the package a document's result depends on, named by the layout: the folders
# (ending in "/") and top-level modules whose code the pipeline version hashes; every module
# added to them counts. tools/, store/, flows/, cli.py, run.py and progress.py stay out: they
# orchestrate, serialise, evaluate or benchmark, and the JSON and Parquet files are rebuilt
# from stored results on every run, so a change there cannot make a stored result stale.
# (The data files themselves are hashed apart, by data_fingerprint, on every call.)
RESULT_PARTS = ("ingest/", "nlp/", "facts/", "contract/", "data/", "extract.py")
# Libraries whose behaviour or data is part of the result (tokenizer, date parsing,
# validation, the entities' reference given names, the readers of wiki formats).
RESULT_LIBRARIES = ("spacy", "dateparser", "pydantic", "gender-guesser", "mwparserfromhell",
                    "mwxml", "selectolax")

Status = Literal["new", "changed", "unchanged"]


def version_files() -> list[str]:
    """The package's Python files in :data:`RESULT_PARTS`, relative to the package, sorted."""
    files = (path.relative_to(_PACKAGE).as_posix() for path in _PACKAGE.rglob("*.py"))
    return sorted(f for f in files
                  if any(f.startswith(p) if p.endswith("/") else f == p for p in RESULT_PARTS))


@cache
def _code_fingerprint() -> str:
    """Hash of the package's extraction code and of the versions of the libraries it relies on."""
    digest = hashlib.sha256()
    for relative in version_files():
        digest.update(relative.encode() + b"\0" + (_PACKAGE / relative).read_bytes() + b"\0")
    for name in RESULT_LIBRARIES:
        try:
            digest.update(f"{name}=={version(name)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{name}==?\0".encode())
    return digest.hexdigest()


def pipeline_version(limits: InputLimits | None = None, settings: dict | None = None) -> str:
    """Changes whenever the extraction code, the data files, a result library, the input limits
    of the run (a document rejected as too large must be read again when the limit is raised)
    or the components' settings and the files they name change.

    The data part is not cached: data files are small and a rule edit must be seen by the next
    run of a long-lived process (``serve``).
    """
    digest = hashlib.sha256()
    digest.update(_code_fingerprint().encode())
    digest.update(resources.data_fingerprint().encode())
    if limits is not None:  # the joined dump's content is in the fingerprints and doc_ids
        limits = limits.model_copy(update={"wikiextractor_dump": None})
    if limits is not None and limits != InputLimits.default():  # defaults: in the data files
        digest.update(limits.model_dump_json().encode())
    if settings:  # the defaults are the packaged files, hashed above
        from ..nlp.build import config_fingerprint, pipeline_config

        digest.update(config_fingerprint(pipeline_config(config=settings)).encode())
    return digest.hexdigest()[:16]


class PagedResults(BaseModel):
    """Where the results of a file stored in chunks are, and what the manifest needs of them
    (so that they are not read again to know it)."""

    token: str  # names this extraction's chunk files
    chunks: int
    documents: int
    ok: bool  # every document produced a record
    written: list[str]  # the document sources that produced a record


class StoredResult(BaseModel):
    """One source file's results and what they were computed from: one result for a file
    holding one article, one per article for a dump or a wikiextractor file. A file with more
    than :data:`CHUNK_DOCUMENTS` documents has its results in chunk files (``paged``; read them
    with :meth:`ResultStore.iter_results`) and none here."""

    source: str
    sha256: str
    version: str
    results: list[DocumentResult]
    paged: PagedResults | None = None

    @property
    def ok(self) -> bool:
        """Every document of the file produced a record."""
        return self.paged.ok if self.paged else all(r.ok for r in self.results)

    @property
    def written(self) -> list[str]:
        """The document sources that produced a record (``dump.xml#101``, or the file's)."""
        return self.paged.written if self.paged else [r.source for r in self.results if r.ok]

    @property
    def documents(self) -> int:
        return self.paged.documents if self.paged else len(self.results)


class ManifestEntry(BaseModel):
    sha256: str
    version: str
    ok: bool
    documents: int = 1  # documents the file held (a dump: its articles)
    written: list[str] = []  # document sources with a record, when the file held many


class Manifest(BaseModel):
    version: str | None = None
    documents: dict[str, ManifestEntry] = {}
    rows: dict[str, int] = {}  # rows per table as published


class ResultStore:
    """Per-document results of one output folder, keyed by source path."""

    def __init__(self, output_dir: Path | str) -> None:
        self.root = Path(output_dir) / STATE_DIR
        self.results = self.root / RESULTS_DIR

    def path(self, source: str) -> Path:
        # Hashed names: flat, no clash, no path syntax from the source name.
        name = hashlib.sha256(source.encode("utf-8")).hexdigest()[:32]
        return self.results / f"{name}.json"

    def load(self, source: str) -> StoredResult | None:
        """The stored result, or None when missing or unreadable (then it is recomputed)."""
        try:
            stored = StoredResult.model_validate_json(self.path(source).read_bytes())
        except (OSError, ValidationError, ValueError):
            return None
        return stored if stored.source == source else None

    def save(self, stored: StoredResult) -> None:
        atomic_write_bytes(self.path(stored.source), stored.model_dump_json().encode("utf-8"))

    def chunk_path(self, source: str, token: str, index: int) -> Path:
        return self.path(source).with_suffix(f".{token}.{index}.jsonl")

    def save_chunk(self, source: str, token: str, index: int,
                   results: Iterable[DocumentResult]) -> None:
        """One chunk of a paged file's results (see :class:`PagedResults`), a JSON line each."""
        lines = b"".join(r.model_dump_json().encode("utf-8") + b"\n" for r in results)
        atomic_write_bytes(self.chunk_path(source, token, index), lines)

    def iter_results(self, stored: StoredResult) -> Iterator[DocumentResult]:
        """The results of ``stored`` in document order, one chunk in memory at a time.
        ``MissingChunk`` when a chunk file is gone or unreadable."""
        if stored.paged is None:
            yield from stored.results
            return
        for index in range(stored.paged.chunks):
            yield from self.load_chunk(stored, index)

    def load_chunk(self, stored: StoredResult, index: int) -> list[DocumentResult]:
        path = self.chunk_path(stored.source, stored.paged.token, index)
        try:
            return [DocumentResult.model_validate_json(line)
                    for line in path.read_bytes().splitlines()]
        except (OSError, ValidationError, ValueError) as exc:
            raise MissingChunk(f"stored results of {stored.source}: {path.name}: {exc}") \
                from exc

    def prune(self, keep: Iterable[str]) -> int:
        """Delete the results of every source not in ``keep``, and every chunk file its
        source's stored result does not name; return how many files."""
        wanted = {self.path(source).name for source in keep}
        removed = 0
        if not self.results.is_dir():
            return removed
        for path in self.results.glob("*.json"):
            if path.name not in wanted:
                path.unlink(missing_ok=True)
                removed += 1
        named: dict[str, str | None] = {}  # stored result's file -> the token it names
        for path in self.results.glob("*.jsonl"):
            header, token = path.name.split(".")[0] + ".json", path.name.split(".")[1]
            if header not in named:
                named[header] = _paged_token(self.results / header)
            if named[header] != token:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def remove_temporaries(self) -> None:
        """Temporary files a killed run left behind (``.<name>.<random>.tmp``); call only
        while holding the output folder's lock."""
        for folder in (self.root, self.results):
            if folder.is_dir():
                for path in folder.glob(".*.tmp"):
                    path.unlink(missing_ok=True)

    def read_manifest(self) -> Manifest:
        try:
            return Manifest.model_validate_json((self.root / MANIFEST).read_bytes())
        except (OSError, ValidationError, ValueError):
            return Manifest()

    def write_manifest(self, manifest: Manifest) -> None:
        # Written as it is encoded: json.dumps would first hold a string per page of a dump.
        parts = json.JSONEncoder(indent=1, sort_keys=True).iterencode(
            manifest.model_dump(mode="json"))
        atomic_write_bytes(self.root / MANIFEST,
                           itertools.chain((part.encode("utf-8") for part in parts), [b"\n"]))


class MissingChunk(Exception):
    """A chunk of a stored result is missing or unreadable."""


def _paged_token(path: Path) -> str | None:
    """The chunk token the stored result at ``path`` names (None: none, or unreadable)."""
    try:
        stored = StoredResult.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError):
        return None
    return stored.paged.token if stored.paged else None


def manifest_entry(stored: StoredResult) -> ManifestEntry:
    """What the manifest records of a stored result."""
    many = (stored.paged is not None or len(stored.results) > 1
            or any(r.source != stored.source for r in stored.results))
    return ManifestEntry(sha256=stored.sha256, version=stored.version, ok=stored.ok,
                         documents=stored.documents,
                         written=stored.written if many else [])


@dataclass
class Plan:
    """What a run has to do, decided before any extraction."""

    version: str
    status: dict[str, Status]  # every current source
    reused: dict[str, ManifestEntry]  # sources whose stored result is still valid
    to_extract: list[str]  # sources to extract, in source order
    removed: list[str]  # sources published last time and gone now

    def count(self, status: Status) -> int:
        return sum(1 for s in self.status.values() if s == status)


def plan_run(
    fingerprints: Mapping[str, str | None],
    store: ResultStore,
    version: str,
    *,
    full: bool = False,
) -> Plan:
    """Compare the current sources (source -> sha256) with the store and the last manifest.

    A source whose bytes could not be read (``None``) goes to extraction, which retries the
    read and, if it still fails, records why as an error row.
    """
    manifest = store.read_manifest()
    status: dict[str, Status] = {}
    reused: dict[str, ManifestEntry] = {}
    to_extract: list[str] = []
    for source in sorted(fingerprints):
        sha = fingerprints[source]
        published = manifest.documents.get(source)
        if published is None:
            status[source] = "new"
        elif sha is not None and published.sha256 == sha and published.version == version:
            status[source] = "unchanged"
        else:
            status[source] = "changed"
        if full or sha is None:
            to_extract.append(source)
        elif status[source] == "unchanged" and store.path(source).is_file():
            # Published by the last completed run: trusted without reading it back.
            reused[source] = published
        elif (stored := store.load(source)) is not None and (
                stored.sha256 == sha and stored.version == version):
            reused[source] = manifest_entry(stored)  # checkpointed by an interrupted run
        else:
            to_extract.append(source)
    removed = sorted(set(manifest.documents) - set(fingerprints))
    return Plan(version=version, status=status, reused=reused, to_extract=to_extract,
                removed=removed)
