"""``python -m pipeline report``: an HTML review report of what the extraction found.

Reads ``OUTPUT_DIR/json/**/*.json`` and the source texts they name (``source`` is relative to the
input folder) and writes ``OUTPUT_DIR/report/index.html`` (a timeline of every series' lifespan and
the list of documents) plus ``OUTPUT_DIR/report/docs/<source>.html`` per document: the text with
entities and dates highlighted by label (spaCy's displaCy, span style, so overlapping mentions
stay visible), the series facts, the classes as a tree, abbreviations, dates and warnings.

Every page is self-contained (inline CSS, JS and SVG; no network) and works from ``file://``.
Every value from the data is HTML-escaped; the only markup not written here is displaCy's, which
escapes the text itself. Output is deterministic: no timestamps.
"""

from __future__ import annotations

import argparse
import bisect
import html
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from string import Template

from ..ingest.sources import SourceRejected, open_source

__all__ = ["class_tree", "define_report", "highlight_spans", "timeline_svg", "write_report"]

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
DATE_LABEL = "DATE"

# Timeline geometry, in SVG user units (px).
ROW = 22
NAME_WIDTH = 300
CHART_WIDTH = 640
NOTE_WIDTH = 320
TOP = 30
NAME_CHARS = 44


def _escape(value: object) -> str:
    """HTML-escape anything (None as empty)."""
    return html.escape("" if value is None else str(value), quote=True)


@cache
def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _page(title: str, body: str, script: str = "") -> str:
    return Template(_asset("page.html")).substitute(
        title=_escape(title), style=_asset("report.css"), body=body,
        script=f"<script>\n{script}</script>\n" if script else "",
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


def _source_text(input_dir: Path, source: str) -> str:
    """The decoded source text; only files inside ``input_dir`` are read, whatever the JSON
    says its source is."""
    from ..ingest.decoding import decode_source

    with open_source(Path(input_dir) / source, input_dir) as handle:
        return decode_source(handle.read())


def _load_documents(output_dir: Path, input_dir: Path | None) -> tuple[list[_ReportDocument],
                                                                      list[str]]:
    """Documents sorted by source, and the problems met with files that could not be read."""
    documents, problems, taken = [], [], set()
    json_dir = Path(output_dir) / "json"
    for path in sorted(json_dir.rglob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")  # noqa: TRY004 - reported like bad JSON
        except (OSError, ValueError) as exc:
            problems.append(f"{path.relative_to(json_dir)}: unreadable ({exc})")
            continue
        source = record.get("source") or path.relative_to(json_dir).as_posix()
        doc = _ReportDocument(record, path, _page_name(source, taken))
        if input_dir is not None:
            try:
                doc.text = _source_text(Path(input_dir), source)
            except (OSError, ValueError, SourceRejected) as exc:
                doc.problems.append(f"source text not available, no highlighting: {exc}")
        documents.append(doc)
    documents.sort(key=lambda d: (d.record.get("source") or "", d.page_name))
    return documents, problems


# --- highlighted text --------------------------------------------------------------------------


@cache
def _tokenizer():
    import spacy

    from ..nlp.tokenizer import customize_tokenizer

    # The pipeline's own tokenizer rules, so highlighted tokens split where the rules saw them.
    return customize_tokenizer(spacy.blank("en")).tokenizer


def highlight_spans(record: dict, text: str) -> tuple[list[dict], int]:
    """``(start, end, label)`` items whose offsets still index ``text``; and how many did not."""
    spans, stale = [], 0
    items = [(x, x.get("label")) for x in record.get("entities") or []]
    items += [(x, DATE_LABEL) for x in record.get("dates") or []]
    for item, label in items:
        start, end = item.get("start_char"), item.get("end_char")
        if (not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end
                or end > len(text) or text[start:end] != item.get("text")):
            stale += 1
            continue
        spans.append({"start": start, "end": end, "label": str(label)})
    return spans, stale


def _highlighted_text(text: str, spans: list[dict]) -> str:
    """The text line by line; lines with spans are rendered by displaCy (span style)."""
    from spacy import displacy

    by_line: dict[int, list[dict]] = {}
    line_starts, pos = [], 0
    lines = text.split("\n")
    for line in lines:
        line_starts.append(pos)
        pos += len(line) + 1
    for span in spans:
        by_line.setdefault(bisect.bisect_right(line_starts, span["start"]) - 1, []).append(span)
    tokenizer = _tokenizer()
    colors = {"colors": LABEL_COLORS}
    out = []
    for i, line in enumerate(lines):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        line_spans = by_line.get(i)
        if not line_spans:
            out.append(f"<p>{_escape(line)}</p>")
            continue
        doc = tokenizer(line)
        offset = line_starts[i]
        manual = []
        for span in line_spans:
            char_span = doc.char_span(span["start"] - offset, min(span["end"] - offset, len(line)),
                                      alignment_mode="expand")
            if char_span is not None:
                manual.append({"start_token": char_span.start, "end_token": char_span.end,
                               "label": span["label"]})
        rendered = displacy.render(
            {"text": line, "spans": manual, "tokens": [t.text for t in doc]},
            style="span", manual=True, page=False, options=colors,
        )
        out.append(f'<div class="line">{rendered}</div>')
    return "\n".join(out)


def _legend(labels: Iterable[str]) -> str:
    return '<div class="legend">' + "".join(
        f'<span style="background: {LABEL_COLORS.get(label, "#ddd")}">{_escape(label)}</span>'
        for label in labels
    ) + "</div>"


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


def _table(headers: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f'<p class="none">{_escape(empty)}</p>'
    head = "".join(f"<th>{_escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _document_page(doc: _ReportDocument) -> str:
    record, series = doc.record, doc.series
    parts = [
        '<p class="meta"><a href="../index.html">&larr; all documents</a></p>',
        f"<h1>{_escape(doc.name)}</h1>",
        (f'<p class="meta">source <code>{_escape(record.get("source"))}</code> &middot; title '
        f'{_escape(record.get("title"))} ({_escape(record.get("title_source"))}) &middot; doc_id '
        f'<code>{_escape(record.get("doc_id"))}</code></p>'),
    ]
    warnings = list(record.get("warnings") or [])
    problems = list(doc.problems)
    spans: list[dict] = []
    if doc.text is not None:
        spans, stale = highlight_spans(record, doc.text)
        if stale:
            problems.append(f"{stale} entities or dates do not match the source text at their "
                            "offsets (changed since extraction?) and are not highlighted")
    parts.append("<h2>Warnings</h2>")
    if warnings or problems:
        parts.append('<ul class="warnings">'
                     + "".join(f"<li>{_escape(w)}</li>" for w in warnings)
                     + "".join(f"<li><em>report:</em> {_escape(p)}</li>" for p in problems)
                     + "</ul>")
    else:
        parts.append('<p class="none">none</p>')

    parts.append("<h2>Series</h2>")
    parts.append(_table(["field", "value"],
                        [[_escape(label), _value(series.get(key))] for key, label in SERIES_FIELDS],
                        "no series facts"))
    parts.append("<h2>Classes</h2>")
    parts.append(class_tree(list(series.get("classes") or [])))
    parts.append("<h2>Abbreviations</h2>")
    parts.append(_table(
        ["short", "long"],
        [[_escape(a.get("short")), _escape(a.get("long"))]
         for a in record.get("abbreviations") or []],
        "no abbreviations found"))

    parts.append("<h2>Text</h2>")
    if doc.text is None:
        parts.append('<p class="none">source text not available</p>')
    else:
        labels = sorted({s["label"] for s in spans}, key=lambda x: (x == DATE_LABEL, x))
        parts.append(_legend(labels))
        parts.append(f'<div class="text">{_highlighted_text(doc.text, spans)}</div>')

    parts.append("<h2>Entities by label</h2>")
    by_label: dict[str, dict[str, int]] = {}
    for entity in record.get("entities") or []:
        names = by_label.setdefault(str(entity.get("label")), {})
        key = entity.get("canonical") or entity.get("text")
        names[key] = names.get(key, 0) + 1
    parts.append(_table(
        ["label", "names (mentions)"],
        [[_escape(label), ", ".join(f"{_escape(n)} ({c})" for n, c in names.items())]
         for label, names in sorted(by_label.items())],
        "no entities found"))
    parts.append("<h2>Dates</h2>")
    parts.append(_table(
        ["text", "kind", "start", "end", "granularity"],
        [[_escape(d.get("text")), _escape(d.get("kind")), _value(d.get("value_start")),
          _value(d.get("value_end")), _value(d.get("granularity"))]
         for d in record.get("dates") or []],
        "no dates found"))
    for key, label in (("see_also", "See also"), ("categories", "Categories")):
        if record.get(key):
            parts.append(f"<h2>{label}</h2><ul>"
                         + "".join(f"<li>{_escape(x)}</li>" for x in record[key]) + "</ul>")
    return _page(doc.name, "\n".join(parts))


# --- timeline ----------------------------------------------------------------------------------


def _year(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _names(doc: _ReportDocument) -> set[str]:
    series = doc.series
    names = {series.get("name"), doc.record.get("title"), *(series.get("aliases") or []),
             *(series.get("former_names") or []), *(series.get("renamed_to") or [])}
    return {n.casefold() for n in names if isinstance(n, str) and n}


def timeline_svg(documents: list[_ReportDocument], href_prefix: str = "docs/") -> str:
    """Every series with a year as a bar from inaugural to folded year; an end not found fades
    out. Successors and predecessors found in the corpus are joined by arrows, others are noted
    beside the bar with the former names."""
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

    height = TOP + ROW * len(rows) + 10
    width = NAME_WIDTH + CHART_WIDTH + NOTE_WIDTH
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

    row_of: dict[str, int] = {}
    for i, (doc, _, _) in enumerate(rows):
        for name in _names(doc):
            row_of.setdefault(name, i)
    bounds = []
    links: set[tuple[int, int]] = set()
    for i, (doc, start, end) in enumerate(rows):
        y = TOP + i * ROW
        x0 = x(start) if start is not None else x(first)
        x1 = x(end + 1) if end is not None else x(last)
        bounds.append((x0, x1, y))
        css = "bar" + (" open" if end is None else "") + (" openstart" if start is None else "")
        lifespan = f"{start if start is not None else '?'}–{end if end is not None else '?'}"
        label = doc.name if len(doc.name) <= NAME_CHARS else doc.name[:NAME_CHARS - 1] + "…"
        parts.append(
            f'<a href="{_escape(href_prefix + doc.page_name)}"><title>{_escape(doc.name)} '
            f'({lifespan})</title><text class="name" x="{NAME_WIDTH - 8}" y="{y + 15}" '
            f'text-anchor="end">{_escape(label)}</text><rect class="{css}" x="{x0:.1f}" '
            f'y="{y + 5}" width="{max(x1 - x0, 3):.1f}" height="{ROW - 10}" rx="2"/></a>'
        )
        notes = []
        if doc.series.get("former_names"):
            notes.append("formerly " + "; ".join(doc.series["former_names"]))
        if doc.series.get("renamed_to"):
            notes.append("renamed " + "; ".join(doc.series["renamed_to"]))
        for relation, names in (("→", doc.series.get("successors")),
                                ("←", doc.series.get("predecessors"))):
            for name in names or []:
                j = row_of.get(str(name).casefold())
                if j is None or j == i:
                    notes.append(f"{relation} {name}")
                else:
                    links.add((i, j) if relation == "→" else (j, i))
        if notes:
            note = ", ".join(notes)
            parts.append(f'<text class="note" x="{NAME_WIDTH + CHART_WIDTH + 8}" y="{y + 15}">'
                         f'<title>{_escape(note)}</title>'
                         f'{_escape(note[:60] + ("…" if len(note) > 60 else ""))}</text>')
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


def _index_page(documents: list[_ReportDocument], problems: list[str]) -> str:
    undated = [d for d in documents
               if _year(d.series.get("inaugural_year")) is None
               and _year(d.series.get("folded_year")) is None]
    warned = sum(1 for d in documents if d.record.get("warnings"))
    parts = [
        "<h1>Extraction review</h1>",
        (f'<p class="meta">{len(documents)} documents; {warned} with warnings; '
        f"{len(undated)} without any year.</p>"),
    ]
    if problems:
        parts.append('<ul class="warnings">' + "".join(f"<li>{_escape(p)}</li>" for p in problems)
                     + "</ul>")
    parts += [
        "<h2>Series timeline</h2>",
        ('<p class="meta">Inaugural to folded year; a faded end is a year not found. Arrows join a '
        "series to a successor in this corpus; other successors (&rarr;), predecessors (&larr;), "
        "former names and renames are noted on the right.</p>"),
        f'<div class="timeline">{timeline_svg(documents)}</div>',
        "<h2>Documents</h2>",
        ('<input id="filter" type="search" placeholder="filter documents" '
        'aria-label="filter documents">'),
    ]
    rows = []
    for d in documents:
        s = d.series
        rows.append([
            f'<a href="docs/{_escape(d.page_name)}">{_escape(d.name)}</a>',
            _escape(d.record.get("source")),
            _value(_year(s.get("inaugural_year"))),
            _value(_year(s.get("folded_year"))),
            f'<span class="num">{len(s.get("classes") or [])}</span>',
            f'<span class="num">{len(d.record.get("entities") or [])}</span>',
            f'<span class="num">{len(d.record.get("dates") or [])}</span>',
            f'<span class="num">{len(d.record.get("warnings") or [])}</span>',
        ])
    table = _table(["series", "source", "inaugural", "folded", "classes", "entities", "dates",
                    "warnings"], rows, "no documents in the output")
    parts.append(table.replace("<table>", '<table id="documents">', 1))
    return _page("Extraction review", "\n".join(parts), script=_asset("index.js"))


def write_report(output_dir: Path, input_dir: Path | None = Path("raw")) -> Path:
    """Write the report; return the path of its index."""
    documents, problems = _load_documents(output_dir, input_dir)
    report_dir = Path(output_dir) / "report"
    (report_dir / "docs").mkdir(parents=True, exist_ok=True)
    for doc in documents:
        (report_dir / "docs" / doc.page_name).write_text(_document_page(doc), encoding="utf-8")
    index = report_dir / "index.html"
    index.write_text(_index_page(documents, problems), encoding="utf-8")
    return index


# --- command line ------------------------------------------------------------------------------


def define_report(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Read OUTPUT_DIR/json/*.json and the source texts in INPUT_DIR and write "
        "OUTPUT_DIR/report/index.html (a timeline of the series and the list of documents) and "
        "one page per document (highlighted text, series facts, classes, abbreviations, dates, "
        "warnings). Self-contained HTML: open it from disk, no network needed."
    )
    parser.add_argument("--out", dest="output_dir", default="output", metavar="OUTPUT_DIR",
                        help="the run's output folder (default: output/)")
    parser.add_argument("--input", dest="input_dir", default="raw", metavar="INPUT_DIR",
                        help="folder of the source texts the run read (default: raw/)")
    parser.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    json_dir = Path(args.output_dir) / "json"
    if not json_dir.is_dir():
        print(f"no {json_dir}: run `python -m pipeline run` first", file=sys.stderr)
        return 2
    index = write_report(Path(args.output_dir), Path(args.input_dir))
    print(f"report written to {index}")
    return 0
