"""Readers of the layouts users have: MediaWiki XML dumps, wikitext, wikiextractor output."""

from __future__ import annotations

import bz2
import json
import subprocess
import sys

import pytest

from pipeline.ingest.decoding import InputLimits, ReaderError
from pipeline.ingest.formats import detect_format, read_source_documents
from tests.conftest import FIXTURES
from tests.ingest.test_reader import _spans_slice_back

FORMATS = FIXTURES / "formats"
DUMP_TITLES = {"101": "Super GT", "102": "Deutsche Tourenwagen Masters"}


def _read(name: str, **kwargs):
    return read_source_documents((FORMATS / name).read_bytes(), name, **kwargs)


def _documents(name: str, **kwargs) -> dict:
    read = _read(name, **kwargs)
    for part in read.documents:
        assert part.error is None
        _spans_slice_back(part.document)
    return {part.source: part.document for part in read.documents}


def assert_super_gt_structure(doc):
    """The headings, see-also, categories and interlanguage links of the Super GT fixture,
    whichever format it was read from."""
    assert [(s.heading, s.level) for s in doc.sections] == [
        ("History", 2), ("Classes", 3), ("See also", 2), ("References", 2)]
    assert [s.text for s in doc.see_also] == ["Super Formula", "Super Taikyu Series"]
    assert [c.text for c in doc.categories] == ["Super GT", "Auto racing series in Japan"]
    assert [(link.lang, link.title) for link in doc.interlanguage] == [
        ("de", "Super GT"), ("ja", "SUPER GT")]


@pytest.mark.parametrize("name", ["dump.xml", "dump.xml.bz2"])
def test_a_dump_gives_one_document_per_article(name):
    read = _read(name)
    assert read.format == "mediawiki-xml"
    # The redirect (JGTC) and the category page (namespace 14) are skipped and counted.
    assert read.warnings == [("pages of the dump skipped (not articles): 1 namespace 14, "
                             "1 redirect")]
    docs = _documents(name)
    assert list(docs) == [f"{name}#101", f"{name}#102"]
    gt, dtm = docs[f"{name}#101"], docs[f"{name}#102"]
    assert gt.title.text == "Super GT" and dtm.title.text == "Deutsche Tourenwagen Masters"
    assert [(f.key, f.value) for f in gt.infobox] == [
        ("name", "Super GT"), ("inaugural", "1993 (as JGTC)"), ("classes", "GT500, GT300")]
    assert [(f.key, f.value) for f in dtm.infobox] == [  # keys as written
        ("name", "Deutsche Tourenwagen Masters"), ("Inaugural", "2000"), ("Country", "Germany")]
    assert [s.heading for s in gt.sections] == ["History", "See also"]
    assert [s.heading for s in dtm.sections] == ["Champions", "See also"]
    assert [s.text for s in gt.see_also] == ["Super Formula"]
    assert [s.text for s in dtm.see_also] == ["Super GT", "Deutsche Tourenwagen Meisterschaft"]
    assert [c.text for c in dtm.categories] == ["Deutsche Tourenwagen Masters",
                                                "Touring car racing series"]
    assert [(link.lang, link.title) for link in dtm.interlanguage] == [
        ("de", "Deutsche Tourenwagen Masters"), ("fr", "Deutsche Tourenwagen Masters")]
    champions = next(b for b in dtm.blocks if b.kind == "list")
    assert [i.text for i in champions.items] == ["2000: Bernd Schneider", "2001: Bernd Schneider"]
    assert "[[" not in gt.text and "'''" not in gt.text
    assert "The series was renamed Super GT in 2005." in gt.body
    assert gt.doc_id != dtm.doc_id


def test_an_unchanged_page_keeps_its_id_when_another_page_of_the_dump_changes():
    xml = (FORMATS / "dump.xml").read_text(encoding="utf-8")
    edited = xml.replace("first held in 2000.", "first held in 2000 in Hockenheim.")
    assert edited != xml
    before = {d.source: d.doc_id for d in _read("dump.xml").documents}
    after = {d.source: d.doc_id
             for d in read_source_documents(edited.encode(), "dump.xml").documents}
    assert after["dump.xml#101"] == before["dump.xml#101"]
    assert after["dump.xml#102"] != before["dump.xml#102"]


def test_offsets_map_back_to_the_wikitext():
    wikitext = (FORMATS / "Super_GT.wiki").read_text(encoding="utf-8")
    doc = _documents("Super_GT.wiki")["Super_GT.wiki"]
    assert doc.origin
    for span in doc.origin:
        assert 0 <= span.source_start < span.source_end <= len(wikitext)
    country = doc.infobox_value("Country")
    origin = next(o for o in doc.origin
                  if o.start_char <= country.value_start < o.end_char)
    assert "[[Japan]]" in wikitext[origin.source_start:origin.source_end]
    assert "Country" in wikitext[origin.source_start:origin.source_end]
    history = doc.sections[0]
    origin = next(o for o in doc.origin if o.start_char == history.start_char)
    assert wikitext[origin.source_start:origin.source_end] == "== History =="


def test_a_wikitext_file():
    read = _read("Super_GT.wiki")
    assert read.format == "wikitext" and read.warnings == []
    doc = _documents("Super_GT.wiki")["Super_GT.wiki"]
    assert doc.title.text == "Super GT"  # from the file name, as wiki exports name pages
    assert [(f.key, f.value) for f in doc.infobox] == [
        ("name", "Super GT"), ("logo", "Super GT logo.png"), ("inaugural", "1993 (as JGTC)"),
        ("classes", "GT500, GT300"), ("Country", "Japan")]
    assert_super_gt_structure(doc)
    classes = next(b for b in doc.blocks if b.kind == "list")
    assert [i.text for i in classes.items] == ["GT500: factory cars", "GT300: privateer cars"]
    lead = doc.paragraphs()[0]
    assert doc.text[lead.start_char:lead.end_char] == (
        "Super GT is a grand tourer racing series in Japan, founded in 1993 as the All Japan "
        "Grand Touring Car Championship (JGTC).")
    # References, comments and templates other than the infobox are not text.
    for dropped in ("cite web", "source needed", "Short description", "Reflist"):
        assert dropped not in doc.text


@pytest.mark.parametrize("name", ["wiki_00", "wiki_00.json"])
def test_wikiextractor_output(name):
    read = _read(name)
    assert read.format == "wikiextractor" and read.warnings == []
    docs = _documents(name)
    assert {s: d.title.text for s, d in docs.items()} == {
        f"{name}#{key}": title for key, title in DUMP_TITLES.items()}
    gt = docs[f"{name}#101"]
    assert [s.heading for s in gt.sections] == ["History"]  # "History." as wikiextractor writes
    assert [p_.kind for p_ in gt.blocks] == ["paragraph", "paragraph"]
    assert gt.text.count("Super GT is a grand tourer") == 1  # the repeated title line is gone


def test_wikiextractor_block_origin_is_the_line_in_the_file():
    text = (FORMATS / "wiki_00").read_text(encoding="utf-8")
    doc = _documents("wiki_00")["wiki_00#101"]
    for span in doc.origin:
        assert text[span.source_start:span.source_end].rstrip(".") in (
            doc.text[span.start_char:span.end_char].strip("="))


@pytest.mark.slow
def test_the_real_wikiextractor_on_our_dump_reads_back(tmp_path):
    pytest.importorskip("wikiextractor")
    for flags, out in (([], "blocks"), (["--json"], "json")):
        subprocess.run(
            [sys.executable, "-m", "wikiextractor.WikiExtractor", *flags, "--quiet",
             "-o", str(tmp_path / out), str(FORMATS / "dump.xml")],
            check=True, capture_output=True, timeout=120)
        files = sorted((tmp_path / out).rglob("wiki_*"))
        assert files
        titles = {}
        for path in files:
            read = read_source_documents(path.read_bytes(), path.name)
            assert read.format == "wikiextractor"
            titles.update({d.source.rsplit("#", 1)[1]: d.document.title.text
                           for d in read.documents})
        assert titles == DUMP_TITLES


ESCAPED_BLOCK = (
    '<doc id="7" url="https://en.wikipedia.org/wiki?curid=7" title="Alpha &amp; Beta Cup">\n'
    "Alpha &amp; Beta Cup\n\n"
    'Alpha &amp; Beta Cup is a &lt;a href="touring%20car"&gt;touring car&lt;/a&gt; series in '
    '&lt;a href="Valdoria"&gt;the Valdoria republic&lt;/a&gt;.\n'
    "History.\n"
    "It began in 1990 with R&amp;D at Northmoor &lt;North&gt;.\n"
    "</doc>\n"
)


def test_wikiextractor_escapes_and_link_anchors_are_text_again():
    # wikiextractor escapes &, < and > in its output and writes --links as anchors.
    (part,) = read_source_documents(ESCAPED_BLOCK.encode(), "wiki_00").documents
    doc = part.document
    assert doc.title.text == "Alpha & Beta Cup"
    assert [doc.text[b.start_char:b.end_char] for b in doc.paragraphs()] == [
        "Alpha & Beta Cup is a touring car series in the Valdoria republic.",
        "It began in 1990 with R&D at Northmoor <North>."]
    assert [s.heading for s in doc.sections] == ["History"]
    body = ESCAPED_BLOCK.split("\n", 1)[1].rsplit("</doc>", 1)[0]
    as_json = json.dumps({"id": "7", "title": "Alpha & Beta Cup", "text": body})
    (json_part,) = read_source_documents(as_json.encode(), "wiki_00.json").documents
    assert json_part.document.text == doc.text


# wikiextractor --html: each heading as <hN> where it stands (also one with no prose of its
# own), and the pending headings repeated as "X." lines before the next paragraph.
HTML_BLOCK = (
    '<doc id="9" url="https://en.wikipedia.org/wiki?curid=9" title="Northmoor Trophy">\n'
    "Northmoor Trophy\n\n"
    "The Northmoor Trophy is a hill climb series.\n"
    "<h2>History</h2>\n"
    "<h3>Early years</h3>\n"
    "History.\n"
    "Early years.\n"
    "It began in 1971.\n"
    "<h2>Results</h2>\n"
    "<h2>Why race?</h2>\n"
    "Why race?\n"
    "For the Fun &amp; Glory.\n"
    "</doc>\n"
)


def test_wikiextractor_html_headings_keep_their_levels_and_their_repeats_are_dropped():
    (part,) = read_source_documents(HTML_BLOCK.encode(), "wiki_00").documents
    doc = part.document
    assert [(s.heading, s.level) for s in doc.sections] == [
        ("History", 2), ("Early years", 3), ("Results", 2), ("Why race?", 2)]
    assert [doc.text[b.start_char:b.end_char] for b in doc.paragraphs()] == [
        "The Northmoor Trophy is a hill climb series.", "It began in 1971.",
        "For the Fun & Glory."]


@pytest.mark.slow
@pytest.mark.parametrize("flags", [(), ("--links",), ("--json", "--links")])
def test_the_real_wikiextractor_escaped_text_and_links_read_back(tmp_path, flags):
    pytest.importorskip("wikiextractor")
    from pipeline.tools.wikitext_dump import WikiPage, write_dump

    write_dump([WikiPage(1, "Alpha Cup", (
        "'''Alpha Cup''' is a [[touring car]] series in [[Valdoria|the Valdoria republic]] "
        "& more.\n\n== History ==\n\nIt began in 1990 with R&amp;D at [[Northmoor]].\n"))],
        tmp_path / "d.xml")
    subprocess.run([sys.executable, "-m", "wikiextractor.WikiExtractor", *flags, "--quiet",
                    "-o", str(tmp_path / "out"), str(tmp_path / "d.xml")],
                   check=True, capture_output=True, timeout=120)
    (path,) = sorted((tmp_path / "out").rglob("wiki_*"))
    (part,) = read_source_documents(path.read_bytes(), path.name).documents
    assert [part.document.text[b.start_char:b.end_char] for b in part.document.paragraphs()] == [
        "Alpha Cup is a touring car series in the Valdoria republic & more.",
        "It began in 1990 with R&D at Northmoor."]


def test_a_wikipedia_html_page():
    read = _read("Super_GT.html")
    assert read.format == "html" and read.warnings == []
    doc = _documents("Super_GT.html")["Super_GT.html"]
    assert doc.title.text == "Super GT"
    assert [(f.key, f.value) for f in doc.infobox] == [  # footnote marker [1] dropped
        ("Category", "Grand tourer"), ("Country", "Japan"), ("Inaugural season", "1993")]
    assert_super_gt_structure(doc)
    assert [doc.text[p.start_char:p.end_char] for p in doc.paragraphs()] == [
        ("Super GT is a grand tourer racing series in Japan, founded in 1993 as the All Japan "
        "Grand Touring Car Championship (JGTC)."), "The series was renamed Super GT in 2005."]
    assert [[i.text for i in b.items] for b in doc.blocks if b.kind == "list"] == [
        ["GT500: factory cars", "GT300: privateer cars"],
        ["Super Formula", "Super Taikyu Series"]]
    # Not article text: the hatnote, edit links, the results table, references, the navbox.
    for dropped in ("For the car class", "edit", "Juichi Wakisaka", '"History"', "seasons"):
        assert dropped not in doc.text


def test_auto_warns_about_a_layout_it_does_not_know_and_keeps_the_document():
    page = b"<!DOCTYPE html><html><body><h1>Super GT</h1><p>A racing series.</p></body></html>"
    read = read_source_documents(page, "super_gt.html")
    assert read.format == "html" and read.documents[0].document.title.text == "Super GT"
    assert "without MediaWiki's article markup" in read.warnings[0]
    read = read_source_documents(b"<catalog><item>Super GT</item></catalog>", "list.xml")
    assert read.documents[0].document is not None and "no MediaWiki dump" in read.warnings[0]
    read = read_source_documents(b"the series began in 2009 and still runs.", "notes.txt")
    assert read.documents[0].document is not None
    assert "matches no known layout" in read.warnings[0]
    titled = b"= Super GT =\n\nSuper GT is a racing series.\n\n==History==\n\nIt began in 1993.\n"
    assert read_source_documents(titled, "super_gt.txt").warnings == []


def test_detection_by_content_and_extension():
    assert detect_format("{{Infobox x\n| a = b\n}}\n'''X''' is a [[y]].", "x.txt")[0] == "wikitext"
    assert detect_format("Plain words.", "x.wiki")[0] == "wikitext"
    assert detect_format('<doc id="1" url="u" title="T">\nT\n</doc>', "wiki_00")[0] == (
        "wikiextractor")
    assert detect_format(json.dumps({"id": "1", "title": "T", "text": "x"}), "a")[0] == (
        "wikiextractor")
    assert detect_format("= Title =\n\nText.", "a.txt") == ("plain", None)


def test_a_format_given_that_the_file_is_not_in_is_a_reason_not_a_guess():
    with pytest.raises(ReaderError, match="not a MediaWiki XML dump"):
        read_source_documents(b"= Super GT =\n\nA series.\n", "a.txt",
                              source_format="mediawiki-xml")
    with pytest.raises(ReaderError, match="no wikiextractor"):
        read_source_documents(b"= Super GT =\n\nA series.\n", "a.txt",
                              source_format="wikiextractor")
    # --format plain reads a .wiki file as it is: markup stays in the text.
    doc = _read("Super_GT.wiki", source_format="plain").documents[0].document
    assert "[[grand tourer]]" in doc.text


def test_a_compressed_dump_expanding_beyond_the_limit_is_streamed():
    # The limit applies to each page's text, not to the whole dump (tests of the streaming
    # and of pages beyond the limit: tests/ingest/test_dump_streaming.py).
    xml = (FORMATS / "dump.xml").read_bytes()
    data = bz2.compress(xml)
    limits = InputLimits(**{**InputLimits.default().model_dump(), "max_bytes": 1200})
    assert len(data) < 1200 < len(xml)
    read = read_source_documents(data, "dump.xml.bz2", limits)
    assert [(d.source, d.error) for d in read.documents] == [
        ("dump.xml.bz2#101", None), ("dump.xml.bz2#102", None)]


def test_a_dump_without_articles_is_rejected_with_what_it_skipped():
    xml = (FORMATS / "dump.xml").read_text(encoding="utf-8")
    start, end = xml.index("  <page>"), xml.index("    <title>JGTC</title>") - len("  <page>\n")
    with pytest.raises(ReaderError, match="no articles in the dump.*1 redirect"):
        read_source_documents((xml[:start] + xml[end:]).encode(), "dump.xml")
