"""Entities as contract records: the resolved entities of the ``motorsport_entities``
component (``doc.ents``), with their canonical names.
"""

from __future__ import annotations

from spacy.tokens import Doc

__all__ = ["entity_records"]


def entity_records(doc: Doc) -> list[dict]:
    """The resolved entities, in document order. (The canonical name is the kb_id, as
    ``span._.canonical`` reads it, without an Underscore object per span.)"""
    records = []
    for ent in doc.ents:
        text = ent.text
        records.append(
            {
                "text": text,
                "label": ent.label_,
                "start_char": ent.start_char,
                "end_char": ent.end_char,
                "canonical": ent.kb_id_ or text,
            }
        )
    return records
