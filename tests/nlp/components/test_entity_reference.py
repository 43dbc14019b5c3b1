"""Given names from reference data: the installed name dictionary, read once, and the words
left out of it; people found by them in invented sentences."""

from __future__ import annotations

import pytest

from pipeline.data.reference import parse_name_dictionary, reference_given_names
from pipeline.facts.entities import entity_records
from pipeline.nlp import build_nlp


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(["abbreviation_detector", "motorsport_entities"])


def ents(nlp, text) -> set[tuple[str, str]]:
    return {(r["label"], r["text"]) for r in entity_records(nlp(text))}


def test_name_dictionary_lines():
    text = (
        "# a comment line\n"
        "M  Ansgar                        1  2                                       $\n"
        "=  Abe Abraham                  1                                         $\n"
        "?F Jean+Claude                     3                                        $\n"
    )
    assert parse_name_dictionary(text) == {"Ansgar", "Jean-Claude"}


def test_reference_list_is_large_and_loaded_once():
    names = reference_given_names()
    assert len(names) > 40000
    assert {"Emile", "Daisuke", "Renger", "Christina"} <= names
    assert reference_given_names() is names


def test_people_by_reference_given_names(nlp):
    found = ents(nlp, "The club's secretary Gustave Vallard met Daisuke Kestrel in 1930.")
    assert {("PERSON", "Gustave Vallard"), ("PERSON", "Daisuke Kestrel")} <= found


def test_common_words_and_known_names_are_no_given_names(nlp):
    # "Will", "May" (stop words), "Austin" (a known maker) and "Victoria" (a known place) are
    # in the reference list but open no person's name here.
    found = ents(nlp, "Will Brenner Racing enter? In May Kestrel won. Austin Healey and "
                      "Victoria Vallar raced.")
    people = {text for label, text in found if label == "PERSON"}
    assert not any(p.startswith(("Will", "May", "Austin", "Victoria")) for p in people)


def test_a_head_word_is_no_surname(nlp):
    found = ents(nlp, "Races were held at Mallory Park.")
    assert not any(label == "PERSON" for label, _ in found)
