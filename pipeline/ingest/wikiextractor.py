"""wikiextractor's output: ``<doc id=".." url=".." title="..">`` blocks, or its ``--json`` lines.

One file holds many articles; each block (or JSON line) is one document, titled by its header.
The text wikiextractor leaves has no markup left: the first line repeats the title, section
headings are lines of their own ending in a full stop it added ("History."), directly followed
by the section's first paragraph, and lists, infoboxes, categories and interlanguage links are
gone. With ``--html`` each heading is also written as ``<h2>History</h2>`` where it stands, with
its level, and the "History." lines are only the headings repeated before a paragraph. A block
is rendered to the titled layout (``= Title =``, ``==Heading==``, one paragraph per
line) for the reader, with a map of each rendered line back to the file.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from ..data import load_json
from .decoding import ReaderError
from .document import OriginSpan

__all__ = ["DOC_HEADER", "BodyLine", "ExtractedArticle", "body_lines", "is_json_lines",
           "iter_articles", "render_article"]

DOC_HEADER = re.compile(r'^<doc\s+(?P<attrs>[^>]*)>[ \t]*$', re.MULTILINE)
DOC_END = re.compile(r"^</doc>[ \t]*$", re.MULTILINE)
ATTRIBUTE = re.compile(r'(?P<k>\w+)="(?P<v>[^"]*)"')
# A heading as wikiextractor writes it: a short line ending in the full stop it appended, or
# "## Heading." with --section-hierarchy; no other sentence punctuation inside.
HEADING = re.compile(r"^(?P<marks>#{1,6} )?(?P<t>[A-Z0-9][^.,;:!?]*?)\.$")
# A heading as ``--html`` writes it, with its level.
HTML_HEADING = re.compile(r"^<h(?P<level>[1-6])>(?P<t>.*?)</h(?P=level)>$")
# A link as ``--links`` writes it (once unescaped): its text is kept.
ANCHOR = re.compile(r'<a\s+href="[^"<>]*">(?P<t>[^<>]*)</a>')


@cache
def _max_heading_words() -> int:
    return load_json("reader.json")["max_headless_heading_words"]


@dataclass(frozen=True)
class ExtractedArticle:
    doc_id: str  # wikiextractor's id: the page id of the dump
    title: str
    url: str
    body: str
    record_start: int  # where the block or JSON line lies in the file's text
    record_end: int
    body_start: int | None  # offset of ``body`` in the file; None when it was JSON-escaped


def is_json_lines(text: str) -> bool:
    """Whether the first non-blank line is a wikiextractor ``--json`` record."""
    first = next((line for line in _lines(text) if line.strip()), "")
    try:
        record = json.loads(first)
    except ValueError:
        return False
    return isinstance(record, dict) and {"id", "title", "text"} <= record.keys()


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text``, lazily: only the first is needed to tell JSON lines apart."""
    pos = 0
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        yield text[pos:end]
        pos = end + 1


def iter_articles(text: str) -> Iterator[ExtractedArticle]:
    """The articles of one output file, in file order."""
    if is_json_lines(text):
        yield from _json_articles(text)
        return
    pos = 0
    while header := DOC_HEADER.search(text, pos):
        end = DOC_END.search(text, header.end())
        if end is None:
            raise ReaderError(f"a <doc> block at offset {header.start()} has no </doc>: the "
                              "file is cut short", "format")
        attrs = {m.group("k"): html.unescape(m.group("v"))
                 for m in ATTRIBUTE.finditer(header.group("attrs"))}
        if "id" not in attrs or "title" not in attrs:
            raise ReaderError(f"a <doc> header at offset {header.start()} lacks its id or "
                              "title", "format")
        body_start = header.end() + 1
        yield ExtractedArticle(doc_id=attrs["id"], title=attrs["title"], url=attrs.get("url", ""),
                               body=text[body_start:end.start()], record_start=header.start(),
                               record_end=end.end(), body_start=body_start)
        pos = end.end()


def _json_articles(text: str) -> Iterator[ExtractedArticle]:
    pos = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        start, pos = pos, pos + len(line)
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise ReaderError(f"line {number} is not JSON ({exc})", "format") from None
        if not isinstance(record, dict) or not {"id", "title", "text"} <= record.keys():
            raise ReaderError(f"line {number} is no wikiextractor record (id, title, text)",
                              "format")
        # The text is an escaped JSON string, so offsets into the file do not carry over: each
        # rendered line maps to the whole record's line.
        yield ExtractedArticle(doc_id=str(record["id"]), title=str(record["title"]),
                               url=str(record.get("url", "")), body=str(record["text"]),
                               record_start=start, record_end=start + len(line.rstrip("\n")),
                               body_start=None)


def _unescaped(line: str) -> str:
    """A line of text as wikiextractor meant it: it escapes ``&``, ``<`` and ``>`` in its output
    (``R&amp;D``, in ``<doc>`` blocks and ``--json`` records alike, whatever ``--html-safe``
    says), and ``--links`` writes links as anchors, of which the text is kept."""
    return ANCHOR.sub(lambda m: m.group("t"), html.unescape(line))


@dataclass(frozen=True)
class BodyLine:
    """A non-blank line of an article's text as wikiextractor meant it (unescaped, stripped),
    where it lies in the file, and the heading it writes: ``tagged`` for an ``<hN>`` line of
    ``--html`` (``heading`` and ``level`` from it); else ``heading`` is set when the line looks
    like one of the "History." lines wikiextractor writes (short, directly followed by text),
    with the level its "## " marks give, if any."""

    text: str
    source: tuple[int, int]
    heading: str | None = None
    level: int | None = None
    tagged: bool = False


def body_lines(article: ExtractedArticle) -> Iterator[BodyLine]:
    """The lines of an article's body, less blank lines, the title repeated as the first line
    and, with ``--html``, the "History." lines that only repeat an ``<hN>`` heading."""
    offset = 0
    raw_lines = article.body.split("\n")
    lines = [_unescaped(raw) for raw in raw_lines]
    html_headings = any(HTML_HEADING.match(line.strip()) for line in lines)
    repeated: set[str] = set()  # with --html: the headings' lines still to come, "History."
    for number, (raw, line) in enumerate(zip(raw_lines, lines, strict=True)):
        start, offset = offset, offset + len(raw) + 1
        line = line.strip()
        if not line or (number == 0 and line == article.title):
            continue  # the title repeated as the first line
        if article.body_start is not None:
            source = (article.body_start + start, article.body_start + start + len(raw))
        else:
            source = (article.record_start, article.record_end)
        if html_headings:
            if line in repeated:
                repeated.discard(line)
                continue
            if heading := HTML_HEADING.match(line):
                title = heading.group("t").strip()
                repeated.add(title if title.endswith(("!", "?")) else f"{title}.")
                yield BodyLine(line, source, title, int(heading.group("level")), tagged=True)
            else:
                repeated.clear()
                yield BodyLine(line, source)
            continue
        following = lines[number + 1].strip() if number + 1 < len(lines) else ""
        heading = HEADING.match(line)
        if heading and following and len(line.split()) <= _max_heading_words():
            marks = (heading.group("marks") or "").strip()
            yield BodyLine(line, source, heading.group("t"), len(marks) or None)
        else:
            yield BodyLine(line, source)


def render_article(article: ExtractedArticle) -> tuple[str, tuple[OriginSpan, ...]]:
    """The article in the titled layout and where each rendered line lies in the file (for a
    ``--json`` record, the record's whole line, since its text was escaped there)."""
    parts: list[str] = [f"= {article.title} =\n", "\n"]
    length = sum(len(p) for p in parts)
    origin: list[OriginSpan] = []
    for line in body_lines(article):
        if line.heading is not None:
            marks = "=" * max(2, line.level or 0)
            rendered = f"{marks}{line.heading}{marks}"
        else:
            rendered = line.text
        origin.append(OriginSpan(start_char=length, end_char=length + len(rendered),
                                 source_start=line.source[0], source_end=line.source[1]))
        parts.append(rendered + "\n\n")
        length += len(rendered) + 2
    return "".join(parts), tuple(origin)
