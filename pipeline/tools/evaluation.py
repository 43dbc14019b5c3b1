"""Score the pipeline's JSON output against hand-made gold annotations.

The gold format is the one described in ``gold/README.md``: one ``*.json`` file per source
document, its ``doc`` key naming the source file, whose output is read from
``<output_dir>/json/<stem>.json``. Every key is scored as precision, recall and F1 over
true positives (tp), false positives (fp) and false negatives (fn), summed over documents
(micro average).

Comparison rules (written down here because the scores depend on them):

- Text is folded before comparing: Unicode NFKC, case, runs of white space, typographic
  apostrophes (``’`` -> ``'``) and dashes (``–``/``—`` -> ``-``).
- ``title``: one item per document. The output title is correct (tp) when it equals the gold
  title or one of ``title_aliases``, ignoring a leading "The"; a wrong title is fp + fn; no
  output title is fn.
- ``inaugural_year``/``folded_year``: one item per document. Equal values -> tp; gold null and
  output null -> nothing counted; gold null but output set -> fp; gold set but output null ->
  fn; both set and different -> fp + fn.
- ``abbreviations``, ``class_parents``, ``class_equivalents``, ``interlanguage``: sets of
  pairs. ``classes``, ``sanctioning_bodies``, ``rule_bodies``, ``former_names``,
  ``see_also``, ``categories``: sets of names.
- ``entities``: per label. A gold name is found (tp, else fn) when an output entity of that
  label has it as ``text`` or ``canonical``; a leading year ("2010 24 Hours of Le Mans") is
  ignored on either side. Output entities are deduplicated per label by canonical (or text);
  one that matches no gold name of its label is a fp. Several output entities matching the
  same gold name count once and are not fp. A label the gold file does not list is not
  annotated, so output entities of that label are not scored for that document.
- ``dates``/``relative_dates``: detection compares the sets of distinct texts. Each distinct
  output text goes to ``dates`` when it matches a gold date, to ``relative_dates`` when it
  matches a gold relative date, and otherwise counts as a fp of ``relative_dates`` if any of
  its occurrences has kind "relative", else of ``dates``. A detected gold date has the right
  value when some output date with the same text has ``value_start``/``value_end`` equal to
  its ``start``/``end``; value accuracy = right values / detected gold dates.
- A key absent from a gold file is not annotated and is not scored for that document.
  A missing (or unreadable) output file counts every gold item as a fn and is listed.
- Scores when a count is empty: precision is 1.0 when nothing was predicted and nothing was
  missed, 0.0 when nothing was predicted but something was missed (likewise recall with the
  roles swapped); F1 is 0.0 when precision + recall is 0.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
# Entity labels in the order of the output contract; other labels follow alphabetically.
ENTITY_LABELS: tuple[str, ...] = (
    "ORG", "SERIES", "EVENT", "TEAM", "MANUFACTURER", "CAR", "CIRCUIT", "PERSON", "LOCATION",
    "CLASS",
)
# ``--min`` also accepts "entities.<LABEL>" and "<date field>.values" (value accuracy).
VALUES_SUFFIX = ".values"

_YEAR_FIELDS = ("inaugural_year", "folded_year")


class EvaluationError(Exception):
    """A gold file or folder that cannot be evaluated; the message names the file and key."""


# --------------------------------------------------------------------------------------------
# Text folding

_APOSTROPHES = dict.fromkeys(map(ord, "‘’‛ʼ′`´"), "'")
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−"), "-")
_FOLD_TABLE = {**_APOSTROPHES, **_DASHES}
_SPACES = re.compile(r"\s+")
_LEADING_THE = re.compile(r"^the\s+")
# A season year before an event name; restricted to plausible years so that names starting
# with another number ("1000 km of ...") keep it.
_LEADING_YEAR = re.compile(r"^(?:1[89]|20)\d\d\s+(?=\S)")


def fold_text(text: Any) -> str:
    """The comparison form of a text: NFKC, case, white space, apostrophes and dashes folded."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text)).translate(_FOLD_TABLE).casefold()
    return _SPACES.sub(" ", folded).strip()


def fold_title(text: Any) -> str:
    return _LEADING_THE.sub("", fold_text(text))


def fold_name(text: Any) -> str:
    """Entity comparison form: ``fold_text`` without a leading year."""
    return _LEADING_YEAR.sub("", fold_text(text))


# --------------------------------------------------------------------------------------------
# Scores


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        if self.tp + self.fp:
            return self.tp / (self.tp + self.fp)
        return 1.0 if self.fn == 0 else 0.0

    @property
    def recall(self) -> float:
        if self.tp + self.fn:
            return self.tp / (self.tp + self.fn)
        return 1.0 if self.fp == 0 else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class _Comparison:
    """One key of one document: its counts and the items behind fp and fn."""

    counts: Counts = field(default_factory=Counts)
    missed: list[Any] = field(default_factory=list)
    spurious: list[Any] = field(default_factory=list)


@dataclass
class _ValueCheck:
    correct: int = 0
    detected: int = 0
    wrong: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class EvaluationReport:
    """Scores of one evaluation run. ``fields`` and ``entity_labels`` map a name to
    ``{tp, fp, fn, precision, recall, f1}``; ``date_value_accuracy`` maps ``dates`` and
    ``relative_dates`` to ``{correct, detected, accuracy}``; ``misses`` maps a document to
    key -> ``{missed, spurious[, wrong_values]}`` (only keys with something to show)."""

    gold_dir: str
    output_dir: str
    documents: list[str]
    missing_outputs: list[dict[str, str]]
    fields: dict[str, dict[str, Any]]
    entity_labels: dict[str, dict[str, Any]]
    date_value_accuracy: dict[str, dict[str, Any]]
    misses: dict[str, dict[str, dict[str, list[Any]]]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "gold_dir": self.gold_dir,
            "output_dir": self.output_dir,
            "documents": list(self.documents),
            "missing_outputs": [dict(m) for m in self.missing_outputs],
            "fields": {k: dict(v) for k, v in self.fields.items()},
            "entity_labels": {k: dict(v) for k, v in self.entity_labels.items()},
            "date_value_accuracy": {k: dict(v) for k, v in self.date_value_accuracy.items()},
            "misses": json.loads(json.dumps(self.misses)),
        }

    def score(self, name: str) -> dict[str, Any] | None:
        """The scores of a table row: a key, or ``entities.<LABEL>``."""
        if name.startswith("entities."):
            return self.entity_labels.get(name.removeprefix("entities."))
        return self.fields.get(name)

    def format_table(self, show_misses: bool = False) -> str:
        header = ("field", "tp", "fp", "fn", "precision", "recall", "f1")
        rows: list[tuple[str, ...]] = []

        def row(name: str, scores: Mapping[str, Any]) -> tuple[str, ...]:
            return (name, str(scores["tp"]), str(scores["fp"]), str(scores["fn"]),
                    f"{scores['precision']:.3f}", f"{scores['recall']:.3f}",
                    f"{scores['f1']:.3f}")

        for name, scores in self.fields.items():
            rows.append(row(name, scores))
            if name == "entities":
                rows.extend(row(f"  {label}", s) for label, s in self.entity_labels.items())
        width = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        lines = ["  ".join(c.ljust(width[0]) if i == 0 else c.rjust(width[i])
                           for i, c in enumerate(r)).rstrip() for r in [header, *rows]]
        lines.insert(1, "-" * len(lines[0]))

        lines.append("")
        for name, acc in self.date_value_accuracy.items():
            accuracy = "n/a" if acc["accuracy"] is None else f"{acc['accuracy']:.3f}"
            lines.append(f"{name} values: {acc['correct']}/{acc['detected']} correct"
                         f" ({accuracy})")
        lines.append(f"documents: {len(self.documents)}")
        for missing in self.missing_outputs:
            lines.append(f"missing output: {missing['output']} ({missing['reason']})")

        if show_misses and self.misses:
            lines.append("")
            lines.append("misses (- missed, + spurious, ~ wrong value):")
            for doc, keys in self.misses.items():
                lines.append(doc)
                for key, items in keys.items():
                    lines.append(f"  {key}")
                    lines.extend(f"    - {_show(x)}" for x in items.get("missed", ()))
                    lines.extend(f"    + {_show(x)}" for x in items.get("spurious", ()))
                    for wrong in items.get("wrong_values", ()):
                        lines.append(f"    ~ {wrong['text']}: gold {_show(wrong['gold'])},"
                                     f" output {', '.join(map(_show, wrong['output']))}")
        return "\n".join(lines)


def _show(item: Any) -> str:
    if isinstance(item, (list, tuple)):
        return " -> ".join("null" if x is None else str(x) for x in item)
    return str(item)


def check_thresholds(report: EvaluationReport, mins: Mapping[str, float]) -> list[str]:
    """Failures such as ``"entities F1 0.850 < 0.900"`` for every row whose F1 is below its
    minimum (``"<date field>.values"`` checks value accuracy). A row the report does not have
    (no document annotates it) fails too, since it cannot be checked."""
    failures = []
    for name, minimum in mins.items():
        if name.endswith(VALUES_SUFFIX) and name.removesuffix(VALUES_SUFFIX) in DATE_FIELDS:
            acc = report.date_value_accuracy.get(name.removesuffix(VALUES_SUFFIX))
            value, what = (acc["accuracy"] if acc else None), "value accuracy"
        else:
            scores = report.score(name)
            value, what = (scores["f1"] if scores else None), "F1"
        if value is None:
            failures.append(f"{name} {what} n/a (not evaluated) < {minimum:.3f}")
        elif round(value, 9) < minimum:
            failures.append(f"{name} {what} {value:.3f} < {minimum:.3f}")
    return failures


# --------------------------------------------------------------------------------------------
# Gold files


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


# --------------------------------------------------------------------------------------------
# Output files


def _read_output(path: Path) -> tuple[dict[str, Any], str | None]:
    """The output record, or an empty one and the reason it could not be used."""
    if not path.is_file():
        return {}, "missing"
    try:
        output = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        return {}, f"unreadable: {err}"
    if not isinstance(output, dict):
        return {}, "unreadable: not a JSON object"
    return output, None


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _records(value: Any) -> list[dict]:
    """The dict items of a list; anything else is treated as absent (the output is not ours
    to validate here, only to score)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _output_equivalents(cls: Mapping[str, Any]) -> list[str]:
    items = cls.get("equivalents")
    if isinstance(items, str):
        return [items]
    names = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):  # tolerate {"name"/"class": ..., "body": ...} records
            item = item.get("name") or item.get("class")
        if isinstance(item, str):
            names.append(item)
    return names


def _parse_year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


# --------------------------------------------------------------------------------------------
# Comparisons of one key of one document


def _compare_sets(gold: Iterable[Any], output: Iterable[Any], key=fold_text) -> _Comparison:
    """Set comparison under ``key``; missed/spurious items keep their first written form."""
    gold_forms: dict[Any, Any] = {}
    for item in gold:
        gold_forms.setdefault(key(item), item)
    output_forms: dict[Any, Any] = {}
    for item in output:
        output_forms.setdefault(key(item), item)
    result = _Comparison()
    for k, item in gold_forms.items():
        if k in output_forms:
            result.counts.tp += 1
        else:
            result.counts.fn += 1
            result.missed.append(item)
    for k, item in output_forms.items():
        if k not in gold_forms:
            result.counts.fp += 1
            result.spurious.append(item)
    return result


def _fold_pair(pair: tuple[Any, Any]) -> tuple[str, str]:
    return fold_text(pair[0]), fold_text(pair[1])


def _compare_title(gold: Mapping[str, Any], output: Mapping[str, Any]) -> _Comparison:
    accepted = {fold_title(t) for t in [gold["title"], *gold.get("title_aliases", [])]}
    title = output.get("title")
    result = _Comparison()
    if isinstance(title, str) and fold_title(title) in accepted:
        result.counts.tp = 1
        return result
    result.counts.fn = 1
    result.missed.append(gold["title"])
    if isinstance(title, str) and title.strip():
        result.counts.fp = 1
        result.spurious.append(title)
    return result


def _compare_year(gold_year: int | None, output_year: int | None) -> _Comparison:
    result = _Comparison()
    if gold_year is not None and gold_year == output_year:
        result.counts.tp = 1
        return result
    if gold_year is not None:
        result.counts.fn = 1
        result.missed.append(gold_year)
    if output_year is not None:
        result.counts.fp = 1
        result.spurious.append(output_year)
    return result


def _compare_entity_label(gold_names: list[str], entities: list[dict]) -> _Comparison:
    result = _Comparison()
    # One output item per canonical (or text); each matches through its text or canonical.
    outputs: dict[str, tuple[str, set[str]]] = {}
    for ent in entities:
        text, canonical = ent.get("text"), ent.get("canonical")
        shown = canonical if isinstance(canonical, str) and canonical.strip() else text
        if not isinstance(shown, str):
            continue
        forms = {fold_name(v) for v in (text, canonical) if isinstance(v, str)}
        _, known = outputs.setdefault(fold_text(shown), (shown, set()))
        known.update(forms)

    gold_forms: dict[str, str] = {}
    for name in gold_names:
        gold_forms.setdefault(fold_name(name), name)
    for form, name in gold_forms.items():
        if any(form in forms for _, forms in outputs.values()):
            result.counts.tp += 1
        else:
            result.counts.fn += 1
            result.missed.append(name)
    for shown, forms in outputs.values():
        if not forms & gold_forms.keys():
            result.counts.fp += 1
            result.spurious.append(shown)
    return result


def _compare_dates(
    gold_dates: list[dict[str, Any]], output_by_text: Mapping[str, list[dict]],
    own_texts: Iterable[str],
) -> tuple[_Comparison, _ValueCheck]:
    """``own_texts``: the folded output texts this key is responsible for (see module doc)."""
    result, values = _Comparison(), _ValueCheck()
    gold_texts: dict[str, str] = {}
    for date in gold_dates:
        gold_texts.setdefault(fold_text(date["text"]), date["text"])
    for form, text in gold_texts.items():
        if form in output_by_text:
            result.counts.tp += 1
        else:
            result.counts.fn += 1
            result.missed.append(text)
    for form in own_texts:
        if form not in gold_texts:
            result.counts.fp += 1
            result.spurious.append(output_by_text[form][0].get("text"))

    seen_values = set()
    for date in gold_dates:
        form = fold_text(date["text"])
        expected = (date["start"], date["end"])
        if form not in output_by_text or (form, expected) in seen_values:
            continue
        seen_values.add((form, expected))
        values.detected += 1
        found = [(_iso(d.get("value_start")), _iso(d.get("value_end")))
                 for d in output_by_text[form]]
        if expected in found:
            values.correct += 1
        else:
            values.wrong.append({"text": date["text"], "gold": list(expected),
                                 "output": [list(v) for v in dict.fromkeys(found)]})
    return result, values


def _iso(value: Any) -> str | None:
    return None if value is None else str(value)


# --------------------------------------------------------------------------------------------
# One document, then the whole folder


@dataclass
class _DocumentScores:
    comparisons: dict[str, _Comparison] = field(default_factory=dict)
    entity_labels: dict[str, _Comparison] = field(default_factory=dict)
    values: dict[str, _ValueCheck] = field(default_factory=dict)


def _evaluate_document(gold: Mapping[str, Any], output: Mapping[str, Any]) -> _DocumentScores:
    doc = _DocumentScores()
    series = _mapping(output.get("series"))
    classes = _records(series.get("classes"))

    doc.comparisons["title"] = _compare_title(gold, output)
    if "abbreviations" in gold:
        doc.comparisons["abbreviations"] = _compare_sets(
            gold["abbreviations"].items(),
            [(a.get("short"), a.get("long")) for a in _records(output.get("abbreviations"))],
            key=_fold_pair)
    for name in _YEAR_FIELDS:
        if name in gold:
            doc.comparisons[name] = _compare_year(gold[name], _parse_year(series.get(name)))
    if "classes" in gold:
        doc.comparisons["classes"] = _compare_sets(
            gold["classes"], [c["name"] for c in classes if isinstance(c.get("name"), str)])
    if "class_parents" in gold:
        doc.comparisons["class_parents"] = _compare_sets(
            gold["class_parents"].items(),
            [(c.get("name"), c.get("parent")) for c in classes
             if isinstance(c.get("name"), str) and isinstance(c.get("parent"), str)],
            key=_fold_pair)
    if "class_equivalents" in gold:
        doc.comparisons["class_equivalents"] = _compare_sets(
            [(cls, eq) for cls, eqs in gold["class_equivalents"].items() for eq in eqs],
            [(c["name"], eq) for c in classes if isinstance(c.get("name"), str)
             for eq in _output_equivalents(c)],
            key=_fold_pair)
    for name in ("sanctioning_bodies", "rule_bodies", "former_names"):
        if name in gold:
            doc.comparisons[name] = _compare_sets(gold[name], _strings(series.get(name)))

    if "entities" in gold:
        by_label: dict[str, list[dict]] = {}
        for ent in _records(output.get("entities")):
            by_label.setdefault(str(ent.get("label")), []).append(ent)
        total = _Comparison()
        for label, names in gold["entities"].items():
            comparison = _compare_entity_label(names, by_label.get(label, []))
            doc.entity_labels[label] = comparison
            total.counts.add(comparison.counts)
        doc.comparisons["entities"] = total

    if any(name in gold for name in DATE_FIELDS):
        output_by_text: dict[str, list[dict]] = {}
        for date in _records(output.get("dates")):
            if isinstance(date.get("text"), str):
                output_by_text.setdefault(fold_text(date["text"]), []).append(date)
        gold_texts = {name: {fold_text(d["text"]) for d in gold.get(name, [])}
                      for name in DATE_FIELDS}
        owner: dict[str, str] = {}
        for form, occurrences in output_by_text.items():
            if form in gold_texts["dates"]:
                owner[form] = "dates"
            elif form in gold_texts["relative_dates"] or any(
                    d.get("kind") == "relative" for d in occurrences):
                owner[form] = "relative_dates"
            else:
                owner[form] = "dates"
        for name in DATE_FIELDS:
            if name in gold:
                own = [form for form, key in owner.items() if key == name]
                doc.comparisons[name], doc.values[name] = _compare_dates(
                    gold[name], output_by_text, own)

    for name in ("see_also", "categories"):
        if name in gold:
            doc.comparisons[name] = _compare_sets(gold[name], _strings(output.get(name)))
    if "interlanguage" in gold:
        links = _mapping(output.get("interlanguage"))
        doc.comparisons["interlanguage"] = _compare_sets(
            gold["interlanguage"].items(),
            [(lang, title) for lang, title in links.items() if isinstance(title, str)],
            key=_fold_pair)
    return doc


def _label_order(labels: Iterable[str]) -> list[str]:
    rank = {label: i for i, label in enumerate(ENTITY_LABELS)}
    return sorted(set(labels), key=lambda label: (rank.get(label, len(rank)), label))


def _miss_entry(comparison: _Comparison) -> dict[str, list[Any]]:
    entry: dict[str, list[Any]] = {}
    if comparison.missed:
        entry["missed"] = [list(x) if isinstance(x, tuple) else x for x in comparison.missed]
    if comparison.spurious:
        entry["spurious"] = [list(x) if isinstance(x, tuple) else x for x in comparison.spurious]
    return entry


def evaluate(gold_dir: str | Path, output_dir: str | Path = "output") -> EvaluationReport:
    """Score ``<output_dir>/json/<stem>.json`` against every gold file of ``gold_dir``."""
    output_root = Path(output_dir)
    if not output_root.is_dir():
        raise EvaluationError(f"output folder not found: {output_root}")
    golds = load_gold(gold_dir)

    totals: dict[str, Counts] = {}
    label_totals: dict[str, Counts] = {}
    value_totals: dict[str, _ValueCheck] = {}
    misses: dict[str, dict[str, dict[str, list[Any]]]] = {}
    documents, missing_outputs = [], []

    for gold in golds:
        stem = Path(gold["doc"]).stem
        path = output_root / "json" / f"{stem}.json"
        output, problem = _read_output(path)
        documents.append(gold["doc"])
        if problem:
            missing_outputs.append({"doc": gold["doc"], "output": str(path), "reason": problem})
        result = _evaluate_document(gold, output)

        doc_misses: dict[str, dict[str, list[Any]]] = {}
        for name in FIELDS:
            if name not in result.comparisons:
                continue
            comparison = result.comparisons[name]
            totals.setdefault(name, Counts()).add(comparison.counts)
            if name == "entities":
                for label in _label_order(result.entity_labels):
                    label_comparison = result.entity_labels[label]
                    label_totals.setdefault(label, Counts()).add(label_comparison.counts)
                    if entry := _miss_entry(label_comparison):
                        doc_misses[f"entities.{label}"] = entry
                continue
            entry = _miss_entry(comparison)
            if name in result.values:
                check = result.values[name]
                total = value_totals.setdefault(name, _ValueCheck())
                total.correct += check.correct
                total.detected += check.detected
                if check.wrong:
                    entry["wrong_values"] = check.wrong
            if entry:
                doc_misses[name] = entry
        if doc_misses:
            misses[gold["doc"]] = doc_misses

    return EvaluationReport(
        gold_dir=str(gold_dir),
        output_dir=str(output_dir),
        documents=documents,
        missing_outputs=missing_outputs,
        fields={name: totals[name].to_dict() for name in FIELDS if name in totals},
        entity_labels={label: label_totals[label].to_dict()
                       for label in _label_order(label_totals)},
        date_value_accuracy={
            name: {"correct": check.correct, "detected": check.detected,
                   # None: no gold date of this kind was detected, nothing to judge.
                   "accuracy": round(check.correct / check.detected, 4) if check.detected
                   else None}
            for name, check in ((n, value_totals[n]) for n in DATE_FIELDS if n in value_totals)
        },
        misses=misses,
    )


# --------------------------------------------------------------------------------------------
# Command line: ``python -m pipeline evaluate GOLD_DIR [--out DIR] [--json] [--misses]
# [--min FIELD=F1 ...]``


def parse_min(text: str) -> tuple[str, float]:
    """``FIELD=F1`` -> ``(field, minimum)``; an argparse ``type`` so a bad value is a usage
    error (exit 2) wherever the arguments are attached."""
    name, sep, number = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected FIELD=F1, got {text!r}")
    known = (name in FIELDS
             or (name.startswith("entities.") and len(name) > len("entities."))
             or name in {f"{d}{VALUES_SUFFIX}" for d in DATE_FIELDS})
    if not known:
        raise argparse.ArgumentTypeError(
            f"unknown field {name!r} (one of {', '.join(FIELDS)}, entities.<LABEL>,"
            f" dates.values, relative_dates.values)")
    try:
        minimum = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{name}: {number!r} is not a number") from None
    if not 0.0 <= minimum <= 1.0:
        raise argparse.ArgumentTypeError(f"{name}: {minimum} is not between 0 and 1")
    return name, minimum


def define_evaluate(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Compare OUTPUT_DIR/json/ with a folder of gold files (the format of "
        "shared/gold/README.md): precision, recall and F1 per field, entities per label. "
        "Exit 1 when a --min threshold is not met, 2 on unusable input."
    )
    parser.add_argument("gold_dir", metavar="GOLD_DIR",
                        help="folder of gold *.json files (see gold/README.md)")
    parser.add_argument("--out", dest="output_dir", default="output", metavar="OUTPUT_DIR",
                        help="the pipeline's output folder, holding json/ (default: output)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--misses", action="store_true",
                        help="list missed, spurious and wrongly valued items per document")
    parser.add_argument("--min", dest="mins", action="append", type=parse_min, default=[],
                        metavar="FIELD=F1",
                        help="fail (exit 1) when FIELD's F1 is below F1; repeatable; FIELD is a"
                             " table row, entities.<LABEL> or dates.values")
    parser.set_defaults(handler=_evaluate)


def _evaluate(args: argparse.Namespace) -> int:
    """0 when every threshold is met, 1 when one is not, 2 when the inputs are unusable."""
    mins = dict(args.mins or [])
    try:
        report = evaluate(args.gold_dir, args.output_dir)
    except EvaluationError as err:
        print(f"evaluate: error: {err}", file=sys.stderr)
        return 2
    failures = check_thresholds(report, mins)
    if args.json:
        payload = report.to_dict()
        payload["threshold_failures"] = failures
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(report.format_table(show_misses=args.misses))
    for failure in failures:
        print(f"below threshold: {failure}", file=sys.stderr)
    return 1 if failures else 0

