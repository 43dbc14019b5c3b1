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


def test_a_doc_has_one_shared_table_which_does_not_keep_the_doc_alive():
    import gc
    import weakref

    nlp = spacy.blank("en")
    doc = nlp.make_doc("The Valdoria Cup ran in 1990 .")
    table = TokenTable.of(doc)
    assert TokenTable.of(doc) is table
    assert table.doc is doc
    assert table.texts == [t.text for t in doc]
    assert TokenTable.of(nlp.make_doc("The Valdoria Cup")) is not table
    # A copy of the doc gets a table of its own, not the original's.
    copy = doc.copy()
    assert TokenTable.of(copy).doc is copy
    alive = weakref.ref(doc)
    del doc, table, copy
    gc.collect()
    assert alive() is None


def test_texts_of_words_seen_before_are_those_of_the_doc():
    nlp = spacy.blank("en")
    TokenTable(nlp.make_doc("Northland Trophy")).texts  # noqa: B018 - learns the words
    doc = nlp.make_doc("the Northland Trophy and Northland")
    assert TokenTable(doc).texts == [t.text for t in doc]
    assert [w.text for w in TokenTable(doc).words] == [t.text for t in doc]


def test_first_words_finds_every_token_of_its_words_by_lower_case_and_no_other():
    import numpy as np

    from pipeline.nlp.tokens import FirstWords

    nlp = spacy.blank("en")
    words = FirstWords(nlp.vocab, ["Trophy", "cup", "series"])
    doc = nlp.make_doc("The CUP and the Trophy series , a cup zzz aaa Series trophies")
    table = TokenTable(doc)
    expected = np.flatnonzero(np.isin(table.lower, words.ids)).tolist()
    assert words.positions(table) == expected == [1, 4, 5, 8, 11]
    # Ids above and below every word's id (the binary search's two ends).
    assert words.positions(TokenTable(nlp.make_doc("zzzz"))) == []
    assert FirstWords(nlp.vocab, []).positions(table) == []
    assert words.positions(TokenTable(nlp.make_doc(""))) == []


def test_a_doc_with_a_shared_table_is_still_serialised_and_pickled():
    import pickle

    nlp = spacy.blank("en")
    doc = nlp.make_doc("The Valdoria Cup ran in 1990 .")
    TokenTable.of(doc).texts  # noqa: B018 - the table and a column exist
    again = type(doc)(nlp.vocab).from_bytes(doc.to_bytes())
    assert [t.text for t in again] == [t.text for t in doc]
    assert [t.text for t in pickle.loads(pickle.dumps(doc))] == [t.text for t in doc]
    assert TokenTable.of(again) is not TokenTable.of(doc)
