"""Access to the domain knowledge shipped in ``pipeline/data/``, loaded once per process.

The ``parse_*`` functions read the same formats from text, for the components, whose data files
may also be a user's own (see :mod:`pipeline.nlp.data_files`).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "DATA_PACKAGE",
    "data_fingerprint",
    "data_path",
    "load_json",
    "load_jsonl",
    "load_lines",
    "parse_json",
    "parse_jsonl",
    "parse_lines",
]

DATA_PACKAGE = "pipeline.data"


def data_path(name: str):
    return resources.files(DATA_PACKAGE).joinpath(name)


def parse_json(text: str) -> Any:
    return json.loads(text)


def parse_jsonl(text: str) -> tuple[dict, ...]:
    """One JSON value a line; blank lines and lines starting with ``//`` are skipped."""
    lines = text.splitlines()
    return tuple(json.loads(line) for line in lines if line.strip() and not line.startswith("//"))


def parse_lines(text: str) -> tuple[str, ...]:
    """Non-empty lines of a text list; ``#`` starts a comment line."""
    lines = text.splitlines()
    return tuple(s for s in (line.strip() for line in lines) if s and not s.startswith("#"))


@cache
def load_json(name: str) -> Any:
    return parse_json(data_path(name).read_text(encoding="utf-8"))


@cache
def load_jsonl(name: str) -> tuple[dict, ...]:
    return parse_jsonl(data_path(name).read_text(encoding="utf-8"))


@cache
def load_lines(name: str) -> tuple[str, ...]:
    """Non-empty lines of a text list; ``#`` starts a comment line."""
    return parse_lines(data_path(name).read_text(encoding="utf-8"))


def data_fingerprint() -> str:
    """Hash of every data file, so a change of rules or vocabularies is visible to callers."""
    digest = hashlib.sha256()
    root = resources.files(DATA_PACKAGE)
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_file() and not entry.name.startswith((".", "__")):
            digest.update(entry.name.encode())
            digest.update(entry.read_bytes())
    return digest.hexdigest()
