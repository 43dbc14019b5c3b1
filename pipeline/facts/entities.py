"""Entities as contract records: the resolved entities of the ``motorsport_entities``
component (``doc.ents``), with their canonical names.
"""

from __future__ import annotations

from spacy.tokens import Doc

from .context import canonical

__all__ = ["entity_records"]


def entity_records(doc: Doc) -> list[dict]:
    """The resolved entities, in document order."""
    return [{"text": ent.text, "label": ent.label_, "start_char": ent.start_char,
             "end_char": ent.end_char, "canonical": canonical(ent)} for ent in doc.ents]
