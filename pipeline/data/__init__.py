"""Access to the domain knowledge shipped in ``pipeline/data/``, loaded once per process."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["data_fingerprint", "load_json", "load_jsonl", "load_lines"]

DATA_PACKAGE = "pipeline.data"


def _data_path(name: str):
    return resources.files(DATA_PACKAGE).joinpath(name)


@cache
def load_json(name: str) -> Any:
    return json.loads(_data_path(name).read_text(encoding="utf-8"))


@cache
def load_jsonl(name: str) -> tuple[dict, ...]:
    lines = _data_path(name).read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines if line.strip() and not line.startswith("//"))


@cache
def load_lines(name: str) -> tuple[str, ...]:
    """Non-empty lines of a text list; ``#`` starts a comment line."""
    lines = _data_path(name).read_text(encoding="utf-8").splitlines()
    return tuple(s for s in (line.strip() for line in lines) if s and not s.startswith("#"))


def data_fingerprint() -> str:
    """Hash of every data file, so a change of rules or vocabularies is visible to callers."""
    digest = hashlib.sha256()
    root = resources.files(DATA_PACKAGE)
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_file() and not entry.name.startswith((".", "__")):
            digest.update(entry.name.encode())
            digest.update(entry.read_bytes())
    return digest.hexdigest()
