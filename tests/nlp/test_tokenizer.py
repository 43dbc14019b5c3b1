import pytest
import spacy

from pipeline.nlp.tokenizer import customize_tokenizer


@pytest.fixture(scope="module")
def nlp():
    return customize_tokenizer(spacy.blank("en"))


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("May 3–4, 1997", ["May", "3", "–", "4", ",", "1997"]),
        ("June 28—July 2", ["June", "28", "—", "July", "2"]),
        ("the 1994-95 season", ["the", "1994", "-", "95", "season"]),
        ("mid-1980s", ["mid", "-", "1980s"]),
        ("GTE-Pro", ["GTE", "-", "Pro"]),
        ("Lancia 037/038 and C1/GTP", ["Lancia", "037/038", "and", "C1", "/", "GTP"]),
        ("==1999 season==", ["==", "1999", "season", "=="]),
        ("short-lived", ["short", "-", "lived"]),
    ],
)
def test_dates_classes_and_headings_tokenize_as_the_rules_expect(nlp, text, tokens):
    assert [t.text for t in nlp(text)] == tokens
