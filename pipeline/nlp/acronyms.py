"""Which words of a name a short form spells: one Schwartz-Hearst matcher for the abbreviation
detector and the series facts.

Adapted from Schwartz & Hearst (2003), "A simple algorithm for identifying abbreviation
definitions in biomedical text", as implemented in scispaCy's ``abbreviation.py``: the short
form's letters are looked for right to left among the words before it. Unlike scispaCy, which
matches characters anywhere in the words, a letter here must start a word (after an elided
article: "l'Ouest" gives its O): names of bodies and series are acronyms of their words, and
the stricter test keeps "FIA (Group A and Group B)" from reading as a definition. Function words
("de", "of") may be passed over without giving a letter. In a long form, a word in capitals
gives all its letters ("GT Le Mans" -> GTLM) and a number word its digit ("Formula Two" -> F2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

__all__ = ["AcronymRules", "initial", "leftover_words", "letters", "long_form_start",
           "spelled_words"]

_WORD_BREAKS = re.compile(r"[\s\-]+")


@dataclass(frozen=True)
class AcronymRules:
    """The words an acronym passes over and the elided articles it reads through, from the
    abbreviation rules' data (``skippable_words``, ``elision_prefixes``)."""

    skippable: frozenset[str]
    elisions: tuple[str, ...]
    # number word -> the digit it gives ("two" -> "2"), lower case
    digits: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: dict) -> AcronymRules:
        return cls(frozenset(data["skippable_words"]), tuple(data["elision_prefixes"]),
                   dict(data.get("number_words", {})))

    @cached_property
    def _elision_lengths(self) -> tuple[frozenset[str], tuple[int, ...]]:
        return frozenset(self.elisions), tuple(sorted({len(e) for e in self.elisions}))


def letters(short: str) -> list[str]:
    """The letters and digits a short form spells, lower case."""
    return [c.lower() for c in short if c.isalnum()]


def initial(word: str, rules: AcronymRules) -> str:
    """The letter a word gives an acronym ("l'Ouest" -> "o", "1000" -> "1")."""
    prefixes, lengths = rules._elision_lengths
    # Most words have no elided article: one set look-up per prefix length first.
    for k in lengths:
        if word[:k] in prefixes:
            for prefix in rules.elisions:
                if word.startswith(prefix) and len(word) > len(prefix):
                    return word[len(prefix):len(prefix) + 1].lower()
            break
    return word[:1].lower()


def _letters_given(word: str, spelled: list[str], j: int, rules: AcronymRules) -> int:
    """How many of the letters ``spelled[..j]`` (the last ones still wanted) ``word`` gives, 0
    for none: a word in capitals its letters ("GT" of GTLM), else its initial, or the digit of a
    number word ("Two" of F2)."""
    n = len(word)
    if 1 < n <= j + 1 and word.isalpha() and word.isupper() and (
        "".join(spelled[j + 1 - n:j + 1]) == word.lower()
    ):
        return n
    if initial(word, rules) == spelled[j] or rules.digits.get(word.lower()) == spelled[j]:
        return 1
    return 0


def _names_a_word(text: str) -> bool:
    return text[:1].isupper() or text[:1].isdigit()


def long_form_start(words: Sequence[str], punct: Sequence[bool], short: str,
                    rules: AcronymRules, anchored_start: bool = False) -> int | None:
    """Index in ``words`` (the words right before the short form, ``punct`` telling which are
    punctuation) where the long form of ``short`` starts, or None.

    Right to left: the last word must give the last letter; each further letter is the initial
    of some earlier word; skipped words must be skippable or capitalised (never a lower-case
    content word, which would mean the long form has ended). With ``anchored_start`` the long
    form must take every word from the first one (the text in parentheses of "SF (Long
    Form)"), leading skippable words aside.
    """
    spelled = letters(short)
    if not spelled or not words:
        return None
    j = len(spelled) - 1
    i = len(words) - 1
    if not _letters_given(words[i], spelled, j, rules):
        return None
    start = None
    while i >= 0 and j >= 0:
        word = words[i]
        given = _letters_given(word, spelled, j, rules)
        if given:
            # One letter per word, or all of a word in capitals: "SportsCar" would give two, no
            # name here does.
            j -= given
            start = i
        elif word in rules.skippable or punct[i]:
            pass
        elif not _names_a_word(word):
            return None
        i -= 1
    if j >= 0 or start is None:
        return None
    if anchored_start and any(w.lower() not in rules.skippable for w in words[:start]):
        return None
    return start if _names_a_word(words[start]) else None


def leftover_words(short: str, name: str, rules: AcronymRules) -> int | None:
    """How many content words of ``name`` the short form's letters, in order, leave over when
    they are read as its words' initials (fewer is a better fit); None when they do not fit."""
    spelled = letters(short)
    words = [w for w in _WORD_BREAKS.split(name) if w and w.casefold() not in rules.skippable]
    k = 0
    for word in words:
        if k < len(spelled) and initial(word, rules) == spelled[k]:
            k += 1
    return len(words) - len(spelled) if k == len(spelled) else None


def spelled_words(short: str, name: str, rules: AcronymRules) -> str | None:
    """The words of ``name`` a short form spells, aligned from the right: "JSPC" in "All Japan
    Sports Prototype Car Endurance Championship" keeps "All" (before the first letter) and the
    words the letters begin, giving "All Japan Sports Prototype Championship". None when the
    letters do not fit."""
    spelled = letters(short)
    words = name.split()
    keep: list[int] = []
    k = len(spelled) - 1
    for i in range(len(words) - 1, -1, -1):
        word = words[i]
        if k >= 0 and word.casefold() not in rules.skippable and initial(word, rules) == spelled[k]:
            keep.append(i)
            k -= 1
    if k >= 0 or not keep:
        return None
    kept = set(keep)
    # Words before the first letter stay ("All"), as do skippable words between kept ones.
    return " ".join(w for i, w in enumerate(words) if i < min(kept) or i in kept or (
        i < max(kept) and w.casefold() in rules.skippable))
