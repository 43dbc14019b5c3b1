"""Paragraph boundaries as sentence boundaries: a token after a line break starts a sentence.

spaCy's ``sentencizer`` splits on punctuation only; wiki paragraphs, headings and list items are
separated by newlines and must never share a sentence (date anchors and enumerations stop there).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("line_boundaries")
def line_boundaries(doc: Doc) -> Doc:
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
    return doc
