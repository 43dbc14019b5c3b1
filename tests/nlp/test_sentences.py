from __future__ import annotations

import pytest
import spacy

from pipeline.nlp.sentences import line_boundaries
from pipeline.nlp.tokenizer import customize_tokenizer

TEXTS = [
    "The Baltic Cup began in 1998. It folded in 2003! Why? Costs rose.",
    "Dr. Smith ran it... then left. \"It ended.\" Then a new era (1999).",
    "==History==\nThe series ran.\n\n- Item one\n- Item two\nLast line without stop",
    "A  double  space stays in one sentence. Next one",
    "x",
    "",
]


@pytest.fixture(scope="module")
def nlp():
    return customize_tokenizer(spacy.blank("en"))


def _reference(nlp, text):
    """spaCy's own Sentencizer, plus a boundary after every line break, token by token."""
    doc = nlp.get_pipe("sentencizer")(nlp.make_doc(text))
    for token in doc[1:]:
        if "\n" in doc[token.i - 1].text:
            token.is_sent_start = True
    return [s.text for s in doc.sents]


@pytest.mark.parametrize("text", TEXTS)
def test_every_line_break_starts_a_sentence(nlp, text):
    if "sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    ours = line_boundaries(nlp.get_pipe("sentencizer")(nlp.make_doc(text)))
    assert [s.text for s in ours.sents] == _reference(nlp, text)


def test_line_breaks_split_paragraphs_and_items(nlp):
    if "sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    doc = nlp.get_pipe("sentencizer")(nlp.make_doc("Heading\nFirst item\n\nSecond, still."))
    doc = line_boundaries(doc)
    assert [s.text.strip() for s in doc.sents] == ["Heading", "First item", "Second, still."]
