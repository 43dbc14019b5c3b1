"""One doc's tokens as plain columns, read once: the token table every rule reads.

The rules look at a few tokens around each candidate, many thousands of times per document, and
a ``Token`` object per look costs more than the look. A :class:`TokenTable` reads a column from
the doc the first time it is asked for (``Doc.to_array`` once, then Python lists) and keeps it;
it belongs to one doc and is passed explicitly to whatever reads it. Word facts (case, digits,
punctuation) depend on the word type only and are learnt once per process; word types are
numbered once per vocabulary (:class:`WordNumbers`), for tables indexed by word type.
"""

from __future__ import annotations

import re
import threading
import weakref
from bisect import bisect_right
from functools import cached_property
from typing import NamedTuple

import numpy as np
from spacy.attrs import IDX, LENGTH, LOWER, ORTH, SENT_START, SPACY
from spacy.tokens import Doc

from .lexeme_flags import lexeme_flags, per_vocab

__all__ = ["FirstWords", "Sentences", "TokenTable", "WordFacts", "WordNumbers", "word_facts",
           "word_numbers"]

# A proper name's word may start with an elided article: "l'Ouest", "d'Italia".
ELIDED_CAPITAL = re.compile(r"^[a-z]'[A-Z]")


class WordFacts(NamedTuple):
    """The Token attributes the rules read that depend on the word type only."""

    text: str
    lower_: str
    is_title: bool
    is_upper: bool
    is_punct: bool
    is_space: bool
    is_alpha: bool
    is_digit: bool
    like_num: bool
    capital: bool  # a word of a proper name: "Club", "ACO", "l'Ouest"


_WORD_FACTS: dict[int, WordFacts] = {}  # orth id -> facts, shared by every doc
_TEXTS: dict[int, str] = {}  # orth id -> the word's text, shared by every doc

# Held while a table learnt per word type grows (word numbers, the matchers' word classes): a
# thread runner extracts documents in several threads, and two of them numbering new words at
# once would give two words one number.
LEARNING = threading.RLock()


def word_facts(vocab, orth: int) -> WordFacts:
    """The facts of the word type ``orth``, learnt once per process."""
    facts = _WORD_FACTS.get(orth)
    if facts is None:
        lex = vocab[orth]
        text = lex.orth_
        capital = not lex.is_punct and (text[:1].isupper()
                                        or ELIDED_CAPITAL.match(text) is not None)
        facts = _WORD_FACTS[orth] = WordFacts(text, lex.lower_, lex.is_title, lex.is_upper,
                                              lex.is_punct, lex.is_space, lex.is_alpha,
                                              lex.is_digit, lex.like_num, capital)
    return facts


class WordNumbers:
    """The word types of one vocabulary numbered 0, 1, ... in the order first seen, so what is
    learnt per word type can be kept in a list or an array indexed by number."""

    def __init__(self, vocab) -> None:
        self.vocab = vocab
        self.orths: list[int] = []  # by number: the orth id
        self.lowers: list[int] = []  # by number: the lower id
        self._number_of: dict[int, int] = {}  # orth id -> number

    def of(self, tokens: TokenTable) -> np.ndarray:
        """The number of each token of a doc (a dict look-up per token: less than a binary
        search in numpy once the vocabulary is large; new word types are numbered here)."""
        orths, number_of = tokens.orth_list, self._number_of
        numbers = list(map(number_of.get, orths))
        if None in numbers:
            with LEARNING:
                return self._numbered(tokens, numbers)
        return np.array(numbers, dtype=np.intp)

    def _numbered(self, tokens: TokenTable, numbers: list[int | None]) -> np.ndarray:
        """``numbers`` completed, new word types numbered (under ``LEARNING``)."""
        orths, lowers, number_of = tokens.orth_list, tokens.lower_list, self._number_of
        for i, number in enumerate(numbers):
            if number is None:
                orth = orths[i]
                number = number_of.get(orth)
                if number is None:
                    number = len(self.orths)
                    self.orths.append(orth)
                    self.lowers.append(lowers[i])
                    number_of[orth] = number  # known to readers once its row exists
                numbers[i] = number
        return np.array(numbers, dtype=np.intp)


def word_numbers(vocab) -> WordNumbers:
    """The :class:`WordNumbers` of ``vocab``, one per vocabulary."""
    return per_vocab(WordNumbers, vocab)


class Sentences:
    """Sentence bounds of a doc, computed once: ``Token.sent`` rescans the doc on every call."""

    def __init__(self, doc: Doc) -> None:
        starts = np.flatnonzero(doc.to_array(SENT_START) == 1).tolist()
        if not starts or starts[0] != 0:
            starts = [0, *starts]
        self.starts = starts
        self.length = len(doc)

    def bounds(self, i: int) -> tuple[int, int]:
        """(start, end) token indices of the sentence holding token ``i``."""
        n = bisect_right(self.starts, i) - 1
        end = self.starts[n + 1] if n + 1 < len(self.starts) else self.length
        return self.starts[n], end


# Each doc's shared table (see TokenTable.of), by the doc itself: not in ``doc.user_data``,
# which ``Doc.to_bytes`` and pickling serialise (a table cannot be), and which ``Doc.copy``
# copies.
_SHARED_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class TokenTable:
    """The columns of one doc's tokens, each read from the doc when first asked for."""

    def __init__(self, doc: Doc) -> None:
        self._doc: Doc | None = doc
        self._doc_ref: weakref.ref | None = None
        self.length = len(doc)

    @property
    def doc(self) -> Doc:
        return self._doc if self._doc is not None else self._doc_ref()

    @classmethod
    def of(cls, doc: Doc) -> TokenTable:
        """The one table of ``doc``, shared by every component and fact builder that reads it
        (each made its own, and read the same columns again). Kept beside the doc, made when
        first asked for, dropped with the doc; no component retokenizes, so the columns stay
        true, and the sentence bounds are read when first asked for, after the sentence
        components. The table refers to its doc weakly, so that it does not keep its doc (the
        key of its entry) alive."""
        table = _SHARED_TABLES.get(doc)
        if table is None or table.length != len(doc):
            table = cls(doc)
            table._doc, table._doc_ref = None, weakref.ref(doc)
            _SHARED_TABLES[doc] = table
        return table

    def ids(self, attr: int) -> np.ndarray:
        """The ORTH or LOWER column as an array."""
        return self.orth if attr == ORTH else self.lower

    @cached_property
    def orth(self) -> np.ndarray:
        return self.doc.to_array(ORTH)

    @cached_property
    def lower(self) -> np.ndarray:
        return self.doc.to_array(LOWER)

    @cached_property
    def orth_list(self) -> list[int]:
        return self.orth.tolist()

    @cached_property
    def lower_list(self) -> list[int]:
        return self.lower.tolist()

    @cached_property
    def words(self) -> list[WordFacts]:
        """Per token, its word type's facts: ``words[i].lower_`` reads what ``doc[i].lower_``
        does without building a Token."""
        orths = self.orth_list
        words = list(map(_WORD_FACTS.get, orths))
        if None in words:
            vocab = self.doc.vocab
            words = [w or word_facts(vocab, o) for w, o in zip(words, orths)]
        return words

    @cached_property
    def texts(self) -> list[str]:
        # The words' texts kept by orth id: a StringStore look-up decodes a new string each
        # time, and the same words recur in every document.
        orths = self.orth_list
        texts = list(map(_TEXTS.get, orths))
        if None in texts:
            strings = self.doc.vocab.strings
            for i, text in enumerate(texts):
                if text is None:
                    texts[i] = _TEXTS[orths[i]] = strings[orths[i]]
        return texts

    @cached_property
    def space(self) -> list[int]:
        """1 where the token is followed by a space."""
        return self.doc.to_array(SPACY).tolist()

    @cached_property
    def flags(self) -> list[int]:
        """Each token's lexeme flag bits (``Lexeme.flags``: the IS_*/LIKE_* attributes and every
        ``lexeme_flag``), bit ``1 << flag id``."""
        return lexeme_flags(self.doc.vocab).of(self.orth_list)

    @cached_property
    def flag_array(self) -> np.ndarray:
        return np.array(self.flags, dtype=np.uint64)

    @cached_property
    def numbers(self) -> np.ndarray:
        """Each token's word type as its number in the vocabulary (see :class:`WordNumbers`)."""
        return word_numbers(self.doc.vocab).of(self)

    @cached_property
    def sentences(self) -> Sentences:
        return Sentences(self.doc)

    @cached_property
    def _offsets(self) -> tuple[list[int], list[int]]:
        offsets = self.doc.to_array([IDX, LENGTH])
        return offsets[:, 0].tolist(), (offsets[:, 0] + offsets[:, 1]).tolist()

    @property
    def starts(self) -> list[int]:
        """Character offset of each token."""
        return self._offsets[0]

    @property
    def ends(self) -> list[int]:
        """Character offset after each token."""
        return self._offsets[1]

    def text(self, start: int, end: int) -> str:
        """The text of tokens start..end, as ``Span.text`` (a token's trailing white space is
        one space or none)."""
        words, space = self.texts, self.space
        last = end - 1
        if start == last:
            return words[last]
        return (
            "".join([w + " " if space[i] else w for i, w in enumerate(words[start:last], start)])
            + words[last]
        )


class FirstWords:
    """Positions of some words (by LOWER), found with numpy over the LOWER column: a membership
    test in C instead of a matcher call."""

    def __init__(self, vocab, words) -> None:
        self.ids = np.array(sorted({vocab.strings.add(w.lower()) for w in words}), dtype=np.uint64)

    def positions(self, tokens: TokenTable) -> list[int]:
        # A binary search of each token in the sorted ids (numpy.isin sorts the tokens and the
        # ids together on every call: several times the cost at these sizes).
        ids, lower = self.ids, tokens.lower
        if not len(ids) or not len(lower):
            return []
        at = np.searchsorted(ids, lower)
        at[at == len(ids)] = 0
        return np.flatnonzero(ids[at] == lower).tolist()
