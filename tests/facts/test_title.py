"""Title inference on invented leads: races, seasons and headless articles."""

import pytest

from pipeline.facts.title import article_title
from pipeline.nlp import build_nlp
from tests.conftest import parse


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(["racing_classes"])


@pytest.mark.parametrize("lead, title", [
    ("The 12 Hours of Kestrel Bay (Spanish: 12 Horas) is an endurance race.",
     "12 Hours of Kestrel Bay"),
    ("The 500 km Mirabel was a sports car race held in Quebec.", "500 km Mirabel"),
    ("The 1998 Northern Sprint Cup was the third season of the Northern Sprint Cup.",
     "1998 Northern Sprint Cup"),
    ("The Automobile Club du Nord is a motoring club in Lille.", "Automobile Club du Nord"),
])
def test_lead_names_opening_with_a_number(nlp, lead, title):
    doc, _ = parse(nlp, lead + "\n")
    assert article_title(doc) == (title, "lead")


def test_a_number_alone_is_no_name(nlp):
    doc, _ = parse(nlp, "The 24 were all entered by one team.\n")
    assert article_title(doc)[1] != "lead"


def test_headless_lead_takes_the_name_the_article_uses(nlp):
    text = (", formerly known as the Kestrel N2 Sprint Series until 2004, and currently named "
            "the Acme Kestrel Sprint Series for sponsorship reasons, is a sprint series.\n\n"
            "Kestrel Sprint is a club series. Kestrel Sprint races are held in Chile. The "
            "Andes Cup is its rival.\n")
    doc, _ = parse(nlp, text)
    assert article_title(doc) == ("Kestrel Sprint", "inferred")


@pytest.mark.parametrize("lead, title", [
    ("The 2019 12 Hours of Kestrel Bay was the 40th running of the race.",
     "2019 12 Hours of Kestrel Bay"),
    ("The 1000 km of Kestrel Bay is an endurance race.", "1000 km of Kestrel Bay"),
    ("The 2015 Kestrel Touring Championship season was the fifth season of the series.",
     "2015 Kestrel Touring Championship season"),
])
def test_numbered_names_of_races_and_seasons(nlp, lead, title):
    doc, _ = parse(nlp, lead + "\n")
    assert article_title(doc) == (title, "lead")


@pytest.mark.parametrize("lead, title", [
    ("Grand-Prix Kestrel Racing (GPKR) was a sanctioning body.", "Grand-Prix Kestrel Racing"),
    ("The 6 Hours of Kestrel-Bay is an endurance race.", "6 Hours of Kestrel-Bay"),
    ("The Acme 12 at Kestrel Bay is a 12-hour race.", "Acme 12 at Kestrel Bay"),
])
def test_hyphenated_names_and_a_place_joined_to_a_race(nlp, lead, title):
    doc, _ = parse(nlp, lead + "\n")
    assert article_title(doc) == (title, "lead")


def test_a_spaced_dash_joins_no_name(nlp):
    doc, _ = parse(nlp, "Kestrel - Bay Racing is a club.\n")
    assert article_title(doc) != ("Kestrel - Bay Racing", "lead")


def test_a_headless_lead_with_a_bodys_prefixed_short_form(nlp):
    text = ("The (FIA KTCC) is an international touring car championship.\n\nThe Kestrel Touring "
            "Car Championship of 1987 had one season. The FIA Kestrel Touring Car Championship "
            "began in 2005.\n")
    doc, _ = parse(nlp, text)
    assert article_title(doc) == ("FIA Kestrel Touring Car Championship", "inferred")


def test_a_headless_lead_naming_nothing_takes_the_name_used_most(nlp):
    text = ("The is a club series founded in 1999.\n\nThe Kestrel Cup races at Bay Park. The "
            "Kestrel Cup had ten rounds, one with the Andes Trophy.\n")
    doc, _ = parse(nlp, text)
    assert article_title(doc) == ("Kestrel Cup", "inferred")
