"""A read article through the pipeline: its body as a Doc that carries the reader's structure.

The reader's :class:`~pipeline.ingest.document.SourceDocument` rides on the Doc
(``doc._.source_document``), and its sections and blocks become span groups (``"sections"``,
``"blocks"``, in the reader's order), so every fact builder takes the Doc alone. The structure
is put on the Doc before the components run, so they may read it too.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..ingest.document import SourceDocument
from .build import get_nlp
from .extensions import register_extensions

__all__ = ["parse_document"]


def parse_document(document: SourceDocument, nlp: Language | None = None) -> Doc:
    """Run ``nlp`` (default: the project's pipeline) over ``document.body``."""
    register_extensions()
    nlp = nlp or get_nlp()
    doc = nlp.make_doc(document.body)
    doc._.source_document = document
    doc.spans["sections"] = [_span(doc, s.start_char, s.end_char, s.heading)
                             for s in document.sections]
    doc.spans["blocks"] = [_span(doc, b.start_char, b.end_char, b.kind) for b in document.blocks]
    return nlp(doc)


def _span(doc: Doc, start_char: int, end_char: int, label: str):
    """The tokens covering [start_char, end_char); an empty span where no token starts (a
    region of characters the tokenizer keeps inside a longer token), so that the groups stay
    parallel to the reader's lists."""
    span = doc.char_span(start_char, end_char, label=label, alignment_mode="expand")
    if span is None:
        i = next((t.i for t in doc if t.idx + len(t) > start_char), len(doc))
        span = doc[i:i]
    return span
