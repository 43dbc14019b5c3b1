"""Abbreviations as contract records: the definitions the ``abbreviation_detector`` found, those
of the infobox values, and the definition a headless lead lost with its bold name.
"""

from __future__ import annotations

import re
from functools import cache

from spacy.tokens import Doc

from ..data import load_json
from ..ingest.document import SourceDocument
from ..nlp.acronyms import AcronymRules, long_form_start

__all__ = ["abbreviation_records", "infobox_pairs", "lost_long_form_pair"]

# "Long Name (CODE)" items of an infobox value ("Prototype (P), Prototype Challenge (PC)").
_INFOBOX_ITEM = re.compile(r"(?P<long>[^,;()]+?)\s*\((?P<short>[^()]+)\)")


@cache
def _infobox_rules() -> tuple[AcronymRules, re.Pattern, frozenset[str]]:
    """The abbreviation detector's packaged acronym rules, the shape of an infobox code and the
    infobox keys whose value is the subject's short form."""
    data = load_json("abbreviation_rules.json")
    return (AcronymRules.from_data(data), re.compile(data["infobox_short_form_regex"]),
            frozenset(k.casefold() for k in data["infobox_short_form_keys"]))


def _record(short: str, short_start: int, long: str, long_start: int | None) -> dict:
    return {
        "short": short,
        "long": long,
        "start_char": short_start,
        "end_char": short_start + len(short),
        "long_start_char": long_start,
        "long_end_char": None if long_start is None else long_start + len(long),
    }


def _stripped(text: str, start: int) -> tuple[str, int]:
    """``text`` without surrounding white space, and where it then starts."""
    return text.strip(), start + len(text) - len(text.lstrip())


def infobox_pairs(document: SourceDocument | None) -> list[dict]:
    """Records of the infobox, which the body leaves out: its "Long Name (CODE)" items ("GT
    Classes: GT Le Mans (GTLM), GT Daytona (GTD)"), and a short-form key ("Abbreviation: FIA")
    for the title's words it spells. An infobox item is a definition by its layout, so a
    one-letter code counts ("Prototype (P)"), but the code must spell the whole name from its
    first word."""
    if document is None:
        return []
    rules, code_shape, short_keys = _infobox_rules()
    records = []
    for field in document.infobox:
        if field.key.strip().casefold() in short_keys and document.title is not None:
            short, short_start = _stripped(field.value, field.value_start)
            words = document.title.text.split()
            first = long_form_start(words, [False] * len(words), short, rules)
            if code_shape.match(short) and first is not None:
                long = " ".join(words[first:])
                offset = document.title.text.rfind(long)
                records.append(_record(short, short_start, long, None if offset < 0 else (
                    document.title.start_char + offset)))
            continue
        for item in _INFOBOX_ITEM.finditer(field.value):
            short, short_start = _stripped(item["short"], field.value_start + item.start("short"))
            long, long_start = _stripped(item["long"], field.value_start + item.start("long"))
            words = long.split()
            if not words or not code_shape.match(short) or words[0] in rules.skippable:
                continue
            if not all(w[:1].isupper() or w[:1].isdigit() or w in rules.skippable
                       for w in words):
                continue  # a name: capitalised words, "de" or "of" inside
            if long_form_start(words, [False] * len(words), short, rules, True) != 0:
                continue
            records.append(_record(short, short_start, long, long_start))
    return records


def abbreviation_records(doc: Doc) -> list[dict]:
    """One record per distinct (short, long) pair, in document order of the short form: the
    infobox's first, then the body's."""
    records, seen = [], set()
    for record in infobox_pairs(doc._.source_document):
        key = (record["short"], record["long"])
        if key not in seen:
            seen.add(key)
            records.append(record)
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
