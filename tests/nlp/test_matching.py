"""The windowed matching engine keeps spaCy Matcher semantics."""

import pytest
from spacy.matcher import Matcher

from pipeline.nlp import build_nlp
from pipeline.nlp.matching import AnchoredMatcher
from pipeline.nlp.tokens import TokenTable


@pytest.fixture(scope="module")
def nlp():
    return build_nlp([])


MATCHER_TEXT = (
    "The Northbay Cup was founded in 1994 and ran under FIA GT3 rules. It was renamed the "
    "Coastal Trophy in 2001, after being run by the Harbour Motor Club for a decade. Its "
    "successor , the Delta Series , merged with two other series to form the Ridge League. "
    "Cars raced in LMP2, GTE-Pro, GTE - Am, GT3 Pro-Am and Class B; Group C and Gr. 5 cars "
    "were also known as Le Mans Prototypes. The series ended in 2009 with its last season."
)


@pytest.mark.parametrize("patterns", [
    [[{"LOWER": {"IN": ["founded", "renamed"]}}, {"LOWER": {"NOT_IN": [".", ","]}, "OP": "{0,3}"},
      {"LOWER": {"IN": ["in", "the"]}}]],
    [[{"LOWER": "its"}, {"LOWER": {"IN": [",", "successor", "the"]}, "OP": "*"}]],
    [[{"LOWER": {"IN": ["under", "with"]}}, {"IS_UPPER": True},
      {"TEXT": {"REGEX": "^[A-Z0-9]"}, "OP": "{0,2}"}, {"LOWER": "rules"}]],
    [[{"TEXT": {"REGEX": "^(?:GTE|GT\\d)$"}}, {"TEXT": "-", "OP": "?"},
      {"TEXT": {"IN": ["Pro", "Am"]}, "OP": "+"}]],
    [[{"TEXT": "Gr"}, {"TEXT": "."}, {"TEXT": {"REGEX": "^\\d$"}}],
     [{"TEXT": "Le"}, {"TEXT": "Mans"}, {"LOWER": {"IN": ["prototype", "prototypes"]}}]],
    [[{"LOWER": "merged"}, {"LOWER": {"NOT_IN": ["."]}, "OP": "{1,8}"}, {"LOWER": "to"},
      {"LOWER": "form"}]],
])
def test_anchored_matcher_finds_what_the_matcher_finds(nlp, patterns):
    doc = nlp.make_doc(MATCHER_TEXT)
    reference = Matcher(nlp.vocab)
    reference.add("P", patterns)
    anchored = AnchoredMatcher(nlp.vocab)
    anchored.add("P", patterns)
    expected = sorted((s, e) for _, s, e in reference(doc))
    assert expected, "the pattern should match the sample text"
    assert sorted((s, e) for _, s, e in anchored(TokenTable(doc))) == expected


def test_anchored_matcher_rejects_what_it_cannot_read(nlp):
    with pytest.raises(ValueError):
        AnchoredMatcher(nlp.vocab).add("P", [[{"POS": "NOUN"}]])
