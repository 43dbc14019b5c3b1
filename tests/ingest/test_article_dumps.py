"""The 24 real articles as a MediaWiki dump, and that dump through the real wikiextractor, read
back as the plain-text originals are read (issue 14, item 1).

The wikitext of each article is written by ``pipeline.tools.wikitext_dump`` from its plain
reading; a headless article's page is titled with the name in its gold file, since a dump always
names its pages (that name is only the page title, never compared with itself as a reading).
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from pipeline.ingest import dump_join
from pipeline.ingest.decoding import InputLimits
from pipeline.ingest.document import SourceDocument
from pipeline.ingest.formats import read_source_documents
from pipeline.ingest.reader import read_bytes
from pipeline.tools.wikitext_dump import WikiPage, article_wikitext, write_dump
from tests.conftest import FIXTURES
from tests.ingest.test_reader import _spans_slice_back

ARTICLES = FIXTURES / "articles"
FIRST_PAGE_ID = 1000


@cache
def _articles() -> tuple[tuple[str, SourceDocument, str], ...]:
    """(stem, plain reading, page title) of every article, in file order."""
    out = []
    for path in sorted((ARTICLES / "raw").glob("*.txt")):
        document = read_bytes(path.read_bytes(), source=path.name)
        gold = json.loads((ARTICLES / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))
        out.append((path.stem, document, document.title.text if document.title else gold["title"]))
    return tuple(out)


def article_pages(headless_titles: dict[str, str] | None = None) -> list[WikiPage]:
    """A page per article, page ids from FIRST_PAGE_ID in file order; ``headless_titles``
    (stem -> title) replaces the gold's name as a headless article's page title."""
    pages = []
    for n, (stem, document, title) in enumerate(_articles()):
        if document.title is None and headless_titles:
            title = headless_titles[stem]
        pages.append(WikiPage(FIRST_PAGE_ID + n, title, article_wikitext(document, title)))
    return pages


def write_article_dump(path: Path, headless_titles: dict[str, str] | None = None) -> Path:
    write_dump(article_pages(headless_titles), path)
    return path


def stem_of(source: str) -> str:
    """The article of a page or block (``articles.xml#1003``), by its page id."""
    return _articles()[int(source.rsplit("#", 1)[1]) - FIRST_PAGE_ID][0]


def _by_stem(read) -> dict[str, SourceDocument]:
    out = {}
    for part in read.documents:
        assert part.error is None, part.error
        _spans_slice_back(part.document)
        out[stem_of(part.source)] = part.document
    return out


def _paragraphs(document: SourceDocument) -> list[str]:
    return [document.text[b.start_char:b.end_char] for b in document.blocks
            if b.kind == "paragraph"]


def test_the_articles_dump_reads_as_the_plain_text(tmp_path):
    path = write_article_dump(tmp_path / "articles.xml")
    read = read_source_documents(path.read_bytes(), path.name, source_format="mediawiki-xml")
    assert read.format == "mediawiki-xml" and read.warnings == []
    docs = _by_stem(read)
    assert len(docs) == len(_articles()) == 24
    for stem, plain, title in _articles():
        dumped = docs[stem]
        assert dumped.title.text == title, stem
        # Infobox keys and values as the plain text has them (none of these articles has a key
        # wikitext cannot hold; values with "|" are kept through <nowiki>).
        assert [(f.key, f.value) for f in dumped.infobox] == [
            (f.key, f.value) for f in plain.infobox], stem
        assert [(s.heading, s.level) for s in dumped.sections] == [
            (s.heading, s.level) for s in plain.sections], stem
        assert [c.text for c in dumped.categories] == [c.text for c in plain.categories], stem
        assert [(link.lang, link.title) for link in dumped.interlanguage] == [
            (link.lang, link.title) for link in plain.interlanguage], stem
        assert [s.text for s in dumped.see_also] == [s.text for s in plain.see_also], stem
        assert _paragraphs(dumped) == _paragraphs(plain), stem


def wikiextractor_headings(document: SourceDocument) -> list[str]:
    """The headings wikiextractor keeps of a page: those whose section (with its subsections)
    has prose; it writes a heading only when text follows it, and drops lists."""
    return [s.heading for s in document.sections
            if any(b.kind == "paragraph" and s.start_char <= b.start_char < s.end_char
                   for b in document.blocks)]


def run_wikiextractor(dump: Path, out: Path, *flags: str) -> list[Path]:
    subprocess.run([sys.executable, "-m", "wikiextractor.WikiExtractor", *flags, "--quiet",
                    "-o", str(out), str(dump)], check=True, capture_output=True, timeout=300)
    return sorted(out.rglob("wiki_*"))


@pytest.mark.slow
@pytest.mark.parametrize("flags", [(), ("--json",), ("--links",), ("--html",)],
                         ids=["blocks", "json", "links", "html"])
def test_the_articles_through_the_real_wikiextractor(tmp_path, flags):
    pytest.importorskip("wikiextractor")
    dump = write_article_dump(tmp_path / "articles.xml")
    docs = {}
    for path in run_wikiextractor(dump, tmp_path / "out", *flags):
        read = read_source_documents(path.read_bytes(), path.name)
        assert read.format == "wikiextractor"
        docs.update(_by_stem(read))
    assert len(docs) == 24
    for stem, plain, title in _articles():
        extracted = docs[stem]
        assert extracted.title.text == title, stem
        assert _paragraphs(extracted) == _paragraphs(plain), stem
        if "--html" in flags:  # every heading, with its level, as <hN>
            assert [(s.heading, s.level) for s in extracted.sections] == [
                (s.heading, s.level) for s in plain.sections], stem
        else:
            # wikiextractor writes headings without their level ("History."), and none for a
            # section with no prose of its own or below it.
            assert [s.heading for s in extracted.sections] == wikiextractor_headings(
                plain), stem
        # ... and keeps no infobox, category or interlanguage link, by design.
        assert not (extracted.infobox or extracted.categories or extracted.interlanguage)


def read_joined(paths: list[Path], dump: Path) -> dict[str, SourceDocument]:
    """wikiextractor's output files read with ``--wikiextractor-dump``, by article."""
    limits = dump_join.prepare(InputLimits.from_options(wikiextractor_dump=str(dump)))
    docs = {}
    for path in paths:
        read = read_source_documents(path.read_bytes(), path.name, limits)
        assert read.format == "wikiextractor"
        for part in read.documents:
            assert part.warnings == (), part.warnings  # every page is in the dump
        docs.update(_by_stem(read))
    return docs


@pytest.mark.slow
@pytest.mark.parametrize("flags", [(), ("--json",), ("--links",), ("--html",)],
                         ids=["blocks", "json", "links", "html"])
def test_the_real_wikiextractor_joined_with_its_dump_reads_as_the_plain_text(tmp_path, flags):
    """With the dump it ran on, wikiextractor's output gets back what its text cannot carry:
    infobox, every section with its level, see-also, categories and interlanguage links."""
    pytest.importorskip("wikiextractor")
    dump = write_article_dump(tmp_path / "articles.xml")
    docs = read_joined(run_wikiextractor(dump, tmp_path / "out", *flags), dump)
    assert len(docs) == 24
    for stem, plain, title in _articles():
        joined = docs[stem]
        assert joined.title.text == title, stem
        assert [(f.key, f.value) for f in joined.infobox] == [
            (f.key, f.value) for f in plain.infobox], stem
        assert [(s.heading, s.level) for s in joined.sections] == [
            (s.heading, s.level) for s in plain.sections], stem
        assert [c.text for c in joined.categories] == [c.text for c in plain.categories], stem
        assert [(link.lang, link.title) for link in joined.interlanguage] == [
            (link.lang, link.title) for link in plain.interlanguage], stem
        assert [s.text for s in joined.see_also] == [s.text for s in plain.see_also], stem
        # The prose is wikiextractor's, which is the plain text's.
        assert _paragraphs(joined) == _paragraphs(plain), stem
        # Each paragraph maps back to its line of the wikiextractor file.
        assert len(joined.origin) >= len(_paragraphs(plain)), stem
