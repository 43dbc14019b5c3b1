"""Abbreviations as contract records: the definitions the ``abbreviation_detector`` found, and
the definition a headless lead lost with its bold name.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from ..ingest.document import SourceDocument

__all__ = ["abbreviation_records", "lost_long_form_pair"]


def abbreviation_records(doc: Doc) -> list[dict]:
    """One record per distinct (short, long) pair, in document order of the short form."""
    records, seen = [], set()
    for long_span, short_span in doc._.abbreviations or ():
        key = (short_span.text, long_span.text)
        if key in seen:
            continue
        seen.add(key)
        records.append(
            {
                "short": short_span.text,
                "long": long_span.text,
                "start_char": short_span.start_char,
                "end_char": short_span.end_char,
                "long_start_char": long_span.start_char,
                "long_end_char": long_span.end_char,
            }
        )
    return records


def lost_long_form_pair(doc: Doc, series: dict) -> dict | None:
    """The abbreviation record for a headless lead that lost its name.

    "The , abbreviated as JSPC, ..." defines a short form whose long form was stripped with the
    bold name; when the title was inferred, the long form is the name its letters spell
    (``short_form_name``). Located at the short form's first use in the lead paragraph.
    """
    long = series.get("short_form_name")
    aliases = series.get("aliases") or []
    if not long or not aliases:
        return None
    short = aliases[0]
    document: SourceDocument = doc._.source_document
    if short in (doc._.short_forms or {}) or document is None:
        return None
    lead = next((b for b in document.blocks if b.kind == "paragraph"), None)
    if lead is None:
        return None
    found = re.search(rf"(?<!\w){re.escape(short)}(?!\w)",
                      document.text[lead.start_char:lead.end_char])
    if found is None:
        return None
    start = lead.start_char + found.start()
    return {"short": short, "long": long, "start_char": start, "end_char": start + len(short)}
