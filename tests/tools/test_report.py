"""The review report: valid, self-contained HTML with every document, highlight and the timeline.

The records are made by hand here (invented series, circuits and countries), so the report is
tested on its own; one test at the end runs the real extraction over ``raw/`` first.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.tools.report import class_tree, highlight_spans, timeline_svg, write_report

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
HOSTILE = '<script>alert("x")</script> & "quotes"'


class WellFormed(HTMLParser):
    """Every element closed in order, no external resource; collects displaCy's highlights."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.errors: list[str] = []
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.tokens: list[dict] = []  # displaCy span tokens: {"text", "labels" started here}
        self.doctype = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        self.tags.append(tag)
        for name in ("src", "href", "xlink:href"):
            if attributes.get(name) is not None and name != "href":
                self.errors.append(f"external resource attribute {name}")
        if "href" in attributes:
            self.hrefs.append(attributes["href"])
        style = attributes.get("style") or ""
        if tag == "span" and style.startswith("font-weight: bold; display: inline-block"):
            self.tokens.append({"text": "", "labels": [], "open": True})
            attributes["_token"] = True
        elif tag == "span" and "z-index: 10" in style:
            attributes["_label"] = True
        if tag not in VOID:
            self.stack.append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        _, attributes = self.stack.pop()
        if attributes.get("_token"):
            self.tokens[-1]["open"] = False

    def handle_data(self, data: str) -> None:
        if not self.stack or not data.strip():
            return
        attributes = self.stack[-1][1]
        if attributes.get("_label"):
            self.tokens[-1]["labels"].append(data.strip())
        elif attributes.get("_token") and self.tokens and self.tokens[-1]["open"]:
            self.tokens[-1]["text"] += data.strip()

    def close(self) -> None:
        super().close()
        if self.stack:
            self.errors.append(f"unclosed: {[t for t, _ in self.stack]}")


def parse(path: Path) -> WellFormed:
    checker = WellFormed()
    checker.feed(path.read_text(encoding="utf-8"))
    checker.close()
    assert checker.doctype, f"{path} has no <!DOCTYPE html>"
    assert not checker.errors, f"{path}: {checker.errors[:5]}"
    return checker


def highlighted(checker: WellFormed, text: str, label: str) -> bool:
    """Some displaCy span labelled ``label`` starts at a token and covers exactly ``text``."""
    wanted = re.sub(r"\s+", "", text)
    for i, token in enumerate(checker.tokens):
        if label not in token["labels"]:
            continue
        joined = ""
        for following in checker.tokens[i:]:
            joined += following["text"]
            if joined == wanted:
                return True
            if not wanted.startswith(joined):
                break
    return False


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
    html = _page(output_dir, "alpha/one.txt").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html  # warning
    text_section = html.split("<h2>Text</h2>")[1].split("<h2>")[0]
    assert "alert(&quot;x&quot;)" in text_section and "&lt;/" in text_section  # source text
    assert "<script" not in html  # a document page needs no script at all


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
    assert not two.tokens
    assert "source text not available" in _page(output_dir, "two.txt").read_text()
    assert "1 entities or dates do not match" in _page(output_dir, "three.txt").read_text()


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
    assert [(text[s["start"]:s["end"]], s["label"]) for s in spans] == [
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
    for result in results:
        assert result.record is not None
        checker = parse(_page(tmp_path, result.source))
        for entity in result.record.entities:
            assert highlighted(checker, entity.text, entity.label), entity
        for date in result.record.dates:
            assert highlighted(checker, date.text, "DATE"), date
