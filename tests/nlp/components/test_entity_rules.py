"""Entity rules of the field on invented sentences: tyre suppliers and broadcasters, company
names, bodies by the verb before them, makers in the plural, cars inside longer names, races by
length and their sponsors."""

from __future__ import annotations

import pytest

from pipeline.nlp import build_nlp
from tests.nlp.components.test_entities import canon, ents


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(["abbreviation_detector", "motorsport_entities"])



def test_tyre_suppliers_and_broadcasters_are_organisations(nlp):
    found = ents(nlp, "Pirelli replaced Hankook in 2019, and Eurosport and Valdoria TV showed "
                      "the races.")
    assert {("ORG", "Pirelli"), ("ORG", "Hankook"), ("ORG", "Eurosport"),
            ("ORG", "Valdoria TV")} <= found
    found = ents(nlp, "Races were shown on Kestrel Sports and the Vallar Channel.")
    assert {("ORG", "Kestrel Sports"), ("ORG", "Vallar Channel")} <= found


def test_company_names_are_organisations(nlp):
    found = ents(nlp, "The cars were built by Kestrel GmbH for Vallar SA in 1990.")
    assert {("ORG", "Kestrel GmbH"), ("ORG", "Vallar SA")} <= found
    c = canon(nlp, "The series is organised by Ferrari AG.")
    assert c["Ferrari AG"][0] == "ORG"


def test_body_after_the_verb_without_article(nlp):
    found = ents(nlp, "The championship was promoted by Valdoria Sport Events until 2010.")
    assert ("ORG", "Valdoria Sport Events") in found
    # A person there stays a person.
    assert ("PERSON", "John Kestrel") in ents(nlp, "It was promoted by John Kestrel.")


def test_makers_in_the_plural(nlp):
    c = canon(nlp, "The Ferraris beat two Porsches and a Lola.")
    assert c["Ferraris"] == ("MANUFACTURER", "Ferrari")
    assert c["Porsches"] == ("MANUFACTURER", "Porsche")


def test_maker_inside_a_longer_name_is_no_car(nlp):
    found = ents(nlp, "The Porsche Vexar 1 Supercup and the Porsche Kestrel Composite Brake "
                      "were new; Porsche AG ran them.")
    assert not any(label == "CAR" for label, _ in found)
    assert ("SERIES", "Porsche Vexar 1 Supercup") in found


def test_car_models_with_words_and_codes(nlp):
    c = canon(nlp, "It raced a Porsche 911 Carrera and the Ford Sierra Cosworth RS500s.")
    assert c["Porsche 911 Carrera"] == ("CAR", "Porsche 911 Carrera")
    assert c["Ford Sierra Cosworth RS500s"] == ("CAR", "Ford Sierra Cosworth RS500")


def test_races_by_length_then_place_and_sponsor(nlp):
    found = ents(nlp, "The 1000 km Valdoria was cut to 700 km. It opened with the "
                      "Kestrel 12 Hours of Vallar.")
    assert ("EVENT", "1000 km Valdoria") in found
    assert ("EVENT", "Kestrel 12 Hours of Vallar") in found
    assert not any(text in {"700 km", "The 1000 km"} for _, text in found)


def test_named_straight_is_part_of_a_circuit(nlp):
    assert ("CIRCUIT", "Vallar Straight") in ents(nlp, "Cars reached 400 km/h on the "
                                                       "Vallar Straight.")


def test_series_named_with_of(nlp):
    found = ents(nlp, "Cars of the Valdoria Championship of Makes raced in 1977.")
    assert ("SERIES", "Valdoria Championship of Makes") in found


def test_place_after_the_word_for_its_kind(nlp):
    found = ents(nlp, "The club was founded in the town of Le Vallar, near the city of "
                      "Kestrel Bay.")
    assert {("LOCATION", "Le Vallar"), ("LOCATION", "Kestrel Bay")} <= found


def test_unknown_names_listed_with_known_ones_take_their_label(nlp):
    found = ents(nlp, "Rounds were held at Brands Hatch, Kestrel Hill, Zolder and Zandvoort.")
    assert ("CIRCUIT", "Kestrel Hill") in found
    # Known names of different labels pass on nothing.
    mixed = ents(nlp, "Entrants came from Japan, Porsche and Vallar.")
    assert not any(text == "Vallar" for _, text in mixed)
    # A sentence's first word is no listed name.
    opening = ents(nlp, "It rained. Kestrel, Porsche and Audi crashed.")
    assert not any(text == "Kestrel" for _, text in opening)
    # One known name is not enough.
    assert not any(text == "Kestrel" for _, text in ents(nlp, "He beat Porsche and Kestrel."))


def test_place_before_its_country(nlp):
    assert ("LOCATION", "Vallar") in ents(nlp, "A race was held at Vallar, Japan in 2009.")


def test_body_acronym_and_series_short_form(nlp):
    found = ents(nlp, "The Valdoria Touring Car Championship (VTCC) became the FIA VTCC.")
    assert ("SERIES", "FIA VTCC") in found


def test_acronym_inside_a_compound_name_is_no_body(nlp):
    found = ents(nlp, "It was open to GT3 and JAF-GT cars.")
    assert not any(label == "ORG" for label, _ in found)
