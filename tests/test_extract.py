from __future__ import annotations

import pytest

from pipeline import facts
from pipeline.extract import process_source
from tests.conftest import GOLD, RAW

GOOD = (
    b"= Baltic Touring Trophy =\n\nThe Baltic Touring Trophy (BTT) was a touring car series "
    b"based in Sweden. The series began in 1998 and folded in 2003.\n"
)


@pytest.mark.parametrize(
    "data, field",
    [(b"", "size"), (b"  \n", "source"), (b"\x00\x01\x02binary", "encoding"),
     (b"caf\xe9", "encoding"), (b"= T =\n\n==A==\n\n==B==\n", "body")],
)
def test_bad_input_becomes_an_error_row(data, field):
    result = process_source(data, "bad.txt")
    assert result.record is None
    assert [(e.stage, e.field, e.source) for e in result.errors] == [("read", field, "bad.txt")]


def test_invalid_record_is_dropped_and_reported_while_the_document_is_kept(monkeypatch):
    real = facts.entity_records

    def with_a_bad_offset(doc, **kwargs):
        found = list(real(doc, **kwargs))
        return found + [{"text": "Sweden", "label": "LOCATION", "start_char": 3,
                         "end_char": 9, "canonical": "Sweden"}]

    monkeypatch.setattr(facts, "entity_records", with_a_bad_offset)
    result = process_source(GOOD, "btt.txt")
    assert result.record is not None
    bad = [e for e in result.errors if e.stage == "validate"]
    assert len(bad) == 1 and bad[0].field.startswith("entities[")
    assert "not 'Sweden'" in bad[0].reason
    assert all(e.text == GOOD.decode()[e.start_char:e.end_char] for e in result.record.entities)
    assert any(w.startswith("dropped entities[") for w in result.record.warnings)


def test_an_exception_in_extraction_is_an_error_row(monkeypatch):
    def broken(doc, **kwargs):
        raise RuntimeError("rule blew up")

    monkeypatch.setattr(facts, "date_records", broken)
    result = process_source(GOOD, "btt.txt")
    assert result.record is None
    assert [(e.stage, e.reason) for e in result.errors] == [
        ("extract", "RuntimeError: rule blew up")
    ]


@pytest.mark.parametrize("stem", sorted(p.stem for p in GOLD.glob("*.json")))
def test_seed_document_level_fields_match_gold(stem, gold):
    result = process_source((RAW / f"{stem}.txt").read_bytes(), f"{stem}.txt")
    record, expected = result.record, gold[stem]
    assert record is not None, result.errors
    titles = {t.casefold() for t in [expected["title"], *expected["title_aliases"]]}
    assert record.title.casefold() in titles
    assert record.series.inaugural_year == expected["inaugural_year"]
    assert record.series.folded_year == expected["folded_year"]
    assert record.see_also == expected["see_also"]
    assert record.categories == expected["categories"]
    assert record.interlanguage == expected["interlanguage"]
    text = (RAW / f"{stem}.txt").read_text(encoding="utf-8")
    for item in [*record.entities, *record.dates]:
        assert text[item.start_char:item.end_char] == item.text


def test_headless_lead_that_lost_its_name_gets_title_and_abbreviation():
    text = (
        "The , abbreviated as NTCC, organised by the Nordic Motor Federation, was a touring car "
        "championship held in Sweden.\n\nThe series began in 1991 as Nordic Saloon Cup and was "
        "renamed the Nordic Touring Car Endurance Championship in 1995. The series was "
        "cancelled in 2001.\n"
    )
    record = process_source(text.encode(), "ntcc.txt").record
    assert record.title_source == "inferred"
    assert record.title == "Nordic Touring Car Endurance Championship"
    pairs = {(a.short, a.long) for a in record.abbreviations}
    assert ("NTCC", "Nordic Touring Car Championship") in pairs
    assert "NTCC" in record.series.aliases
    assert (record.series.inaugural_year, record.series.folded_year) == (1991, 2001)
    assert record.series.former_names == ["Nordic Saloon Cup"]



@pytest.mark.parametrize("text, inaugural", [
    (("= Kestrel Cup =\n\nInfobox\n- Inaugural: 2005\n- Folded: 1999\n\n"
     "The Kestrel Cup is a touring car series.\n"), 2005),
    # The example tests/test_properties.py found.
    (("Infobox\n- Name:1800\n- Years active:January 0, 1801 January 1800.\n\n"
     "The series ran for years.\n"), 1801),
])
def test_a_folded_year_before_the_inaugural_one_drops_the_folded_year_not_the_document(
        text, inaugural):
    # A check across fields names no field to drop: the whole document used to be rejected
    # with a ValidationError at the extract stage.
    result = process_source(text.encode(), "conflict.txt")
    assert result.record is not None
    assert result.record.series.inaugural_year == inaugural
    assert result.record.series.folded_year is None
    assert [(e.stage, e.field) for e in result.errors] == [("validate", "series")]
    assert any("before inaugural_year" in w for w in result.record.warnings)


@pytest.mark.parametrize("text", [b"the race was fun.\n", b"= =\n\nthe race was fun.\n"])
def test_a_title_nothing_names_is_null_not_empty(text):
    # Found by tests/test_properties.py: title and series name were "" with the warning
    # "title inferred from the text: ''".
    record = process_source(text, "untitled.txt").record
    assert record.title is None and record.title_source is None and record.series.name is None
    assert "no title: none written and none could be inferred" in record.warnings
    assert not any(w.startswith("title inferred") for w in record.warnings)
