"""The ``date_matcher`` component: calendar expressions, detected and normalised.

Detection is rule-based with spaCy ``Matcher`` patterns from ``data/date_patterns.json``:
years, "Month D, YYYY", "D Month YYYY", "Month YYYY", day and month ranges, "YYYY–YY" seasons,
"from YYYY to YYYY", decades and relative expressions ("the following year", "two years
earlier", "two more years"). Context tokens ("the end of", "season", "early") license a match
but stay out of the date's text, so "at the end of 1992" yields the date "1992" with kind
``year`` and "the 2006 season" yields "2006" with kind ``season``. Longest match wins
(``filter_spans``) among the valid readings; "veto" patterns ("2000 km", "No. 1999", "Formula
Renault 2000", "June 24 Hours") win over the date inside them and are then dropped. The
patterns are matched only around each one's rarest required token (a month, a year, "year" ...;
:class:`~pipeline.nlp.matching.WindowedMatcher`), and values are cached per rule and words.

Values are ISO 8601 at the granularity written:

=============  ============================  ==========================  ===========
kind           example                       value_start / value_end     granularity
=============  ============================  ==========================  ===========
year           "1992"                        1992 / 1992                 year
season         "2006" (the 2006 season)      2006 / 2006                 year
season         "2008–09"                     2008 / 2009                 year
range          "1983–1992", "2006–present"   1983 / 1992, 2006 / None    year
date           "November 1, 2008"            2008-11-01 / 2008-11-01     day
month          "November 2008"               2008-11 / 2008-11           month
range          "November 1–2, 2008"          2008-11-01 / 2008-11-02     day
decade         "1990s" (the late 1990s)      1990 / 1999                 decade
relative       "two more years" (after 1992) 1993 / 1994                 year
=============  ============================  ==========================  ===========

"YYYY–YY" with consecutive years is a season; other year pairs are ranges. Modifiers
("early", "late", "the end of") do not change the value; they are kept on
``Span._.date_modifier``.

A date without a year ("October 30–November 1") gets the ISO 8601 truncated form ("--10-30" /
"--11-01") and a relative expression null values with its offsets on ``Span._.date_relative``;
:mod:`pipeline.facts.dates` resolves both from the document structure.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, NamedTuple

import numpy
from dateparser.date import DateDataParser
from spacy.language import Language
from spacy.schemas import validate_token_pattern
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ...data import parse_json
from ..data_files import RuleComponent, data_file_config
from ..extensions import register_extensions
from ..matching import WindowedMatcher
from ..tokens import TokenTable

__all__ = [
    "DATA_FILES",
    "DateMatcher",
    "DateRule",
    "create_date_matcher",
    "iso_value",
    "normalise",
    "parse_cache_info",
    "parse_calendar",
    "parse_date_vocabulary",
]

FACTORY = "date_matcher"
# The data settings of the component and the packaged files they default to.
DATA_FILES = {"patterns": "date_patterns.json"}

# A fixed leap year as dateparser's base, so a day written without a year ("February 29") is
# valid and nothing depends on today's date; the filled-in year is discarded.
_YEARLESS_BASE = datetime.datetime(2000, 1, 1)
_DECADE_SUFFIX = "s"


# --------------------------------------------------------------------------------------------
# Rules


@dataclass(frozen=True)
class DateRule:
    order: int  # position in the patterns file; the earlier pattern wins a tie
    form: str  # how the normaliser reads the core: year, year_pair, calendar, relative, ...
    kind: str  # contract kind, or "veto"
    context: frozenset[int]  # indices of pattern tokens that stay out of the date's text
    modifier: str | None = None
    relative: dict | None = None


def parse_date_vocabulary(text: str) -> dict[str, Any]:
    """The patterns file (``date_patterns.json``) with the word sets made from it."""
    data = parse_json(text)
    first, last = data["year_range"]
    years = [str(y) for y in range(first, last + 1)]
    decades = [f"{y}{_DECADE_SUFFIX}" for y in range(first - first % 10, last + 1, 10)]
    slashed = [f"{y}/{y + 1}" for y in range(first, last)]
    slashed += [f"{y}/{(y + 1) % 100:02d}" for y in range(first, last)]
    days = [str(d) for d in range(1, 32)] + [f"{d:02d}" for d in range(1, 10)]
    ordinals = list(data["day_ordinals"])
    months = {k.casefold(): v for k, v in data["months"].items()}
    numbers = dict(data["numbers"])
    numbers.update({str(n): n for n in range(1, 31)})
    builtin = {
        "YEAR": {"ORTH": {"IN": years}},
        "YY": {"ORTH": {"IN": [f"{n:02d}" for n in range(100)]}},
        "DECADE": {"ORTH": {"IN": decades}},
        # "1999/2000", "1999/00": the slash stays inside the token (see tokenization.py).
        "YEAR_SLASH_YEAR": {"ORTH": {"IN": slashed}},
        "DAY": {"ORTH": {"IN": days + ordinals}},
        # Month words only capitalised: "teams may enter" and "march" are no months.
        "MONTH": {"ORTH": {"IN": [m[:1].upper() + m[1:] for m in months]}},
    }
    macros = {**builtin, **data["macros"]}
    macros["COUNT"] = {"LOWER": {"IN": list(numbers)}}
    return {
        "macros": macros,
        "months": months,
        "numbers": numbers,
        "patterns": data["patterns"],
        "years": frozenset(years),
        "blocking_spans": data.get("blocking_spans", {}),
        "model_makers": data.get("model_makers", {}),
        "range_openers": frozenset(data["range_openers"]),
        "range_connectors": frozenset(data["range_connectors"]),
        "range_dashes": data["range_dashes"],
    }


def _compile(entry: dict, macros: dict) -> tuple[list[dict], frozenset[int]]:
    """Expand macros; return the Matcher pattern and the indices of its context tokens."""
    pattern, context = [], set()
    for i, token in enumerate(entry["pattern"]):
        spec = {k: v for k, v in token.items() if k not in ("macro", "ctx")}
        if "macro" in token:
            spec = {**macros[token["macro"]], **spec}
        if token.get("ctx"):
            context.add(i)
        pattern.append(spec)
    return pattern, frozenset(context)


# --------------------------------------------------------------------------------------------
# Parsing (dateparser, cached)


@cache
def _date_parser() -> DateDataParser:
    # DateDataParser rather than dateparser.parse: its ``period`` says which parts were written
    # ("2008" -> year, "November 2008" -> month), where parse() fills the rest from today.
    # Only absolute dates: every input is a written calendar expression the Matcher has already
    # shaped; relative parsing ("now", "2 years ago") would be a second, unruled detector.
    return DateDataParser(
        languages=["en"],
        settings={
            "PARSERS": ["absolute-time"],
            "PREFER_DAY_OF_MONTH": "first",
            "RELATIVE_BASE": _YEARLESS_BASE,
            "DATE_ORDER": "MDY",
        },
    )


@lru_cache(maxsize=8192)
def parse_calendar(text: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of a written date, None for the parts not written (by dateparser's
    ``period``, never its filled-in parts); None if it is no valid date ("June 31").

    Cached: one string is parsed once per process.
    """
    data = _date_parser().get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    value, period = data.date_obj, data.period
    month = value.month if period in ("month", "day") else None
    day = value.day if period == "day" else None
    return value.year, month, day


def parse_cache_info() -> dict[str, float]:
    """Hits and misses of the parse cache, and its hit rate, for reporting."""
    info = parse_calendar.cache_info()
    calls = info.hits + info.misses
    return {
        "hits": info.hits,
        "misses": info.misses,
        "size": info.currsize,
        "hit_rate": info.hits / calls if calls else 0.0,
    }


# --------------------------------------------------------------------------------------------
# Normalisation inside the component


@dataclass
class _Part:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    written: str = ""  # the part's text as written, for dateparser


def iso_value(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    """ISO 8601 at the granularity given; "--MM-DD" / "--MM" (truncated) without a year."""
    if month is None:
        return None if year is None else f"{year:04d}"
    head = "-" if year is None else f"{year:04d}"
    return f"{head}-{month:02d}" if day is None else f"{head}-{month:02d}-{day:02d}"


def _value(kind: str, start: str | None, end: str | None, granularity: str) -> dict:
    return {"kind": kind, "value_start": start, "value_end": end, "granularity": granularity}


def _number(text: str) -> int:
    return int("".join(ch for ch in text if ch.isdigit()))


def _split_pair(core: Span, vocabulary: dict) -> tuple[Span, Span] | None:
    """The two ends of a range: at its dash, or at "to"/"until"/"and" after "from"/"between"."""
    tokens = list(core)
    lead = 1 if tokens[0].lower_ in vocabulary["range_openers"] else 0
    for token in tokens[lead + 1:]:
        if token.lower_ in vocabulary["range_connectors"] or (
            token.is_punct and token.text in vocabulary["range_dashes"]
        ):
            return core.doc[core.start + lead:token.i], core.doc[token.i + 1:core.end]
    return None


def _calendar_part(span: Span, vocab: dict) -> _Part:
    part = _Part(written=span.text)
    for token in span:
        if token.text in vocab["years"]:
            part.year = int(token.text)
        elif token.lower_ in vocab["months"]:
            part.month = vocab["months"][token.lower_]
        elif token.text[:1].isdigit():
            part.day = _number(token.text)
    return part


def _parse_part(part: _Part) -> tuple[int | None, int | None, int | None] | None:
    """Validate one end whose year, month and day the patterns have already read; a year not
    written stays None. The calendar check is ``datetime``'s, not a dateparser round trip of
    the same numbers: a dateparser parse of each new range's ends would cost more than the
    rest of the component (docs/benchmark.md)."""
    if part.month is None:
        return (part.year, None, None) if part.year is not None else None
    try:
        # A leap year stands in for a missing one, so "February 29" is valid (as in dateparser).
        datetime.date(part.year or _YEARLESS_BASE.year, part.month, part.day or 1)
    except ValueError:
        return None
    return part.year, part.month, part.day


def _fill_pair(left: _Part, right: _Part) -> None:
    """Complete each end from the other: "November 1–2, 2008" -> November 1, 2008 / November 2,
    2008; "30 October – 1 November" shares nothing; "December 30–January 2, 2009" crosses a
    year."""
    if left.month is None and right.month is not None and left.day is not None:
        left.month = right.month
    if right.month is None and left.month is not None and right.day is not None:
        right.month = left.month
    left_md, right_md = (left.month or 0, left.day or 0), (right.month or 0, right.day or 0)
    if left.year is None and right.year is not None:
        left.year = right.year - (1 if left_md > right_md else 0)
    elif right.year is None and left.year is not None:
        right.year = left.year + (1 if left_md > right_md else 0)


def _granularity(month: int | None, day: int | None) -> str:
    return "year" if month is None else "month" if day is None else "day"


def normalise(core: Span, rule: DateRule, vocabulary: dict) -> dict | None:
    """``Span._.date_value`` of a detected core, or None when it is no valid date.
    ``vocabulary``: see ``parse_date_vocabulary``."""
    form = rule.form
    if form == "year":
        # A year token is one of the YEAR set: its value is its digits (no parse needed).
        iso = iso_value(_number(next(t.text for t in core if t.text in vocabulary["years"])))
        return _value(rule.kind, iso, iso, "year")
    if form in ("year_pair", "year_open"):
        years = [y for t in core if t.text[:1].isdigit() for y in t.text.split("/")]
        start = int(years[0])
        if form == "year_open":
            return _value(rule.kind, iso_value(start), None, "year")
        end = int(years[-1])
        two_digits = len(years[-1]) == 2
        if two_digits:
            end += start - start % 100
            if end < start:  # "1999–00"
                end += 100
        if end <= start:
            return None
        kind = rule.kind
        if kind == "range" and two_digits and end == start + 1:
            kind = "season"  # "2008–09": a season across the turn of the year
        return _value(kind, iso_value(start), iso_value(end), "year")
    if form in ("decade", "decade_pair"):
        decades = [int(t.text[:-1]) for t in core if t.text.endswith(_DECADE_SUFFIX)]
        if decades[-1] < decades[0]:
            return None
        return _value(rule.kind, iso_value(decades[0]), iso_value(decades[-1] + 9), "decade")
    if form == "calendar":
        part = _calendar_part(core, vocabulary)
        parsed = parse_calendar(core.text) if part.year is not None else _parse_part(part)
        if parsed is None:
            return None
        year, month, day = parsed
        if part.year is None:
            year = None
        iso = iso_value(year, month, day)
        return _value(rule.kind, iso, iso, _granularity(month, day))
    if form == "calendar_pair":
        ends = _split_pair(core, vocabulary)
        if ends is None:
            return None
        left, right = (_calendar_part(s, vocabulary) for s in ends)
        _fill_pair(left, right)
        first, last = _parse_part(left), _parse_part(right)
        if first is None or last is None:
            return None
        if first[0] is not None and iso_value(*first) > iso_value(*last):
            return None
        return _value(rule.kind, iso_value(*first), iso_value(*last), _granularity(*first[1:]))
    if form == "relative":
        return _value("relative", None, None, rule.relative["unit"])
    return None


def _relative_offsets(core: Span, rule: DateRule, numbers: dict) -> dict:
    """{"unit", "from", "to"}: the offsets from the anchor; None when the count is vague."""
    count = next((numbers[t.lower_] for t in core if t.lower_ in numbers), None)

    def offset(value: int | str) -> int | None:
        if isinstance(value, int):
            return value
        if count is None:
            return None
        return count if value == "+n" else -count

    return {
        "unit": rule.relative["unit"],
        "from": offset(rule.relative["from"]),
        "to": offset(rule.relative["to"]),
    }


# --------------------------------------------------------------------------------------------
# The component

_VALUE_CACHE_SIZE = 65536
_ANY = ("*",)  # any label


class _Candidate(NamedTuple):
    """A match: its extent, rule, core extent and value (None for a veto)."""

    start: int
    end: int
    rule: DateRule
    core: tuple[int, int] | None
    value: dict | None


class DateMatcher(RuleComponent):
    """The component; ``patterns`` names its data file (see ``data_files``)."""

    factory = FACTORY

    def __init__(self, nlp: Language, name: str = FACTORY, *, patterns: str) -> None:
        register_extensions()
        super().__init__(name, {"patterns": patterns})
        self.nlp = nlp

    def _load(self, data: Mapping[str, str]) -> None:
        nlp = self.nlp
        self.vocabulary = vocab = parse_date_vocabulary(data["patterns"])
        self.rules: dict[int, DateRule] = {}
        # One key per pattern: the key says which pattern (hence which tokens are context)
        # matched.
        self.matcher = WindowedMatcher(nlp.vocab)
        for i, entry in enumerate(vocab["patterns"]):
            pattern, context = _compile(entry, vocab["macros"])
            errors = validate_token_pattern(pattern)
            if errors:
                raise ValueError(f"date pattern {i}: {errors}")
            key = self.matcher.add(f"DATE_{entry['form']}_{i}", [pattern])
            self.rules[key] = DateRule(
                order=i,
                form=entry["form"],
                kind=entry["kind"],
                context=context,
                modifier=entry.get("modifier"),
                relative=entry.get("relative"),
            )
        self.rules_by_order = {rule.order: rule for rule in self.rules.values()}
        self.values: dict[tuple, dict | None] = {}
        # span group -> (labels whose inner tokens are blocked, or _ANY; makers' labels)
        self.owning_groups: dict[str, tuple] = {}
        for group, labels in vocab["blocking_spans"].items():
            self.owning_groups[group] = (_ANY if labels is None else tuple(labels), ())
        for group, labels in vocab["model_makers"].items():
            inside, _ = self.owning_groups.get(group, ((), ()))
            self.owning_groups[group] = (inside, tuple(labels))
        # dateparser loads its locale data and compiles its grammar on the first parse: pay
        # that when the pipeline is built, not inside the first document. The result is
        # discarded and the parse cache is left untouched.
        _date_parser().get_date_data("1 January 2000")

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        found: dict[tuple[int, int, int], tuple[int, int] | None] = {}
        if not len(doc):
            doc.spans["dates"] = []
            return doc
        tokens = TokenTable(doc)
        for match_id, start, end in self.matcher(tokens):
            rule = self.rules[match_id]
            found[rule.order, start, end] = self._core(doc, match_id, rule, start, end)
        blocked = self._blocked_tokens(doc) if found else set()
        # Invalid readings ("June 31", a year inside a model name) are dropped before the longest
        # match is chosen, so a shorter valid one can win. Pattern order breaks ties between
        # matches of the same extent (filter_spans is stable). Candidates are plain tuples (the
        # only attributes filter_spans reads are start and end): Span objects are made only for
        # the dates chosen.
        valid = []
        for (order, start, end), core in sorted(found.items()):
            if core is None:
                continue
            rule = self.rules_by_order[order]
            if rule.kind == "veto":
                valid.append(_Candidate(start, end, rule, None, None))
                continue
            if all(i in blocked for i in range(*core)):
                continue
            value = self._value(doc, tokens.orth, rule, *core)
            if value is not None:
                valid.append(_Candidate(start, end, rule, core, value))
        valid.sort(key=lambda c: c.start)
        dates = []
        for candidate in filter_spans(valid):
            rule, value = candidate.rule, candidate.value
            if value is None:  # a veto
                continue
            core = Span(doc, *candidate.core, label=value["kind"])
            extensions = core._  # one accessor for the three values
            extensions.date_value = dict(value)
            extensions.date_modifier = rule.modifier
            if rule.form == "relative":
                extensions.date_relative = _relative_offsets(
                    core, rule, self.vocabulary["numbers"]
                )
            dates.append(core)
        doc.spans["dates"] = sorted(dates, key=lambda s: (s.start, s.end))
        return doc

    def _core(
        self, doc: Doc, match_id: int, rule: DateRule, start: int, end: int
    ) -> tuple[int, int] | None:
        """(start, end) of the match without its context tokens; None if nothing is left."""
        if not rule.context:
            return start, end
        # Matches are found without alignments; a match of a pattern with context tokens is
        # aligned afterwards on its own tokens.
        alignments = self.matcher.alignment(doc, match_id, start, end)
        if alignments is None:
            return None
        core = [start + k for k, a in enumerate(alignments) if a not in rule.context]
        return (core[0], core[-1] + 1) if core else None

    def _value(
        self, doc: Doc, orths: numpy.ndarray, rule: DateRule, start: int, end: int
    ) -> dict | None:
        """``normalise`` of a core, cached by rule and words: a value depends on nothing else,
        and the same dates recur within and across articles."""
        key = (rule.order, *orths[start:end].tolist())
        if key in self.values:
            return self.values[key]
        # Computed before it is stored: another thread may clear the cache in between.
        value = normalise(Span(doc, start, end, label=rule.kind), rule, self.vocabulary)
        if len(self.values) >= _VALUE_CACHE_SIZE:
            self.values.clear()
        self.values[key] = value
        return value

    def _blocked_tokens(self, doc: Doc) -> set[int]:
        """Tokens inside names that other components found and that own their numbers
        ("Formula Renault 2000" as a class, a car model): a year there is part of the name. A
        leading year stays a date ("the 2010 24 Hours of Le Mans")."""
        blocked: set[int] = set()
        strings = doc.vocab.strings
        for group, (inside, makers) in self.owning_groups.items():
            if group not in doc.spans:
                continue
            inside_labels = inside and {strings.add(label) for label in inside}
            maker_labels = {strings.add(label) for label in makers}
            # One pass per group: reading a span group builds a Span object per span.
            for span in doc.spans[group]:
                start, end, label = span.start, span.end, span.label
                if inside and end - start > 1 and (inside is _ANY or label in inside_labels):
                    blocked.update(range(start + 1, end))
                # A number right after a maker's name is a model ("BMW 2002", "Fiat 1900").
                if label in maker_labels and end < len(doc) and doc[end].is_digit:
                    blocked.add(end)
        return blocked


@Language.factory(FACTORY, default_config=data_file_config(FACTORY, DATA_FILES))
def create_date_matcher(nlp: Language, name: str, patterns: str) -> DateMatcher:
    return DateMatcher(nlp, name, patterns=patterns)
