"""One source, end to end: bytes -> the reader's document -> a parsed Doc -> plain facts ->
a validated record (``ingest -> nlp -> facts -> contract``).

``process_source`` never raises: a document that cannot be read or extracted becomes an error
row. Batching and shipping between processes live in ``pipeline.run``. The spaCy pipeline is
built once per process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping

from spacy.language import Language

from .contract.tables import DocumentResult
from .contract.validation import validated_result
from .facts import document_facts
from .ingest.decoding import InputLimits, ReaderError, printable
from .ingest.document import SourceDocument
from .ingest.formats import DocumentRead, LargeFile, read_source_documents
from .ingest.reader import read_bytes
from .nlp.parse import parse_document

__all__ = [
    "extract_document", "is_placeholder", "iter_file_results", "process_file", "process_source",
]


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


def process_file(data: bytes | LargeFile, source: str, limits: InputLimits | None = None,
                 nlp: Language | None = None,
                 unchanged: Mapping[str, str] | None = None) -> list[DocumentResult]:
    """The results of :func:`iter_file_results`, as a list."""
    return list(iter_file_results(data, source, limits, nlp, unchanged))


def iter_file_results(data: bytes | LargeFile, source: str, limits: InputLimits | None = None,
                      nlp: Language | None = None,
                      unchanged: Mapping[str, str] | None = None) -> Iterator[DocumentResult]:
    """Read a source file in the layout ``limits.source_format`` asks for (auto: found from
    the file) and extract each of its documents: one result for a plain, wikitext or HTML
    file, one per article for a dump or a wikiextractor file, yielded as each is extracted (a
    dump's pages are read one at a time, so a dump of any size, even a :class:`LargeFile`
    beyond ``--max-bytes``, is extracted in bounded memory). Never raises: a file that cannot
    be read is one error row, a page that cannot be read or extracted is its own; a dump that
    fails part way keeps the results of its pages before the fault, then one error row for the
    file.

    Warnings about the file (a layout auto did not recognise, pages of a dump that are not
    articles) go into the ``warnings`` of each of its documents, which are kept.

    ``unchanged`` (document source -> doc_id) names the documents of a file already extracted
    from the same text by the same pipeline: a document read with that id is not extracted
    again, and its result is a placeholder (no record, no errors) for the caller to replace
    with the stored one (:func:`is_placeholder`).
    """
    unchanged = unchanged or {}
    file_id = data.sha256 if isinstance(data, LargeFile) else hashlib.sha256(data).hexdigest()
    try:
        read = read_source_documents(data, source, limits)
    except ReaderError as exc:
        yield DocumentResult.rejected(source, file_id, "read", exc.field, exc.reason,
                                      exc.excerpt)
        return
    documents = iter(read.documents)
    while True:
        try:
            part = next(documents, None)
        except ReaderError as exc:  # the dump changed or broke after it was surveyed
            yield DocumentResult.rejected(source, file_id, "read", exc.field, exc.reason,
                                          exc.excerpt)
            return
        if part is None:
            return
        yield _part_result(part, read.warnings, nlp, unchanged)


def _part_result(part: DocumentRead, warnings: list[str], nlp: Language | None,
                 unchanged: Mapping[str, str]) -> DocumentResult:
    if unchanged.get(part.source) == part.doc_id and part.document is not None:
        return DocumentResult(source=part.source, doc_id=part.doc_id)
    if part.document is None:
        return DocumentResult.rejected(part.source, part.doc_id, "read", part.error.field,
                                       part.error.reason, part.error.excerpt)
    try:
        result = extract_document(part.document, nlp)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
        result = DocumentResult.rejected(part.source, part.doc_id, "extract", "document",
                                         f"{type(exc).__name__}: {exc}",
                                         printable(part.document.text.strip()))
    if result.record is not None and (warnings or part.warnings):
        record = result.record.model_copy(
            update={"warnings": [*warnings, *part.warnings, *result.record.warnings]})
        result = result.model_copy(update={"record": record})
    return result


def is_placeholder(result: DocumentResult) -> bool:
    """A result :func:`process_file` left to be taken from the store (an unchanged page)."""
    return result.record is None and not result.errors
