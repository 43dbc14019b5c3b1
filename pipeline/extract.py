"""One source, end to end: bytes -> the reader's document -> a parsed Doc -> plain facts ->
a validated record (``ingest -> nlp -> facts -> contract``).

``process_source`` never raises: a document that cannot be read or extracted becomes an error
row. Batching and shipping between processes live in ``pipeline.run``. The spaCy pipeline is
built once per process.
"""

from __future__ import annotations

import hashlib

from spacy.language import Language

from .contract.tables import DocumentResult
from .contract.validation import validated_result
from .facts import document_facts
from .ingest.decoding import InputLimits, ReaderError, printable
from .ingest.document import SourceDocument
from .ingest.reader import read_bytes
from .nlp.parse import parse_document

__all__ = ["extract_document", "process_source"]


def extract_document(document: SourceDocument, nlp: Language | None = None) -> DocumentResult:
    """Run the rules (``nlp``, default: the project's pipeline) over one document and validate
    what they found."""
    return validated_result(document, document_facts(parse_document(document, nlp)))


def process_source(data: bytes, source: str, limits: InputLimits | None = None,
                   nlp: Language | None = None) -> DocumentResult:
    """Read and extract one source (with ``nlp``, default: the project's pipeline); any failure
    becomes an error row, never an exception."""
    try:
        document = read_bytes(data, source=source, limits=limits)
    except ReaderError as exc:
        return DocumentResult.rejected(source, hashlib.sha256(data).hexdigest(), "read",
                                       exc.field, exc.reason, exc.excerpt)
    try:
        return extract_document(document, nlp)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
        return DocumentResult.rejected(source, document.doc_id, "extract", "document",
                                       f"{type(exc).__name__}: {exc}",
                                       printable(document.text.strip()))
