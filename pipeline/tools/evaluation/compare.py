"""Comparing one document's output with its gold file, key by key.

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

import re
import unicodedata
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ...data import load_json
from .gold import DATE_FIELDS

__all__ = [
    "Comparison", "Counts", "DocumentScores", "ValueCheck", "fold_name", "fold_text",
    "fold_title", "score_document", "without_modifier",
]

_YEAR_FIELDS = ("inaugural_year", "folded_year")


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
# Counts of one key


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
class Comparison:
    """One key of one document: its counts and the items behind fp and fn."""

    counts: Counts = field(default_factory=Counts)
    missed: list[Any] = field(default_factory=list)
    spurious: list[Any] = field(default_factory=list)

    def count_gold(self, gold: Mapping[Any, Any], found: Container[Any]) -> None:
        """Each gold item (form -> item) is a tp when its form was found, else a fn, missed."""
        for form, item in gold.items():
            if form in found:
                self.counts.tp += 1
            else:
                self.counts.fn += 1
                self.missed.append(item)

    def count_output(self, gold: Container[Any], output: Mapping[Any, Any]) -> None:
        """Each output item (form -> item) whose form is no gold form is a fp, spurious."""
        for form, item in output.items():
            if form not in gold:
                self.counts.fp += 1
                self.spurious.append(item)


@dataclass
class ValueCheck:
    correct: int = 0
    detected: int = 0
    wrong: list[dict[str, Any]] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Reading the output record


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


def _by_form(items: Iterable[Any], key: Callable[[Any], Any]) -> dict[Any, Any]:
    """form -> the first item written in that form."""
    forms: dict[Any, Any] = {}
    for item in items:
        forms.setdefault(key(item), item)
    return forms


def _compare_sets(gold: Iterable[Any], output: Iterable[Any], key=fold_text) -> Comparison:
    """Set comparison under ``key``; missed/spurious items keep their first written form."""
    gold_forms, output_forms = _by_form(gold, key), _by_form(output, key)
    result = Comparison()
    result.count_gold(gold_forms, output_forms)
    result.count_output(gold_forms, output_forms)
    return result


def _fold_pair(pair: tuple[Any, Any]) -> tuple[str, str]:
    return fold_text(pair[0]), fold_text(pair[1])


def _compare_title(gold: Mapping[str, Any], output: Mapping[str, Any]) -> Comparison:
    accepted = {fold_title(t) for t in [gold["title"], *gold.get("title_aliases", [])]}
    title = output.get("title")
    result = Comparison()
    if isinstance(title, str) and fold_title(title) in accepted:
        result.counts.tp = 1
        return result
    result.counts.fn = 1
    result.missed.append(gold["title"])
    if isinstance(title, str) and title.strip():
        result.counts.fp = 1
        result.spurious.append(title)
    return result


def _compare_year(gold_year: int | None, output_year: int | None) -> Comparison:
    result = Comparison()
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


def _compare_entity_label(gold_names: list[str], entities: list[dict]) -> Comparison:
    result = Comparison()
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

    gold_forms = _by_form(gold_names, fold_name)
    result.count_gold(gold_forms, set().union(*(forms for _, forms in outputs.values())))
    for shown, forms in outputs.values():
        if not forms & gold_forms.keys():
            result.counts.fp += 1
            result.spurious.append(shown)
    return result


def _compare_dates(
    gold_dates: list[dict[str, Any]], output_by_text: Mapping[str, list[dict]],
    own_texts: Iterable[str],
) -> tuple[Comparison, ValueCheck]:
    """``own_texts``: the folded output texts this key is responsible for (see module doc)."""
    result, values = Comparison(), ValueCheck()
    gold_texts = {form: date["text"]
                  for form, date in _by_form(gold_dates, lambda d: fold_text(d["text"])).items()}
    result.count_gold(gold_texts, output_by_text)
    result.count_output(gold_texts, {form: output_by_text[form][0].get("text")
                                     for form in own_texts})

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


@cache
def _modifier_phrase() -> re.Pattern:
    phrases = [p for listed in load_json("date_patterns.json")["modifiers"].values()
               for p in listed]
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"^(?:{alternatives})(?:\s*[-–]\s*|\s+)(?:the\s+)?", re.IGNORECASE)


def without_modifier(text: str) -> str:
    """A date's text without the modifier phrase the date component put before it."""
    return _modifier_phrase().sub("", text, count=1) or text


def _iso(value: Any) -> str | None:
    return None if value is None else str(value)


# --------------------------------------------------------------------------------------------
# One document


@dataclass
class DocumentScores:
    comparisons: dict[str, Comparison] = field(default_factory=dict)
    entity_labels: dict[str, Comparison] = field(default_factory=dict)
    values: dict[str, ValueCheck] = field(default_factory=dict)


def score_document(gold: Mapping[str, Any], output: Mapping[str, Any]) -> DocumentScores:
    doc = DocumentScores()
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
        total = Comparison()
        for label, names in gold["entities"].items():
            comparison = _compare_entity_label(names, by_label.get(label, []))
            doc.entity_labels[label] = comparison
            total.counts.add(comparison.counts)
        doc.comparisons["entities"] = total

    if any(name in gold for name in DATE_FIELDS):
        gold_texts = {name: {fold_text(d["text"]) for d in gold.get(name, [])}
                      for name in DATE_FIELDS}
        output_by_text: dict[str, list[dict]] = {}
        for date in _records(output.get("dates")):
            if isinstance(date.get("text"), str):
                # The gold mostly writes a date's minimal span ("1992" for "at the end of
                # 1992"), sometimes with its modifier ("mid-November").
                form = fold_text(date["text"])
                if date.get("mod") and form not in gold_texts["dates"] | gold_texts[
                        "relative_dates"]:
                    form = fold_text(without_modifier(date["text"]))
                output_by_text.setdefault(form, []).append(date)
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
