"""Wikitext -> the project's titled layout text, with a map back to the wikitext.

A wiki page is parsed with ``mwparserfromhell`` and rendered as the plain "titled" layout that
:mod:`pipeline.ingest.reader` reads (``= Title =``, ``Infobox`` with ``- Key: Value`` lines,
``==Heading==``, ``- item`` bullets, paragraphs, then ``Category:`` and ``lang:Title`` lines).
The reader then splits that text as it splits any titled article, so everything after it is
unchanged, and a document's offsets index the rendered text. Each rendered line keeps where it
came from in the wikitext (:class:`~pipeline.ingest.document.OriginSpan`, one per line or
infobox field), so a finding can be traced back to the markup.

What is rendered: the first ``{{Infobox ...}}`` template's named parameters (keys as written,
values as plain text), headings, ``*``/``#`` list items, prose lines (links as their text,
bold and italics dropped, references, comments and other templates removed), category links
and interlanguage links (``[[de:Title]]``). Tables, images and galleries are left out: their
cells are not prose the extractors read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import mwparserfromhell
from mwparserfromhell.nodes import Comment, Heading, Tag, Template, Text, Wikilink

from ..data import load_json, load_lines
from .document import OriginSpan

__all__ = ["RenderedPage", "render_wikitext"]

# ``[[de:Title]]``: a language code, a colon, a title (the code is checked against the list).
INTERLANGUAGE_TARGET = re.compile(
    r"^\s*(?P<lang>[a-z]{2,3}(?:-[a-z]{2,8})*)\s*:\s*(?P<t>\S.*?)\s*$")
LIST_MARKERS = re.compile(r"^[*#:;]+\s*")
WHITESPACE = re.compile(r"\s+")
# Links that are media, not text: left out of the prose.
MEDIA_PREFIXES = ("file:", "image:", "media:")
# Block tags whose content is not prose: a table's cells, a gallery's captions.
SKIPPED_TAGS = {"table", "gallery", "ref", "references", "math", "score", "timeline"}


@cache
def _vocabulary() -> tuple[tuple[str, ...], frozenset[str]]:
    layout = load_json("reader.json")
    prefixes = tuple(p.casefold() for p in layout["category_prefixes"])
    codes = frozenset(" ".join(load_lines("language_codes.txt")).split())
    return prefixes, codes


@dataclass(frozen=True)
class RenderedPage:
    """A page in the titled layout: ``text`` for the reader, ``origin`` to go back to the
    wikitext."""

    text: str
    origin: tuple[OriginSpan, ...]


class _Writer:
    """Appends lines to the rendered text, each with the wikitext span it came from."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.origin: list[OriginSpan] = []

    def line(self, text: str = "", source: tuple[int, int] | None = None) -> None:
        if source is not None and text:
            self.origin.append(OriginSpan(start_char=self.length, end_char=self.length + len(text),
                                          source_start=source[0], source_end=source[1]))
        self.parts.append(text + "\n")
        self.length += len(text) + 1

    def blank(self) -> None:
        if self.parts and self.parts[-1] != "\n":
            self.line()

    def text(self) -> str:
        return "".join(self.parts)


def _plain(wikitext: str) -> str:
    """Markup -> one line of plain text (links as their text, markup and references dropped)."""
    code = mwparserfromhell.parse(wikitext)
    for link in code.filter_wikilinks(recursive=True):
        if str(link.title).strip().casefold().startswith(MEDIA_PREFIXES):
            _remove(code, link)
    for tag in code.filter_tags(recursive=True):
        if str(tag.tag).strip().casefold() in SKIPPED_TAGS:
            _remove(code, tag)
    text = code.strip_code(normalize=True, collapse=True)
    return WHITESPACE.sub(" ", text).strip()


def _remove(code, node) -> None:
    try:
        code.remove(node)
    except ValueError:  # already gone with a removed parent
        pass


def _is_infobox(node) -> bool:
    return isinstance(node, Template) and str(node.name).strip().casefold().startswith("infobox")


def _link_kind(node: Wikilink) -> tuple[str, str, str] | None:
    """("category", name, "") or ("interlanguage", title, lang) for a metadata link."""
    target = str(node.title).strip()
    if target.startswith(":"):  # [[:Category:X]] is a visible link to the category page
        return None
    prefixes, codes = _vocabulary()
    for prefix in prefixes:
        if target.casefold().startswith(prefix):
            name = target[len(prefix):].strip()
            return ("category", name, "") if name else None
    m = INTERLANGUAGE_TARGET.match(target)
    if m and m.group("lang") in codes:
        return ("interlanguage", m.group("t"), m.group("lang"))
    return None


def _outside_lines(node) -> bool:
    """Nodes that are no part of a prose line: templates (the infobox is rendered apart),
    comments, category and interlanguage links, references and tables."""
    if isinstance(node, (Template, Comment)):
        return True
    if isinstance(node, Wikilink):
        return _link_kind(node) is not None
    return isinstance(node, Tag) and str(node.tag).strip().casefold() in SKIPPED_TAGS


def _lines(code) -> list[tuple[list[tuple[str, int]], Heading | None]]:
    """The page's lines at the top level: each a list of (markup, offset) pieces, and the
    heading when the line is one.

    Top-level nodes follow each other in the wikitext, so their offsets are running sums of
    their lengths; text nodes are cut at newlines.
    """
    lines: list[tuple[list[tuple[str, int]], Heading | None]] = []
    current: list[tuple[str, int]] = []
    pos = 0
    for node in code.nodes:
        markup = str(node)
        start = pos
        pos += len(markup)
        if isinstance(node, Text):
            offset = start
            for n, piece in enumerate(markup.split("\n")):
                if n:
                    lines.append((current, None))
                    current = []
                if piece:
                    current.append((piece, offset))
                offset += len(piece) + 1
        elif isinstance(node, Heading):
            if current:
                lines.append((current, None))
                current = []
            lines.append(([(markup, start)], node))
        elif not _outside_lines(node):
            current.append((markup, start))
    if current:
        lines.append((current, None))
    return lines


def render_wikitext(wikitext: str, title: str | None = None) -> RenderedPage:
    """Render one page's wikitext (``title``: the page's title, from the dump or the file)."""
    code = mwparserfromhell.parse(wikitext)
    out = _Writer()
    if title:
        out.line(f"= {title} =")
        out.blank()

    # Offsets of the top-level nodes: the infobox and the metadata links are found there.
    pos = 0
    metadata: list[tuple[str, str, str, tuple[int, int]]] = []
    infobox_done = False
    for node in code.nodes:
        start, pos = pos, pos + len(str(node))
        if _is_infobox(node) and not infobox_done:
            infobox_done = True  # a second infobox (a sub-box) is not the page's
            _render_infobox(node, start, out)
        elif isinstance(node, Wikilink) and (kind := _link_kind(node)):
            metadata.append((*kind, (start, pos)))

    for pieces, heading in _lines(code):
        if heading is not None:
            start = pieces[0][1]
            text = _plain(str(heading.title))
            if text:
                out.blank()
                marks = "=" * max(2, heading.level)
                out.line(f"{marks}{text}{marks}", (start, start + len(str(heading))))
                out.blank()
            continue
        if not pieces:
            out.blank()
            continue
        markup = "".join(p for p, _ in pieces)
        span = (pieces[0][1], pieces[-1][1] + len(pieces[-1][0]))
        if LIST_MARKERS.match(markup) and markup.lstrip()[0] in "*#":
            text = _plain(LIST_MARKERS.sub("", markup, count=1))
            if text:
                out.line(f"- {text}", span)
        else:
            text = _plain(LIST_MARKERS.sub("", markup, count=1))
            if text:
                out.blank()
                out.line(text, span)
                out.blank()

    out.blank()
    for kind, name, lang, span in metadata:
        if kind == "category":
            out.line(f"Category:{name}", span)
    for kind, name, lang, span in metadata:
        if kind == "interlanguage":
            out.line(f"{lang}:{name}", span)
    return RenderedPage(text=out.text(), origin=tuple(out.origin))


def _render_infobox(template: Template, offset: int, out: _Writer) -> None:
    """``Infobox`` and one ``- Key: Value`` line per named parameter with a key the layout can
    hold (no ``:`` or ``=`` in it); the origin of each line is the parameter's markup."""
    out.blank()
    out.line("Infobox", (offset, offset + len(str(template))))
    markup = str(template)
    cursor = len("{{") + len(str(template.name))
    for param in template.params:
        param_markup = str(param)
        # A parameter's markup follows a "|" in the template; found by searching forward.
        at = markup.find(param_markup, cursor)
        at = cursor if at < 0 else at
        cursor = at + len(param_markup)
        if not param.showkey:
            continue
        key = WHITESPACE.sub(" ", str(param.name)).strip()
        if not key or ":" in key or "=" in key:
            continue
        value = _plain(str(param.value))
        out.line(f"- {key}: {value}", (offset + at, offset + at + len(param_markup)))
    out.blank()
