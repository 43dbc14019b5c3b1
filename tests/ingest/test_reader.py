from __future__ import annotations

import pytest

from pipeline.ingest.reader import ReaderError, decode_source, read_bytes, read_file
from tests.conftest import FIXTURES, GOLD, RAW

READER = FIXTURES / "reader"


def _spans_slice_back(document) -> None:
    text = document.text
    assert len(document.body) == len(text)
    spans = list(document.see_also) + list(document.categories)
    if document.title:
        spans.append(document.title)
    for span in spans:
        assert text[span.start_char:span.end_char] == span.text
    for link in document.interlanguage:
        assert text[link.start_char:link.end_char] == link.title
    for field in document.infobox:
        assert text[field.value_start:field.value_end] == field.value
        assert text[field.key_start:].startswith(field.key)
    for section in document.sections:
        assert text[section.heading_start:section.heading_end] == section.heading
        assert text[section.start_char:section.end_char].strip()
    for block in document.blocks:
        for item in block.items:
            assert text[item.start_char:item.end_char] == item.text


def test_titled_layout():
    doc = read_file(READER / "titled.txt", READER)
    _spans_slice_back(doc)
    assert doc.source == "titled.txt"
    assert doc.title.text == "Nordic Endurance Cup"
    assert [(f.key, f.value) for f in doc.infobox] == [
        ("Logo", "Nordic Endurance Cup (logo).png"), ("Inaugural", "2011"), ("Folded", "2015"),
        ("Classes", "NP1, NP2"),
    ]
    assert [(s.heading, s.level) for s in doc.sections] == [
        ("Rules", 2), ("Tyres", 3), ("See also", 2)
    ]
    rules, tyres, _ = doc.sections
    # A level-2 section contains its level-3 subsection.
    assert rules.start_char < tyres.start_char < tyres.end_char <= rules.end_char
    assert [s.text for s in doc.see_also] == ["Baltic Touring Trophy", "Vastervik Raceway"]
    assert [(link.lang, link.title) for link in doc.interlanguage] == [
        ("fi", "Nordic Endurance Cup"), ("sv", "Nordiska uthållighetscupen")
    ]
    assert doc.categories == ()
    # Metadata is blanked out of the body the extractors see; prose is kept in place.
    assert "Inaugural" not in doc.body and "fi:" not in doc.body
    lead = doc.paragraphs()[0]
    assert doc.body[lead.start_char:lead.end_char].startswith("The Nordic Endurance Cup")
    assert lead.section is None


def test_headless_layout():
    doc = read_file(READER / "headless.txt", READER)
    _spans_slice_back(doc)
    assert doc.title is None
    assert [s.heading for s in doc.sections] == ["Results", "Champions"]
    assert [c.text for c in doc.categories] == [
        "Touring car racing series", "Motorsport in Portugal"
    ]
    assert doc.interlanguage == ()
    assert [b.section for b in doc.paragraphs()] == [None, None, 0]


def test_bom_and_crlf_offsets_index_decoded_text():
    doc = read_file(READER / "bom_crlf.txt", READER)
    _spans_slice_back(doc)
    assert doc.title.text == "Costa Rally Series"
    assert not doc.text.startswith("\ufeff")
    para = doc.paragraphs()[0]
    assert doc.text[para.start_char:para.end_char].endswith("in Spain.")


@pytest.mark.parametrize("stem", sorted(p.stem for p in GOLD.glob("*.json")))
def test_seeds_match_gold_structure(stem, gold):
    doc = read_file(RAW / f"{stem}.txt", RAW)
    _spans_slice_back(doc)
    expected = gold[stem]
    assert [s.text for s in doc.see_also] == expected["see_also"]
    assert [c.text for c in doc.categories] == expected["categories"]
    assert {link.lang: link.title for link in doc.interlanguage} == expected["interlanguage"]


def test_seed_sections_and_infobox():
    doc = read_file(RAW / "000_a130407e5d50b46e.txt", RAW)
    assert [s.heading for s in doc.sections] == [
        "Rules", "History", "Asian Le Mans Series", "See also"
    ]
    assert doc.infobox_value("inaugural").value == "2006"
    assert doc.infobox_value("Lmp Classes").value == "LMP1, LMP2"


@pytest.mark.parametrize(
    "data, field, message",
    [
        (b"", "size", "empty file: 0 bytes"),
        (b"  \n\n\t\n", "source", "empty document: only whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "encoding", "binary"),
        (b"The caf\xe9 series", "encoding", "not valid UTF-8: byte 0xe9 at offset 7"),
        (b"= Title =\n\n==Rules==\n\n==History==\n", "body", "no body text"),
    ],
)
def test_bad_inputs_raise_clear_errors(data, field, message):
    with pytest.raises(ReaderError) as info:
        read_bytes(data, source="bad.txt")
    assert info.value.field == field
    assert message in info.value.reason


def test_decode_strips_bom_only_once():
    assert decode_source(b"\xef\xbb\xbfabc") == "abc"
    assert decode_source("\ufeffabc".encode()) == "abc"
    assert decode_source("Öster".encode()) == "Öster"


@pytest.mark.parametrize("marks", ["= =", "=  =", "== ==", "===\t===", "=\x0b=", "== \x0b =="])
def test_a_title_or_heading_line_with_nothing_inside_names_nothing(marks):
    # Found by tests/test_properties.py: "= =" gave the title " ", which the series facts
    # then failed to look up (IndexError).
    text = f"{marks}\n\nThe Kestrel Cup is a touring car series.\n"
    doc = read_bytes(text.encode(), "blank.txt")
    _spans_slice_back(doc)
    assert doc.title is None
    assert doc.sections == ()


@pytest.mark.parametrize("keyless", ["-  : 1800", "- :: 1801", "- \x0b: 1802", "|\t= 1803"])
def test_an_infobox_line_without_a_key_gives_no_field(keyless):
    # Found by tests/test_properties.py: "-  : 1800" gave the infobox key " ".
    text = f"Infobox\n- Inaugural: 1999\n{keyless}\n\nThe Kestrel Cup is a series.\n"
    doc = read_bytes(text.encode(), "keyless.txt")
    _spans_slice_back(doc)
    assert [(f.key, f.value) for f in doc.infobox] == [("Inaugural", "1999")]
