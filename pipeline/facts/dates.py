"""Dates as contract records: the ``date_matcher`` mentions, with missing years and relative
expressions resolved from the document structure.

The component gives a date without a year ("October 30–November 1") the ISO 8601 truncated
form ("--10-30" / "--11-01") and a relative expression null values with its offsets on
``Span._.date_relative``; :func:`date_records` resolves both from the document structure:

* a date without a year takes the nearest explicit year before it in its sentence, else the
  first after it in its sentence ("On March 3, the 2009 season opened"), else the nearest
  before it in its paragraph, its section, the text before it; none: null values;
* a relative expression counts from the most recent explicit date before it in its paragraph,
  else its section (narrative-mode resolution, as HeidelTime's for narratives): forward offsets
  from that date's end, backward ones from its start. "the following year" is Y+1, "two years
  earlier" Y-2, "that year" Y, "two more years" / "the next two seasons" Y+1..Y+2; without an
  anchor, or with a vague count ("a few years later"), the values stay null. Resolved relative
  dates are no anchors themselves, so errors do not chain.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from dataclasses import dataclass

import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span

from ..nlp.components.dates import iso_value

__all__ = ["date_records"]

RECORD_KEYS = ("text", "start_char", "end_char", "kind", "value_start", "value_end", "granularity")


@dataclass
class _Mention:
    span: Span
    value: dict
    block: int | None  # index into document.blocks
    section: int | None  # index into document.sections
    sentence: int  # token index of the sentence start (the block start without sentences)

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
        """The year of ``value_start`` or ``value_end`` (an open range: of its start)."""
        return int((self.value[which] or self.value["value_start"])[:4])


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
    the nearest preceding one in its sentence, paragraph, section and document, and the first
    following one in its sentence.

    Dates are resolved in document order and a resolved date anchors the next ones, so the
    preceding side is kept as they go (``add`` after each), one update per date instead of a
    scan of every date per date, which is quadratic in a paragraph of many dates.
    """

    def __init__(self, mentions: list[_Mention]) -> None:
        self.in_sentence: dict[tuple[int, int], _Mention] = {}
        self.in_block: dict[int, _Mention] = {}
        self.in_section: dict[int | None, _Mention] = {}
        self.last: _Mention | None = None
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
        if not mention.explicit:
            return
        if mention.block is not None:
            self.in_sentence[mention.block, mention.sentence] = mention
            self.in_block[mention.block] = mention
        self.in_section[mention.section] = mention
        self.last = mention

    def before(self, mention: _Mention) -> tuple[_Mention | None, ...]:
        """Nearest preceding (sentence, paragraph, section, document)."""
        if mention.block is None:
            sentence = block = None
        else:
            sentence = self.in_sentence.get((mention.block, mention.sentence))
            block = self.in_block.get(mention.block)
        return sentence, block, self.in_section.get(mention.section), self.last


def _year_anchor(mention: _Mention, index: int, anchors: _Anchors) -> _Mention | None:
    """The explicit year a date without one takes: the nearest preceding in its sentence, else
    the first following in its sentence ("On March 3, the 2009 season opened"), else the nearest
    preceding in its paragraph, else in its section, else in the document (narrative time)."""
    sentence_before, block_before, section_before, last = anchors.before(mention)
    return (
        sentence_before or anchors.next_in_sentence[index] or block_before or section_before
        or last
    )


def _resolve_yearless(mention: _Mention, anchor: _Mention | None) -> dict:
    value = dict(mention.value)
    if anchor is None:
        value["value_start"] = value["value_end"] = None
        return value
    year = anchor.year("value_end")
    start, end = value["value_start"], value["value_end"]
    end_year = year + (1 if end[2:] < start[2:] else 0)  # "December 30–January 2"
    resolved = f"{year:04d}{start[1:]}", f"{end_year:04d}{end[1:]}"
    if not all(_valid_iso(v) for v in resolved):  # February 29 in a year with none
        value["value_start"] = value["value_end"] = None
        return value
    value["value_start"], value["value_end"] = resolved
    return value


def _valid_iso(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value if len(value) == 10 else f"{value[:7]}-01")
    except ValueError:
        return False
    return True


def _resolve_relative(mention: _Mention, anchor: _Mention | None) -> dict:
    """Narrative-mode resolution (as HeidelTime's narratives): offsets count from the most recent
    explicit date before the expression; forward from its end, backward from its start."""
    value = dict(mention.value)
    offsets = mention.span._.date_relative or {}
    first, last = offsets.get("from"), offsets.get("to")
    if anchor is None or first is None or last is None:
        return value
    which = "value_start" if last < 0 else "value_end"
    if offsets["unit"] == "year":
        base = anchor.year(which)
        value["value_start"], value["value_end"] = iso_value(base + first), iso_value(base + last)
    elif offsets["unit"] == "month" and len(anchor.value[which]) >= 7:
        base = anchor.year(which) * 12 + int(anchor.value[which][5:7]) - 1
        value["value_start"] = iso_value((base + first) // 12, (base + first) % 12 + 1)
        value["value_end"] = iso_value((base + last) // 12, (base + last) % 12 + 1)
    return value


def date_records(doc: Doc) -> list[dict]:
    """The document's dates as contract records, in document order, with missing years and
    relative expressions resolved from the paragraphs and sections of the reader's document
    (``doc._.source_document``; a plain doc is read as one paragraph-less text)."""
    document = doc._.source_document
    spans = doc.spans.get("dates", [])
    # Sentence starts read once as an array (Span.sent walks the tokens for every span): a
    # span's sentence starts at the last sentence start at or before its first token.
    sentence_starts = (
        numpy.flatnonzero(doc.to_array(SENT_START) == 1).tolist()
        if spans and doc.has_annotation("SENT_START") else None
    )
    blocks = document.blocks if document is not None else ()
    sections = document.sections if document is not None else ()
    starts = [block.start_char for block in blocks]
    heading_starts = [section.heading_start for section in sections]
    mentions = []
    for span in sorted(spans, key=lambda s: (s.start_char, s.end_char)):
        if span._.date_value is None:
            continue
        block, section = _locate(document, starts, heading_starts, span.start_char)
        if sentence_starts is None:
            sentence = -1
        else:
            i = bisect_right(sentence_starts, span.start) - 1
            sentence = sentence_starts[i] if i >= 0 else 0
        mentions.append(_Mention(span, dict(span._.date_value), block, section, sentence))
    anchors = _Anchors(mentions)
    for index, mention in enumerate(mentions):
        value = mention.value
        if value["kind"] == "relative":
            # Narrative time: the nearest explicit date before, in the paragraph, else the section.
            _, block_before, section_before, _ = anchors.before(mention)
            mention.value = _resolve_relative(mention, block_before or section_before)
        elif (value["value_start"] or "").startswith("-"):
            mention.value = _resolve_yearless(mention, _year_anchor(mention, index, anchors))
        anchors.add(mention)
    text = document.text if document is not None else doc.text
    records = []
    for mention in mentions:
        span = mention.span
        records.append({
            "text": text[span.start_char:span.end_char],
            "start_char": span.start_char,
            "end_char": span.end_char,
            **{k: mention.value[k] for k in RECORD_KEYS[3:]},
        })
    return records
