"""Entities of infobox values: the values read by the entity rules, and the names a field lists
when its key says what they are (invented articles)."""

from __future__ import annotations

import pytest

from pipeline.facts.entities import entity_records
from pipeline.ingest.reader import read_file
from pipeline.nlp import build_nlp
from pipeline.nlp.parse import parse_document

ARTICLE = """= Valdoria Sprint Series =

Infobox
- Logo: Valdoria Sprint Series logo.png
- Country: Portugal
- Inaugural season: 2001
- Classes: Valdoria Pro Challenge (VP), Kestrel Trophy (KT)
- Teams: About 12
- Tyre suppliers: Michelin, Kestrel Tyres
- Drivers' champion: VP: Ann Vallar Boris Kestrel KT: Greta van der Moor Tom Ingleby
- Teams' champion: VP: Brenner Motorsport KT: Scuderia Vallar
- Makes' champion: VP: Ferrari KT: Chevrolet
- Constructors: Audi, Ferrari , Note: The constructors in bold race this year.
- Chassis suppliers: Kestrel Cars, Dallara
- Engines: Turbocharged 2.0 litre I4 | country = Japan

The Valdoria Sprint Series is a sports car series in Portugal.
"""


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    path = tmp_path_factory.mktemp("infobox") / "valdoria.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    document = read_file(path)
    nlp = build_nlp(["abbreviation_detector", "motorsport_entities"])
    found = entity_records(parse_document(document, nlp))
    for r in found:
        assert document.text[r["start_char"] : r["end_char"]] == r["text"]
    return found


def _infobox(records) -> set[tuple[str, str]]:
    body_start = ARTICLE.index("The Valdoria Sprint Series is")
    return {(r["label"], r["text"]) for r in records if r["start_char"] < body_start}


def test_listed_names_take_the_label_of_their_field(records):
    found = _infobox(records)
    assert {("ORG", "Michelin"), ("ORG", "Kestrel Tyres")} <= found
    assert {("TEAM", "Brenner Motorsport"), ("TEAM", "Scuderia Vallar")} <= found
    assert {("MANUFACTURER", "Ferrari"), ("MANUFACTURER", "Chevrolet"),
            ("MANUFACTURER", "Audi"), ("MANUFACTURER", "Kestrel Cars"),
            ("MANUFACTURER", "Dallara")} <= found
    assert not any("Turbocharged" in text for _, text in found)


def test_people_run_together_are_cut_into_names(records):
    people = {text for label, text in _infobox(records) if label == "PERSON"}
    assert people == {"Ann Vallar", "Boris Kestrel", "Greta van der Moor", "Tom Ingleby"}


def test_other_values_are_read_by_the_rules(records):
    assert ("LOCATION", "Portugal") in _infobox(records)
    # A known name keeps its label in a field that lists another.
    assert ("LOCATION", "Japan") in _infobox(records)


def test_counts_notes_logos_and_class_lists_give_no_names(records):
    texts = {text for _, text in _infobox(records)}
    assert not any("About" in t or "Note" in t or "constructors" in t for t in texts)
    assert not any("Valdoria" in t or "Challenge" in t or "Trophy" in t for t in texts)


def test_entities_stay_in_document_order(records):
    starts = [r["start_char"] for r in records]
    assert starts == sorted(starts)
