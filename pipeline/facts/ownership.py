"""Who a sentence is about: the one answer to "is this about the article's subject".

Series facts and own classes count only where the text speaks of the subject. A section titled
with another series' name is about that series; within a sentence, the nearest reference to a
series before a cue tells whose fact it is.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..ingest.document import SourceDocument
from ..nlp.components.classes import class_cues


def foreign_sections(document: SourceDocument, own_names: list[str] = ()) -> list[tuple[int, int]]:
    """Character ranges of sections titled with another series' name ("==Asian Le Mans
    Series=="): what they say is not about this series. A heading counts as a name when its
    words are capitalised and it ends in a series noun ("Series history" does not)."""
    keywords = class_cues()["series_keywords"]
    own = {n.casefold() for n in own_names if n}
    if document.title:
        own.add(document.title.text.casefold())
    ranges = []
    for section in document.sections:
        words = section.heading.split()
        heading = section.heading.casefold()
        is_name = (
            len(words) >= 2 and words[-1].casefold() in keywords
            and all(w[:1].isupper() or w[:1].isdigit() or w in ("of", "de", "and") for w in words)
        )
        if is_name and not any(o in heading or heading in o for o in own):
            ranges.append((section.start_char, section.end_char))
    return ranges


def in_ranges(ranges: list[tuple[int, int]]):
    """A test of whether an offset lies in one of ``ranges`` ([start, end)): the ranges (nested
    sections overlap) merged once, then found by bisection instead of a scan per offset."""
    merged: list[list[int]] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        elif a < b:
            merged.append([a, b])
    starts = [a for a, _ in merged]

    def contains(offset: int) -> bool:
        k = bisect_right(starts, offset) - 1
        return k >= 0 and offset < merged[k][1]

    return contains




def _about_series_pattern(document: SourceDocument, own_names) -> re.Pattern:
    """A sentence opening that makes the series its subject: "The series", "It", its name,
    after an opening adverbial ("Since 2012, the championship ...")."""
    names = [n for n in own_names if n]
    if document.title:
        names.append(document.title.text)
    refs = [re.escape(n) for n in names] + class_cues()["series_subjects"]
    return re.compile(
        r"^\s*(?:(?:in|since|from|during|for|by|after|until)\b[^,]{0,40}?,?\s+)?"
        r"(?:the\s+|this\s+)?(?:" + "|".join(refs) + r")\b", re.IGNORECASE)


def _names_other_series_last(text: str, document: SourceDocument, own_names) -> bool:
    """Whether the last series reference in ``text`` is a named series other than this one."""
    own = {n.casefold() for n in own_names if n}
    if document.title:
        own.add(document.title.text.casefold())
    keywords = "|".join(sorted(class_cues()["series_keywords"]))
    named = re.compile(rf"(?:[A-Z][\w'’-]*\s+){{1,6}}(?:{keywords.title()})\b")
    generic = re.compile(r"\b(?:the|this|its)\s+(?:series|championship|cup)\b|\bIt\b",
                         re.IGNORECASE)
    refs = [(m.start(), m.group().strip().casefold().removeprefix("the ") not in own)
            for m in named.finditer(text)]
    refs += [(m.start(), False) for m in generic.finditer(text)]
    refs += [(text.casefold().rfind(o), False) for o in own if o in text.casefold()]
    return bool(refs) and max(refs)[1]
