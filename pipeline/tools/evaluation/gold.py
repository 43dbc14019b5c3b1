"""The gold format: the keys a gold file annotates, and loading and checking gold files.

One ``*.json`` file per source document (``tests/fixtures/gold/README.md``): its ``doc`` key
names the source file and ``title`` is required; every other key may be left out, and is then
not annotated for that document. A file that breaks the format raises
:class:`EvaluationError` naming the file and the key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["DATE_FIELDS", "FIELDS", "EvaluationError", "load_gold"]

# Report order of the scored keys; also the names accepted by ``--min``.
FIELDS: tuple[str, ...] = (
    "title",
    "abbreviations",
    "inaugural_year",
    "folded_year",
    "classes",
    "class_parents",
    "class_equivalents",
    "sanctioning_bodies",
    "rule_bodies",
    "former_names",
    "entities",
    "dates",
    "relative_dates",
    "see_also",
    "categories",
    "interlanguage",
)
DATE_FIELDS: tuple[str, ...] = ("dates", "relative_dates")


class EvaluationError(Exception):
    """A gold file or folder that cannot be evaluated; the message names the file and key."""


def _fail(path: Path, key: str, problem: str) -> EvaluationError:
    return EvaluationError(f"{path.name}: key '{key}' {problem}")


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _check_str(path: Path, key: str, value: Any, nullable: bool = False) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise _fail(path, key, f"must be a string, got {_type_name(value)}")
    return value


def _check_str_list(path: Path, key: str, value: Any) -> list[str]:
    if not isinstance(value, list):
        raise _fail(path, key, f"must be a list of strings, got {_type_name(value)}")
    return [_check_str(path, f"{key}[{i}]", v) for i, v in enumerate(value)]


def _check_str_map(path: Path, key: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _fail(path, key, f"must be an object of strings, got {_type_name(value)}")
    return {k: _check_str(path, f"{key}.{k}", v) for k, v in value.items()}


def _check_year(path: Path, key: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(path, key, f"must be a year (integer) or null, got {_type_name(value)}")
    return value


def _check_value(path: Path, key: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _fail(path, key, f"must be an ISO date string or null, got {_type_name(value)}")
    return str(value)


def _check_dates(path: Path, key: str, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise _fail(path, key, f"must be a list of dates, got {_type_name(value)}")
    dates = []
    for i, item in enumerate(value):
        where = f"{key}[{i}]"
        if not isinstance(item, dict):
            raise _fail(path, where, f"must be an object, got {_type_name(item)}")
        if "text" not in item:
            raise _fail(path, f"{where}.text", "is missing")
        dates.append({
            "text": _check_str(path, f"{where}.text", item["text"]),
            "start": _check_value(path, f"{where}.start", item.get("start")),
            "end": _check_value(path, f"{where}.end", item.get("end")),
        })
    return dates


def _check_equivalents(path: Path, key: str, value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise _fail(path, key, f"must be an object of lists, got {_type_name(value)}")
    # A single equivalent may be written as a bare string.
    return {k: [v] if isinstance(v, str) else _check_str_list(path, f"{key}.{k}", v)
            for k, v in value.items()}


def _check_entities(path: Path, key: str, value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise _fail(path, key, f"must be an object of label -> names, got {_type_name(value)}")
    return {label: _check_str_list(path, f"{key}.{label}", names)
            for label, names in value.items()}


_GOLD_CHECKS = {
    "title_aliases": _check_str_list,
    "abbreviations": _check_str_map,
    "inaugural_year": _check_year,
    "folded_year": _check_year,
    "classes": _check_str_list,
    "class_parents": _check_str_map,
    "class_equivalents": _check_equivalents,
    "sanctioning_bodies": _check_str_list,
    "rule_bodies": _check_str_list,
    "former_names": _check_str_list,
    "entities": _check_entities,
    "dates": _check_dates,
    "relative_dates": _check_dates,
    "see_also": _check_str_list,
    "categories": _check_str_list,
    "interlanguage": _check_str_map,
}


def _read_gold_file(path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise EvaluationError(f"{path.name}: not valid JSON ({err})") from None
    except (OSError, UnicodeDecodeError) as err:
        raise EvaluationError(f"{path.name}: cannot be read ({err})") from None
    if not isinstance(raw, dict):
        raise EvaluationError(f"{path.name}: must hold a JSON object, got {_type_name(raw)}")
    gold: dict[str, Any] = {}
    for key in ("doc", "title"):
        if key not in raw:
            raise _fail(path, key, "is missing")
        gold[key] = _check_str(path, key, raw[key])
    if not gold["doc"].strip():
        raise _fail(path, "doc", "is empty")
    # Keys other than the documented ones are kept as they are (annotators' notes, ...).
    for key, value in raw.items():
        if key in _GOLD_CHECKS:
            gold[key] = _GOLD_CHECKS[key](path, key, value)
        elif key not in gold:
            gold[key] = value
    return gold


def load_gold(gold_dir: str | Path) -> list[dict[str, Any]]:
    """Every ``*.json`` gold file of a folder, checked, in file-name order. Keys the format
    does not require (all but ``doc`` and ``title``) may be left out: such a key is not
    annotated for that document. Raises ``EvaluationError`` naming the file and key."""
    folder = Path(gold_dir)
    if not folder.is_dir():
        raise EvaluationError(f"gold folder not found: {folder}")
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise EvaluationError(f"no gold *.json files in {folder}")
    golds, seen = [], {}
    for path in paths:
        gold = _read_gold_file(path)
        stem = Path(gold["doc"]).stem
        if stem in seen:
            raise _fail(path, "doc", f"names the same document as {seen[stem]}")
        seen[stem] = path.name
        golds.append(gold)
    return golds
