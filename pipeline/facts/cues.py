"""The series cues and the values read next to them.

Cues are ``Matcher`` patterns in ``data/series_cues.json`` ("was founded in", "sanctioned by",
"was renamed"), each naming the relation it gives, where its value stands (a year, a series
name, a body or a place, after or before the cue) and where its subject is. The values are read
from the Doc's own spans: dates from the date records, bodies and places from ``doc.ents``,
series names from the context's series spans.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from spacy.tokens import Doc, Span

from ..nlp.matching import WindowedMatcher
from ..nlp.tokens import TokenTable
from .context import (
    BODY_LABELS,
    FactContext,
    canonical,
    capitalised_after,
    capitalised_before,
    first_by_start,
    series_cues,
    written,
)
from .ownership import in_ranges

__all__ = ["YEAR", "CueValues", "body_after", "body_before", "cue_hits", "name_after",
           "name_before", "names_after", "year_after"]

# A plain year token, read when no date records are given (the rules without the date
# component); the infobox years too.
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


@dataclass
class _CueMatcher:
    matcher: WindowedMatcher
    rules: dict


@cache
def _matchers(vocab) -> _CueMatcher:
    """The cue matcher, built once per vocabulary."""
    matcher = WindowedMatcher(vocab)
    rules = {}
    for n, cue in enumerate(series_cues()["cues"]):
        rules[matcher.add(f"series_cue_{n}", [cue["pattern"]])] = cue
    return _CueMatcher(matcher, rules)


def cue_hits(tokens: TokenTable) -> list[tuple[dict, int, int]]:
    """(cue, start, end) of every cue in the doc, by start, longest first."""
    cues = _matchers(tokens.doc.vocab)
    return sorted(((cues.rules[m], s, e) for m, s, e in cues.matcher(tokens)),
                  key=lambda h: (h[1], -h[2]))


# --- values next to cues -------------------------------------------------------------------


def name_after(doc: Doc, i: int, limit: int, series_by_start: dict[int, Span]) -> str | None:
    """The series name starting right after the cue (determiners skipped)."""
    while i < limit and (doc[i].lower_ in series_cues()["determiners"] or doc[i].is_space
                         or doc[i].is_quote):
        i += 1
    span = series_by_start.get(i)
    return canonical(span) if span is not None else None


def names_after(tokens: TokenTable, i: int, limit: int, series_by_start: dict[int, Span],
                capitalised: bool = False, quoted: bool = False) -> list[tuple[str, int]]:
    """The series names listed right after the cue, with the token each ends at: "formerly
    known as X prior to 2005 and Y prior to 1995", "evolved from X by way of Y and Z". Between
    two names: linking words, a generic noun ("the X series and ..."), an "until/prior to YEAR".
    With ``capitalised``, a capitalised name stands where no series name is found: after "known
    as" a name is plain, whatever the entity set made of it. With ``quoted``, only a
    capitalised name opened by a quote mark does ('established as the "X Trophy"')."""
    doc = tokens.doc
    cues = series_cues()
    skip = cues["determiners"] | frozenset(cues["name_links"]) | frozenset(cues["until_words"])
    found: list[tuple[str, int]] = []
    while i < limit:
        opened = False
        while i < limit and (doc[i].lower_ in cues["determiners"] or doc[i].is_space
                             or doc[i].is_quote):
            opened = opened or doc[i].is_quote
            i += 1
        span = series_by_start.get(i)
        if span is None and (capitalised or quoted and opened) and i < limit:
            span = capitalised_after(tokens, i, limit)
            # A name has a title-case word: "ST-GT3" is a class code.
            span = span if span is not None and span.start == i and any(
                tokens.words[k].is_title for k in range(span.start, span.end)) else None
        if span is None:
            break
        found.append((written(span), span.end))
        j = span.end
        k = j
        while k < limit and (doc[k].lower_ in skip or doc[k].is_quote or doc[k].lower_ in (
                "to", "series", "championship", "championships") or YEAR.fullmatch(doc[k].text)):
            k += 1
            if k + 2 < limit and doc[k].lower_ in cues["dated_participles"] and doc[
                    k + 1].lower_ in ("in", "from", "since") and YEAR.fullmatch(doc[k + 2].text):
                # "the X series begun in 1973 by way of Y": a name's date is no end of the list.
                k += 3
        if k == j or k >= limit or not (series_by_start.get(k) is not None or (
                capitalised and tokens.words[k].capital)) or not any(
                doc[m].lower_ in cues["name_links"] for m in range(j, k)):
            break
        i = k
    return found


def name_before(tokens: TokenTable, i: int, floor: int, series_spans: list[Span],
                capitalised: bool = False) -> str | None:
    """The series name ending right before the cue: "The X Challenge, as it was originally
    known"; with ``capitalised``, any capitalised name ("the Automobile Club de la Sarthe, the
    ancestor of today's ACO")."""
    span = next((s for s in series_spans if s.end == i), None)
    if span is None and capitalised:
        span = capitalised_before(tokens, i, floor, bracket=False)
    return written(span) if span is not None else None


def body_after(tokens: TokenTable, i: int, limit: int, bodies: dict[int, Span],
               use_fallback: bool, others: dict[int, Span] | None = None) -> list[str]:
    """The body (or place) named right after the cue, and any coordinated with it: "sanctioned
    by the FIA and the SBF". With ``others`` (the other named things by start), a capitalised
    name no entity covers counts too: the entity set may miss a body the cue makes plain."""
    doc = tokens.doc
    cues = series_cues()
    found = []
    while i < limit:
        j = i
        while j < limit and (doc[j].lower_ in cues["determiners"] or doc[j].is_space):
            j += 1
        span = bodies.get(j)
        if span is not None:
            found.append(written(span))
        elif (use_fallback or (others is not None and j not in others)) and (
                span := _body_name(tokens, j, limit, others)) is not None:
            found.append(span.text)
        else:
            break
        i = span.end
        if i < limit and doc[i].text == "(":  # a bracketed short form after the name
            close = next((t.i for t in doc[i:min(limit, i + 6)] if t.text == ")"), None)
            i = close + 1 if close is not None else i
        if i + 1 < limit and doc[i].lower_ in cues["coordinators"]:
            i += 1
        else:
            break
    return found


def _body_name(tokens: TokenTable, i: int, limit: int,
               others: dict[int, Span] | None) -> Span | None:
    """A capitalised name no entity gives, read as a body's: cut before "and" (a list of
    bodies) and before a category it opens ("FIA Group N"). Beside the entity set (``others``
    given) it must not run into another named thing and must look like a body: a short form
    or a name with a body's noun ("WSC Group"), not a person's."""
    span = capitalised_after(tokens, i, limit)
    if span is None:
        return None
    doc, cues = tokens.doc, series_cues()
    end = span.start
    while end < span.end and not (doc[end].lower_ in cues["coordinators"] or (
            end > span.start and doc[end].lower_ in cues["category_nouns"] and end + 1 < span.end
            and len(doc[end + 1]) <= 2)):
        end += 1
    span = doc[span.start:end]
    if len(span) == 2 and span[0].lower_ in cues["category_nouns"] and len(span[1]) <= 2:
        return None  # "based on Group 5 rules": a category, not a body
    if not len(span) or others is None:
        return span or None
    if any(k in others for k in range(span.start, span.end)):
        return None
    body_like = span.text.isupper() or any(t.lower_ in cues["body_nouns"] for t in span)
    return span if body_like else None


class _BodiesByEnd:
    """The bodies a cue may follow ("the ACO's rules", "the ACO (Automobile Club) rules"): the
    first, in order, that ends at the cue, or, after a closing bracket, that a bracket follows.
    Indexed once per document instead of a scan of every body per cue."""

    def __init__(self, doc: Doc, bodies: list[Span]) -> None:
        self.bodies = bodies
        self.at_end: dict[int, int] = {}
        bracketed = []
        for k, span in enumerate(bodies):
            self.at_end.setdefault(span.end, k)
            if span.end < len(doc) and doc[span.end].text.startswith("("):
                bracketed.append((span.end, k))
        bracketed.sort()
        self.bracket_ends = [end for end, _ in bracketed]
        # The first body (in order) among those ending before each bracketed end.
        self.first_bracketed = list(accumulate((k for _, k in bracketed), min))

    def before(self, doc: Doc, i: int) -> Span | None:
        found = [self.at_end[i]] if i in self.at_end else []
        if i > 0 and doc[i - 1].text == ")":
            n = bisect_left(self.bracket_ends, i)
            if n:
                found.append(self.first_bracketed[n - 1])
        return self.bodies[min(found)] if found else None


def body_before(tokens: TokenTable, i: int, floor: int, bodies: _BodiesByEnd,
                use_fallback: bool) -> str | None:
    body = bodies.before(tokens.doc, i)
    if body is not None:
        return written(body)
    if use_fallback:
        name = capitalised_before(tokens, i, floor)
        return name.text if name is not None else None
    return None


class _DateIndex:
    """The dates with a value in order of their offsets, to find the first in a range by
    bisection (not a scan of every date per cue)."""

    def __init__(self, dates: list[dict]) -> None:
        self.empty = not dates
        # A decade ("the mid-1970s") dates no season.
        self.dates = sorted((d for d in dates if d.get("value_start")
                             and d.get("granularity") not in ("decade", "century")),
                            key=lambda d: d["start_char"])
        self.starts = [d["start_char"] for d in self.dates]

    def first_in(self, lo: int, hi: int) -> dict | None:
        k = bisect_left(self.starts, lo)
        return self.dates[k] if k < len(self.dates) and self.starts[k] < hi else None


@dataclass
class CueValues:
    """Where the values next to cues are looked up; built once per document, since both passes
    of the series facts read the same entities, dates and sections."""

    bodies_by_start: dict[int, Span]
    places_by_start: dict[int, Span]
    bodies_by_end: _BodiesByEnd
    dates: _DateIndex
    in_foreign: Callable[[int], bool]
    others_by_start: dict[int, Span] | None = None

    @classmethod
    def of(cls, ctx: FactContext, bodies: list[Span], places: list[Span], dates: list[dict],
           foreign: list[tuple[int, int]], others: list[Span] | None = None) -> CueValues:
        """``others``: the named things that are not bodies, by start (see body_after)."""
        return cls(
            bodies_by_start=first_by_start(bodies), places_by_start=first_by_start(places),
            bodies_by_end=_BodiesByEnd(ctx.doc, bodies), dates=_DateIndex(dates),
            in_foreign=in_ranges(foreign),
            others_by_start=None if others is None else first_by_start(
                [s for s in others if s.label_ not in BODY_LABELS]),
        )


def year_after(doc: Doc, end: int, sent: Span, dates: _DateIndex, last: bool,
               fronted: bool = False) -> int | None:
    """The year a few tokens after the cue ("was cancelled in 2007"), else the year of the
    sentence's opening adverbial ("In 2014 the championship merged ...")."""
    window_end = min(sent.end, end + series_cues()["year_window"])
    year = _year_in(doc, end, window_end, dates, last)
    if year is None and fronted:
        openers = series_cues()["sentence_openers"]
        k = sent.start
        # "Following the 2020 season, ...": an article inside the adverbial, not opening the
        # sentence ("The 2011 season ended with ..." has the year in its subject).
        while k < sent.end and (doc[k].lower_ in openers or doc[k].like_num or doc[k].is_punct
                                or doc[k].is_space
                                or k > sent.start and doc[k].lower_ in ("the", "a")):
            k += 1
        year = _year_in(doc, sent.start, min(k, end), dates, last)
    return year


def _year_in(doc: Doc, start: int, end: int, dates: _DateIndex, last: bool) -> int | None:
    if start >= end:
        return None
    lo, hi = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
    first = dates.first_in(lo, hi)
    if first is not None:
        value = first["value_end" if last else "value_start"] or first["value_start"]
        return int(value[:4])
    if dates.empty:
        # Without the date component: a plain year token.
        for token in doc[start:end]:
            if YEAR.fullmatch(token.text):
                return int(token.text)
    return None
