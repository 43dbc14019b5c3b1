"""Which layout a source file is in, and its documents: one file may hold many.

``--format`` names the layout, or ``auto`` finds it from the content (and the extension where
the content cannot tell): a MediaWiki XML dump (``.xml``, ``.xml.bz2``), wikiextractor output
(``<doc ...>`` blocks or ``--json`` lines), a wikitext page, an HTML page, or the plain
titled/headless text the reader has always read. Auto never guesses silently: a file that
matches no known layout (XML that is no dump, text with no title line, heading or category
line) is read as plain text and its document carries a warning saying so.

A file holding one article keeps its name as the document's ``source`` and the sha256 of its
bytes as ``doc_id``. A file holding many (a dump, a wikiextractor file) gives one document per
page or block: ``source`` is the file's name and the page or block id (``dump.xml#101``) and
``doc_id`` the sha256 of that page's own text, so an unchanged page keeps its id when another
page of the dump changes.
"""

from __future__ import annotations

import bz2
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import BinaryIO, get_args

from . import dump_join
from .decoding import InputLimits, ReaderError, SourceFormat, check_size, decode_source, printable
from .document import SourceDocument
from .html import render_html
from .mediawiki_xml import (
    BZIP2_MAGIC,
    DumpOpener,
    bytes_opener,
    decompressing,
    iter_articles,
    survey,
)
from .reader import read_text
from .wikiextractor import DOC_HEADER, is_json_lines, render_article
from .wikiextractor import iter_articles as iter_extracted
from .wikitext import render_wikitext

__all__ = ["FORMATS", "DocumentRead", "LargeFile", "SourceRead", "detect_format",
           "read_source_documents"]

FORMATS: tuple[str, ...] = get_args(SourceFormat)
WIKITEXT_EXTENSIONS = (".wiki", ".wikitext", ".mediawiki")
# Markup only wikitext has: a template or an infobox opening a line, a bold name, a link.
WIKITEXT_MARKS = (
    re.compile(r"^\{\{", re.MULTILINE),
    re.compile(r"'''[^'\n]+'''"),
    re.compile(r"\[\[[^\]\n]+\]\]"),
)
HEAD_CHARS = 4096  # how much of a file's start auto looks at


@dataclass(frozen=True)
class DocumentRead:
    """One document of a source file: read, or the reason it could not be."""

    source: str
    doc_id: str
    document: SourceDocument | None = None
    error: ReaderError | None = None
    warnings: tuple[str, ...] = ()  # about this document alone (a page missing from a dump)


@dataclass
class SourceRead:
    """What a source file held: its layout, its documents, and warnings about the file that
    every one of its documents carries (a layout auto could not recognise, pages skipped).

    A dump's ``documents`` are read lazily, one page at a time, as they are iterated (each
    iteration reads the dump again): a :class:`ReaderError` can then still arise (the file
    changed since it was surveyed)."""

    format: str
    documents: Iterable[DocumentRead]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LargeFile:
    """A source file larger than ``--max-bytes``, not loaded: its size, sha256, and a way to
    open its bytes as a stream. Only a MediaWiki dump is read from it (page by page, each page
    within the limit); any other file is rejected as too large."""

    size: int
    sha256: str
    open: Callable[[], AbstractContextManager[BinaryIO]]


def _sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def _is_bzip2_dump(data: bytes) -> bool:
    """bzip2 data whose first few KB hold a ``<mediawiki>`` element (other bzip2 files are left
    to the decoder, which rejects them as binary)."""
    if not data.startswith(BZIP2_MAGIC):
        return False
    try:
        head = bz2.BZ2Decompressor().decompress(data, max_length=HEAD_CHARS)
    except OSError:
        return False
    return b"<mediawiki" in head


def detect_format(text: str, name: str) -> tuple[str, str | None]:
    """The layout of ``text`` from a file called ``name``, and a warning when it matches no
    layout this version reads (then it is read as plain text). Looks at the start only."""
    head = text[:HEAD_CHARS]
    suffix = PurePosixPath(name).suffix.casefold()
    start = head.lstrip()[:200].casefold()
    if "<mediawiki" in head:
        return "mediawiki-xml", None
    if DOC_HEADER.search(head) or is_json_lines(text):
        return "wikiextractor", None
    if start.startswith(("<!doctype html", "<html")) or suffix in (".html", ".htm"):
        return "html", None
    if suffix in WIKITEXT_EXTENSIONS or sum(bool(m.search(head)) for m in WIKITEXT_MARKS) >= 2:
        return "wikitext", None
    if start.startswith("<") or suffix == ".xml":
        return "plain", ("XML that is no MediaWiki dump (no <mediawiki> element): read as "
                         "plain text (--format)")
    return "plain", None


def _large_dump(data: LargeFile, chosen: str) -> DumpOpener | None:
    """The opener of a large file that is a dump (auto: ``<mediawiki`` in its first KB)."""
    opener = decompressing(data.open)
    if chosen == "mediawiki-xml":
        return opener
    if chosen == "auto":
        try:
            with opener() as stream:
                head = stream.read(HEAD_CHARS)
        except (OSError, EOFError):
            return None
        return opener if b"<mediawiki" in head else None
    return None


def read_source_documents(data: bytes | LargeFile, source: str,
                          limits: InputLimits | None = None,
                          source_format: str | None = None) -> SourceRead:
    """Read a source file's documents in ``source_format`` (default: ``limits.source_format``).

    A file that cannot be read at all (not text, too large, not the layout asked for) raises
    :class:`ReaderError`; a page or block that cannot be read is a :class:`DocumentRead` with
    its error, so the other documents of the file are kept. A dump is streamed (never held
    whole, however large: ``data`` may be a :class:`LargeFile`), each page within
    ``--max-bytes``.
    """
    limits = limits or InputLimits.default()
    chosen = source_format or limits.source_format
    if chosen not in FORMATS:
        raise ValueError(f"unknown format {chosen!r}: one of {', '.join(FORMATS)}")
    warnings: list[str] = []
    if isinstance(data, LargeFile):
        opener = _large_dump(data, chosen)
        if opener is None:
            check_size(data.size, limits)  # raises: too large
        return _dump_documents(opener, source, limits, warnings)
    if chosen in ("auto", "mediawiki-xml") and (
            _is_bzip2_dump(data) or (chosen == "mediawiki-xml"
                                     and data.startswith(BZIP2_MAGIC))):
        return _dump_documents(bytes_opener(data), source, limits, warnings)
    text = decode_source(data, limits)
    if chosen == "auto":
        chosen, warning = detect_format(text, source)
        if warning:
            warnings.append(warning)
    if chosen == "mediawiki-xml":
        del text  # the dump is parsed from its bytes, page by page
        return _dump_documents(bytes_opener(data), source, limits, warnings)
    if chosen == "wikiextractor":
        return _extracted_documents(text, source, warnings, limits)
    doc_id = _sha256(data)
    if chosen == "html":
        rendered, warning = render_html(text)
        warnings += [warning] if warning else []
        document = read_text(rendered, source=source, doc_id=doc_id)
        return SourceRead("html", [DocumentRead(source, doc_id, document=document)], warnings)
    if chosen == "wikitext":
        title = PurePosixPath(source).stem.replace("_", " ")
        page = render_wikitext(text, title=title)
        document = _read_rendered(page.text, page.origin, source, doc_id)
        return SourceRead("wikitext", [DocumentRead(source, doc_id, document=document)], warnings)
    document = read_text(text, source=source, doc_id=doc_id)
    if not warnings and not (document.title or document.sections or document.categories):
        warnings.append("matches no known layout (no title line, heading or category line): "
                        "read as plain text with no structure (--format)")
    return SourceRead("plain", [DocumentRead(source, doc_id, document=document)], warnings)


def _read_rendered(text: str, origin, source: str, doc_id: str) -> SourceDocument:
    document = read_text(text, source=source, doc_id=doc_id)
    return document.model_copy(update={"origin": origin})


def _one_of_many(source: str, key: str, content: str, rendered: str, origin,
                 warnings: tuple[str, ...] = ()) -> DocumentRead:
    """A page or block of a many-document file: named ``source#key``, identified by its text."""
    name, doc_id = f"{source}#{key}", _sha256(content)
    try:
        document = _read_rendered(rendered, origin, name, doc_id)
    except ReaderError as exc:
        return DocumentRead(name, doc_id, error=exc, warnings=warnings)
    return DocumentRead(name, doc_id, document=document, warnings=warnings)


def _dump_documents(opener: DumpOpener, source: str, limits: InputLimits,
                    warnings: list[str]) -> SourceRead:
    """A dump's articles, read lazily. A first pass over the stream (keeping nothing) counts
    the skipped pages, which every document's warnings name, and rejects a dump that cannot be
    parsed to its end before any page is extracted; the second reads the pages one by one."""
    skipped = survey(opener)
    if skipped.counts:
        warnings.append(f"pages of the dump skipped (not articles): {skipped.describe()}")
    if not skipped.articles:
        raise ReaderError("no articles in the dump (namespace 0, not a redirect)"
                          + (f"; skipped {skipped.describe()}" if skipped.counts else ""), "body")
    return SourceRead("mediawiki-xml", _DumpPages(opener, source, limits.max_bytes), warnings)


@dataclass(frozen=True)
class _DumpPages:
    """A dump's documents: each iteration reads the dump again, a page at a time."""

    opener: DumpOpener
    source: str
    max_bytes: int

    def __iter__(self) -> Iterator[DocumentRead]:
        for page in iter_articles(self.opener):
            content = page.title + "\n" + page.wikitext
            if page.size > self.max_bytes:
                yield DocumentRead(f"{self.source}#{page.page_id}", _sha256(content),
                                   error=ReaderError(
                                       f"too large: the page's text is {page.size:,} bytes, the "
                                       f"limit is {self.max_bytes:,} (--max-bytes)", "size",
                                       printable(page.title)))
                continue
            rendered = render_wikitext(page.wikitext, title=page.title)
            yield _one_of_many(self.source, str(page.page_id), content, rendered.text,
                               rendered.origin)


def _extracted_documents(text: str, source: str, warnings: list[str],
                         limits: InputLimits) -> SourceRead:
    """wikiextractor's blocks; with ``--wikiextractor-dump``, each joined with its dump page
    (:mod:`pipeline.ingest.dump_join`): its ``doc_id`` then also hashes what the page gave it
    (or that the page was missing), so a change of that metadata in the dump re-extracts it."""
    if limits.wikiextractor_dump is None:
        documents = []
        for article in iter_extracted(text):
            rendered, origin = render_article(article)
            documents.append(_one_of_many(source, article.doc_id,
                                          article.title + "\n" + article.body, rendered, origin))
    else:
        documents = _joined_documents(text, source, limits)
    if not documents:
        raise ReaderError("no wikiextractor <doc> blocks or JSON records", "format")
    return SourceRead("wikiextractor", documents, warnings)


def _joined_documents(text: str, source: str, limits: InputLimits) -> list[DocumentRead]:
    documents = []
    with dump_join.open_index(limits.wikiextractor_dump, limits) as index:
        for article in iter_extracted(text):
            content = article.title + "\n" + article.body
            page, warning = dump_join.join_article(article, index, limits.max_bytes)
            if page is None:
                rendered, origin = render_article(article)
                documents.append(_one_of_many(source, article.doc_id,
                                              f"{content}\nnot joined: {warning}", rendered,
                                              origin, (warning,)))
            else:
                rendered, origin = dump_join.render_joined(article, page)
                documents.append(_one_of_many(source, article.doc_id,
                                              f"{content}\njoined: {page.key()}", rendered,
                                              origin))
    return documents
