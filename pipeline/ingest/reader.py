"""Read one source text into a :class:`SourceDocument`.

Two layouts are understood, both line-oriented:

* titled: a ``= Title =`` line, an ``Infobox`` line followed by ``- Key: Value`` lines,
  ``==Section==`` headings, ``- item`` bullets, trailing interlanguage (``es:Title``) and
  category lines;
* headless (wikiextractor-style): no title line, headings as bare short lines between blank
  lines, and a trailing block of category names, one per line.

Offsets index the decoded text. The classification is written by hand because it is a few
line shapes. Wikitext (a page, a dump's pages) is parsed with mwparserfromhell elsewhere
(:mod:`pipeline.ingest.wikitext`) and rendered to the titled layout, which is then read here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..data import load_json, load_lines
from .decoding import InputLimits, ReaderError, decode_source
from .document import (
    Block,
    InfoboxField,
    InterlanguageLink,
    SourceDocument,
    SourceSection,
    TextSpan,
)

__all__ = ["InputLimits", "ReaderError", "decode_source", "read_bytes", "read_file", "read_text"]

# Line shapes. Each stays linear in the line's length: runs of blanks after a marker are taken
# possessively (``*+``), and a group's text ends at its last non-blank with a greedy
# ``(?:.*[^ \t])?`` instead of a lazy ``.*?`` before ``[ \t]*$``, which retried the rest of the
# line at every character (quadratic: docs/benchmark.md, "Pathological inputs"). A title,
# heading or infobox key starts with a visible character: "= \v =" and "- \v: value" name
# nothing.
TITLE_LINE = re.compile(r"^[ \t]*+=(?!=)[ \t]*+(?P<t>[^=\s](?:.*[^ \t])?)[ \t]*=[ \t]*$")
HEADING_LINE = re.compile(
    r"^[ \t]*+(?P<eq>={2,6})[ \t]*+(?P<t>[^=\s](?:.*[^ \t])?)[ \t]*(?P=eq)[ \t]*$"
)
BULLET_LINE = re.compile(r"^[ \t]*+[-*•][ \t]++(?P<t>\S(?:.*[^ \t])?)[ \t]*$")
INFOBOX_FIELD = re.compile(
    r"^[ \t]*+[-*|][ \t]*+(?P<k>[^:=\s](?:[^:=\n]*[^:=\n \t])?)[ \t]*[:=]"
    r"[ \t]*+(?P<v>(?:.*[^ \t])?)[ \t]*$"
)
INTERLANGUAGE_LINE = re.compile(
    r"^[ \t]*+(?P<lang>[a-z]{2,3}(?:-[a-z]{2,8})*):[ \t]*+(?P<t>\S(?:.*[^ \t])?)[ \t]*$"
)


@dataclass(frozen=True)
class _Line:
    start: int  # offset of the first character
    end: int  # offset after the last character, newline (and \r) excluded
    raw: str

    @property
    def blank(self) -> bool:
        return not self.raw.strip()

    def span_of(self, match: re.Match, group: str) -> TextSpan:
        return TextSpan(
            text=match.group(group),
            start_char=self.start + match.start(group),
            end_char=self.start + match.end(group),
        )


@cache
def _layout() -> dict:
    data = load_json("reader.json")
    return {
        **data,
        "language_codes": frozenset(" ".join(load_lines("language_codes.txt")).split()),
    }


def _split_lines(text: str) -> list[_Line]:
    lines, pos = [], 0
    for raw in text.split("\n"):
        content = raw.removesuffix("\r")
        lines.append(_Line(pos, pos + len(content), content))
        pos += len(raw) + 1
    return lines


def _interlanguage(line: _Line) -> InterlanguageLink | None:
    m = INTERLANGUAGE_LINE.match(line.raw)
    if not m or m.group("lang") not in _layout()["language_codes"]:
        return None
    title = line.span_of(m, "t")
    return InterlanguageLink(
        lang=m.group("lang"), title=title.text, start_char=title.start_char, end_char=title.end_char
    )


def _category(line: _Line) -> TextSpan | None:
    """A ``Category:Name`` line."""
    stripped = line.raw.strip()
    for prefix in _layout()["category_prefixes"]:
        if stripped.startswith(prefix):
            name = stripped[len(prefix):].strip()
            if name:
                start = line.start + line.raw.index(name, line.raw.index(prefix) + len(prefix))
                return TextSpan(text=name, start_char=start, end_char=start + len(name))
    return None


def _is_plain_label(line: _Line) -> bool:
    """A short line that is no sentence: a bare category name or a headless heading."""
    s = line.raw.strip()
    layout = _layout()
    return (
        0 < len(s) <= layout["max_category_chars"]
        and len(s.split()) <= layout["max_category_words"]
        and (s[0].isupper() or s[0].isdigit())
        and s[-1] not in ".,;:!?"
        and not BULLET_LINE.match(line.raw)
        and not HEADING_LINE.match(line.raw)
        and not TITLE_LINE.match(line.raw)
    )


def _strip_span(line: _Line) -> TextSpan:
    s = line.raw.strip()
    start = line.start + line.raw.index(s)
    return TextSpan(text=s, start_char=start, end_char=start + len(s))


def _trailer(lines: list[_Line]) -> tuple[int, list[TextSpan], list[InterlanguageLink]]:
    """Find the trailing metadata region: interlanguage and category lines at the end.

    Returns the index of its first line (``len(lines)`` when there is none), the categories and
    the interlanguage links. Bare category names (headless layout) count only as one contiguous
    block directly at the end, so a heading above a blank line is not taken for one.
    """
    categories: list[TextSpan] = []
    links: list[InterlanguageLink] = []
    plain_block: list[TextSpan] = []
    plain_open = True  # still inside the last contiguous run of non-blank lines
    first = len(lines)
    i = len(lines) - 1
    while i >= 0:
        line = lines[i]
        if line.blank:
            if plain_block:
                plain_open = False
            i -= 1
            continue
        link = _interlanguage(line)
        category = None if link else _category(line)
        if link:
            links.append(link)
        elif category:
            categories.append(category)
        elif plain_open and _is_plain_label(line):
            plain_block.append(_strip_span(line))
        else:
            break
        first = i
        i -= 1
    layout_headings = set(_layout()["layout_headings"])
    if len(plain_block) == 1 and plain_block[0].text.casefold() in layout_headings:
        # A lone "References" at the end is a heading whose content was stripped.
        first = _index_after(lines, plain_block[0].end_char)
        plain_block = []
    categories.extend(plain_block)
    categories.sort(key=lambda s: s.start_char)
    links.sort(key=lambda s: s.start_char)
    return first, categories, links


def _index_after(lines: list[_Line], offset: int) -> int:
    return next((i for i, line in enumerate(lines) if line.start >= offset), len(lines))


def _neighbours_blank(lines: list[_Line], i: int) -> bool:
    before = i == 0 or lines[i - 1].blank
    after = i + 1 >= len(lines) or lines[i + 1].blank
    return before and after


def read_text(text: str, source: str, doc_id: str) -> SourceDocument:
    """Split decoded text into a :class:`SourceDocument`."""
    if not text.strip():
        raise ReaderError("empty document: only whitespace")
    layout = _layout()
    lines = _split_lines(text)
    trailer_start, categories, interlanguage = _trailer(lines)

    title: TextSpan | None = None
    infobox: list[InfoboxField] = []
    headings: list[tuple[int, TextSpan, int]] = []  # (level, heading span, line start)
    blocks: list[dict] = []
    masked: list[tuple[int, int]] = []  # metadata regions blanked out of the body
    infobox_markers = {m.casefold() for m in layout["infobox_markers"]}
    in_infobox = False
    seen_content = False
    max_heading_words = layout["max_headless_heading_words"]

    for i, line in enumerate(lines[:trailer_start]):
        if line.blank:
            in_infobox = False
            continue
        stripped = line.raw.strip()
        if in_infobox and (m := INFOBOX_FIELD.match(line.raw)):
            key, value = line.span_of(m, "k"), line.span_of(m, "v")
            infobox.append(
                InfoboxField(
                    key=key.text, value=value.text, key_start=key.start_char,
                    value_start=value.start_char, value_end=value.end_char,
                )
            )
            masked.append((line.start, line.end))
            continue
        in_infobox = False
        if stripped.casefold() in infobox_markers:
            in_infobox = True
            masked.append((line.start, line.end))
            continue
        if title is None and not seen_content and (m := TITLE_LINE.match(line.raw)):
            title = line.span_of(m, "t")
            masked.append((line.start, line.end))
            continue
        if m := HEADING_LINE.match(line.raw):
            headings.append((len(m.group("eq")), line.span_of(m, "t"), line.start))
            seen_content = True
            continue
        if (
            _is_plain_label(line)
            and _neighbours_blank(lines, i)
            and len(stripped.split()) <= max_heading_words
        ):
            # Headless layout: headings survive as bare lines between blank lines.
            if not seen_content and title is None and not headings and not blocks:
                title = _strip_span(line)
                masked.append((line.start, line.end))
            else:
                headings.append((2, _strip_span(line), line.start))
            seen_content = True
            continue
        seen_content = True
        if m := BULLET_LINE.match(line.raw):
            item = line.span_of(m, "t")
            if blocks and blocks[-1]["kind"] == "list" and blocks[-1]["last_line"] == i - 1:
                blocks[-1]["items"].append(item)
                blocks[-1]["end_char"] = line.end
                blocks[-1]["last_line"] = i
            else:
                blocks.append(
                    {"kind": "list", "start_char": line.start, "end_char": line.end,
                     "items": [item], "last_line": i, "heading_count": len(headings)}
                )
            continue
        span = _strip_span(line)
        blocks.append(
            {"kind": "paragraph", "start_char": span.start_char, "end_char": span.end_char,
             "items": [], "last_line": i, "heading_count": len(headings)}
        )

    if not blocks:
        raise ReaderError("no body text: the document has headings or metadata only", "body")

    body_end = lines[trailer_start].start if trailer_start < len(lines) else len(text)
    body_end = len(text[:body_end].rstrip())
    sections = _sections(text, headings, body_end)
    section_blocks = tuple(
        Block(
            kind=b["kind"], start_char=b["start_char"], end_char=b["end_char"],
            section=b["heading_count"] - 1 if b["heading_count"] else None,
            items=tuple(b["items"]),
        )
        for b in blocks
    )
    see_also_headings = set(layout["see_also_headings"])
    see_also = tuple(
        item
        for block in section_blocks
        if block.kind == "list" and block.section is not None
        and sections[block.section].heading.casefold() in see_also_headings
        for item in block.items
    )
    for i in range(trailer_start, len(lines)):
        masked.append((lines[i].start, lines[i].end))

    return SourceDocument(
        source=source,
        doc_id=doc_id,
        text=text,
        body=_mask(text, masked),
        title=title,
        infobox=tuple(infobox),
        sections=sections,
        blocks=section_blocks,
        see_also=see_also,
        categories=tuple(categories),
        interlanguage=tuple(interlanguage),
    )


def _sections(
    text: str, headings: list[tuple[int, TextSpan, int]], body_end: int
) -> tuple[SourceSection, ...]:
    """A section runs from its heading line to the next heading of the same or a higher level.

    That next heading is found with a stack of the headings still open (each pushed and popped
    once), not by rescanning the later headings for each one.
    """
    ends = [body_end] * len(headings)
    open_headings: list[int] = []
    for n, (level, _, start) in enumerate(headings):
        while open_headings and headings[open_headings[-1]][0] >= level:
            ends[open_headings.pop()] = start
        open_headings.append(n)
    content_end: dict[int, int] = {}  # offset -> offset with the blanks before it dropped
    sections = []
    for (level, span, line_start), end in zip(headings, ends):
        if end not in content_end:
            content_end[end] = _end_before_blanks(text, end)
        sections.append(
            SourceSection(
                heading=span.text, level=level, start_char=line_start,
                end_char=max(span.end_char, content_end[end]),
                heading_start=span.start_char, heading_end=span.end_char,
            )
        )
    return tuple(sections)


def _end_before_blanks(text: str, end: int) -> int:
    """``len(text[:end].rstrip())`` without copying the text before ``end``."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _mask(text: str, regions: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in regions:
        for k in range(start, end):
            if chars[k] not in "\r\n":
                chars[k] = " "
    return "".join(chars)


def read_bytes(data: bytes, source: str, limits: InputLimits | None = None) -> SourceDocument:
    """Decode (within ``limits``) and read; ``doc_id`` is the sha256 of the bytes."""
    doc_id = hashlib.sha256(data).hexdigest()
    return read_text(decode_source(data, limits), source=source, doc_id=doc_id)


def read_file(path: Path, root: Path | None = None) -> SourceDocument:
    """Read ``path``; ``source`` is its path relative to ``root`` (its name when no root)."""
    path = Path(path)
    source = path.relative_to(root).as_posix() if root else path.name
    return read_bytes(path.read_bytes(), source=source)
