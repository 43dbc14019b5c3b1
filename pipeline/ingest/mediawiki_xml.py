"""MediaWiki XML dumps (``Special:Export``, ``pages-articles.xml[.bz2]``): one page at a time.

A dump is parsed with ``mwxml`` (an incremental XML parser) from a stream, never held whole: the
file on disk (or the bytes a run already holds), decompressed on the fly when it is bzip2. So a
dump of any size is read in memory bounded by its largest page; ``--max-bytes`` applies to each
page's text, and a page beyond it is rejected on its own (the other pages are kept). Only
articles are read: pages of namespace 0 that are not redirects; the others are counted, so a
run can say what it skipped. A page's text is its last revision in the dump.
"""

from __future__ import annotations

import bz2
import io
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO

import mwxml

from .decoding import ReaderError

__all__ = ["BZIP2_MAGIC", "DumpOpener", "DumpPage", "SkippedPages", "bytes_opener",
           "decompressing", "iter_articles", "survey"]

BZIP2_MAGIC = b"BZh"

# Opens the dump's (decompressed) bytes as a stream; called once per pass over the dump.
DumpOpener = Callable[[], AbstractContextManager[BinaryIO]]


@dataclass(frozen=True)
class DumpPage:
    page_id: int
    title: str
    wikitext: str
    size: int  # bytes of the page's text in UTF-8


@dataclass
class SkippedPages:
    """Pages of a dump that are not articles, by why: ``redirect``, ``namespace N``, ``no text``."""

    counts: Counter = field(default_factory=Counter)
    articles: int = 0

    def describe(self) -> str:
        return ", ".join(f"{n} {why}" for why, n in sorted(self.counts.items()))


def bytes_opener(data: bytes) -> DumpOpener:
    """A dump held in memory, compressed (bzip2) or not, opened as a stream: a bzip2 file is
    decompressed as it is read, so what it expands to is never held."""
    if data.startswith(BZIP2_MAGIC):
        return lambda: bz2.BZ2File(io.BytesIO(data))
    return lambda: io.BytesIO(data)


def decompressing(open_raw: Callable[[], AbstractContextManager[BinaryIO]]) -> DumpOpener:
    """An opener of a file's bytes that decompresses them when they are bzip2."""
    @contextmanager
    def opened() -> Iterator[BinaryIO]:
        with open_raw() as raw:
            if hasattr(raw, "peek"):  # a buffered file: looked at, not consumed
                magic = raw.peek(len(BZIP2_MAGIC))[:len(BZIP2_MAGIC)]
            else:
                magic = raw.read(len(BZIP2_MAGIC))
                raw.seek(0)
            if magic == BZIP2_MAGIC:
                with bz2.BZ2File(raw) as stream:
                    yield stream
            else:
                yield raw
    return opened


def _pages(opener: DumpOpener) -> Iterator[tuple[object, str | None]]:
    """(mwxml page, its last revision's text), in dump order."""
    try:
        with opener() as stream:
            dump = mwxml.Dump.from_file(stream)
            for page in dump:
                text = None
                for revision in page:  # the last revision is the page's current text
                    text = revision.text
                yield page, text
    except ReaderError:
        raise
    except Exception as exc:  # noqa: BLE001 - mwxml's MalformedXML, AssertionError, ParseError
        # ... for XML that is not a dump (no <siteinfo>, another root), is cut short, or is no
        # valid bzip2 (OSError, EOFError).
        raise ReaderError(f"not a MediaWiki XML dump: {type(exc).__name__}: {exc}",
                          "format") from None


def _skip_reason(page, text: str | None) -> str | None:
    if page.namespace != 0:
        return f"namespace {page.namespace}"
    if page.redirect:
        return "redirect"
    if not (text or "").strip():
        return "no text"
    return None


def survey(opener: DumpOpener) -> SkippedPages:
    """One pass over the dump, keeping nothing: its articles and skipped pages counted, and
    a dump that cannot be parsed to its end rejected before any of its pages is read."""
    skipped = SkippedPages()
    for page, text in _pages(opener):
        reason = _skip_reason(page, text)
        if reason:
            skipped.counts[reason] += 1
        else:
            skipped.articles += 1
    return skipped


def iter_articles(opener: DumpOpener) -> Iterator[DumpPage]:
    """The articles of a dump, in dump order, one at a time."""
    for page, text in _pages(opener):
        if _skip_reason(page, text) is None:
            yield DumpPage(page_id=page.id, title=page.title, wikitext=text,
                           size=len(text.encode("utf-8")))
