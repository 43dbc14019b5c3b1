"""The token table's word numbers: one dense number per word type of a vocabulary."""

import spacy

from pipeline.nlp.tokens import TokenTable, word_numbers


def test_word_types_are_numbered_once_per_vocabulary_in_the_order_first_seen():
    nlp = spacy.blank("en")
    first = TokenTable(nlp.make_doc("The Cup ran . The Cup"))
    second = TokenTable(nlp.make_doc("the Cup returned"))
    assert first.numbers.tolist() == [0, 1, 2, 3, 0, 1]
    assert second.numbers.tolist() == [4, 1, 5]
    numbers = word_numbers(nlp.vocab)
    assert [nlp.vocab.strings[o] for o in numbers.orths] == ["The", "Cup", "ran", ".", "the",
                                                             "returned"]
    assert numbers.lowers[0] == numbers.lowers[4] == nlp.vocab.strings["the"]
    other = spacy.blank("en")
    assert word_numbers(other) is not numbers
    assert TokenTable(other.make_doc("returned")).numbers.tolist() == [0]
