"""MediaWiki XML dumps (``Special:Export``, ``pages-articles.xml[.bz2]``): one page at a time.

The dump is parsed with ``mwxml`` (an incremental XML parser), so pages are handed on one by
one; its bytes are the ones the run read, within ``--max-bytes`` (streaming a dump from disk,
beyond that limit, is not done yet). Only articles are read: pages of namespace 0 that are not
redirects; the others are counted, so a run can say what it skipped. A page's text is its last
revision in the dump.
"""

from __future__ import annotations

import bz2
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import mwxml

from .decoding import ReaderError

__all__ = ["BZIP2_MAGIC", "DumpPage", "SkippedPages", "decompress", "iter_articles"]

BZIP2_MAGIC = b"BZh"


@dataclass(frozen=True)
class DumpPage:
    page_id: int
    title: str
    wikitext: str


@dataclass
class SkippedPages:
    """Pages of a dump that are not articles, by why: ``redirect``, ``namespace N``, ``no text``."""

    counts: Counter = field(default_factory=Counter)

    def describe(self) -> str:
        return ", ".join(f"{n} {why}" for why, n in sorted(self.counts.items()))


def decompress(data: bytes, max_bytes: int) -> bytes:
    """A bzip2-compressed dump's bytes, at most ``max_bytes`` of them (a compressed file can
    expand a thousandfold, so the limit applies to what it expands to)."""
    decompressor = bz2.BZ2Decompressor()
    try:
        out = decompressor.decompress(data, max_length=max_bytes + 1)
    except OSError as exc:
        raise ReaderError(f"not a valid bzip2 file: {exc}", "encoding") from None
    if len(out) > max_bytes:
        raise ReaderError(f"too large: the dump expands to more than {max_bytes:,} bytes, the "
                          "limit (--max-bytes)", "size")
    return out


def iter_articles(xml: bytes, skipped: SkippedPages) -> Iterator[DumpPage]:
    """The articles of a dump, in dump order; the other pages are counted in ``skipped``."""
    try:
        dump = mwxml.Dump.from_file(io.BytesIO(xml))
        for page in dump:
            text = None
            for revision in page:  # the last revision is the page's current text
                text = revision.text
            if page.namespace != 0:
                skipped.counts[f"namespace {page.namespace}"] += 1
            elif page.redirect:
                skipped.counts["redirect"] += 1
            elif not (text or "").strip():
                skipped.counts["no text"] += 1
            else:
                yield DumpPage(page_id=page.id, title=page.title, wikitext=text)
    except Exception as exc:  # noqa: BLE001 - mwxml's MalformedXML, AssertionError, ParseError
        # ... for XML that is not a dump (no <siteinfo>, another root) or is cut short.
        raise ReaderError(f"not a MediaWiki XML dump: {type(exc).__name__}: {exc}",
                          "format") from None
