"""Incremental runs: what a document's result depends on, where results are kept, what changed.

A document's result is a function of its bytes and of the pipeline (rules, vocabularies, code,
the libraries that parse). So a stored result is keyed by the sha256 of the bytes plus
:func:`pipeline_version`, a hash derived from the package itself (nobody has to remember to
bump it). Results live under ``OUTPUT_DIR/.state/``:

* ``results/<hash of source>.json``: one :class:`StoredResult` per source file (with a result
  per document it holds: a dump has one per article), written as soon as
  its batch is done (a checkpoint: an interrupted run's work is reused by the next run);
* ``manifest.json``: what the published outputs (``json/``, ``parquet/``) were built from,
  written last, so it is the commit point of a run. New, changed, unchanged and removed are
  counted against it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
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
    "RESULT_PARTS", "Manifest", "ManifestEntry", "Plan", "ResultStore", "Status", "StoredResult",
    "manifest_entry", "pipeline_version", "plan_run", "version_files",
]

STATE_DIR = ".state"
RESULTS_DIR = "results"
MANIFEST = "manifest.json"
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
    if limits is not None and limits != InputLimits.default():  # defaults: in the data files
        digest.update(limits.model_dump_json().encode())
    if settings:  # the defaults are the packaged files, hashed above
        from ..nlp.build import config_fingerprint, pipeline_config

        digest.update(config_fingerprint(pipeline_config(config=settings)).encode())
    return digest.hexdigest()[:16]


class StoredResult(BaseModel):
    """One source file's results and what they were computed from: one result for a file
    holding one article, one per article for a dump or a wikiextractor file."""

    source: str
    sha256: str
    version: str
    results: list[DocumentResult]

    @property
    def ok(self) -> bool:
        """Every document of the file produced a record."""
        return all(r.ok for r in self.results)

    @property
    def written(self) -> list[str]:
        """The document sources that produced a record (``dump.xml#101``, or the file's)."""
        return [r.source for r in self.results if r.ok]


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

    def prune(self, keep: Iterable[str]) -> int:
        """Delete the results of every source not in ``keep``; return how many."""
        wanted = {self.path(source).name for source in keep}
        removed = 0
        if self.results.is_dir():
            for path in self.results.glob("*.json"):
                if path.name not in wanted:
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
        payload = json.dumps(manifest.model_dump(mode="json"), indent=1, sort_keys=True)
        atomic_write_bytes(self.root / MANIFEST, payload.encode("utf-8") + b"\n")


def manifest_entry(stored: StoredResult) -> ManifestEntry:
    """What the manifest records of a stored result."""
    many = len(stored.results) > 1 or any(r.source != stored.source for r in stored.results)
    return ManifestEntry(sha256=stored.sha256, version=stored.version, ok=stored.ok,
                         documents=len(stored.results),
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
