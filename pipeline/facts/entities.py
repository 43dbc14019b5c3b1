"""Entities as contract records: the resolved entities of the ``motorsport_entities``
component (``doc.ents``, and those of the infobox values, ``doc._.infobox_entities``), with
their canonical names.
"""

from __future__ import annotations

from spacy.tokens import Doc

from ..nlp.tokens import TokenTable
from .context import FactContext

__all__ = ["entity_records"]


def entity_records(doc: Doc, context: FactContext | None = None) -> list[dict]:
    """The resolved entities, in document order (``context``: the doc's fact context when the
    caller has one)."""
    # Texts and offsets from the token table: a Span's text and offsets build a Token per word.
    if context is not None:
        ents, starts, ends, text = (context.ents, context.token_starts, context.token_ends,
                                    context.text)
    else:
        tokens = TokenTable.of(doc)
        ents, starts, ends, text = doc.ents, tokens.starts, tokens.ends, doc.text
    records = []
    for ent in ents:
        start_char, end_char = starts[ent.start], ends[ent.end - 1]
        written = text[start_char:end_char]
        records.append({"text": written, "label": ent.label_, "start_char": start_char,
                        "end_char": end_char, "canonical": ent.kb_id_ or written})
    infobox = doc._.infobox_entities
    document = doc._.source_document
    if infobox and document is not None:
        source = document.text
        records.extend({"text": source[start:end], "label": label, "start_char": start,
                        "end_char": end, "canonical": name}
                       for start, end, label, name in infobox)
        records.sort(key=lambda r: (r["start_char"], -r["end_char"]))
    return records
