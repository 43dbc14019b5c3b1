"""Dates as contract records: the ``date_matcher`` mentions, with missing years and relative
expressions resolved from the document structure.

The component gives a date without a year ("October 30–November 1") the ISO 8601 truncated
form ("--10-30" / "--11-01") and a relative expression null values with its offsets on
``Span._.date_relative``; :func:`date_records` resolves both from the document structure, in
narrative time (as HeidelTime's narrative mode: the text's own dates, not today's):

* a date without a year takes the nearest explicit year before it in its sentence, else the
  first after it in its sentence ("On March 3, the 2009 season opened"), else the latest date
  with a month before it in its paragraph (else the latest year there), then likewise in its
  section, then the text before it; none: null values. Time runs forward: a month more than
  half a year before the month of the latest date written in full is in the next year
  ("December 7, 1941 ... In January");
* a relative expression counts from the most recent date before it that is as fine as its unit
  ("the next day" from a day, "later that month" from a month) in its paragraph, else its
  section, else the text before it: forward offsets from that date's end, backward ones from
  its start. "the following year" is Y+1, "two years earlier" Y-2, "that year" Y, "two more
  years" / "the next two seasons" Y+1..Y+2, "twelve days later" D+12; without an anchor, or
  with a vague count ("a few years later"), the values stay null. Resolved relative dates are
  no anchors themselves, so errors do not chain, except that a resolved day anchors the next
  day counted from it ("the next day and the day following").
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc

from ..nlp.components.dates import is_calendar_day, iso_value, year_text
from ..nlp.tokens import TokenTable

__all__ = ["date_records"]

RECORD_KEYS = (
    "text", "start_char", "end_char", "kind", "value_start", "value_end", "granularity", "mod",
)
# The granularities a relative unit needs of its anchor: "the next day" counts from a day.
_LEVELS = {"day": "day", "month": "month", "year": "year", "decade": "year"}
_SCOPES = ("block", "section", "document")
# How many months a year-less month may lie before its preceding anchor's month and still be in
# the anchor's year (more: the narrative has crossed into the next year).
_TURN_OF_YEAR = 6
_FINER = {"day": ("day", "month", "year"), "month": ("month", "year"), "year": ("year",)}
# The section key of the infobox's dates: none of the reader's sections (None is the lead).
_INFOBOX_SECTION = -1


@dataclass
class _Mention:
    start_char: int
    end_char: int
    mod: str | None
    relative: dict | None  # Span._.date_relative
    value: dict
    block: int | None  # index into document.blocks
    section: int | None  # index into document.sections
    sentence: int  # token index of the sentence start (the block start without sentences)
    inferred: bool = False  # its year was taken from another date
    anchors: bool = True  # may give its year to the dates after it

    @property
    def explicit(self) -> bool:
        """A date whose year is written (or, once resolved, inferred from one that is)."""
        start = self.value["value_start"]
        return (
            self.value["kind"] not in ("relative", "decade")
            and start is not None
            and not start.startswith("-")
        )

    def year(self, which: str) -> int:
        """The year of ``value_start`` or ``value_end`` (an open range: of its start); negative
        BC."""
        return _year_of(self.value[which] or self.value["value_start"])

    def iso(self, which: str) -> str:
        return self.value[which] or self.value["value_start"]


def _year_of(value: str) -> int:
    """The year of an ISO value, negative for a year BC ("BC0480" -> -480)."""
    return -int(value[2:6]) if value.startswith("BC") else int(value[:4])


def _month_of(value: str) -> int:
    """The month of an ISO value with one ("1941-12-07", "BC0480-08")."""
    return int(value.removeprefix("BC")[5:7])


def _add_years(year: int, count: int) -> int:
    """``year`` + ``count`` years, counting over the missing year 0 (1 BC + 1 = AD 1)."""
    astronomical = (year if year > 0 else year + 1) + count
    return astronomical if astronomical > 0 else astronomical - 1


def _locate(
    document, starts: list[int], heading_starts: list[int], char: int
) -> tuple[int | None, int | None]:
    """(block, section) of a character offset; a heading belongs to its own section.
    ``starts`` are the blocks' start offsets, ``heading_starts`` the sections' heading starts
    (both in document order: found by bisection, not a scan per date)."""
    i = bisect_right(starts, char) - 1
    if i >= 0 and char < document.blocks[i].end_char:
        return i, document.blocks[i].section
    n = bisect_right(heading_starts, char) - 1
    if n >= 0 and char < document.sections[n].heading_end:
        return None, n
    return None, None


class _Anchors:
    """The explicit dates a date without a year (or a relative one) may take its year from:
    the latest one before it in its sentence, paragraph, section and document, by granularity
    (a date with a day also counts as one with a month and one with a year, so the "year" level
    is the latest explicit date of any granularity), and the first one after it in its sentence.

    Dates are resolved in document order and a resolved date anchors the next ones, so the
    preceding side is kept as they go (``add`` after each), one update per date instead of a
    scan of every date per date, which is quadratic in a paragraph of many dates.
    """

    def __init__(self, mentions: list[_Mention]) -> None:
        # (scope, scope key, level) -> the latest date of that level or finer in that scope.
        self.latest_at: dict[tuple[str, object, str], _Mention] = {}
        # The first explicit date after each one in its sentence, as written (dates after the
        # one being resolved are not resolved yet).
        self.next_in_sentence: list[_Mention | None] = [None] * len(mentions)
        following: dict[tuple[int, int], _Mention] = {}
        for index in reversed(range(len(mentions))):
            mention = mentions[index]
            if mention.block is not None:
                key = (mention.block, mention.sentence)
                self.next_in_sentence[index] = following.get(key)
                if mention.explicit:
                    following[key] = mention

    def add(self, mention: _Mention) -> None:
        """``mention`` (resolved) precedes the dates still to resolve."""
        if mention.explicit:
            self._add(mention, _FINER.get(mention.value["granularity"], ()))

    def add_relative(self, mention: _Mention) -> None:
        """A resolved day ("the next day") anchors the next day counted from it ("and the day
        following")."""
        if mention.value["granularity"] == "day" and mention.value["value_start"]:
            self._add(mention, ("day",))

    def _add(self, mention: _Mention, levels: tuple[str, ...]) -> None:
        for scope, key in _scope_keys(mention):
            for level in levels:
                self.latest_at[scope, key, level] = mention

    def latest(
        self, mention: _Mention, level: str, scopes: tuple[str, ...] = _SCOPES
    ) -> _Mention | None:
        """The most recent date of ``level`` or finer before ``mention`` in its paragraph,
        else its section, else the text before it (or only in the ``scopes`` given)."""
        keys = dict(_scope_keys(mention))
        for scope in scopes:
            if scope in keys and (found := self.latest_at.get((scope, keys[scope], level))):
                return found
        return None


def _scope_keys(mention: _Mention) -> list[tuple[str, object]]:
    """The scopes a date is in, with their keys: its sentence and paragraph (when it is in
    one), its section (None: the lead) and the document."""
    keys: list[tuple[str, object]] = []
    if mention.block is not None:
        keys += [("sentence", (mention.block, mention.sentence)), ("block", mention.block)]
    return keys + [("section", mention.section), ("document", None)]


def _year_anchor(
    mention: _Mention, index: int, anchors: _Anchors
) -> tuple[_Mention | None, bool]:
    """The explicit year a date without one takes: the nearest preceding in its sentence, else
    the first following in its sentence ("On March 3, the 2009 season opened"), else the nearest
    preceding in its paragraph, else in its section, else in the document (narrative time); and
    whether that one precedes it. In a paragraph or section, a preceding date with a month
    wins over a later bare year: the months and days carry the narrative's time line, a bare
    year is often an aside ("... planned for 1976. On 11 March, ...")."""
    if sentence_before := anchors.latest(mention, "year", ("sentence",)):
        return sentence_before, True
    if anchors.next_in_sentence[index] is not None:
        return anchors.next_in_sentence[index], False
    for scope in ("block", "section"):
        if any_before := anchors.latest(mention, "year", (scope,)):
            return anchors.latest(mention, "month", (scope,)) or any_before, True
    return anchors.latest(mention, "year", ("document",)), True


def _resolve_yearless(
    mention: _Mention, anchor: _Mention | None, month_before: _Mention | None
) -> dict:
    """The anchor's year. Narrative time runs forward: a month more than half a year before the
    month of the latest date written in full before it, in the anchor's year, is in the next
    year ("On December 7, 1941 ... In January")."""
    value = dict(mention.value)
    if anchor is None:
        value["value_start"] = value["value_end"] = None
        return value
    year = anchor.year("value_end")
    start, end = value["value_start"], value["value_end"]
    if month_before is not None and not month_before.inferred:
        iso = month_before.iso("value_end")
        if _year_of(iso) == year and _month_of(iso) - int(start[2:4]) >= _TURN_OF_YEAR:
            year = _add_years(year, 1)
    end_year = _add_years(year, 1) if end[2:] < start[2:] else year  # "December 30–January 2"
    resolved = f"{year_text(year)}{start[1:]}", f"{year_text(end_year)}{end[1:]}"
    if not all(_valid_iso(v) for v in resolved):  # February 29 in a year with none
        value["value_start"] = value["value_end"] = None
        return value
    value["value_start"], value["value_end"] = resolved
    return value


def _valid_iso(value: str) -> bool:
    """Whether a resolved value with a month ("1941-12", "BC0480-02-29") is in the calendar."""
    month, day = value.removeprefix("BC")[5:7], value.removeprefix("BC")[8:10]
    return is_calendar_day(_year_of(value), int(month), int(day or 1))


def _resolve_relative(mention: _Mention, anchor: _Mention | None) -> dict:
    """Narrative-mode resolution (as HeidelTime's narratives): offsets count from the most recent
    explicit date before the expression that is as fine as the unit (a day for "the next day");
    forward from its end, backward from its start."""
    value = dict(mention.value)
    offsets = mention.relative or {}
    first, last = offsets.get("from"), offsets.get("to")
    if anchor is None or first is None or last is None:
        return value
    which = "value_start" if last < 0 else "value_end"
    unit, iso = offsets["unit"], anchor.iso(which)
    if unit == "year":
        base = anchor.year(which)
        value["value_start"] = iso_value(_add_years(base, first))
        value["value_end"] = iso_value(_add_years(base, last))
    elif unit == "decade":
        base = anchor.year(which)
        if base > 0:
            decade = base - base % 10
            value["value_start"] = iso_value(decade + 10 * first)
            value["value_end"] = iso_value(decade + 10 * last + 9)
        else:  # the 480s BC run from 489 to 480 BC; the next decade is the 470s BC
            decade = -base - (-base) % 10
            first_decade, last_decade = decade - 10 * first, decade - 10 * last
            if last_decade >= 10:
                value["value_start"] = iso_value(-(first_decade + 9))
                value["value_end"] = iso_value(-last_decade)
    elif unit == "month" and not iso.startswith("BC"):
        base = anchor.year(which) * 12 + _month_of(iso) - 1
        value["value_start"] = iso_value((base + first) // 12, (base + first) % 12 + 1)
        value["value_end"] = iso_value((base + last) // 12, (base + last) % 12 + 1)
    elif unit == "day" and not iso.startswith("BC"):
        day = datetime.date.fromisoformat(iso)
        value["value_start"] = (day + datetime.timedelta(days=first)).isoformat()
        value["value_end"] = (day + datetime.timedelta(days=last)).isoformat()
    return value


def date_records(doc: Doc, tokens: TokenTable | None = None) -> list[dict]:
    """The document's dates as contract records, in document order, with missing years and
    relative expressions resolved from the paragraphs and sections of the reader's document
    (``doc._.source_document``; a plain doc is read as one paragraph-less text). ``tokens``:
    the doc's token table when the caller has one."""
    document = doc._.source_document
    spans = doc.spans.get("dates", [])
    # Offsets from the token table, each span's extension values read once: a Span's offsets
    # build a Token each, and every ``span._`` an accessor object.
    if spans:
        tokens = tokens if tokens is not None else TokenTable.of(doc)
        token_starts, token_ends = tokens.starts, tokens.ends
        spans = sorted(((token_starts[s.start], token_ends[s.end - 1], s.start, s._)
                        for s in spans), key=lambda found: found[:2])
    # Sentence starts read once as an array (Span.sent walks the tokens for every span): a
    # span's sentence starts at the last sentence start at or before its first token.
    sentence_starts = (
        tokens.sentences.starts if spans and doc.has_annotation("SENT_START") else None
    )
    blocks = document.blocks if document is not None else ()
    sections = document.sections if document is not None else ()
    starts = [block.start_char for block in blocks]
    heading_starts = [section.heading_start for section in sections]
    # The title line's dates come first; they are in no paragraph or section. The infobox's
    # follow, in a section of their own: a value ("Folded: 2004") is no point of the narrative,
    # so it gives no year to the text's dates (a year-less one of its own may take the title's).
    mentions = [
        _Mention(start, end, mod, relative, dict(value), None, None, -1)
        for start, end, value, mod, relative in doc._.title_dates or ()
    ]
    mentions += [
        _Mention(start, end, mod, relative, dict(value), None, _INFOBOX_SECTION, -1,
                 anchors=False)
        for start, end, value, mod, relative in doc._.infobox_dates or ()
    ]
    for start_char, end_char, first, extensions in spans:
        value = extensions.date_value
        if value is None:
            continue
        block, section = _locate(document, starts, heading_starts, start_char)
        if sentence_starts is None:
            sentence = -1
        else:
            i = bisect_right(sentence_starts, first) - 1
            sentence = sentence_starts[i] if i >= 0 else 0
        mentions.append(_Mention(
            start_char, end_char, extensions.date_modifier, extensions.date_relative,
            dict(value), block, section, sentence,
        ))
    anchors = _Anchors(mentions)
    for index, mention in enumerate(mentions):
        value = mention.value
        if value["kind"] == "relative":
            # Narrative time: the nearest explicit date before, in the paragraph, else the section,
            # as fine as the expression's unit.
            unit = (mention.relative or {}).get("unit", "year")
            mention.value = _resolve_relative(mention, anchors.latest(mention, _LEVELS[unit]))
            if mention.anchors:
                anchors.add_relative(mention)
        elif (value["value_start"] or "").startswith("-"):
            anchor, preceding = _year_anchor(mention, index, anchors)
            month_before = anchors.latest(mention, "month") if preceding else None
            mention.value = _resolve_yearless(mention, anchor, month_before)
            mention.inferred = True
        if mention.anchors:
            anchors.add(mention)
    text = document.text if document is not None else doc.text
    records = []
    for mention in mentions:
        records.append({
            "text": text[mention.start_char:mention.end_char],
            "start_char": mention.start_char,
            "end_char": mention.end_char,
            **{k: mention.value[k] for k in RECORD_KEYS[3:-1]},
            "mod": mention.mod,
        })
    return records
