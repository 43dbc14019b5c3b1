"""wikiextractor's output joined with the MediaWiki dump it was made from (run option
``--wikiextractor-dump``).

wikiextractor keeps a page's prose (its templates expanded, which is why people use it) and
drops its infobox, lists, categories and interlanguage links, and without ``--html`` its heading
levels and the headings of sections with no prose; no option of its keeps them. Whoever ran it
holds the dump it ran on, and its ``<doc id="..">`` (``--json``: ``"id"``) is the dump's page id.
So each wikiextractor document is joined with the dump's page of the same id: the page, read as
the wikitext reader reads a dump page, gives the infobox (keys as written), the sections'
headings and levels (and the headings wikiextractor dropped, where they stood), the see-also
list, the categories and the interlanguage links; the prose stays wikiextractor's.

The joined document is rendered in the titled plain layout, as a dump page is (title line,
``Infobox`` and ``- Key: Value`` lines, wikiextractor's paragraphs under ``==Heading==`` lines of
the dump's levels, the see-also items, ``Category:`` and ``lang:Title`` lines) and read by the
reader, so every offset indexes that text. Its ``origin`` maps each line that came from the
wikiextractor file back to it (as for an unjoined document); the lines that came from the dump
have no origin span, since they come from another file.

The dump is never held in memory: :func:`prepare` streams it once into an index, an SQLite file
keyed by page id holding each article's title and zlib-compressed wikitext (on disk about a
third of the page's wikitext; nothing else is kept), built once per dump content (named by its
sha256) in the run's ``.state/`` folder, or a temporary folder for the Python API, and opened
read-only by every worker. A page is parsed only when a wikiextractor document asks for it.

A document whose id is not in the dump (or whose dump page has another title) is read as it is
without the option, with a warning saying so; nothing is lost. Its ``doc_id`` is the sha256 of
its text and of what the dump gave it, so a document is extracted again when its page's
infobox, headings, see-also, categories or interlanguage links change in the dump, and not when
only the page's prose does (the prose read is wikiextractor's).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import tempfile
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..data import load_json
from .decoding import InputLimits, ReaderError, WikiextractorDump
from .document import OriginSpan, SourceDocument
from .mediawiki_xml import decompressing, iter_articles
from .reader import read_text
from .wikiextractor import ExtractedArticle, body_lines
from .wikitext import render_wikitext

__all__ = ["DumpIndex", "JoinedPage", "build_index", "fingerprint", "joined_page", "open_index",
           "prepare", "render_joined"]

INDEX_PREFIX = "wikiextractor-dump-"
INSERT_BATCH = 1000  # pages written to the index per transaction
BLANKS = re.compile(r"\s+")
HASH_CHUNK = 1 << 20


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def fingerprint(sha256: str | None, limits: InputLimits) -> str | None:
    """A source file's fingerprint in a run: the sha256 of its bytes, combined with the dump's
    when ``--wikiextractor-dump`` is given, so that a file is looked at again when the dump
    changes (its documents whose joined text is unchanged keep their stored results). A missing
    hash (unreadable) or a rejection's fingerprint is left as it is."""
    dump = limits.wikiextractor_dump
    if dump is None or not sha256 or sha256.startswith("rejected:"):
        return sha256
    if not dump.sha256:
        raise ValueError("the dump is not prepared (pipeline.ingest.dump_join.prepare)")
    return hashlib.sha256(f"{sha256} joined with {dump.sha256}".encode()).hexdigest()


def _dump_opener(path: Path):
    """The dump file's bytes, decompressed when it is bzip2."""
    @contextmanager
    def raw() -> Iterator:
        with open(path, "rb") as handle:
            yield handle
    return decompressing(raw)


def build_index(dump_path: Path | str, index_path: Path | str) -> int:
    """Stream the dump once into an SQLite index at ``index_path`` (written to a temporary
    file beside it, then renamed): one row per article (namespace 0, not a redirect) with its
    page id, title and compressed wikitext. Returns the number of pages indexed. A file that is
    no dump raises :class:`ReaderError`."""
    index_path = Path(index_path)
    temporary = index_path.with_name(f".{index_path.name}.{uuid.uuid4().hex[:12]}.tmp")
    count = 0
    try:
        connection = sqlite3.connect(temporary)
        try:
            # A file of our own, renamed into place only when complete: no journal needed.
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("CREATE TABLE pages (id INTEGER PRIMARY KEY, title TEXT NOT NULL,"
                               " wikitext BLOB NOT NULL)")
            batch: list[tuple[int, str, bytes]] = []
            for page in iter_articles(_dump_opener(Path(dump_path))):
                batch.append((page.page_id, page.title,
                              zlib.compress(page.wikitext.encode("utf-8"))))
                if len(batch) >= INSERT_BATCH:
                    connection.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?)", batch)
                    count += len(batch)
                    batch.clear()
            connection.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?)", batch)
            count += len(batch)
            connection.commit()
        finally:
            connection.close()
        os.replace(temporary, index_path)
    finally:
        temporary.unlink(missing_ok=True)
    return count


def prepare(limits: InputLimits, state_dir: Path | str | None = None) -> InputLimits:
    """``limits`` with its dump's sha256 and index filled in (unchanged without a dump).

    The index is named by the dump's sha256 in ``state_dir`` (a run's ``.state/``): built when
    it is not there yet (the other dumps' indexes there are removed), else reused, so an
    unchanged dump is only hashed. Without ``state_dir`` it goes to a temporary folder kept for
    the life of the process."""
    dump = limits.wikiextractor_dump
    if dump is None:
        return limits
    path = Path(dump.path)
    if not path.is_file():
        raise ReaderError(f"the dump given with --wikiextractor-dump is not a file: {path}",
                          "source")
    sha256 = _file_sha256(path)
    folder = Path(state_dir) if state_dir is not None else _temporary_folder()
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / f"{INDEX_PREFIX}{sha256[:32]}.sqlite"
    if not index.is_file():
        try:
            build_index(path, index)
        except ReaderError as exc:
            raise ReaderError(f"--wikiextractor-dump {path}: {exc.reason}", exc.field) from None
        for stale in folder.glob(f"{INDEX_PREFIX}*.sqlite"):
            if stale != index:
                stale.unlink(missing_ok=True)
    prepared = dump.model_copy(update={"sha256": sha256, "index": str(index)})
    return limits.model_copy(update={"wikiextractor_dump": prepared})


@cache
def _temporary_folder() -> Path:
    """A folder removed when the process ends (the object is kept by the cache)."""
    return Path(_temporary_directory().name)


@cache
def _temporary_directory() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix=INDEX_PREFIX)


class DumpIndex:
    """A dump's page index, opened read-only."""

    def __init__(self, path: Path | str) -> None:
        self.connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)

    def page(self, page_id: str) -> tuple[str, str] | None:
        """(title, wikitext) of the article with that page id, or None."""
        if not page_id.isdigit():
            return None
        row = self.connection.execute("SELECT title, wikitext FROM pages WHERE id = ?",
                                      (int(page_id),)).fetchone()
        if row is None:
            return None
        return row[0], zlib.decompress(row[1]).decode("utf-8")

    def close(self) -> None:
        self.connection.close()


@contextmanager
def open_index(dump: WikiextractorDump, limits: InputLimits) -> Iterator[DumpIndex]:
    """The dump's index: the prepared one, or one prepared now (the Python API, given only
    the dump's path)."""
    if not (dump.index and Path(dump.index).is_file()):
        dump = prepare(limits).wikiextractor_dump
    index = DumpIndex(dump.index)
    try:
        yield index
    finally:
        index.close()


@dataclass(frozen=True)
class JoinedPage:
    """What a dump page gives a wikiextractor document: all of it as the dump reading has it."""

    infobox: tuple[tuple[str, str], ...]
    headings: tuple[tuple[str, int], ...]  # (heading, level), in page order
    see_also: dict[int, tuple[str, ...]]  # index into ``headings`` -> its see-also items
    categories: tuple[str, ...]
    interlanguage: tuple[tuple[str, str], ...]  # (lang, title)

    def key(self) -> str:
        """What the join adds, as text: part of the joined document's ``doc_id``."""
        return json.dumps([self.infobox, self.headings, sorted(self.see_also.items()),
                           self.categories, self.interlanguage], ensure_ascii=False)


@cache
def _see_also_headings() -> frozenset[str]:
    return frozenset(load_json("reader.json")["see_also_headings"])


def joined_page(title: str, wikitext: str) -> JoinedPage:
    """The metadata of a dump page, read as the dump reader reads the page (raises
    :class:`ReaderError` when the page has no body text to read)."""
    rendered = render_wikitext(wikitext, title=title)
    page = read_text(rendered.text, source="", doc_id="")
    return _metadata(page)


def _metadata(page: SourceDocument) -> JoinedPage:
    see_also: dict[int, list[str]] = {}
    for block in page.blocks:
        if (block.kind == "list" and block.section is not None
                and page.sections[block.section].heading.casefold() in _see_also_headings()):
            see_also.setdefault(block.section, []).extend(item.text for item in block.items)
    return JoinedPage(
        infobox=tuple((f.key, f.value) for f in page.infobox),
        headings=tuple((s.heading, s.level) for s in page.sections),
        see_also={k: tuple(v) for k, v in see_also.items()},
        categories=tuple(c.text for c in page.categories),
        interlanguage=tuple((link.lang, link.title) for link in page.interlanguage),
    )


def same_title(extracted: str, page: str) -> bool:
    """Whether wikiextractor's title is the page's (blanks and underscores aside)."""
    def norm(title: str) -> str:
        return BLANKS.sub(" ", title.replace("_", " ")).strip().casefold()
    return norm(extracted) == norm(page)


def _normal(text: str) -> str:
    return BLANKS.sub(" ", text).strip().casefold()


def _written_heading(heading: str) -> str:
    """How wikiextractor writes a heading on its own line: with a full stop appended unless it
    ends with "!" or "?" (``compact`` in its extract.py)."""
    return heading if heading.endswith(("!", "?")) else f"{heading}."


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.origin: list[OriginSpan] = []

    def add(self, text: str, end: str, source: tuple[int, int] | None = None) -> None:
        if source is not None:
            self.origin.append(OriginSpan(start_char=self.length, end_char=self.length + len(text),
                                          source_start=source[0], source_end=source[1]))
        self.parts.append(text + end)
        self.length += len(text) + len(end)


def render_joined(article: ExtractedArticle,
                  page: JoinedPage) -> tuple[str, tuple[OriginSpan, ...]]:
    """The wikiextractor article joined with its dump page, in the titled layout, and where
    each line that came from the wikiextractor file lies in it.

    wikiextractor's headings are matched with the page's in order: a ``<hN>`` line (``--html``)
    or a line that is a page heading as wikiextractor writes it ("History.") is that heading,
    at the page's level; the page's headings it skipped (sections with no prose) are put where
    they stood, before the next one it kept, and those after its last at the end. A line that
    only looks like a heading ("Results." followed by text) but is none of the page's stays
    prose; an ``<hN>`` heading the page lacks is kept at its own level."""
    out = _Writer()
    out.add(f"= {article.title} =", "\n\n")
    if page.infobox:
        out.add("Infobox", "\n")
        for key, value in page.infobox:
            out.add(f"- {key}: {value}", "\n")
        out.add("", "\n")
    cursor = 0  # the next page heading not yet written

    def heading(number: int, source: tuple[int, int] | None = None) -> None:
        text, level = page.headings[number]
        marks = "=" * max(2, level)
        out.add(f"{marks}{text}{marks}", "\n\n", source)
        if items := page.see_also.get(number):
            for item in items:
                out.add(f"- {item}", "\n")
            out.add("", "\n")

    def up_to(number: int, source: tuple[int, int] | None) -> None:
        nonlocal cursor
        for skipped in range(cursor, number):
            heading(skipped)
        heading(number, source)
        cursor = number + 1

    wanted = [_normal(text) for text, _ in page.headings]
    for line in body_lines(article):
        if line.tagged:  # <hN>: a heading for sure
            match = _find(wanted, cursor, _normal(line.heading))
            if match is not None:
                up_to(match, line.source)
            else:
                marks = "=" * max(2, line.level)
                out.add(f"{marks}{line.heading}{marks}", "\n\n", line.source)
            continue
        written = _normal(line.text.lstrip("#").strip())
        match = next((n for n in range(cursor, len(wanted))
                      if _normal(_written_heading(page.headings[n][0])) == written), None)
        if match is not None:
            up_to(match, line.source)
        else:
            out.add(line.text, "\n\n", line.source)
    for number in range(cursor, len(page.headings)):
        heading(number)
    for name in page.categories:
        out.add(f"Category:{name}", "\n")
    for lang, title in page.interlanguage:
        out.add(f"{lang}:{title}", "\n")
    return "".join(out.parts), tuple(out.origin)


def _find(wanted: list[str], start: int, heading: str) -> int | None:
    return next((n for n in range(start, len(wanted)) if wanted[n] == heading), None)


def join_article(article: ExtractedArticle, index: DumpIndex,
                 max_bytes: int) -> tuple[JoinedPage | None, str | None]:
    """The dump page's metadata for ``article``, or None and the warning saying why not."""
    found = index.page(article.doc_id)
    if found is None:
        return None, (f"page id {article.doc_id} ({article.title!r}) is not an article of the "
                      "dump given with --wikiextractor-dump: read without its infobox, "
                      "categories and interlanguage links")
    title, wikitext = found
    if not same_title(article.title, title):
        return None, (f"page id {article.doc_id} of the dump is {title!r}, not "
                      f"{article.title!r}: not joined (is it the dump wikiextractor ran on?)")
    if len(wikitext.encode("utf-8")) > max_bytes:
        return None, (f"page id {article.doc_id} of the dump is larger than --max-bytes: "
                      "not joined")
    try:
        return joined_page(title, wikitext), None
    except ReaderError as exc:
        return None, (f"page id {article.doc_id} of the dump cannot be read ({exc.reason}): "
                      "not joined")

