"""Abbreviation records: the infobox's "Long Name (CODE)" items, on invented articles."""

from __future__ import annotations

import pytest

from pipeline.facts.abbreviations import abbreviation_records, infobox_pairs
from pipeline.ingest.reader import read_text
from pipeline.nlp import build_nlp
from pipeline.nlp.parse import parse_document

ARTICLE = (
    "= Harbeck Endurance Series =\n\nInfobox\n- Country: Norland\n"
    "- Prototype classes: Prototype (P), Prototype Lite (PL)\n"
    "- GT classes: GT Harbeck (GTH), Touring Cup (TC2)\n"
    "- Logo: Harbeck Endurance Series (logo).png\n"
    "- Champions: Harbour Racing (Kestrel Motorsport)\n\n"
    "The Harbeck Endurance Series is a sports car series.\n"
)


def _pairs(records):
    return [(r["short"], r["long"]) for r in records]


def test_infobox_items_define_their_codes():
    document = read_text(ARTICLE, source="t.txt", doc_id="t")
    records = infobox_pairs(document)
    # "TC2" spells no "2"; "(logo)" is no code; "(Kestrel Motorsport)" is no code of its name.
    assert _pairs(records) == [("P", "Prototype"), ("PL", "Prototype Lite"),
                               ("GTH", "GT Harbeck")]
    for record in records:
        assert ARTICLE[record["start_char"]:record["end_char"]] == record["short"]
        assert ARTICLE[record["long_start_char"]:record["long_end_char"]] == record["long"]


@pytest.mark.parametrize("value", [
    "Touring (TC)",  # the code spells more than the name
    "the Harbeck Prototype (HP)",  # a name starts with its first word
    "Prototype touring (PT)",  # a lower-case content word is no name
])
def test_infobox_items_that_define_nothing(value):
    text = f"= Harbeck Cup =\n\nInfobox\n- Classes: {value}\n\nThe Harbeck Cup is a series.\n"
    assert infobox_pairs(read_text(text, source="t.txt", doc_id="t")) == []


def test_records_put_the_infobox_pairs_first_and_once():
    text = ARTICLE + "Its Prototype Lite (PL) cars are slower.\n"
    nlp = build_nlp(["abbreviation_detector"])
    records = abbreviation_records(parse_document(read_text(text, source="t.txt", doc_id="t"),
                                                  nlp))
    assert _pairs(records) == [("P", "Prototype"), ("PL", "Prototype Lite"),
                               ("GTH", "GT Harbeck")]


def test_an_abbreviation_key_pairs_the_title_words_it_spells():
    text = ("= Union Sportive de l'Automobile Norlandaise =\n\nInfobox\n- Abbreviation: USAN\n"
            "- Founded: 1921\n\nThe union governs motor sport in Norland.\n")
    (record,) = infobox_pairs(read_text(text, source="t.txt", doc_id="t"))
    assert (record["short"], record["long"]) == ("USAN",
                                                 "Union Sportive de l'Automobile Norlandaise")
    assert text[record["start_char"]:record["end_char"]] == "USAN"
    assert text[record["long_start_char"]:record["long_end_char"]] == record["long"]
    # A value that does not spell the title is no pair.
    assert infobox_pairs(read_text(text.replace("USAN", "NMSU"), source="t.txt",
                                   doc_id="t")) == []
