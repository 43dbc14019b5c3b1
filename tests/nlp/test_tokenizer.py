import pytest
import spacy

from pipeline.nlp.tokenizer import (
    MAX_CHUNK_CHARS,
    TOKENIZER,
    ChunkedTokenizer,
    customize_tokenizer,
)


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


# --- the registered tokenizer: used by name, saved and loaded with a pipeline ----------------

CONFIG = {"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}}
# Dash infixes, heading marks, a special case and a run of brackets past the chunk bound.
TEXT = "==History== The 1983–1992 GTE-Pro cars (LMP2s) won. " + ")" * (MAX_CHUNK_CHARS + 5)


def _tokens(nlp, text=TEXT):
    return [(t.text, t.whitespace_) for t in nlp(text)]


def test_registered_tokenizer_has_the_rules_a_blank_pipeline_lacks(nlp):
    registered = spacy.blank("en", config=CONFIG)
    assert isinstance(registered.tokenizer, ChunkedTokenizer)
    assert _tokens(registered) == _tokens(nlp)
    assert [t.text for t in registered("1983–1992")] == ["1983", "–", "1992"]
    assert [t.text for t in spacy.blank("en")("1983–1992")] == ["1983–1992"]


def test_tokenizer_round_trip_rebuilds_the_rules_and_keeps_special_cases(tmp_path):
    nlp = spacy.blank("en", config=CONFIG)
    nlp.tokenizer.add_special_case("LMP2s", [{"ORTH": "LMP2"}, {"ORTH": "s"}])
    expected = _tokens(nlp)
    assert ("LMP2", "") in expected
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert isinstance(loaded.tokenizer, ChunkedTokenizer)
    # The bounded suffix search, rebuilt by the factory, not a regex compiled from the file.
    assert loaded.tokenizer.suffix_search.__qualname__.startswith("bounded_suffix_search")
    assert _tokens(loaded) == expected

    fresh = spacy.blank("en", config=CONFIG)
    fresh.tokenizer.from_bytes(nlp.tokenizer.to_bytes(exclude=["vocab"]))
    assert _tokens(fresh) == expected
    assert fresh.tokenizer.suffix_search.__qualname__.startswith("bounded_suffix_search")
