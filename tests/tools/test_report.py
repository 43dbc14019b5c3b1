"""The review report: valid, self-contained HTML with every document, mark and the timeline.

The records are made by hand here (invented series, circuits and countries), so the report is
tested on its own; the tests at the end run the real extraction over ``raw/`` and a wikitext page
first, and one opens the report in headless Chromium when it is installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.tools.report import (
    TIMELINE_WIDTH,
    class_tree,
    highlight_spans,
    marked_text,
    timeline_svg,
    write_report,
)

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
HOSTILE = '<script>alert("x")</script> & "quotes"'


class WellFormed(HTMLParser):
    """Every element closed in order, no external resource; collects the text as shown (the
    ``<pre id="text">``), each marked span (its pieces joined by ``data-span``) and the tables."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.errors: list[str] = []
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.scripts: list[str] = []
        self.text: str | None = None  # the content of <pre id="text">
        self.spans: dict[str, dict] = {}  # data-span -> {"text", "label", "title", "tag", ...}
        self.tables: dict[str, list[list[str]]] = {}  # table id -> rows of cell texts
        self.doctype = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        self.tags.append(tag)
        for name in ("src", "xlink:href"):
            if attributes.get(name) is not None:
                self.errors.append(f"external resource attribute {name}")
        if "href" in attributes:
            self.hrefs.append(attributes["href"])
        if tag == "pre" and attributes.get("id") == "text":
            self.text = ""
        key = attributes.get("data-span")
        if key is not None:
            span = self.spans.setdefault(key, {"text": "", "tag": tag, "pieces": 0,
                                               "label": attributes.get("data-label"),
                                               "ids": [], "last": 0})
            span["pieces"] += 1
            span["title"] = attributes.get("title")
            span["ids"] += [attributes["id"]] if "id" in attributes else []
            span["last"] += "last" in (attributes.get("class") or "").split()
        if tag == "table":
            self.tables[attributes.get("id") or f"table{len(self.tables)}"] = []
        elif tag == "tr":
            self._table().append([])
        elif tag in ("td", "th"):
            self._table()[-1].append("")
        if tag not in VOID:
            self.stack.append((tag, attributes))

    def _table(self) -> list[list[str]]:
        return self.tables[list(self.tables)[-1]]

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        open_tags = [t for t, _ in self.stack]
        if "script" in open_tags:
            self.scripts.append(data)
            return
        if "pre" in open_tags and self.text is not None:
            self.text += data
        for _, attributes in self.stack:
            if "data-span" in attributes:
                self.spans[attributes["data-span"]]["text"] += data
        if "td" in open_tags or "th" in open_tags:
            self._table()[-1][-1] += data

    def close(self) -> None:
        super().close()
        if self.stack:
            self.errors.append(f"unclosed: {[t for t, _ in self.stack]}")

    def marked(self, text: str, label: str) -> list[dict]:
        """The spans covering exactly ``text`` with ``label``."""
        return [s for s in self.spans.values() if s["text"] == text and s["label"] == label]


def parse(path: Path) -> WellFormed:
    checker = WellFormed()
    checker.feed(path.read_text(encoding="utf-8"))
    checker.close()
    assert checker.doctype, f"{path} has no <!DOCTYPE html>"
    assert not checker.errors, f"{path}: {checker.errors[:5]}"
    return checker


def highlighted(checker: WellFormed, text: str, label: str) -> bool:
    return bool(checker.marked(text, label))


# --- a hand-made run ---------------------------------------------------------------------------

TEXT_A = (
    "= Veltria Sprint Cup =\n\n"
    "The Veltria Sprint Cup (VSC) was a touring car series in Norland held from 1994 to 1999. "
    "It raced at Korrin Park on June 3–4, 1995 for the GT-X class.\n\n"
    "==History==\n"
    "The 1995 Korrin 500 was its best known race. " + HOSTILE + "\n"
)
TEXT_B = (
    "The Norland Touring Trophy is a championship run by the Norland Motor Union since 2000.\n"
)
TEXT_C = "Ostrava Hill Climb Masters, a hill climb series.\n"


def _at(text: str, fragment: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(fragment, start + 1)
    return start, start + len(fragment)


def _entity(text: str, fragment: str, label: str, nth: int = 0) -> dict:
    start, end = _at(text, fragment, nth)
    return {"text": fragment, "label": label, "start_char": start, "end_char": end,
            "canonical": fragment}


def _date(text: str, fragment: str, kind: str, value_start: str, value_end: str) -> dict:
    start, end = _at(text, fragment)
    return {"text": fragment, "start_char": start, "end_char": end, "kind": kind,
            "value_start": value_start, "value_end": value_end, "granularity": "day"}


def _record(source: str, text: str, series: dict, **extra) -> dict:
    base_series = {"name": None, "aliases": [], "inaugural_year": None, "folded_year": None,
                   "country": None, "sanctioning_bodies": [], "rule_bodies": [],
                   "former_names": [], "predecessors": [], "successors": [], "classes": []}
    return {"schema_version": 1, "doc_id": "0" * 64, "source": source, "title": series["name"],
            "title_source": "heading", "infobox": {}, "sections": [], "abbreviations": [],
            "series": {**base_series, **series}, "entities": [], "dates": [], "see_also": [],
            "categories": [], "interlanguage": {}, "warnings": [], **extra}


@pytest.fixture()
def run_dirs(tmp_path: Path) -> tuple[Path, Path, dict]:
    input_dir, output_dir = tmp_path / "in", tmp_path / "out"
    (input_dir / "alpha").mkdir(parents=True)
    (input_dir / "alpha" / "one.txt").write_text(TEXT_A, encoding="utf-8")
    (input_dir / "two.txt").write_text(TEXT_B, encoding="utf-8")
    (input_dir / "three.txt").write_text(TEXT_C, encoding="utf-8")
    records = {
        "alpha/one.json": _record(
            "alpha/one.txt", TEXT_A,
            {"name": "Veltria Sprint Cup", "inaugural_year": 1994, "folded_year": 1999,
             "country": "Norland", "successors": ["Norland Touring Trophy"],
             "classes": [{"name": "GT-X", "parent": "GT", "category": "grand touring",
                          "equivalents": ["GT3"], "description": None},
                         {"name": "GT-X Am", "parent": "GT-X", "category": None,
                          "equivalents": [], "description": None}]},
            abbreviations=[{"short": "VSC", "long": "Veltria Sprint Cup",
                            **dict(zip(("start_char", "end_char"), _at(TEXT_A, "VSC")))}],
            entities=[
                _entity(TEXT_A, "Veltria Sprint Cup", "SERIES", nth=1),
                _entity(TEXT_A, "Norland", "LOCATION"),
                _entity(TEXT_A, "Korrin Park", "CIRCUIT"),
                _entity(TEXT_A, "GT-X", "CLASS"),
                _entity(TEXT_A, "1995 Korrin 500", "EVENT"),
            ],
            dates=[
                _date(TEXT_A, "1994", "year", "1994", "1994"),
                _date(TEXT_A, "June 3–4, 1995", "range", "1995-06-03", "1995-06-04"),
                # Overlaps the EVENT above: both must stay visible.
                {**_date(TEXT_A, "1995 Korrin", "year", "1995", "1995"), "text": "1995",
                 "end_char": _at(TEXT_A, "1995 Korrin")[0] + 4},
            ],
            warnings=["dropped series.country: " + HOSTILE],
        ),
        "two.json": _record(
            "two.txt", TEXT_B,
            {"name": "Norland Touring Trophy", "inaugural_year": 2000,
             "former_names": ["Norland Saloon Series"], "renamed_to": ["Norland GT Trophy"],
             "predecessors": ["Veltria Sprint Cup"]},
            entities=[_entity(TEXT_B, "Norland Motor Union", "ORG")],
        ),
        "three.json": _record("three.txt", TEXT_C, {"name": "Ostrava Hill Climb Masters"},
                              warnings=["no inaugural year found"]),
    }
    for name, record in records.items():
        path = output_dir / "json" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record), encoding="utf-8")
    return input_dir, output_dir, records


def _page(output_dir: Path, source: str) -> Path:
    stem = source.replace("/", "__").removesuffix(".txt")
    return output_dir / "report" / "docs" / f"{stem}.html"


def test_report_is_valid_self_contained_html(run_dirs):
    input_dir, output_dir, records = run_dirs
    index = write_report(output_dir, input_dir)
    assert index == output_dir / "report" / "index.html"
    pages = [index, *(_page(output_dir, r["source"]) for r in records.values())]
    for path in pages:
        checker = parse(path)
        assert "link" not in checker.tags and "img" not in checker.tags
        for href in checker.hrefs:
            assert "://" not in href and not href.startswith("//"), href
    # Nothing else is written next to the pages: one file per document plus the index.
    assert sorted(p.name for p in (output_dir / "report" / "docs").iterdir()) == sorted(
        p.name for p in pages[1:])


def test_index_lists_every_document_and_draws_the_timeline(run_dirs):
    input_dir, output_dir, records = run_dirs
    html = write_report(output_dir, input_dir).read_text(encoding="utf-8")
    checker = parse(output_dir / "report" / "index.html")
    for record in records.values():
        assert record["series"]["name"] in html
        assert f"docs/{_page(output_dir, record['source']).name}" in checker.hrefs
    assert "<svg" in html
    # Two series have years, the third has none and gets no bar.
    assert html.count('<rect class="bar') == 2
    assert 'class="bar open"' in html  # the Trophy has not folded
    assert '<path class="link"' in html  # successor in the corpus: an arrow
    assert "formerly Norland Saloon Series" in html
    assert "renamed Norland GT Trophy" in html


def test_document_page_highlights_every_entity_and_date(run_dirs):
    input_dir, output_dir, records = run_dirs
    write_report(output_dir, input_dir)
    for record in records.values():
        checker = parse(_page(output_dir, record["source"]))
        for entity in record["entities"]:
            assert highlighted(checker, entity["text"], entity["label"]), entity
        for date in record["dates"]:
            assert highlighted(checker, date["text"], "DATE"), date


def test_document_page_shows_facts_classes_abbreviations_and_warnings(run_dirs):
    input_dir, output_dir, _ = run_dirs
    write_report(output_dir, input_dir)
    html = _page(output_dir, "alpha/one.txt").read_text(encoding="utf-8")
    assert "Norland Touring Trophy" in html and "1999" in html
    # GT is no class of its own: a grouping node, with GT-X under it and GT-X Am under GT-X.
    tree = html[html.index('<ul class="tree">'):]
    assert tree.index('class="virtual">GT<') < tree.index("<strong>GT-X</strong>") < tree.index(
        "<strong>GT-X Am</strong>")
    assert "&equiv; GT3" in tree
    assert "<td>VSC</td><td>Veltria Sprint Cup</td>" in html
    assert "dropped series.country" in html


def test_everything_from_the_data_is_escaped(run_dirs):
    input_dir, output_dir, _ = run_dirs
    write_report(output_dir, input_dir)
    page = _page(output_dir, "alpha/one.txt")
    html = page.read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html  # warning
    text_section = html.split('<h2 id="text-as-read">Text</h2>')[1].split("<h2")[0]
    assert "&lt;script&gt;alert" in text_section and "&lt;/" in text_section  # source text
    assert parse(page).text == TEXT_A  # ...shown as it is
    # The only script is the report's own (sort.js, document.js): none comes from the data.
    assert html.count("<script") == 1 and "alert" not in "".join(parse(page).scripts)


def test_missing_source_and_stale_offsets_are_reported_not_fatal(run_dirs):
    input_dir, output_dir, records = run_dirs
    (input_dir / "two.txt").unlink()
    (input_dir / "three.txt").write_text("Changed text.\n", encoding="utf-8")
    record = records["three.json"]
    record["entities"] = [_entity(TEXT_C, "Ostrava Hill Climb Masters", "SERIES")]
    (output_dir / "json" / "three.json").write_text(json.dumps(record), encoding="utf-8")
    (output_dir / "json" / "broken.json").write_text("{not json", encoding="utf-8")
    index = write_report(output_dir, input_dir)
    assert "broken.json: unreadable" in index.read_text(encoding="utf-8")
    two = parse(_page(output_dir, "two.txt"))
    assert not two.spans and two.text is None
    assert "source text not available" in _page(output_dir, "two.txt").read_text()
    three = _page(output_dir, "three.txt").read_text()
    assert "1 entities, dates or abbreviations do not match" in three
    assert "not in text" in three  # the stale entity is listed, not linked to a mark


def test_a_source_name_pointing_out_of_the_input_folder_is_not_read(run_dirs):
    input_dir, output_dir, records = run_dirs
    secret = input_dir.parent / "secret.txt"
    secret.write_text("hunter2 was the password\n", encoding="utf-8")
    record = dict(records["two.json"], source="../secret.txt")
    (output_dir / "json" / "two.json").write_text(json.dumps(record), encoding="utf-8")
    write_report(output_dir, input_dir)
    pages = "".join(p.read_text() for p in (output_dir / "report").rglob("*.html"))
    assert "hunter2" not in pages
    assert "outside the input folder" in pages


def test_highlight_spans_keep_only_offsets_that_index_the_text():
    text = "Run at Korrin Park in 1995."
    record = {"entities": [_entity(text, "Korrin Park", "CIRCUIT"),
                           {"text": "Korrin", "label": "CIRCUIT", "start_char": 0,
                            "end_char": 6}],
              "dates": [_date(text, "1995", "year", "1995", "1995")]}
    spans, stale = highlight_spans(record, text)
    assert [(text[s.start:s.end], s.label) for s in spans] == [
        ("Korrin Park", "CIRCUIT"), ("1995", "DATE")]
    assert stale == 1


def test_class_tree_survives_a_parent_cycle():
    html = class_tree([{"name": "A", "parent": "B"}, {"name": "B", "parent": "A"}])
    assert html.count("<strong>A</strong>") == 1 and html.count("<strong>B</strong>") == 1


def test_timeline_without_years_says_so():
    assert "<svg" not in timeline_svg([])


def test_report_command(run_dirs, capsys):
    input_dir, output_dir, _ = run_dirs
    assert main(["report", "--out", str(output_dir), "--input", str(input_dir)]) == 0
    assert "index.html" in capsys.readouterr().out
    assert main(["report", "--out", str(output_dir / "nowhere")]) == 2


def test_report_over_a_real_run_of_raw(raw_dir, tmp_path):
    """Extraction over the seed texts (no flow engine needed), then the report."""
    from pipeline.extract import process_source
    from pipeline.ingest.sources import list_sources, source_name
    from pipeline.store.writer import write_outputs

    results = [process_source(p.read_bytes(), source_name(p, raw_dir))
               for p in list_sources(raw_dir)]
    write_outputs(results, tmp_path)
    index = write_report(tmp_path, raw_dir)
    parse(index)
    shown = {}
    for result in results:
        assert result.record is not None
        checker = parse(_page(tmp_path, result.source))
        assert checker.text == (raw_dir / result.source).read_text(encoding="utf-8")
        shown[result.source] = checker.text
        for entity in result.record.entities:
            assert highlighted(checker, entity.text, entity.label), entity
            (mark,) = [s for s in checker.marked(entity.text, entity.label)
                       if s["ids"] and s["ids"][0] == f"e{result.record.entities.index(entity)}"]
            assert f"{entity.label} → {entity.canonical}" in mark["title"]
        for date in result.record.dates:
            assert highlighted(checker, date.text, "DATE"), date
    # As written, not tokens joined by spaces.
    text = "\n".join(shown.values())
    assert "Challenge (abbreviated JLMC)" in text and "IMSA's" in text
    assert "( abbreviated" not in text and "IMSA 's" not in text


# --- the text as written, tooltips, order, rejections, escaping --------------------------------


def test_text_is_shown_as_written_with_tooltips(run_dirs):
    input_dir, output_dir, _ = run_dirs
    write_report(output_dir, input_dir)
    checker = parse(_page(output_dir, "alpha/one.txt"))
    # Character for character: no token joined by spaces ("( VSC )"), no line lost.
    assert checker.text == TEXT_A
    assert "The Veltria Sprint Cup (VSC) was" in checker.text
    circuit = checker.marked("Korrin Park", "CIRCUIT")[0]
    assert circuit["title"] == "CIRCUIT → Korrin Park"
    (date,) = checker.marked("June 3–4, 1995", "DATE")
    assert date["title"] == "DATE 1995-06-03 – 1995-06-04 (range, day)"
    # The abbreviation: an <abbr> whose tooltip gives the long form.
    (abbr,) = [s for s in checker.spans.values() if s["tag"] == "abbr"]
    assert abbr["text"] == "VSC" and abbr["title"] == "VSC = Veltria Sprint Cup"
    # The date inside the EVENT: nested, and its tooltip names both.
    (inner,) = checker.marked("1995", "DATE")
    assert inner["title"] == "EVENT → 1995 Korrin 500\nDATE 1995 (year, day)"


def test_crossing_spans_are_cut_into_pieces_that_nest():
    text = "ab Korrin Park Rally cd"
    record = {"entities": [_entity(text, "Korrin Park", "CIRCUIT"),
                           _entity(text, "Park Rally", "EVENT")]}
    spans, stale = highlight_spans(record, text)
    assert stale == 0
    html = marked_text(text, spans)
    checker = WellFormed()
    checker.feed(f'<pre id="text">{html}</pre>')
    checker.close()
    assert not checker.errors and checker.text == text
    assert checker.spans["e0"]["text"] == "Korrin Park" and checker.spans["e0"]["pieces"] == 1
    # The EVENT crosses the CIRCUIT's end: two pieces, the first with its id, the last labelled.
    event = checker.spans["e1"]
    assert event["text"] == "Park Rally" and event["pieces"] == 2
    assert event["ids"] == ["e1"] and event["last"] == 1


def test_tables_list_entities_dates_and_abbreviations_in_text_order(run_dirs):
    input_dir, output_dir, records = run_dirs
    record = records["alpha/one.json"]
    record["dates"].reverse()  # however the record lists them
    record["entities"].reverse()
    (output_dir / "json" / "alpha" / "one.json").write_text(json.dumps(record), encoding="utf-8")
    write_report(output_dir, input_dir)
    checker = parse(_page(output_dir, "alpha/one.txt"))
    tables = list(checker.tables.values())
    dates = next(t for t in tables if t[0][:2] == ["at", "text"] and "kind" in t[0])
    assert [row[1] for row in dates[1:]] == ["1994", "June 3–4, 1995", "1995"]
    offsets = [int(row[0]) for row in dates[1:]]
    assert offsets == sorted(offsets) and offsets[0] == TEXT_A.index("1994")
    entities = next(t for t in tables if t[0] == ["at", "text", "label", "canonical name"])
    assert [row[1] for row in entities[1:]] == [
        "Veltria Sprint Cup", "Norland", "Korrin Park", "GT-X", "1995 Korrin 500"]
    # Each offset links to its mark in the text.
    assert {f"#{key}" for key in checker.spans} <= set(checker.hrefs)
    for key, span in checker.spans.items():
        assert span["ids"] == [key]
    # Every table but the series' facts sorts by a click.
    html = _page(output_dir, "alpha/one.txt").read_text(encoding="utf-8")
    assert html.count('class="sortable"') == 4 and "table.sortable" in html


def _write_errors(output_dir: Path, rows: list[dict]) -> None:
    (output_dir / "parquet").mkdir(parents=True, exist_ok=True)
    columns = ("doc_id", "source", "stage", "field", "reason", "excerpt")
    table = pa.table({c: [row.get(c) for row in rows] for c in columns})
    pq.write_table(table, output_dir / "parquet" / "errors.parquet")


def test_rejected_files_are_listed_with_their_reasons(run_dirs):
    input_dir, output_dir, _ = run_dirs
    _write_errors(output_dir, [
        {"doc_id": "1", "source": "photo.png", "stage": "read", "field": "encoding",
         "reason": "binary content (PNG image), not text", "excerpt": "\\x89PNG"},
        {"doc_id": "2", "source": "two.txt", "stage": "validate", "field": "series.country",
         "reason": HOSTILE, "excerpt": None},
    ])
    index = write_report(output_dir, input_dir)
    checker = parse(index)
    rows = checker.tables["errors"]
    assert rows[0] == ["source", "stage", "field", "reason", "excerpt"]
    assert rows[1][:4] == ["photo.png", "read", "encoding", "binary content (PNG image), not text"]
    assert rows[2][:4] == ["two.txt", "validate", "series.country", HOSTILE]
    assert "docs/two.html" in checker.hrefs  # a record that has a page links to it
    html = index.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "2 error rows for 2 sources" in html


def test_without_an_errors_table_the_index_says_so(run_dirs):
    input_dir, output_dir, _ = run_dirs
    html = write_report(output_dir, input_dir).read_text(encoding="utf-8")
    assert "no errors table (errors.parquet)" in html


def test_hostile_names_labels_and_values_are_escaped_everywhere(tmp_path):
    input_dir, output_dir = tmp_path / "in", tmp_path / "out"
    input_dir.mkdir()
    text = f"= {HOSTILE} =\n\nThe {HOSTILE} ran in 1999 at O'Hare Ring.\n"
    (input_dir / "evil.txt").write_text(text, encoding="utf-8")
    mention = _entity(text, HOSTILE, "SERIES", nth=1)
    mention["canonical"] = '"><img src=x onerror=alert(1)>'
    record = _record("evil.txt", text, {"name": HOSTILE, "inaugural_year": 1999,
                                        "former_names": [HOSTILE], "aliases": ["'\"<b>"]},
                     entities=[mention, {**_entity(text, "O'Hare Ring", "<i>CIRCUIT</i>")}],
                     dates=[{**_date(text, "1999", "year", "1999", '"><script>x</script>')}],
                     abbreviations=[{"short": "O'Hare", "long": "</abbr><script>",
                                     **dict(zip(("start_char", "end_char"),
                                                _at(text, "O'Hare")))}])
    (output_dir / "json").mkdir(parents=True)
    (output_dir / "json" / "evil.json").write_text(json.dumps(record), encoding="utf-8")
    _write_errors(output_dir, [{"doc_id": "x", "source": '"><script>', "stage": "read",
                                "field": "<b>", "reason": HOSTILE, "excerpt": "</code><script>"}])
    index = write_report(output_dir, input_dir)
    page = _page(output_dir, "evil.txt")
    for path in (index, page):
        html = path.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<script>x" not in html and "<img" not in html
        assert html.count("<script") == 1  # the report's own
    checker = parse(page)
    assert checker.text == text
    (series,) = checker.marked(HOSTILE, "SERIES")
    assert series["title"] == 'SERIES → "><img src=x onerror=alert(1)>'
    (circuit,) = checker.marked("O'Hare Ring", "<i>CIRCUIT</i>")
    assert "O'Hare = </abbr><script>" in checker.spans["a0"]["title"]
    assert circuit["title"].startswith("<i>CIRCUIT</i>")
    (date,) = checker.marked("1999", "DATE")
    assert date["title"] == 'DATE 1999 – "><script>x</script> (year, day)'


# --- the timeline fits a 1400 px window --------------------------------------------------------


def test_timeline_is_drawn_to_fit_1400_px(run_dirs):
    _, output_dir, _ = run_dirs
    from pipeline.tools.report import _load_documents

    documents, _ = _load_documents(output_dir, None)
    # A name and notes far longer than their columns: shortened, in full in their tooltips.
    documents[0].record["series"]["name"] = "Very Long Series Name " * 6
    documents[0].record["series"]["former_names"] = ["A Former Name Of Some Length"] * 5
    svg = timeline_svg(documents)
    width = int(re.search(r'<svg[^>]* width="(\d+)"', svg).group(1))
    assert width == TIMELINE_WIDTH <= 1400 - 2 * 32 - 20  # the page's padding, a scrollbar
    assert re.search(r'viewBox="0 0 \d+ \d+"', svg)
    names = re.findall(r'<text class="name"[^>]*>([^<]*)</text>', svg)
    assert names[0].endswith("…") and all(len(n) <= 38 for n in names)
    # The notes take two lines at most, each shortened to its column.
    notes = re.findall(r'<text class="note"[^>]*>(.*?)</text>', svg)
    lines = [re.findall(r"<tspan[^>]*>([^<]*)</tspan>", note) for note in notes]
    assert max(len(n) for n in lines) == 2 and all(len(x) <= 50 for n in lines for x in n)
    assert any(n[-1].endswith("…") for n in lines)
    assert ("A Former Name Of Some Length; " * 4) in svg  # in full in the tooltip
    # The Trophy's notes take two lines (its row is taller), the Cup's one line.
    assert lines[0] == ["formerly A Former Name Of Some Length; A Former N…"]
    assert lines[1] == ["formerly Norland Saloon Series", "renamed Norland GT Trophy"]
    assert re.search(r'<svg[^>]* height="(\d+)"', svg).group(1) == str(30 + 22 + 22 + 13 + 10)


def test_notes_wrap_onto_two_lines_and_say_what_is_cut():
    from pipeline.tools.report import _note_lines

    assert _note_lines(["formerly A", "→ B"], chars=20) == ["formerly A, → B"]
    assert _note_lines(["formerly Aaaa Bbbb", "→ Cccc Dddd"], chars=20) == [
        "formerly Aaaa Bbbb", "→ Cccc Dddd"]
    assert _note_lines(["formerly Aaaa Bbbb", "→ Cccc Dddd", "← Eeee"], chars=20) == [
        "formerly Aaaa Bbbb", "→ Cccc Dddd, ← Eeee"]
    assert _note_lines(["a" * 15, "b" * 15, "c" * 15], chars=20) == ["a" * 15, "b" * 15 + "…"]
    assert _note_lines(["x" * 30], chars=20) == ["x" * 19 + "…"]


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium_dom(page: Path, probe: str, tmp_path: Path, width: int = 1400) -> str:
    """The DOM of ``page`` in headless Chromium ``width`` px wide after ``probe`` (JS) ran."""
    copy = page.with_name("_probe.html")
    copy.write_text(page.read_text(encoding="utf-8").replace(
        "</body>", f"<script>{probe}</script></body>"), encoding="utf-8")
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'chromium-profile'}",
               f"--window-size={width},1000", "--dump-dom", copy.as_uri()]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    finally:
        copy.unlink()
    return done.stdout


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine")
def test_in_chromium_the_index_fits_1400_px_and_tables_sort(run_dirs, tmp_path):
    input_dir, output_dir, _ = run_dirs
    index = write_report(output_dir, input_dir)
    probe = (
        "var th = document.querySelector('#documents th:nth-child(3)');"  # inaugural
        "th.click(); th.click();"  # descending
        "var years = Array.from(document.querySelectorAll('#documents tbody tr'))"
        ".map(function (r) { return r.cells[2].textContent.trim(); });"
        "var svg = document.querySelector('.timeline svg').getBoundingClientRect();"
        "document.body.setAttribute('data-probe', JSON.stringify({"
        "scroll: document.documentElement.scrollWidth, svg: svg.right, years: years}));"
    )
    dom = _chromium_dom(index, probe, tmp_path)
    probed = json.loads(html_unescape(re.search(r'data-probe="([^"]*)"', dom).group(1)))
    assert probed["scroll"] <= 1400 and probed["svg"] <= 1400
    assert probed["years"] == ["2000", "1994", "—"]


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine")
def test_in_chromium_a_document_page_with_a_long_line_fits_1400_px(run_dirs, tmp_path):
    input_dir, output_dir, records = run_dirs
    token = "https://example.org/" + "x" * 400  # no space to wrap at
    text = f"The Long Line Cup is listed at {token} since 2001.\n"
    (input_dir / "two.txt").write_text(text, encoding="utf-8")
    record = records["two.json"]
    record["entities"] = [_entity(text, "Long Line Cup", "SERIES")]
    record["dates"] = [_date(text, "2001", "year", "2001", "2001")]
    (output_dir / "json" / "two.json").write_text(json.dumps(record), encoding="utf-8")
    write_report(output_dir, input_dir)
    probe = ("document.body.setAttribute('data-probe', JSON.stringify({"
             "scroll: document.documentElement.scrollWidth,"
             "marks: document.querySelectorAll('#text mark').length}));")
    dom = _chromium_dom(_page(output_dir, "two.txt"), probe, tmp_path)
    probed = json.loads(html_unescape(re.search(r'data-probe="([^"]*)"', dom).group(1)))
    assert probed == {"scroll": probed["scroll"], "marks": 2} and probed["scroll"] <= 1400


def html_unescape(value: str) -> str:
    import html

    return html.unescape(value)


# --- real extraction ---------------------------------------------------------------------------


def test_report_of_a_wikitext_page_marks_the_rendered_text(tmp_path):
    """A wiki page's offsets index the text it is rendered to: the report reads it the same way."""
    from pipeline.extract import process_file
    from pipeline.store.writer import write_outputs

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "formats" / "Super_GT.wiki"
    input_dir = tmp_path / "in"
    input_dir.mkdir()
    shutil.copy(fixture, input_dir / "Super_GT.wiki")
    (result,) = process_file((input_dir / "Super_GT.wiki").read_bytes(), "Super_GT.wiki")
    assert result.record is not None and result.record.entities
    write_outputs([result], tmp_path / "out")
    write_report(tmp_path / "out", input_dir)
    page = (tmp_path / "out" / "report" / "docs" / "Super_GT.wiki.html")
    checker = parse(page)
    assert "do not match" not in page.read_text(encoding="utf-8")
    assert "{{" not in checker.text and "[[" not in checker.text  # rendered, not the markup
    for entity in result.record.entities:
        assert highlighted(checker, entity.text, entity.label), entity


def test_report_lists_the_hostile_files_a_real_run_rejected(tmp_path):
    """The errors table as the run writes it: every rejected fixture listed with its reason."""
    from pipeline.extract import process_file
    from pipeline.ingest.sources import list_sources, source_name
    from pipeline.store.writer import write_outputs

    hostile = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
    results = [r for p in list_sources(hostile)
               for r in process_file(p.read_bytes(), source_name(p, hostile))]
    rejected = {e.source: e.reason for r in results for e in r.errors}
    assert "image.png" in rejected and "empty.txt" in rejected
    write_outputs(results, tmp_path)
    checker = parse(write_report(tmp_path, hostile))
    rows = {row[0]: row for row in checker.tables["errors"][1:]}
    assert set(rows) == set(rejected)
    for source, reason in rejected.items():
        assert rows[source][3] == reason
