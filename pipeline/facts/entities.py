"""Entities as contract records: the resolved entities of the ``motorsport_entities``
component (``doc.ents``, and those of the infobox values, ``doc._.infobox_entities``), with
their canonical names.
"""

from __future__ import annotations

from spacy.tokens import Doc

from .context import canonical

__all__ = ["entity_records"]


def entity_records(doc: Doc) -> list[dict]:
    """The resolved entities, in document order."""
    records = [{"text": ent.text, "label": ent.label_, "start_char": ent.start_char,
                "end_char": ent.end_char, "canonical": canonical(ent)} for ent in doc.ents]
    infobox = doc._.infobox_entities
    document = doc._.source_document
    if infobox and document is not None:
        source = document.text
        records.extend({"text": source[start:end], "label": label, "start_char": start,
                        "end_char": end, "canonical": name}
                       for start, end, label, name in infobox)
        records.sort(key=lambda r: (r["start_char"], -r["end_char"]))
    return records
