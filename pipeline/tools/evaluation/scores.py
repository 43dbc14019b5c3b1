"""Scores of a whole gold folder: totals over documents, the report, the thresholds.

Every key is scored as precision, recall and F1 over true positives (tp), false positives (fp)
and false negatives (fn), summed over documents (micro average). A document's output is read
from ``<output_dir>/json/<stem>.json``; a missing or unreadable one counts every gold item as
a fn and is listed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .compare import Comparison, Counts, ValueCheck, score_document
from .gold import DATE_FIELDS, FIELDS, EvaluationError, load_gold

__all__ = ["ENTITY_LABELS", "VALUES_SUFFIX", "EvaluationReport", "check_thresholds", "evaluate"]

# Entity labels in the order of the output contract; other labels follow alphabetically.
ENTITY_LABELS: tuple[str, ...] = (
    "ORG", "SERIES", "EVENT", "TEAM", "MANUFACTURER", "CAR", "CIRCUIT", "PERSON", "LOCATION",
    "CLASS",
)
# ``--min`` also accepts "entities.<LABEL>" and "<date field>.values" (value accuracy).
VALUES_SUFFIX = ".values"


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


def _label_order(labels: Iterable[str]) -> list[str]:
    rank = {label: i for i, label in enumerate(ENTITY_LABELS)}
    return sorted(set(labels), key=lambda label: (rank.get(label, len(rank)), label))


def _miss_entry(comparison: Comparison) -> dict[str, list[Any]]:
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
    value_totals: dict[str, ValueCheck] = {}
    misses: dict[str, dict[str, dict[str, list[Any]]]] = {}
    documents, missing_outputs = [], []

    for gold in golds:
        stem = Path(gold["doc"]).stem
        path = output_root / "json" / f"{stem}.json"
        output, problem = _read_output(path)
        documents.append(gold["doc"])
        if problem:
            missing_outputs.append({"doc": gold["doc"], "output": str(path), "reason": problem})
        result = score_document(gold, output)

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
                total = value_totals.setdefault(name, ValueCheck())
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
