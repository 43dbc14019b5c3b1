"""The one Schwartz-Hearst matcher: which words of a name a short form spells."""

import pytest

from pipeline.data import load_json
from pipeline.nlp.acronyms import (
    AcronymRules,
    initial,
    leftover_words,
    long_form_start,
    spelled_words,
)


@pytest.fixture(scope="module")
def rules():
    return AcronymRules.from_data(load_json("abbreviation_rules.json"))


def start_of(words: str, short: str, rules, anchored: bool = False):
    tokens = words.split()
    found = long_form_start(tokens, [not w.isalnum() and len(w) == 1 for w in tokens], short,
                            rules, anchored)
    return None if found is None else " ".join(tokens[found:])


def test_initials_read_through_elided_articles(rules):
    assert initial("l'Ouest", rules) == "o"
    assert initial("D’Italia", rules) == "i"
    assert initial("1000", rules) == "1"
    assert initial("l'", rules) == "l"


@pytest.mark.parametrize("words, short, long", [
    ("by the Automobile Club de l'Ouest", "ACO", "Automobile Club de l'Ouest"),
    ("the new Sports Car Endurance Race Operation", "SERO", "Sports Car Endurance Race Operation"),
    ("the Japan Le Mans Challenge", "JLMC", "Japan Le Mans Challenge"),
    ("cars of the Fédération Internationale de l'Automobile", "FIA",
     "Fédération Internationale de l'Automobile"),
])
def test_long_form_is_found_right_to_left(rules, words, short, long):
    assert start_of(words, short, rules) == long


@pytest.mark.parametrize("words, short, long", [
    ("in the GT Harbour", "GTH", "GT Harbour"),  # a word in capitals gives all its letters
    ("the old Formula Four", "F4", "Formula Four"),  # a number word gives its digit
    ("the Nordic Formula Two", "NF2", "Nordic Formula Two"),
])
def test_capitals_and_number_words_give_their_letters(rules, words, short, long):
    assert start_of(words, short, rules) == long


def test_capitals_must_give_their_letters_in_order(rules):
    assert start_of("in the TG Harbour", "GTH", rules) is None
    assert start_of("the old Formula Five", "F4", rules) is None


@pytest.mark.parametrize("words, short", [
    ("run by a club of racing drivers", "ACO"),  # a lower-case content word ends the name
    ("Group A and Group B", "FIA"),  # letters must start words
    ("Japan Le Mans", "JLMC"),  # the last word must give the last letter
])
def test_no_long_form(rules, words, short):
    assert start_of(words, short, rules) is None


def test_an_anchored_long_form_takes_every_word_from_the_first(rules):
    assert start_of("the Japan Automobile Federation", "JAF", rules, anchored=True) == (
        "Japan Automobile Federation")
    assert start_of("new Japan Automobile Federation", "JAF", rules, anchored=True) is None


def test_leftover_words_count_what_the_letters_do_not_spell(rules):
    name = "All Japan Sports Prototype Car Endurance Championship"
    assert leftover_words("JSPC", "Japan Sports Prototype Championship", rules) == 0
    assert leftover_words("JSPC", name, rules) == 3
    assert leftover_words("XYZ", name, rules) is None


def test_spelled_words_keep_the_words_the_letters_begin(rules):
    assert spelled_words("JSPC", "All Japan Sports Prototype Car Endurance Championship",
                         rules) == "All Japan Sports Prototype Championship"
    assert spelled_words("ACO", "Automobile Club de l'Ouest", rules) == (
        "Automobile Club de l'Ouest")
    assert spelled_words("XYZ", "Harbour Endurance Challenge", rules) is None
