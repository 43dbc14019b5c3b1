"""Every custom attribute the components set on spaCy objects, registered in one place.

Span groups (``doc.spans[...]``):
  "sections"       the reader's sections (heading line to the section's end), label = heading
  "blocks"         the reader's paragraphs and lists, in order, label "paragraph"/"list"
  "abbreviations"  long-form and short-form spans of definitions, label "LONG"/"SHORT"
  "entities"       candidate entity spans of every label, overlaps allowed
  "classes"        racing-class mentions, label = the class category or "CLASS"
  "dates"          date expressions, label = the contract's date kind
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

__all__ = ["register_extensions"]


def _get_canonical(span: Span) -> str | None:
    return span.kb_id_ or None


def _set_canonical(span: Span, value: str | None) -> None:
    span.kb_id_ = value or ""


def register_extensions() -> None:
    """Idempotent: safe to call from every component's factory."""
    if not Doc.has_extension("source_document"):
        # The reader's SourceDocument the doc was made from (title, infobox, sections, blocks,
        # categories): set by ``pipeline.nlp.parse.parse_document``, None for a plain text.
        Doc.set_extension("source_document", default=None)
    if not Doc.has_extension("title_dates"):
        # Dates in the reader's title line, which the body leaves out (a headless article's
        # first line is often a heading: "1917", "2003: Invasion"): (start_char, end_char,
        # date_value, date_modifier, date_relative) tuples, offsets into the source.
        Doc.set_extension("title_dates", default=None)
    if not Doc.has_extension("infobox_dates"):
        # Dates in the reader's infobox values, which the body leaves out ("Inaugural season:
        # 2012"): tuples as ``title_dates``.
        Doc.set_extension("infobox_dates", default=None)
    if not Doc.has_extension("infobox_entities"):
        # Entities of the infobox values, which the body leaves out: (start_char, end_char,
        # label, canonical) tuples, offsets into the source (``motorsport_entities``).
        Doc.set_extension("infobox_entities", default=None)
    if not Doc.has_extension("abbreviations"):
        # Definitions found in the text: (long form span, short form span) pairs.
        Doc.set_extension("abbreviations", default=None)
    if not Doc.has_extension("short_forms"):
        # short form -> long form text, for linking undefined later uses.
        Doc.set_extension("short_forms", default=None)
    if not Span.has_extension("canonical"):
        # An entity's canonical name, kept as the span's kb_id: spaCy stores that per token, so
        # doc.ents and span groups carry it without a user_data entry for every span.
        Span.set_extension("canonical", getter=_get_canonical, setter=_set_canonical)
    if not Span.has_extension("date_value"):
        # dict with kind, value_start, value_end, granularity (contract's date fields).
        Span.set_extension("date_value", default=None)
    if not Span.has_extension("date_modifier"):
        # The contract's `mod` of the modifier phrase before the date: "end" for "the end of 1992",
        # "start" for "early 2008"; None without one.
        Span.set_extension("date_modifier", default=None)
    if not Span.has_extension("date_relative"):
        # Relative dates: {"unit": "day"|"month"|"year"|"decade", "from": int|None, "to": int|None},
        # the offsets
        # of the span's first and last unit from its anchor ("two more years": 1, 2).
        Span.set_extension("date_relative", default=None)
    if not Span.has_extension("class_name"):
        # A class mention's normalised name: "LMP1s" -> "LMP1", "Gr. C" -> "Group C".
        Span.set_extension("class_name", default=None)
    if not Span.has_extension("class_family"):
        # The class family from the pattern data ("LMP", "GT", "Group", "Class").
        Span.set_extension("class_family", default=None)
    if not Span.has_extension("class_long_form"):
        # A spelled-out class whose code may follow in brackets ("Grand Touring (GT)").
        Span.set_extension("class_long_form", default=False)


register_extensions()
