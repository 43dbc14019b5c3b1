"""Articles in the project's plain layouts -> MediaWiki wikitext and an XML export of many pages.

The readers of wiki formats (:mod:`pipeline.ingest.formats`) are tested on dumps of the real
articles, but those articles arrive as plain text, so this tool writes the wikitext a wiki
would hold for each: the infobox as an ``{{Infobox ...|key = value}}`` template, the page's name
in bold in the lead's first sentence, ``== headings ==``, ``* bullets`` (``* [[links]]`` under
"See also"), ``[[Category:...]]`` and interlanguage links (``[[fr:...]]``), and wraps pages in a
MediaWiki XML export (schema 0.11: siteinfo with its namespaces, then page, ns, id, revision and
text), the shape of ``Special:Export`` and of the ``pages-articles`` dumps.

What wikitext cannot hold as the plain text has it, and how it is written instead:

* an infobox value with ``|`` (which ends a template parameter) has it written ``{{!}}``, and one
  with ``}}`` or ``{{`` has those in ``<nowiki>``; a key with ``=`` or ``|`` is left out (the
  readers drop such keys too, see :func:`pipeline.ingest.wikitext._render_infobox`);
* prose with markup characters (``[[``, ``{{``, ``''``, ``<``, ``&``, ``~~~``, ``__``) has them in
  ``<nowiki>``, and a line starting with a list, heading or table mark is escaped the same way,
  so the page renders to the same text;
* blanks collapse: a wiki page's paragraph is one line, and runs of spaces are one space;
* a page always has a title: a headless article (no title line) takes the one given by the
  caller (the tests give the name of the corpus gold, since a real dump always names its pages).

The writer is used by the tests of the readers and by the benchmark's dump measurement
(:mod:`pipeline.tools.bench.dump`); it is no part of a run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

from ..ingest.document import SourceDocument

__all__ = [
    "EXPORT_NAMESPACE", "WikiPage", "article_wikitext", "dump_bytes", "iter_dump", "write_dump",
]

EXPORT_NAMESPACE = "http://www.mediawiki.org/xml/export-0.11/"
SITEINFO_NAMESPACES = (
    (-2, "Media"), (-1, "Special"), (0, ""), (1, "Talk"), (2, "User"), (4, "Wikipedia"),
    (6, "File"), (10, "Template"), (14, "Category"),
)
# Sequences wikitext reads as markup, and line starts it reads as lists, headings, tables,
# preformatted text or a rule.
MARKUP = re.compile(r"\[\[|\]\]|\{\{|\}\}|\[|\]|''|<|>|&|~~~|__")
LINE_START_MARKS = re.compile(r"^(?:[*#:;=!| ]|----|\{\|)")
BLANKS = re.compile(r"\s+")


@dataclass(frozen=True)
class WikiPage:
    """One page of a dump."""

    page_id: int
    title: str
    wikitext: str
    namespace: int = 0
    redirect: str | None = None


def _escaped(text: str) -> str:
    """``text`` with every markup sequence in ``<nowiki>``, so it renders as it is."""
    return MARKUP.sub(lambda m: f"<nowiki>{m.group(0)}</nowiki>", BLANKS.sub(" ", text))


def _line(text: str) -> str:
    """A line whose first character would make it a list, heading, table or preformatted text
    has that character escaped."""
    return f"<nowiki>{text[0]}</nowiki>{text[1:]}" if LINE_START_MARKS.match(text) else text


def _nowiki(text: str) -> str:
    """One line of ``text`` that renders as it is."""
    return _line(_escaped(text.strip()))


def _infobox_value(value: str) -> str:
    # "|" would end the template's parameter: in <nowiki> it is text.
    return _line(MARKUP.sub(lambda m: f"<nowiki>{m.group(0)}</nowiki>",
                            BLANKS.sub(" ", value.strip()).replace("|", "\0")).replace(
        "\0", "<nowiki>|</nowiki>"))


def _bold_lead_name(paragraph: str, name: str | None) -> str:
    """The first sentence's occurrence of the page's name in bold (``'''Name'''``), as every
    article's lead has it; the paragraph as it is when its first sentence does not name it."""
    paragraph = BLANKS.sub(" ", paragraph).strip()
    first_sentence_end = paragraph.find(". ")
    at = paragraph.find(name) if name else -1
    if at < 0 or (first_sentence_end >= 0 and at > first_sentence_end):
        return _nowiki(paragraph)
    return _line(f"{_escaped(paragraph[:at])}'''{_escaped(name)}'''"
                 f"{_escaped(paragraph[at + len(name):])}")




def article_wikitext(document: SourceDocument, title: str | None = None,
                     infobox_name: str = "motorsport championship") -> str:
    """The wikitext of one article read from the plain layout.

    ``title``: the page's name for a headless article (its text has none); a titled article's
    own title wins. The infobox comes first, then the lead, the sections in order (a list under
    "See also" as links), then the categories and the interlanguage links, as on a wiki page.
    """
    name = document.title.text if document.title else title
    lines: list[str] = []
    if document.infobox:
        lines.append("{{Infobox " + infobox_name)
        for field in document.infobox:
            key = BLANKS.sub(" ", field.key).strip()
            if not key or "=" in key or "|" in key:
                continue
            lines.append(f"| {key} = {_infobox_value(field.value)}")
        lines.append("}}")
    see_also_sections = {i for i, s in enumerate(document.sections)
                         if s.heading.strip().casefold() == "see also"}
    # Headings and blocks in the order of the text.
    events: list[tuple[int, int, object]] = [(s.heading_start, 0, s) for s in document.sections]
    events += [(b.start_char, 1, b) for b in document.blocks]
    lead_done = False
    for _, kind, item in sorted(events, key=lambda e: (e[0], e[1])):
        if kind == 0:
            marks = "=" * max(2, item.level)
            lines += ["", f"{marks} {_nowiki(item.heading)} {marks}"]
            continue
        text = document.text[item.start_char:item.end_char]
        if item.kind == "list":
            linked = item.section in see_also_sections
            lines.append("")
            for entry in item.items:
                value = BLANKS.sub(" ", entry.text).strip()
                lines.append(f"* [[{value}]]" if linked and not MARKUP.search(value)
                             else f"* {_nowiki(value)}")
            continue
        lines.append("")
        if not lead_done and item.section is None:
            lines.append(_bold_lead_name(text, name))
            lead_done = True
        else:
            lines.append(_nowiki(text))
    if document.categories:
        lines.append("")
        lines += [f"[[Category:{_nowiki(c.text)}]]" for c in document.categories]
    if document.interlanguage:
        lines.append("")
        lines += [f"[[{link.lang}:{_nowiki(link.title)}]]" for link in document.interlanguage]
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines) + "\n"


def _siteinfo() -> str:
    namespaces = "\n".join(
        f'      <namespace key="{key}" case="first-letter" />' if not name else
        f'      <namespace key="{key}" case="first-letter">{name}</namespace>'
        for key, name in SITEINFO_NAMESPACES)
    return ("  <siteinfo>\n"
            "    <sitename>Wikipedia</sitename>\n"
            "    <dbname>enwiki</dbname>\n"
            "    <base>https://en.wikipedia.org/wiki/Main_Page</base>\n"
            "    <generator>MediaWiki 1.42</generator>\n"
            "    <case>first-letter</case>\n"
            f"    <namespaces>\n{namespaces}\n    </namespaces>\n"
            "  </siteinfo>\n")


def _page_xml(page: WikiPage) -> str:
    text = page.wikitext
    redirect = (f"    <redirect title={quoteattr(page.redirect)} />\n"
                if page.redirect is not None else "")
    return ("  <page>\n"
            f"    <title>{escape(page.title)}</title>\n"
            f"    <ns>{page.namespace}</ns>\n"
            f"    <id>{page.page_id}</id>\n"
            f"{redirect}"
            "    <revision>\n"
            f"      <id>{page.page_id * 10 + 1}</id>\n"
            "      <timestamp>2026-01-01T00:00:00Z</timestamp>\n"
            "      <contributor><username>Example</username><id>1</id></contributor>\n"
            "      <model>wikitext</model>\n"
            "      <format>text/x-wiki</format>\n"
            f'      <text bytes="{len(text.encode("utf-8"))}" xml:space="preserve">'
            f"{escape(text)}</text>\n"
            "    </revision>\n"
            "  </page>\n")


def iter_dump(pages: Iterable[WikiPage]) -> Iterator[str]:
    """The export's text, piece by piece (a header, one piece per page, the end), so a dump of
    any size is written without being held."""
    yield (f'<mediawiki xmlns="{EXPORT_NAMESPACE}" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           f'xsi:schemaLocation="{EXPORT_NAMESPACE} '
           'http://www.mediawiki.org/xml/export-0.11.xsd" version="0.11" xml:lang="en">\n')
    yield _siteinfo()
    for page in pages:
        yield _page_xml(page)
    yield "</mediawiki>\n"


def write_dump(pages: Iterable[WikiPage], out: Path | str | BinaryIO) -> None:
    """Write a MediaWiki XML export of ``pages`` to a path (``.bz2``: compressed) or a binary
    file object."""
    if isinstance(out, (str, Path)):
        path = Path(out)
        if path.suffix == ".bz2":
            import bz2

            with bz2.open(path, "wb") as handle:
                write_dump(pages, handle)
            return
        with path.open("wb") as handle:
            write_dump(pages, handle)
        return
    for piece in iter_dump(pages):
        out.write(piece.encode("utf-8"))


def dump_bytes(pages: Iterable[WikiPage]) -> bytes:
    return "".join(iter_dump(pages)).encode("utf-8")
