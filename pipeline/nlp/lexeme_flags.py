"""Boolean lexeme flags (``Vocab.add_flag``): a word class computed once per word type and
stored in the lexeme, so a Matcher token spec on it is a C-level bit test instead of a Python
predicate (REGEX, IN) called for every token.
"""

from __future__ import annotations

import json
import re

__all__ = ["LexemeFlags", "flag_specs", "lexeme_flag", "lexeme_flags", "per_vocab"]

# Flags by (vocab, name); re-registered for a new vocab.
_LEXEME_FLAGS: dict[tuple[int, str], tuple[int, object]] = {}


def lexeme_flag(vocab, name: str, getter) -> int:
    """The flag id of the word class ``name`` (``getter(text) -> bool``) in ``vocab``."""
    key = (id(vocab), name)
    known = _LEXEME_FLAGS.get(key)
    if known is not None and vocab.lex_attr_getters.get(known[0]) is known[1]:
        return known[0]
    flag = vocab.add_flag(getter)
    _LEXEME_FLAGS[key] = (flag, getter)
    return flag


def flag_specs(pattern: list[dict], vocab) -> list[dict]:
    """Turn REGEX and IN predicates on TEXT/ORTH/LOWER into lexeme flags (see
    ``lexeme_flag``): the Matcher then tests a bit instead of calling Python for every token,
    which keeps the components within the speed budget. ``{"ANY": [spec, ...]}`` is a token
    matching any of the specs (one flag), so that alternatives share one pattern."""
    compiled = []
    for spec in pattern:
        out = {}
        for attr, value in spec.items():
            getter = _spec_getter(attr, value)
            if getter is not None:
                out[lexeme_flag(vocab, _flag_name(attr, value), getter)] = True
            else:
                out[attr] = value
        compiled.append(out)
    return compiled


def _flag_name(attr: str, value) -> str:
    attr = "ORTH" if attr == "TEXT" else attr
    return f"{attr}:{json.dumps(value, ensure_ascii=False, sort_keys=True)}"


def _spec_getter(attr: str, value):
    """A ``text -> bool`` function for a flaggable token spec, else None."""
    if attr == "ANY":
        getters = [_spec_getter(a, v) for spec in value for a, v in spec.items()]
        if any(g is None for g in getters):
            raise ValueError(f"ANY takes IN and REGEX specs only: {value!r}")
        return lambda text: any(g(text) for g in getters)
    if attr in {"TEXT", "ORTH", "LOWER"} and isinstance(value, dict) and len(value) == 1:
        ((kind, arg),) = value.items()
        if kind in {"IN", "REGEX"}:
            return _getter(attr, kind, arg)
    return None


def _getter(attr: str, kind: str, arg):
    lower = attr == "LOWER"
    if kind == "REGEX":
        regex = re.compile(arg)
        return lambda text: regex.search(text.lower() if lower else text) is not None
    words = frozenset(w.lower() for w in arg) if lower else frozenset(arg)
    return lambda text: (text.lower() if lower else text) in words


class LexemeFlags:
    """The lexeme flags of a doc's tokens as one integer per token, bit ``1 << flag id``:
    ``Lexeme.flags`` holds the built-in IS_*/LIKE_* attributes and every ``lexeme_flag``.

    ``Doc.to_array`` reads one flag per pass over the doc, so k word classes cost k passes;
    here a doc costs its ORTH column and a dict look-up per distinct word, the flags of a word
    type being read from its lexeme once per process (they are computed when the lexeme is
    made, as for the Matcher).
    """

    def __init__(self, vocab) -> None:
        self.vocab = vocab
        self._flags: dict[int, int] = {}
        self._getters = len(vocab.lex_attr_getters)

    def of(self, orths: list[int]) -> list[int]:
        """The flags of each token, from the doc's ORTH column as a list."""
        if len(self.vocab.lex_attr_getters) != self._getters:
            # A flag was added since: the lexemes have it, the cache does not.
            self._flags.clear()
            self._getters = len(self.vocab.lex_attr_getters)
        flags = list(map(self._flags.get, orths))
        if None in flags:
            vocab = self.vocab
            for i, value in enumerate(flags):
                if value is None:
                    flags[i] = self._flags[orths[i]] = vocab[orths[i]].flags
        return flags


_PER_VOCAB: dict[tuple[type, int], object] = {}


def per_vocab(cls, vocab):
    """The one ``cls(vocab)`` of ``vocab``: a table learnt per word type, kept per vocabulary
    (a new vocabulary with a reused id gets a new one)."""
    key = (cls, id(vocab))
    found = _PER_VOCAB.get(key)
    if found is None or found.vocab is not vocab:
        found = _PER_VOCAB[key] = cls(vocab)
    return found


def lexeme_flags(vocab) -> LexemeFlags:
    """The :class:`LexemeFlags` of ``vocab``, one per vocabulary."""
    return per_vocab(LexemeFlags, vocab)
