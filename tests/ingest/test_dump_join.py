"""wikiextractor's output joined with its MediaWiki dump (``--wikiextractor-dump``), on an
invented two-page dump and the output wikiextractor writes for it (its plain layout: the title
repeated, headings as "History." lines, lists, infobox, categories and links dropped)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.ingest import dump_join
from pipeline.ingest.decoding import InputLimits
from pipeline.ingest.formats import read_source_documents
from pipeline.run import SerialExecutor, run_incremental
from pipeline.store import incremental
from pipeline.tools.wikitext_dump import WikiPage, write_dump
from tests.ingest.test_reader import _spans_slice_back

NORDIC = """{{Infobox motorsport championship
| Category = Sports car racing
| Inaugural = 2011
| Folded = 2015
}}
'''Nordic Endurance Cup''' was a sports car series run in Scandinavia.

== History ==
The series was founded by a group of clubs in 2011.

=== First season ===
The first season had four rounds.

== Champions ==
* 2011 Alpha Racing
* 2012 Beta Motorsport

== See also ==
* [[Baltic Touring Trophy]]

[[Category:Sports car racing series]]
[[Category:Defunct motorsport series]]
[[sv:Nordiska uthållighetscupen]]
"""

BALTIC = """'''Baltic Touring Trophy''' is a touring car series.

== Format ==
Races are one hour long.

Cars race at night.
The last hour is run in the dark.

[[Category:Touring car series]]
"""

# What wikiextractor (3.1.0, no option) writes for the two pages, and a third page it was given
# that the dump does not hold.
EXTRACTED = """<doc id="501" url="?curid=501" title="Nordic Endurance Cup">
Nordic Endurance Cup

Nordic Endurance Cup was a sports car series run in Scandinavia.
History.
The series was founded by a group of clubs in 2011.
First season.
The first season had four rounds.

</doc>
<doc id="502" url="?curid=502" title="Baltic Touring Trophy">
Baltic Touring Trophy

Baltic Touring Trophy is a touring car series.
Format.
Races are one hour long.
Cars race at night.
The last hour is run in the dark.

</doc>
<doc id="503" url="?curid=503" title="Pannonia Hillclimb">
Pannonia Hillclimb

Pannonia Hillclimb is a hill climb held every spring.

</doc>
"""


def _write_dump(path: Path, nordic: str = NORDIC, baltic: str = BALTIC) -> Path:
    write_dump([WikiPage(501, "Nordic Endurance Cup", nordic),
                WikiPage(502, "Baltic Touring Trophy", baltic)], path)
    return path


def _limits(dump: Path) -> InputLimits:
    return dump_join.prepare(InputLimits.from_options(wikiextractor_dump=str(dump)))


def _read(limits: InputLimits | None = None, text: str = EXTRACTED) -> dict:
    read = read_source_documents(text.encode("utf-8"), "wiki_00", limits)
    assert read.format == "wikiextractor"
    return {part.source: part for part in read.documents}


@pytest.mark.parametrize("name", ["dump.xml", "dump.xml.bz2"])
def test_a_document_gets_its_dump_page_metadata_and_keeps_its_text(tmp_path, name):
    parts = _read(_limits(_write_dump(tmp_path / name)))
    nordic = parts["wiki_00#501"]
    assert nordic.warnings == ()
    doc = nordic.document
    _spans_slice_back(doc)
    assert doc.title.text == "Nordic Endurance Cup"
    assert [(f.key, f.value) for f in doc.infobox] == [
        ("Category", "Sports car racing"), ("Inaugural", "2011"), ("Folded", "2015")]
    # Levels from the dump; "Champions" (a list only) and "See also", which wikiextractor
    # dropped, where they stood.
    assert [(s.heading, s.level) for s in doc.sections] == [
        ("History", 2), ("First season", 3), ("Champions", 2), ("See also", 2)]
    assert [s.text for s in doc.see_also] == ["Baltic Touring Trophy"]
    assert [c.text for c in doc.categories] == [
        "Sports car racing series", "Defunct motorsport series"]
    assert [(link.lang, link.title) for link in doc.interlanguage] == [
        ("sv", "Nordiska uthållighetscupen")]
    # The prose is wikiextractor's, and each of its lines maps back to the file.
    paragraphs = [doc.text[b.start_char:b.end_char] for b in doc.paragraphs()]
    assert paragraphs == ["Nordic Endurance Cup was a sports car series run in Scandinavia.",
                          "The series was founded by a group of clubs in 2011.",
                          "The first season had four rounds."]
    for span in doc.origin:
        assert EXTRACTED[span.source_start:span.source_end].strip() in (
            doc.text[span.start_char:span.end_char], "History.", "First season.")
    assert len(doc.origin) == 5  # three paragraphs and two headings; nothing from the dump


def test_a_short_sentence_that_is_no_heading_of_the_page_stays_prose(tmp_path):
    """Without the dump, a short sentence followed by text ("Cars race at night.") reads as a
    heading, as wikiextractor writes one; the page has no such heading, so with it the line is
    prose, and only the page's own headings are headings."""
    alone = _read()["wiki_00#502"].document
    assert [s.heading for s in alone.sections] == [
        "Baltic Touring Trophy is a touring car series", "Format", "Races are one hour long",
        "Cars race at night"]
    joined = _read(_limits(_write_dump(tmp_path / "dump.xml")))["wiki_00#502"].document
    assert [(s.heading, s.level) for s in joined.sections] == [("Format", 2)]
    assert "Cars race at night." in [joined.text[b.start_char:b.end_char]
                                     for b in joined.paragraphs()]
    assert [c.text for c in joined.categories] == ["Touring car series"]
    assert joined.infobox == ()


def test_a_page_missing_from_the_dump_is_read_as_without_it_with_a_warning(tmp_path):
    joined = _read(_limits(_write_dump(tmp_path / "dump.xml")))["wiki_00#503"]
    alone = _read()["wiki_00#503"]
    assert len(joined.warnings) == 1
    assert "page id 503" in joined.warnings[0] and "not an article of the dump" in \
        joined.warnings[0]
    assert joined.document.text == alone.document.text
    assert alone.warnings == ()
    # Its identity says it was not joined: a dump that gains the page re-extracts it.
    assert joined.doc_id != alone.doc_id


def test_a_page_of_another_title_is_not_joined(tmp_path):
    other = EXTRACTED.replace('title="Baltic Touring Trophy"', 'title="Adriatic Sprint Series"')
    part = _read(_limits(_write_dump(tmp_path / "dump.xml")), other)["wiki_00#502"]
    assert "is 'Baltic Touring Trophy', not 'Adriatic Sprint Series'" in part.warnings[0]
    assert part.document.categories == () and part.document.title.text == \
        "Adriatic Sprint Series"


def test_the_python_api_prepares_the_index_itself(tmp_path):
    """Given only the dump's path (no prepared index), reading builds the index once."""
    limits = InputLimits.from_options(wikiextractor_dump=str(_write_dump(tmp_path / "d.xml")))
    assert limits.wikiextractor_dump.index == ""
    doc = _read(limits)["wiki_00#501"].document
    assert doc.categories[0].text == "Sports car racing series"


def test_the_index_keeps_articles_only_and_is_rebuilt_for_a_changed_dump(tmp_path):
    dump = _write_dump(tmp_path / "dump.xml")
    state = tmp_path / "state"
    first = dump_join.prepare(InputLimits.from_options(wikiextractor_dump=str(dump)), state)
    index = dump_join.DumpIndex(first.wikiextractor_dump.index)
    assert index.page("501")[0] == "Nordic Endurance Cup"
    assert index.page("999") is None and index.page("x1") is None
    index.close()
    again = dump_join.prepare(InputLimits.from_options(wikiextractor_dump=str(dump)), state)
    assert again == first  # same content: same index, not rebuilt
    _write_dump(dump, baltic=BALTIC.replace("Touring car series", "Night racing"))
    changed = dump_join.prepare(InputLimits.from_options(wikiextractor_dump=str(dump)), state)
    assert changed.wikiextractor_dump.sha256 != first.wikiextractor_dump.sha256
    assert [p.name for p in state.glob("*.sqlite")] == [Path(changed.wikiextractor_dump.index)
                                                        .name]  # the old index removed


def test_a_file_that_is_no_dump_is_refused(tmp_path):
    (tmp_path / "notes.xml").write_text("<notes><note>hello</note></notes>")
    with pytest.raises(ValueError, match="not a MediaWiki XML dump"):
        _limits(tmp_path / "notes.xml")


def test_without_the_option_fingerprints_and_the_version_are_unchanged(tmp_path):
    plain = InputLimits.default()
    assert dump_join.fingerprint("ab" * 32, plain) == "ab" * 32
    joined = _limits(_write_dump(tmp_path / "dump.xml"))
    assert dump_join.fingerprint("ab" * 32, joined) != "ab" * 32
    assert dump_join.fingerprint("rejected:x", joined) == "rejected:x"
    # The dump's content is in the fingerprints, not in the pipeline version.
    assert incremental.pipeline_version(joined) == incremental.pipeline_version(plain)


def _run(corpus: Path, out: Path, dump: Path, **options):
    return run_incremental(corpus, out, executor=SerialExecutor(),
                           limits=InputLimits.from_options(wikiextractor_dump=str(dump)),
                           **options)


def _json(out: Path, page: int) -> dict:
    return json.loads((out / "json" / f"wiki_00#{page}.json").read_text(encoding="utf-8"))


def test_a_run_re_extracts_the_documents_whose_dump_metadata_changed(tmp_path, counted):
    corpus = tmp_path / "extracted"
    corpus.mkdir()
    (corpus / "wiki_00").write_text(EXTRACTED, encoding="utf-8")
    dump = _write_dump(tmp_path / "dump.xml")
    out = tmp_path / "out"

    first = _run(corpus, out, dump)
    assert sorted(counted) == ["wiki_00#501", "wiki_00#502", "wiki_00#503"]
    assert first.documents_written == 3
    assert _json(out, 501)["categories"][0] == "Sports car racing series"
    assert any("page id 503" in w for w in _json(out, 503)["warnings"])

    counted.clear()
    second = _run(corpus, out, dump)
    assert counted == [] and second.unchanged == 1

    # A category of page 502 changed in the dump: the wikiextractor file is unchanged, yet
    # that document, and only it, is extracted again.
    _write_dump(dump, baltic=BALTIC.replace("Touring car series", "Night racing"))
    counted.clear()
    third = _run(corpus, out, dump)
    assert counted == ["wiki_00#502"] and third.changed == 1
    assert _json(out, 502)["categories"] == ["Night racing"]

    # Only the prose of a page changed: nothing the join uses, nothing extracted again.
    _write_dump(dump, nordic=NORDIC.replace("run in Scandinavia", "run in Norway"),
                baltic=BALTIC.replace("Touring car series", "Night racing"))
    counted.clear()
    fourth = _run(corpus, out, dump)
    assert counted == [] and fourth.changed == 1

    # The outputs are those of a full run with the dump as it is now.
    full = tmp_path / "full"
    _run(corpus, full, dump, full=True)
    for page in (501, 502, 503):
        assert _json(out, page) == _json(full, page)

    # Without the option, the documents are read (and extracted) again, without the dump.
    counted.clear()
    run_incremental(corpus, out, executor=SerialExecutor())
    assert sorted(counted) == ["wiki_00#501", "wiki_00#502", "wiki_00#503"]
    assert _json(out, 501)["categories"] == []


def test_the_dump_inside_the_input_folder_is_not_read_as_a_source(tmp_path):
    corpus = tmp_path / "extracted"
    corpus.mkdir()
    (corpus / "wiki_00").write_text(EXTRACTED, encoding="utf-8")
    dump = _write_dump(corpus / "dump.xml")
    summary = _run(corpus, tmp_path / "out", dump)
    assert summary.documents_read == 3
    assert sorted(p.name for p in (tmp_path / "out" / "json").iterdir()) == [
        "wiki_00#501.json", "wiki_00#502.json", "wiki_00#503.json"]
    shutil.rmtree(tmp_path / "out")
