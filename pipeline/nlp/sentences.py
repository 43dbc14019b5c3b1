"""Line breaks as sentence boundaries, on top of spaCy's ``sentencizer``.

The sentencizer splits on sentence-final punctuation only; wiki paragraphs, headings and list
items are separated by newlines and must never share a sentence (date anchors and enumerations
stop there). spaCy keeps any whitespace other than a single space as a token of its own, so
only those tokens (found with ``to_array``, not a Python walk over every token) are looked at.
The boundaries are written back with one ``from_array``: the ``Token.is_sent_start`` setter
scans the whole doc for a parse on every call, so n lines would cost n passes over the doc.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["line_boundaries"]


@Language.component("line_boundaries")
def line_boundaries(doc: Doc) -> Doc:
    if len(doc) < 2:
        return doc
    spaces = numpy.flatnonzero(doc.to_array(IS_SPACE)[:-1])
    after_breaks = [i + 1 for i in spaces.tolist() if "\n" in doc[i].text]
    if after_breaks:
        starts = doc.to_array(SENT_START)
        starts[after_breaks] = 1
        doc.from_array([SENT_START], starts)
    return doc
