"""The ``date_matcher`` component: calendar expressions, detected and normalised.

Detection is rule-based with spaCy ``Matcher`` patterns from ``data/date_patterns.json``:
years, "Month D, YYYY", "D Month YYYY", "Month YYYY", bare months, day and month ranges,
"YYYY–YY" seasons, "from YYYY to YYYY", "YYYY until YYYY", "30 October and 1 November 2009",
decades, years BC and AD, named days ("Christmas 1963") and relative expressions ("the
following year", "twelve days later", "later that month"). Years from 1900 stand on their own;
older ones (from 1000) only where the context says they are years (a month or day beside them,
"in"/"since"/"of", brackets, a modifier, the end of a heading), and any year with an era marker
("493 BC", "AD 70"). Context tokens ("in", "season", a range's opener "from"/"between") license
a match but stay out of the date's text: "the 2006 season" yields "2006" with kind ``season``,
"from 1994 to 1996" yields "1994 to 1996". Among overlapping readings the longest core wins
(``_select``); "veto" patterns ("2000 km", "No. 1999", "Formula Renault 2000", "June 24
Hours") drop every date they overlap without containing it. The patterns are matched only
around each one's rarest required token (:class:`~pipeline.nlp.matching.WindowedMatcher`), and
values are cached per rule and words.

A modifier phrase before a date ("early", "mid-", "the end of", "c."; the ``modifiers`` table)
joins its text and gives ``Span._.date_modifier`` (the contract's ``mod``: start, mid, end,
approx, before, after); the value stays the period's: "the end of 1992" is 1992, mod end.

Values are ISO 8601 at the granularity written, years BC as TIMEX2 writes them ("BC0480"):

=============  ============================  ==========================  ===========
kind           example                       value_start / value_end     granularity
=============  ============================  ==========================  ===========
year           "1992", "493 BC"              1992 / 1992, BC0493         year
season         "2006" (the 2006 season)      2006 / 2006                 year
season         "2008–09"                     2008 / 2009                 year
range          "1983–1992", "2006–present"   1983 / 1992, 2006 / None    year
range          "499–493 BC"                  BC0499 / BC0493             year
date           "November 1, 2008"            2008-11-01 / 2008-11-01     day
month          "November 2008"               2008-11 / 2008-11           month
range          "November 1–2, 2008"          2008-11-01 / 2008-11-02     day
decade         "1990s", "the 470s BC"        1990 / 1999, BC0479 / BC0470  decade
relative       "two more years" (after 1992) 1993 / 1994                 year
=============  ============================  ==========================  ===========

"YYYY–YY" with consecutive years is a season; other year pairs are ranges.

A date without a year ("October 30–November 1", "In May") gets the ISO 8601 truncated form
("--10-30" / "--11-01") and a relative expression null values with its offsets on
``Span._.date_relative``; :mod:`pipeline.facts.dates` resolves both from the document structure.
"""

from __future__ import annotations

import calendar
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

from ...data import parse_json
from ..data_files import RuleComponent, data_file_config
from ..extensions import register_extensions
from ..matching import WindowedMatcher
from ..tokens import TokenTable

__all__ = [
    "DATA_FILES",
    "DateMatcher",
    "DateRule",
    "ModifierPhrases",
    "create_date_matcher",
    "is_calendar_day",
    "iso_value",
    "normalise",
    "parse_cache_info",
    "parse_calendar",
    "parse_date_vocabulary",
    "year_text",
]

FACTORY = "date_matcher"
# The data settings of the component and the packaged files they default to.
DATA_FILES = {"patterns": "date_patterns.json"}

# A fixed leap year as dateparser's base, so a day written without a year ("February 29") is
# valid and nothing depends on today's date; the filled-in year is discarded.
_YEARLESS_BASE = datetime.datetime(2000, 1, 1)
_DECADE_SUFFIX = "s"
# The longest span read as a range of years outside ``year_range`` ("1861–1865", not
# "1200–1500").
_LONGEST_RANGE = 100


# --------------------------------------------------------------------------------------------
# Rules


@dataclass(frozen=True)
class DateRule:
    order: int  # position in the patterns file; the earlier pattern wins a tie
    form: str  # how the normaliser reads the core: year, year_pair, calendar, relative, ...
    kind: str  # contract kind, or "veto"
    context: frozenset[int]  # indices of pattern tokens that stay out of the date's text
    relative: dict | None = None
    needs_modifier: bool = False  # kept only where a modifier phrase precedes it
    holiday: tuple[int, int] | None = None  # (month, day) of a named day
    # (context tokens before, after the core) of a pattern whose tokens all take one token:
    # its core is known without aligning the match; None otherwise.
    fixed_context: tuple[int, int] | None = None


def parse_date_vocabulary(text: str) -> dict[str, Any]:
    """The patterns file (``date_patterns.json``) with the word sets made from it."""
    data = parse_json(text)
    first, last = data["year_range"]
    years = [str(y) for y in range(first, last + 1)]
    # Keys added after the first patterns files default to what those files meant.
    any_years = [str(y) for y in range(data.get("any_year_range", [first])[0], last + 1)]
    era_years = [str(y) for y in range(1, last + 1)]
    decade_first = data.get("decade_range", [first])[0]
    decade_first -= decade_first % 10
    decades = [f"{y}{_DECADE_SUFFIX}" for y in range(decade_first, last + 1, 10)]
    era_decades = [f"{y}{_DECADE_SUFFIX}" for y in range(10, last + 1, 10)]
    slashed = [f"{y}/{y + 1}" for y in range(first, last)]
    slashed += [f"{y}/{(y + 1) % 100:02d}" for y in range(first, last)]
    days = [str(d) for d in range(1, 32)] + [f"{d:02d}" for d in range(1, 10)]
    ordinals = list(data["day_ordinals"])
    months = {k.casefold(): v for k, v in data["months"].items()}
    # The first word listed for each month is its full name.
    full_names = list({v: k for k, v in reversed(months.items())}.values())
    ambiguous = {m.casefold() for m in data.get("ambiguous_months", ())}
    numbers = dict(data["numbers"])
    numbers.update({str(n): n for n in range(1, 31)})
    eras = {side: list(data.get("eras", {}).get(side, ())) for side in ("bc", "ad", "ad_before")}

    def capitalised(words):
        return [m[:1].upper() + m[1:] for m in words]

    builtin = {
        "YEAR": {"ORTH": {"IN": years}},
        "ANY_YEAR": {"ORTH": {"IN": any_years}},
        "ERA_YEAR": {"ORTH": {"IN": era_years}},
        "ERA": {"ORTH": {"IN": eras["bc"] + eras["ad"]}},
        "ERA_BEFORE": {"ORTH": {"IN": eras["ad_before"]}},
        "YY": {"ORTH": {"IN": [f"{n:02d}" for n in range(100)]}},
        "DECADE": {"ORTH": {"IN": decades}},
        "ERA_DECADE": {"ORTH": {"IN": era_decades}},
        # "1999/2000", "1999/00": the slash stays inside the token (see tokenization.py).
        "YEAR_SLASH_YEAR": {"ORTH": {"IN": slashed}},
        "DAY": {"ORTH": {"IN": days + ordinals}},
        # Month words only capitalised: "teams may enter" and "march" are no months.
        "MONTH": {"ORTH": {"IN": capitalised(months)}},
        "MONTH_NAME": {"ORTH": {"IN": capitalised(full_names)}},
        "MONTH_NAME_UNAMBIGUOUS": {
            "ORTH": {"IN": capitalised(m for m in full_names if m not in ambiguous)}
        },
    }
    macros = {**builtin, **data["macros"]}
    macros["COUNT"] = {"LOWER": {"IN": list(numbers)}}
    return {
        "macros": macros,
        "months": months,
        "numbers": numbers,
        "patterns": data["patterns"],
        "years": frozenset(years),
        "bc_markers": frozenset(eras["bc"]),
        "era_markers": frozenset(eras["bc"] + eras["ad"]),
        "modifiers": data.get("modifiers", {}),
        "holidays": data.get("holidays", []),
        "holiday_prepositions": data.get("holiday_prepositions", []),
        "blocking_spans": data.get("blocking_spans", {}),
        "model_makers": data.get("model_makers", {}),
        "range_connectors": frozenset(data["range_connectors"]),
        "range_dashes": data["range_dashes"],
    }


def _holiday_patterns(nlp: Language, vocab: dict) -> list[dict]:
    """Patterns of the named days: "Christmas 1963", and "by Christmas" without a year."""
    patterns = []
    for holiday in vocab["holidays"]:
        words = [{"ORTH": t.text} for t in nlp.make_doc(holiday["name"])]
        rule = {"form": "holiday", "kind": "date", "holiday": (holiday["month"], holiday["day"])}
        patterns.append({**rule, "pattern": [*words, {"macro": "ANY_YEAR"}]})
        before = {"LOWER": {"IN": vocab["holiday_prepositions"]}, "ctx": True}
        patterns.append({**rule, "pattern": [before, *words]})
    return patterns


def _fixed_context(tokens: list[dict], context: frozenset[int]) -> tuple[int, int] | None:
    """(leading, trailing) context tokens of a pattern without operators whose context tokens
    stand only before and after its core; None for any other pattern."""
    if any("OP" in token for token in tokens):
        return None
    lead = next((i for i in range(len(tokens)) if i not in context), len(tokens))
    trail = next((i for i in range(len(tokens)) if len(tokens) - 1 - i not in context), 0)
    if lead + trail >= len(tokens) or len(context) != lead + trail:
        return None
    return lead, trail


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
    """ISO 8601 at the granularity given; "--MM-DD" / "--MM" (truncated) without a year. A
    negative year is that year BC, written as TIMEX2 writes it ("BC0480")."""
    if month is None:
        return None if year is None else year_text(year)
    head = "-" if year is None else year_text(year)
    return f"{head}-{month:02d}" if day is None else f"{head}-{month:02d}-{day:02d}"


def is_calendar_day(year: int | None, month: int, day: int) -> bool:
    """Whether ``day`` of ``month`` is in the calendar of ``year`` (negative: BC, with the leap
    years of the proleptic Gregorian calendar: 1 BC is year 0, a leap year). A leap year stands
    in for a missing one, so "February 29" is valid (as in dateparser)."""
    if year is None:
        year = _YEARLESS_BASE.year
    elif year < 0:
        year += 1  # astronomical numbering; calendar.isleap is arithmetic and takes it
    if not 1 <= month <= 12:
        return False
    return 1 <= day <= calendar.mdays[month] + (month == 2 and calendar.isleap(year))


def year_text(year: int) -> str:
    return f"BC{-year:04d}" if year < 0 else f"{year:04d}"


def _signed_years(core: Span, vocab: dict) -> list[tuple[str, int]]:
    """The years written in a core, as (digits, year): negative for BC. An era marker applies
    to the years before it up to the previous marker ("499–493 BC", "500 BC – AD 30"); "AD"
    may also stand before its year."""
    years: list[str] = []
    signed: list[tuple[str, int]] = []
    for token in core:
        if token.text in vocab["era_markers"]:
            sign = -1 if token.text in vocab["bc_markers"] else 1
            signed.extend((y, sign * int(y)) for y in years)
            years = []
        elif token.text.replace("/", "").isdigit():  # "1999/2000" reads as two years
            years.extend(token.text.split("/"))
    signed.extend((y, int(y)) for y in years)
    return signed


def _value(kind: str, start: str | None, end: str | None, granularity: str) -> dict:
    return {"kind": kind, "value_start": start, "value_end": end, "granularity": granularity}


def _number(text: str) -> int:
    return int("".join(ch for ch in text if ch.isdigit()))


def _split_pair(core: Span, vocabulary: dict) -> tuple[Span, Span] | None:
    """The two ends of a range: at its dash or its first connector ("to", "until", "and"; the
    opener "from"/"between" is context, outside the core)."""
    for token in list(core)[1:]:
        if token.lower_ in vocabulary["range_connectors"] or (
            token.is_punct and token.text in vocabulary["range_dashes"]
        ):
            return core.doc[core.start:token.i], core.doc[token.i + 1:core.end]
    return None


def _calendar_part(span: Span, vocab: dict) -> _Part:
    part = _Part(written=span.text)
    tokens = list(span)
    for i, token in enumerate(tokens):
        if token.lower_ in vocab["months"]:
            part.month = vocab["months"][token.lower_]
        elif token.text[:1].isdigit():
            # An era marker stands right after its year ("480 BC"), or "AD" right before it.
            beside = [tokens[j].text for j in (i + 1, i - 1) if 0 <= j < len(tokens)]
            era = next((w for w in beside if w in vocab["era_markers"]), None)
            if token.is_digit and (len(token.text) >= 3 or era is not None):  # a day: 1-2 digits
                year = int(token.text)
                part.year = -year if era in vocab["bc_markers"] else year
            else:
                part.day = _number(token.text)
    return part


def _parse_part(part: _Part) -> tuple[int | None, int | None, int | None] | None:
    """Validate one end whose year, month and day the patterns have already read; a year not
    written stays None. The calendar check is ``is_calendar_day``, not a dateparser round trip
    of the same numbers: a dateparser parse of each new range's ends would cost more than the
    rest of the component (docs/benchmark.md)."""
    if part.month is None:
        return (part.year, None, None) if part.year is not None else None
    if not is_calendar_day(part.year, part.month, part.day or 1):
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
        year = _signed_years(core, vocabulary)[0][1]
        if year == 0:
            return None
        return _value(rule.kind, iso_value(year), iso_value(year), "year")
    if form in ("year_pair", "year_open"):
        years = _signed_years(core, vocabulary)
        start = years[0][1]
        if form == "year_open":
            return _value(rule.kind, iso_value(start), None, "year")
        written, end = years[-1]
        with_era = any(t.text in vocabulary["era_markers"] for t in core)
        two_digits = len(written) == 2 and not with_era
        if two_digits:
            end += start - start % 100
            if end < start:  # "1999–00"
                end += 100
        if end <= start or 0 in (start, end):
            return None
        if not all(y in vocabulary["years"] for y, _ in years) and end - start > _LONGEST_RANGE:
            return None  # "1200–1500 men": before modern years, only a plausible span reads
        kind = rule.kind
        if kind == "range" and two_digits and end == start + 1:
            kind = "season"  # "2008–09": a season across the turn of the year
        return _value(kind, iso_value(start), iso_value(end), "year")
    if form in ("decade", "decade_pair"):
        decades = [int(t.text[:-1]) for t in core if t.text.endswith(_DECADE_SUFFIX)]
        if decades[-1] < decades[0]:
            return None
        if any(t.text in vocabulary["bc_markers"] for t in core):  # "the 470s BC": 479..470
            return _value(rule.kind, iso_value(-decades[0] - 9), iso_value(-decades[-1]), "decade")
        return _value(rule.kind, iso_value(decades[0]), iso_value(decades[-1] + 9), "decade")
    if form == "calendar":
        part = _calendar_part(core, vocabulary)
        # dateparser reads the written date where it can ("Sept. 5, 2010"); our own check where
        # it cannot: no year (its base year would stand in), a year BC or "AD".
        plain = part.year is not None and part.year > 0 and not any(
            t.text in vocabulary["era_markers"] for t in core
        )
        parsed = parse_calendar(core.text) if plain else _parse_part(part)
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
        if first[0] is not None and tuple(v or 0 for v in first) > tuple(v or 0 for v in last):
            return None
        return _value(rule.kind, iso_value(*first), iso_value(*last), _granularity(*first[1:]))
    if form == "holiday":
        month, day = rule.holiday
        years = _signed_years(core, vocabulary)
        iso = iso_value(years[0][1] if years else None, month, day)
        return _value(rule.kind, iso, iso, "day")
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


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """The dates read, in document order: no veto overlaps one without containing it ("1000 km"
    drops "in 1000", "In 2000 cars had to ..." keeps its date); among overlapping dates, the
    longest core wins, then the longest match with its context ("the 2006 season" is a season,
    not a year), then the earlier pattern. Context tokens may be shared ("from October to
    March,")."""
    vetoes = [(c.start, c.end) for c in candidates if c.value is None]
    dates = [
        c for c in candidates
        if c.value is not None and not any(
            s < c.end and c.start < e and not (c.start <= s and e <= c.end) for s, e in vetoes
        )
    ]
    dates.sort(key=lambda c: (c.core[0] - c.core[1], c.start - c.end, c.rule.order, c.start))
    taken: list[_Candidate] = []
    occupied: set[int] = set()
    for c in dates:
        tokens = range(*c.core)
        if not any(i in occupied for i in tokens):
            taken.append(c)
            occupied.update(tokens)
    return sorted(taken, key=lambda c: c.core)


class ModifierPhrases:
    """The phrases that qualify a date's period ("early", "the end of", "mid-"), from the
    ``modifiers`` table of the patterns file: read before a date, they join its text and give
    its ``mod``; the value stays the period's."""

    def __init__(self, nlp: Language, table: Mapping[str, list[str]]) -> None:
        strings = nlp.vocab.strings
        # Words as lower-case string ids, indexed by the phrase's last word, the longest first:
        # a date looks up only the phrases that can end right before it.
        self.by_last: dict[int, list[tuple[tuple[int, ...], str]]] = {}
        phrases = sorted(
            ((tuple(strings.add(t.lower_) for t in nlp.make_doc(phrase)), mod)
             for mod, listed in table.items() for phrase in listed),
            key=lambda p: -len(p[0]),
        )
        for words, mod in phrases:
            self.by_last.setdefault(words[-1], []).append((words, mod))
        self.dashes = {strings.add("-"), strings.add("–")}
        self.the, self.of = strings.add("the"), strings.add("of")

    def before(self, tokens: TokenTable, start: int, limit: int) -> tuple[int, str | None]:
        """(new start, mod) of a date starting at token ``start``; no token before ``limit``
        is taken (the previous date's end). A dash may stand between phrase and date
        ("mid-November"), and "the" after a phrase ending in "of" ("the end of the 460s")."""
        lowers = tokens.lower_list
        ends = [start]
        dash = start > limit and lowers[start - 1] in self.dashes
        of_the = start - 1 > limit and (lowers[start - 2], lowers[start - 1]) == (self.of, self.the)
        if dash or of_the:
            ends.append(start - 1)
        for end in ends:
            if end <= limit:
                continue
            for words, mod in self.by_last.get(lowers[end - 1], ()):
                first = end - len(words)
                if first >= limit and tuple(lowers[first:end]) == words:
                    return first, mod
        return start, None


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
        for i, entry in enumerate(vocab["patterns"] + _holiday_patterns(nlp, vocab)):
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
                fixed_context=_fixed_context(entry["pattern"], context),
                relative=entry.get("relative"),
                needs_modifier=entry.get("needs_modifier", False),
                holiday=entry.get("holiday"),
            )
        self.rules_by_order = {rule.order: rule for rule in self.rules.values()}
        self.modifiers = ModifierPhrases(nlp, vocab["modifiers"])
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
        doc.spans["dates"] = self._dates(doc)
        document = doc._.source_document
        if document is not None and document.title is not None:
            title = document.title
            doc._.title_dates = [
                (title.start_char + s.start_char, title.start_char + s.end_char,
                 s._.date_value, s._.date_modifier, s._.date_relative)
                for s in self._dates(self.nlp.make_doc(title.text))
            ]
        if document is not None and document.infobox:
            doc._.infobox_dates = self._infobox_dates(document.infobox)
        return doc

    def _infobox_dates(self, fields) -> list[tuple]:
        """The dates of the infobox values ("Inaugural season: 2012", "Drivers: 30 (2025)"),
        which the body leaves out: one Doc of the values, a line each, read once; offsets
        into the source."""
        lines, origins, offset = [], [], 0
        for field in fields:
            lines.append(field.value)
            origins.append((offset, offset + len(field.value), field.value_start))
            offset += len(field.value) + 1
        found = []
        for span in self._dates(self.nlp.make_doc("\n".join(lines))):
            for line_start, line_end, source_start in origins:
                if line_start <= span.start_char and span.end_char <= line_end:
                    shift = source_start - line_start
                    found.append((span.start_char + shift, span.end_char + shift,
                                  span._.date_value, span._.date_modifier, span._.date_relative))
                    break
        return found

    def _dates(self, doc: Doc) -> list[Span]:
        """The dates of ``doc``, in document order."""
        found: dict[tuple[int, int, int], tuple[int, int] | None] = {}
        if not len(doc):
            return []
        tokens = TokenTable.of(doc)
        for match_id, start, end in self.matcher(tokens):
            rule = self.rules[match_id]
            found[rule.order, start, end] = self._core(doc, match_id, rule, start, end)
        blocked = self._blocked_tokens(doc) if found else set()
        # Invalid readings ("June 31", a year inside a model name) are dropped before the longest
        # match is chosen, so a shorter valid one can win (``_select``). Candidates are plain
        # tuples: Span objects are made only for the dates chosen.
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
        dates = []
        previous_end = 0
        for candidate in _select(valid):
            rule, value = candidate.rule, candidate.value
            start, mod = self.modifiers.before(tokens, candidate.core[0], previous_end)
            if rule.needs_modifier and mod is None:
                continue
            previous_end = candidate.core[1]
            core = Span(doc, start, candidate.core[1], label=value["kind"])
            extensions = core._  # one accessor for the three values
            extensions.date_value = dict(value)
            extensions.date_modifier = mod
            if rule.form == "relative":
                extensions.date_relative = _relative_offsets(
                    core, rule, self.vocabulary["numbers"]
                )
            dates.append(core)
        return sorted(dates, key=lambda s: (s.start, s.end))

    def _core(
        self, doc: Doc, match_id: int, rule: DateRule, start: int, end: int
    ) -> tuple[int, int] | None:
        """(start, end) of the match without its context tokens; None if nothing is left."""
        if not rule.context:
            return start, end
        if rule.fixed_context is not None:
            lead, trail = rule.fixed_context
            return start + lead, end - trail
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
