"""``python -m pipeline report``: an HTML review report of what the extraction found.

Reads ``OUTPUT_DIR/json/**/*.json``, the ``errors`` table of ``OUTPUT_DIR/parquet`` and the source
texts the records name (``source`` is relative to the input folder; ``dump.xml#101`` is a page of
``dump.xml``) and writes ``OUTPUT_DIR/report/index.html`` (a timeline of every series' lifespan,
the documents, the rejected files and records with their reasons) plus
``OUTPUT_DIR/report/docs/<source>.html`` per document: the text exactly as the pipeline read it
(the rendered text of a wiki or HTML page, which the offsets index) with every entity, date and
abbreviation marked at its character offsets, a tooltip on each (label and canonical name; ISO
values; the long form), the series facts, the classes as a tree, and sortable tables of the
abbreviations, entities and dates in text order.

Every page is self-contained (inline CSS, JS and SVG; no network) and works from ``file://``.
Every value from the data is HTML-escaped. Output is deterministic: no timestamps.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from string import Template

from ..ingest.decoding import InputLimits, ReaderError
from ..ingest.formats import FORMATS, read_source_documents
from ..ingest.sources import SourceRejected, read_source

__all__ = ["class_tree", "define_report", "highlight_spans", "marked_text", "timeline_svg",
           "write_report"]

ASSETS = Path(__file__).resolve().parent / "report_assets"

LABEL_COLORS = {
    "ORG": "#7aecec",
    "SERIES": "#f9b3d1",
    "EVENT": "#ffeb80",
    "TEAM": "#aad4ff",
    "MANUFACTURER": "#bfeeb7",
    "CAR": "#e4d3ff",
    "CIRCUIT": "#9cc9cc",
    "PERSON": "#aa9cfc",
    "LOCATION": "#feca74",
    "CLASS": "#ffc6a8",
    "DATE": "#c7e9c0",
}
OTHER_COLOR = "#dddddd"
DATE_LABEL = "DATE"
ABBREVIATION_LABEL = "ABBR"

# Timeline geometry, in SVG user units (px). The whole drawing is TIMELINE_WIDTH wide, which
# fits the page's content box in a 1400 px window; the CSS scales it down in a narrower one.
ROW = 22
NAME_WIDTH = 260
CHART_WIDTH = 600
NOTE_WIDTH = 320
TIMELINE_WIDTH = NAME_WIDTH + CHART_WIDTH + NOTE_WIDTH
TOP = 30
# Characters that fit the name column (12 px) and the note column (11 px) of the system font.
NAME_CHARS = 38
NOTE_CHARS = 50
NOTE_LINES = 2  # lines of notes at most beside a bar
NOTE_LINE = 13


def _escape(value: object) -> str:
    """HTML-escape anything (None as empty); newlines as character references, so a tooltip
    of several lines stays one line of HTML."""
    return html.escape("" if value is None else str(value), quote=True).replace("\n", "&#10;")


@cache
def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _page(title: str, body: str, script: str = "") -> str:
    return Template(_asset("page.html")).substitute(
        title=_escape(title), style=_asset("report.css"), body=body,
        script=f"<script>\n{_asset('sort.js')}{script}</script>\n",
    )


# --- loading -----------------------------------------------------------------------------------


@dataclass
class _ReportDocument:
    record: dict
    json_path: Path
    page_name: str
    text: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def series(self) -> dict:
        return self.record.get("series") or {}

    @property
    def name(self) -> str:
        return (self.series.get("name") or self.record.get("title")
                or self.record.get("source") or self.json_path.stem)


def _page_name(source: str, taken: set[str]) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", source.replace("/", "__"))
    stem = stem.removesuffix(".txt")
    name, n = f"{stem}.html", 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}.html"
    taken.add(name)
    return name


class _SourceTexts:
    """The text each document was extracted from, read again as the run read it: a wiki or
    HTML page rendered to text (the offsets index that, not the markup), a page of a dump or a
    wikiextractor file found by its ``file#id`` name. Only files inside ``input_dir`` are
    read, whatever a record says its source is; a file holding many documents is read once."""

    def __init__(self, input_dir: Path, source_format: str = "auto") -> None:
        self.input_dir = Path(input_dir)
        self.limits = InputLimits.from_options(source_format=source_format)
        self._files: dict[str, dict[str, str | ReaderError] | Exception] = {}

    def _file_of(self, source: str) -> str:
        if "#" in source and not (self.input_dir / source).is_file():
            return source.rsplit("#", 1)[0]
        return source

    def _read(self, name: str) -> dict[str, str | ReaderError]:
        read = read_source(self.input_dir / name, self.input_dir, self.limits.max_bytes)
        if read.data is None:
            raise ValueError(f"{read.size:,} bytes, larger than the limit of "
                             f"{self.limits.max_bytes:,}")
        documents = read_source_documents(read.data, name, self.limits).documents
        # A page that could not be read has its reason instead of its text.
        return {d.source: d.document.text if d.document is not None else d.error
                for d in documents}

    def text(self, source: str) -> str:
        """The text, or raise OSError, ValueError (ReaderError) or SourceRejected saying why
        not."""
        name = self._file_of(source)
        if name not in self._files:
            try:
                self._files[name] = self._read(name)
            except (OSError, ValueError, SourceRejected) as exc:
                self._files[name] = exc
        texts = self._files[name]
        if isinstance(texts, Exception):
            raise texts
        text = texts.get(source)
        if text is None:
            raise ValueError(f"{name} holds no document {source}")
        if isinstance(text, ReaderError):
            raise text
        return text


def _load_documents(output_dir: Path, input_dir: Path | None, source_format: str = "auto",
                    ) -> tuple[list[_ReportDocument], list[str]]:
    """Documents sorted by source, and the problems met with files that could not be read."""
    documents, problems, taken = [], [], set()
    json_dir = Path(output_dir) / "json"
    texts = _SourceTexts(input_dir, source_format) if input_dir is not None else None
    for path in sorted(json_dir.rglob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")  # noqa: TRY004 - reported like bad JSON
        except (OSError, ValueError) as exc:
            problems.append(f"{path.relative_to(json_dir)}: unreadable ({exc})")
            continue
        source = str(record.get("source") or path.relative_to(json_dir).as_posix())
        doc = _ReportDocument(record, path, _page_name(source, taken))
        if texts is not None:
            try:
                doc.text = texts.text(source)
            except (OSError, ValueError, SourceRejected) as exc:
                doc.problems.append(f"source text not available, nothing marked: {exc}")
        documents.append(doc)
    documents.sort(key=lambda d: (str(d.record.get("source") or ""), d.page_name))
    return documents, problems


ERROR_COLUMNS = ("source", "stage", "field", "reason", "excerpt")


def _load_errors(output_dir: Path) -> tuple[list[dict], list[str]]:
    """The rows of the ``errors`` table (files and records the run rejected, and why), and a
    problem when the table cannot be read."""
    path = Path(output_dir) / "parquet" / "errors.parquet"
    if not path.is_file():
        return [], [f"no errors table ({path.name}): the rejected files are not listed"]
    try:
        import pyarrow.parquet as pq

        rows = pq.read_table(path).to_pylist()
    except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
        return [], [f"{path.name}: unreadable ({exc})"]
    rows = [{c: row.get(c) for c in ERROR_COLUMNS} for row in rows]
    rows.sort(key=lambda r: tuple(str(r[c] or "") for c in ERROR_COLUMNS))
    return rows, []


# --- marked text -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Span:
    """One thing marked in the text: ``key`` names it in the page (``e3``: the fourth entity;
    ``d0``; ``a1``), ``tip`` is its tooltip."""

    start: int
    end: int
    label: str
    key: str
    tip: str
    tag: str = "mark"


def _date_tip(date: dict) -> str:
    start, end = date.get("value_start"), date.get("value_end")
    value = str(start) if start == end or end is None else f"{start} – {end}"
    details = ", ".join(str(x) for x in (date.get("kind"), date.get("granularity"), date.get("mod"))
                        if x)
    return f"{DATE_LABEL} {value}" + (f" ({details})" if details else "")


def _entity_tip(entity: dict) -> str:
    canonical = entity.get("canonical")
    return f"{entity.get('label')} → {canonical}" if canonical else str(entity.get("label"))


def highlight_spans(record: dict, text: str) -> tuple[list[_Span], int]:
    """The entities, dates and abbreviations whose offsets still index ``text`` (the text at
    ``start_char:end_char`` is theirs), in text order; and how many did not."""
    items = [(f"e{i}", x, "text", str(x.get("label")), _entity_tip(x), "mark")
             for i, x in enumerate(_dicts(record.get("entities")))]
    items += [(f"d{i}", x, "text", DATE_LABEL, _date_tip(x), "mark")
              for i, x in enumerate(_dicts(record.get("dates")))]
    items += [(f"a{i}", x, "short", ABBREVIATION_LABEL,
               f"{x.get('short')} = {x.get('long')}", "abbr")
              for i, x in enumerate(_dicts(record.get("abbreviations")))]
    spans, stale = [], 0
    for key, item, text_field, label, tip, tag in items:
        start, end = item.get("start_char"), item.get("end_char")
        if (not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end
                or end > len(text) or text[start:end] != item.get(text_field)):
            stale += 1
            continue
        spans.append(_Span(start, end, label, key, tip, tag))
    spans.sort(key=lambda s: (s.start, -s.end, s.tag != "mark", s.key))
    return spans, stale


def _dicts(items) -> list[dict]:
    return [x for x in items or [] if isinstance(x, dict)]


def _open(span: _Span, covering: list[_Span], first: bool) -> str:
    """The opening tag of one piece of ``span``; its tooltip lists every span over the piece."""
    tip = "&#10;".join(_escape(s.tip) for s in covering)
    attributes = [f'data-span="{span.key}"', f'title="{tip}"']
    if first:
        attributes.insert(0, f'id="{span.key}"')
    if span.tag == "mark":
        color = LABEL_COLORS.get(span.label, OTHER_COLOR)
        attributes += [f'data-label="{_escape(span.label)}"', f'style="background: {color}"']
    return f"<{span.tag} {' '.join(attributes)}>"


def marked_text(text: str, spans: list[_Span]) -> str:
    """``text`` exactly as written (escaped), each span in a ``<mark>`` (``<abbr>`` for an
    abbreviation). Overlapping spans nest; a span crossing the end of one it overlaps is cut
    into pieces, each with the same ``data-span`` (the first one has the span's ``id``, the
    last the class ``last``), so the elements always close in order."""
    bounds = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    pending = iter(spans)  # by start, longest first: an outer span comes before its inner ones
    upcoming = next(pending, None)
    active: list[_Span] = []  # the spans over the current piece of text, outermost first
    open_spans: list[_Span] = []  # the elements open now, outermost first
    last_piece: dict[str, int] = {}  # where the latest opening tag of each span is in ``out``
    out = []
    for left, right in pairwise(bounds):
        active = [s for s in active if s.end > left]
        while upcoming is not None and upcoming.start == left:
            active.append(upcoming)
            upcoming = next(pending, None)
        keep = 0
        while (keep < len(open_spans) and keep < len(active)
               and open_spans[keep] is active[keep]):
            keep += 1
        out.extend(f"</{span.tag}>" for span in reversed(open_spans[keep:]))
        for depth in range(keep, len(active)):
            span = active[depth]
            first = span.key not in last_piece
            last_piece[span.key] = len(out)
            out.append(_open(span, active[:depth + 1], first))
        open_spans = active
        out.append(html.escape(text[left:right], quote=False))
    out.extend(f"</{span.tag}>" for span in reversed(open_spans))
    for i in last_piece.values():  # the piece a label is shown after
        out[i] = out[i][:-1] + ' class="last">'
    return "".join(out)


def _legend(labels: Iterable[str]) -> str:
    return '<div class="legend">' + "".join(
        f'<span style="background: {LABEL_COLORS.get(label, OTHER_COLOR)}">{_escape(label)}</span>'
        for label in labels
    ) + '<abbr title="an abbreviation: its long form in the tooltip">ABBR</abbr></div>'


# --- classes -----------------------------------------------------------------------------------


def class_tree(classes: list[dict]) -> str:
    """Nested list: each class under its parent; a parent that is no class of its own is shown
    in italics as a grouping node."""
    if not classes:
        return '<p class="none">no classes found</p>'
    names = [c.get("name") for c in classes]
    by_name = {c.get("name"): c for c in classes}
    children: dict[str | None, list[str]] = {}
    for c in classes:
        parent = c.get("parent")
        if parent == c.get("name"):
            parent = None
        children.setdefault(parent, []).append(c.get("name"))
    roots = list(children.get(None, []))
    roots += [p for p in children if p is not None and p not in by_name]
    seen: set[str] = set()

    def node(name: str) -> str:
        if name in seen:  # a cycle in the parents: show it once
            return f"<li>{_escape(name)} <span class=\"tag\">cycle</span></li>"
        seen.add(name)
        item = by_name.get(name)
        if item is None:
            label = f'<span class="virtual">{_escape(name)}</span>'
        else:
            label = f"<strong>{_escape(name)}</strong>"
            if item.get("category"):
                label += f' <span class="tag">{_escape(item["category"])}</span>'
            if item.get("equivalents"):
                label += " &equiv; " + ", ".join(_escape(x) for x in item["equivalents"])
            if item.get("description"):
                label += f" &mdash; {_escape(item['description'])}"
        kids = children.get(name, [])
        inner = f"<ul>{''.join(node(k) for k in kids)}</ul>" if kids else ""
        return f"<li>{label}{inner}</li>"

    body = "".join(node(r) for r in roots)
    # Classes only reachable through a parent cycle are not under any root.
    body += "".join(node(n) for n in names if n not in seen)
    return f'<ul class="tree">{body}</ul>'


# --- per-document page -------------------------------------------------------------------------


def _value(value) -> str:
    if value is None or value == [] or value == "":
        return '<span class="none">&mdash;</span>'
    if isinstance(value, list):
        return "<br>".join(_escape(v) for v in value)
    return _escape(value)


SERIES_FIELDS = (
    ("name", "Name"), ("aliases", "Aliases"), ("inaugural_year", "Inaugural year"),
    ("folded_year", "Folded year"), ("country", "Country"),
    ("sanctioning_bodies", "Sanctioning bodies"), ("rule_bodies", "Rule bodies"),
    ("former_names", "Former names"), ("renamed_to", "Renamed to"),
    ("predecessors", "Predecessors"),
    ("successors", "Successors"),
)


Cell = str | tuple[str, object]  # HTML, or HTML and the value the column sorts it by


def _table(headers: list[str], rows: list[list[Cell]], empty: str, sortable: bool = True,
           sorted_by: int | None = None, table_id: str | None = None) -> str:
    """A table of HTML cells; ``sortable`` ones sort by a click on a column's heading
    (sort.js), by a cell's ``data-sort`` value where it has one, else by its text.
    ``sorted_by`` is the column the rows come sorted by (ascending)."""
    if not rows:
        return f'<p class="none">{_escape(empty)}</p>'
    sorted_mark = ' aria-sort="ascending"'
    head = "".join(f"<th{sorted_mark if i == sorted_by else ''}>{_escape(h)}</th>"
                   for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = []
        for cell in row:
            if isinstance(cell, tuple):
                cells.append(f'<td data-sort="{_escape(cell[1])}">{cell[0]}</td>')
            else:
                cells.append(f"<td>{cell}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    attributes = (f' id="{table_id}"' if table_id else "") + (
        ' class="sortable"' if sortable else "")
    return (f"<table{attributes}><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def _at(item: dict, key: str, marked: set[str]) -> Cell:
    """The offset of an item, linked to its mark in the text when it is marked."""
    start = item.get("start_char")
    if not isinstance(start, int):
        return ('<span class="none">&mdash;</span>', -1)
    if key in marked:
        return (f'<a href="#{key}">{start}</a>', start)
    stale = '<span class="tag" title="its offsets do not index the text">not in text</span>'
    return (f"{start} {stale}", start)


def _in_text_order(items: list[dict], prefix: str) -> list[tuple[str, dict]]:
    """``(key, item)`` by offset in the text (items without one last), keyed as marked."""
    keyed = [(f"{prefix}{i}", item) for i, item in enumerate(_dicts(items))]
    return sorted(keyed, key=lambda p: (not isinstance(p[1].get("start_char"), int),
                                        p[1].get("start_char") if isinstance(
                                            p[1].get("start_char"), int) else 0))


def _document_page(doc: _ReportDocument) -> str:
    record, series = doc.record, doc.series
    parts = [
        '<p class="meta"><a href="../index.html">&larr; all documents</a></p>',
        f"<h1>{_escape(doc.name)}</h1>",
        (f'<p class="meta">source <code>{_escape(record.get("source"))}</code> &middot; title '
        f'{_escape(record.get("title"))} ({_escape(record.get("title_source"))}) &middot; doc_id '
        f'<code>{_escape(record.get("doc_id"))}</code></p>'),
        ('<p class="meta">' + " &middot; ".join(
            f'<a href="#{anchor}">{name}</a>' for anchor, name in (
                ("warnings", "warnings"), ("series", "series"), ("classes", "classes"),
                ("text-as-read", "text"), ("entities", "entities"), ("dates", "dates"),
                ("abbreviations", "abbreviations"), ("names", "names by label")))
         + "</p>"),
    ]
    warnings = list(record.get("warnings") or [])
    problems = list(doc.problems)
    spans: list[_Span] = []
    if doc.text is not None:
        spans, stale = highlight_spans(record, doc.text)
        if stale:
            problems.append(f"{stale} entities, dates or abbreviations do not match the source "
                            "text at their offsets (changed since extraction?) and are not "
                            "marked")
    marked = {s.key for s in spans}
    parts.append('<h2 id="warnings">Warnings</h2>')
    if warnings or problems:
        parts.append('<ul class="warnings">'
                     + "".join(f"<li>{_escape(w)}</li>" for w in warnings)
                     + "".join(f"<li><em>report:</em> {_escape(p)}</li>" for p in problems)
                     + "</ul>")
    else:
        parts.append('<p class="none">none</p>')

    parts.append('<h2 id="series">Series</h2>')
    parts.append(_table(["field", "value"],
                        [[_escape(label), _value(series.get(key))] for key, label in SERIES_FIELDS],
                        "no series facts", sortable=False))
    parts.append('<h2 id="classes">Classes</h2>')
    parts.append(class_tree(_dicts(series.get("classes"))))

    parts.append('<h2 id="text-as-read">Text</h2>')
    if doc.text is None:
        parts.append('<p class="none">source text not available</p>')
    else:
        labels = sorted({s.label for s in spans if s.tag == "mark"},
                        key=lambda x: (x == DATE_LABEL, x))
        parts.append('<p class="meta">As the pipeline read it; hover a mark for its label and '
                     "canonical name, a date for its ISO value, an underlined abbreviation for "
                     'its long form. <label><input type="checkbox" id="show-labels" checked> '
                     "show labels</label></p>")
        parts.append(_legend(labels))
        parts.append(f'<pre class="text labelled" id="text">{marked_text(doc.text, spans)}</pre>')

    parts.append('<h2 id="entities">Entities</h2>')
    parts.append(_table(
        ["at", "text", "label", "canonical name"],
        [[_at(e, key, marked), _escape(e.get("text")), _escape(e.get("label")),
          _value(e.get("canonical"))]
         for key, e in _in_text_order(record.get("entities"), "e")],
        "no entities found", sorted_by=0))
    parts.append('<h2 id="dates">Dates</h2>')
    parts.append(_table(
        ["at", "text", "kind", "start", "end", "granularity", "mod"],
        [[_at(d, key, marked), _escape(d.get("text")), _escape(d.get("kind")),
          _value(d.get("value_start")), _value(d.get("value_end")), _value(d.get("granularity")),
          _value(d.get("mod"))]
         for key, d in _in_text_order(record.get("dates"), "d")],
        "no dates found", sorted_by=0))
    parts.append('<h2 id="abbreviations">Abbreviations</h2>')
    parts.append(_table(
        ["at", "short", "long"],
        [[_at(a, key, marked), _escape(a.get("short")), _escape(a.get("long"))]
         for key, a in _in_text_order(record.get("abbreviations"), "a")],
        "no abbreviations found", sorted_by=0))
    parts.append('<h2 id="names">Names by label</h2>')
    by_label: dict[str, dict[str, int]] = {}
    for entity in _dicts(record.get("entities")):
        names = by_label.setdefault(str(entity.get("label")), {})
        key = entity.get("canonical") or entity.get("text")
        names[key] = names.get(key, 0) + 1
    parts.append(_table(
        ["label", "names (mentions)"],
        [[_escape(label), ", ".join(f"{_escape(n)} ({c})" for n, c in names.items())]
         for label, names in sorted(by_label.items())],
        "no entities found", sorted_by=0))
    for key, label in (("see_also", "See also"), ("categories", "Categories")):
        if record.get(key):
            parts.append(f"<h2>{label}</h2><ul>"
                         + "".join(f"<li>{_escape(x)}</li>" for x in record[key]) + "</ul>")
    return _page(doc.name, "\n".join(parts), script=_asset("document.js"))


# --- timeline ----------------------------------------------------------------------------------


def _year(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _names(doc: _ReportDocument) -> set[str]:
    series = doc.series
    names = {series.get("name"), doc.record.get("title"), *(series.get("aliases") or []),
             *(series.get("former_names") or []), *(series.get("renamed_to") or [])}
    return {n.casefold() for n in names if isinstance(n, str) and n}


def _shorten(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[:chars - 1].rstrip() + "…"


def _note_lines(notes: list[str], chars: int = NOTE_CHARS, most: int = NOTE_LINES) -> list[str]:
    """The notes of a row on at most ``most`` lines of ``chars``: a note starts a new line when
    it does not fit the current one; what does not fit ends in "…"."""
    lines: list[str] = []
    for note in notes:
        if lines and len(lines[-1]) + 2 + len(note) <= chars:
            lines[-1] += ", " + note
        else:
            lines.append(note)
    shown = [_shorten(line, chars) for line in lines[:most]]
    if len(lines) > most and not shown[-1].endswith("…"):
        shown[-1] = _shorten(shown[-1], chars - 1).removesuffix("…") + "…"
    return shown


def timeline_svg(documents: list[_ReportDocument], href_prefix: str = "docs/") -> str:
    """Every series with a year as a bar from inaugural to folded year; an end not found fades
    out. Successors and predecessors found in the corpus are joined by arrows, others are noted
    beside the bar with the former names (on up to two lines, in full in their tooltip)."""
    rows = []
    for doc in documents:
        start, end = _year(doc.series.get("inaugural_year")), _year(doc.series.get("folded_year"))
        if start is not None or end is not None:
            rows.append((doc, start, end))
    if not rows:
        return '<p class="none">no series has an inaugural or folded year</p>'
    rows.sort(key=lambda r: (r[1] if r[1] is not None else r[2], r[0].name.casefold(),
                             r[0].page_name))
    years = [y for _, s, f in rows for y in (s, f) if y is not None]
    first, last = min(years), max(years) + 1
    span = max(last - first, 1)

    def x(year: int) -> float:
        return NAME_WIDTH + (year - first) / span * CHART_WIDTH

    row_of: dict[str, int] = {}
    for i, (doc, _, _) in enumerate(rows):
        for name in _names(doc):
            row_of.setdefault(name, i)
    links: set[tuple[int, int]] = set()
    notes_of: list[list[str]] = []
    for i, (doc, _, _) in enumerate(rows):
        notes = []
        if doc.series.get("former_names"):
            notes.append("formerly " + "; ".join(map(str, doc.series["former_names"])))
        if doc.series.get("renamed_to"):
            notes.append("renamed " + "; ".join(map(str, doc.series["renamed_to"])))
        for relation, names in (("→", doc.series.get("successors")),
                                ("←", doc.series.get("predecessors"))):
            for name in names or []:
                j = row_of.get(str(name).casefold())
                if j is None or j == i:
                    notes.append(f"{relation} {name}")
                else:
                    links.add((i, j) if relation == "→" else (j, i))
        notes_of.append(notes)
    # A row is one line high, more when its notes take more lines.
    tops, y = [], TOP
    for notes in notes_of:
        tops.append(y)
        y += ROW + NOTE_LINE * max(len(_note_lines(notes)) - 1, 0)
    height = y + 10
    width = TIMELINE_WIDTH
    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Series lifespans">'),
        ("<defs>"
        '<linearGradient id="open-end"><stop offset="0.6" stop-color="#4a7fc1"/>'
        '<stop offset="1" stop-color="#4a7fc1" stop-opacity="0"/></linearGradient>'
        '<linearGradient id="open-start"><stop offset="0" stop-color="#4a7fc1" '
        'stop-opacity="0"/><stop offset="0.4" stop-color="#4a7fc1"/></linearGradient>'
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#c0504d"/></marker></defs>'),
    ]
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100) if span / s <= 16)
    for year in range(first - first % step, last + 1, step):
        if year < first:
            continue
        parts.append(f'<line class="grid" x1="{x(year):.1f}" y1="{TOP - 8}" x2="{x(year):.1f}" '
                     f'y2="{height}"/><text class="axis" x="{x(year):.1f}" y="{TOP - 12}" '
                     f'text-anchor="middle">{year}</text>')

    bounds = []
    for (doc, start, end), y, notes in zip(rows, tops, notes_of, strict=True):
        x0 = x(start) if start is not None else x(first)
        x1 = x(end + 1) if end is not None else x(last)
        bounds.append((x0, x1, y))
        css = "bar" + (" open" if end is None else "") + (" openstart" if start is None else "")
        lifespan = f"{start if start is not None else '?'}–{end if end is not None else '?'}"
        label = _shorten(doc.name, NAME_CHARS)
        parts.append(
            f'<a href="{_escape(href_prefix + doc.page_name)}"><title>{_escape(doc.name)} '
            f'({lifespan})</title><text class="name" x="{NAME_WIDTH - 8}" y="{y + 15}" '
            f'text-anchor="end">{_escape(label)}</text><rect class="{css}" x="{x0:.1f}" '
            f'y="{y + 5}" width="{max(x1 - x0, 3):.1f}" height="{ROW - 10}" rx="2"/></a>'
        )
        if notes:
            note_x = NAME_WIDTH + CHART_WIDTH + 8
            lines = "".join(
                f'<tspan x="{note_x}" dy="{0 if k == 0 else NOTE_LINE}">{_escape(line)}</tspan>'
                for k, line in enumerate(_note_lines(notes)))
            parts.append(f'<text class="note" x="{note_x}" y="{y + 15}">'
                         f'<title>{_escape(", ".join(notes))}</title>{lines}</text>')
    for i, j in sorted(links):
        (_, x1, y1), (x2, _, y2) = bounds[i], bounds[j]
        y1, y2 = y1 + ROW / 2, y2 + ROW / 2
        bend = max(abs(x2 - x1) / 2, 20)
        parts.append(f'<path class="link" d="M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} '
                     f'{x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}" marker-end="url(#arrow)">'
                     f"<title>{_escape(rows[i][0].name)} → {_escape(rows[j][0].name)}</title>"
                     "</path>")
    parts.append("</svg>")
    return "".join(parts)


# --- index -------------------------------------------------------------------------------------


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _num(value: int) -> Cell:
    return (f'<span class="num">{value}</span>', value)


def _errors_table(errors: list[dict], pages: dict[str, str]) -> str:
    rows = []
    for error in errors:
        source = _escape(error["source"])
        if error["source"] in pages:
            source = f'<a href="docs/{_escape(pages[error["source"]])}">{source}</a>'
        excerpt = (f'<code>{_escape(error["excerpt"])}</code>' if error["excerpt"]
                   else '<span class="none">&mdash;</span>')
        rows.append([source, _escape(error["stage"]), _escape(error["field"]),
                     _escape(error["reason"]), excerpt])
    return _table(["source", "stage", "field", "reason", "excerpt"], rows,
                  "nothing was rejected", sorted_by=0, table_id="errors")


def _index_page(documents: list[_ReportDocument], problems: list[str],
                errors: list[dict]) -> str:
    undated = [d for d in documents
               if _year(d.series.get("inaugural_year")) is None
               and _year(d.series.get("folded_year")) is None]
    warned = sum(1 for d in documents if d.record.get("warnings"))
    sources = len({e["source"] for e in errors})
    rejected = (f'rejected: <a href="#rejected">{_plural(len(errors), "error row")} for '
                f'{_plural(sources, "source")}</a>' if errors else "nothing rejected")
    parts = [
        "<h1>Extraction review</h1>",
        (f'<p class="meta">{_plural(len(documents), "document")}; {warned} with warnings; '
         f"{len(undated)} without any year; {rejected}.</p>"),
    ]
    if problems:
        parts.append('<ul class="warnings">' + "".join(f"<li>{_escape(p)}</li>" for p in problems)
                     + "</ul>")
    parts += [
        "<h2>Series timeline</h2>",
        ('<p class="meta">Inaugural to folded year; a faded end is a year not found. Arrows join a '
        "series to a successor in this corpus; other successors (&rarr;), predecessors (&larr;), "
        "former names and renames are noted on the right (in full in their tooltip).</p>"),
        f'<div class="timeline">{timeline_svg(documents)}</div>',
        "<h2>Documents</h2>",
        ('<input id="filter" type="search" placeholder="filter documents" '
        'aria-label="filter documents">'),
    ]
    rows = []
    for d in documents:
        s = d.series
        inaugural, folded = _year(s.get("inaugural_year")), _year(s.get("folded_year"))
        rows.append([
            f'<a href="docs/{_escape(d.page_name)}">{_escape(d.name)}</a>',
            _escape(d.record.get("source")),
            (_value(inaugural), "" if inaugural is None else inaugural),
            (_value(folded), "" if folded is None else folded),
            _num(len(_dicts(s.get("classes")))),
            _num(len(_dicts(d.record.get("entities")))),
            _num(len(_dicts(d.record.get("dates")))),
            _num(len(d.record.get("warnings") or [])),
        ])
    parts.append(_table(["series", "source", "inaugural", "folded", "classes", "entities",
                         "dates", "warnings"], rows, "no documents in the output",
                        sorted_by=1, table_id="documents"))
    parts += [
        '<h2 id="rejected">Rejected files and records</h2>',
        ('<p class="meta">The rows of the run&rsquo;s <code>errors</code> table: a file or page '
         "that gave no record, or a record or value the contract refused, and why.</p>"),
        _errors_table(errors, {str(d.record.get("source")): d.page_name for d in documents}),
    ]
    return _page("Extraction review", "\n".join(parts), script=_asset("index.js"))


def write_report(output_dir: Path, input_dir: Path | None = Path("raw"),
                 source_format: str = "auto") -> Path:
    """Write the report; return the path of its index. ``source_format`` is the ``--format``
    the run read the sources with."""
    documents, problems = _load_documents(output_dir, input_dir, source_format)
    errors, error_problems = _load_errors(output_dir)
    report_dir = Path(output_dir) / "report"
    pages_dir = report_dir / "docs"
    pages_dir.mkdir(parents=True, exist_ok=True)
    for doc in documents:
        (pages_dir / doc.page_name).write_text(_document_page(doc), encoding="utf-8")
    # A page of a document no longer in the output would be found from nowhere: removed.
    written = {doc.page_name for doc in documents}
    for old in pages_dir.glob("*.html"):
        if old.name not in written:
            old.unlink()
    index = report_dir / "index.html"
    index.write_text(_index_page(documents, problems + error_problems, errors), encoding="utf-8")
    return index


# --- command line ------------------------------------------------------------------------------


def define_report(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Read OUTPUT_DIR/json/*.json and the source texts in INPUT_DIR and write "
        "OUTPUT_DIR/report/index.html (a timeline of the series, the list of documents, the "
        "rejected files with their reasons) and one page per document (the text as written with "
        "entities, dates and abbreviations marked, series facts, classes, sortable tables, "
        "warnings). Self-contained HTML: open it from disk, no network needed."
    )
    parser.add_argument("--out", dest="output_dir", default="output", metavar="OUTPUT_DIR",
                        help="the run's output folder (default: output/)")
    parser.add_argument("--input", dest="input_dir", default="raw", metavar="INPUT_DIR",
                        help="folder of the source texts the run read (default: raw/)")
    parser.add_argument("--format", dest="source_format", default="auto", choices=FORMATS,
                        help="the --format the run read INPUT_DIR with (default: auto)")
    parser.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    json_dir = Path(args.output_dir) / "json"
    if not json_dir.is_dir():
        print(f"no {json_dir}: run `python -m pipeline run` first", file=sys.stderr)
        return 2
    index = write_report(Path(args.output_dir), Path(args.input_dir), args.source_format)
    print(f"report written to {index}")
    return 0
