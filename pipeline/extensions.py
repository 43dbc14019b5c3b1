"""Every custom attribute the components set on spaCy objects, registered in one place.

Span groups used across components (``doc.spans[...]``):
  "abbreviations"  long-form and short-form spans of definitions, label "LONG"/"SHORT"
  "entities"       candidate entity spans of every label, overlaps allowed
  "classes"        racing-class mentions, label = the class category or "CLASS"
  "dates"          date expressions, label = the contract's date kind
"""

from __future__ import annotations

import json
import re

from spacy.tokens import Doc, Span


def _get_canonical(span: Span) -> str | None:
    return span.kb_id_ or None


def _set_canonical(span: Span, value: str | None) -> None:
    span.kb_id_ = value or ""


def register_extensions() -> None:
    """Idempotent: safe to call from every component's factory."""
    if not Doc.has_extension("abbreviations"):
        # Definitions found in the text: (long form span, short form span) pairs.
        Doc.set_extension("abbreviations", default=None)
    if not Doc.has_extension("short_forms"):
        # short form -> long form text, for linking undefined later uses.
        Doc.set_extension("short_forms", default=None)
    if not Span.has_extension("canonical"):
        # An entity's canonical name, kept as the span's kb_id: spaCy stores that per token, so
        # doc.ents and span groups carry it without a user_data entry for every span.
        Span.set_extension("canonical", getter=_get_canonical, setter=_set_canonical)
    if not Span.has_extension("date_value"):
        # dict with kind, value_start, value_end, granularity (contract's date fields).
        Span.set_extension("date_value", default=None)
    if not Span.has_extension("date_modifier"):
        # "boundary" ("the end of 1992") or "part" ("early 2008", "the late 1980s"), else None.
        Span.set_extension("date_modifier", default=None)
    if not Span.has_extension("date_relative"):
        # Relative dates: {"unit": "year"|"month", "from": int|None, "to": int|None}, the offsets
        # of the span's first and last unit from its anchor ("two more years": 1, 2).
        Span.set_extension("date_relative", default=None)
    if not Span.has_extension("class_name"):
        # A class mention's normalised name: "LMP1s" -> "LMP1", "Gr. C" -> "Group C".
        Span.set_extension("class_name", default=None)
    if not Span.has_extension("class_family"):
        # The class family from the pattern data ("LMP", "GT", "Group", "Class").
        Span.set_extension("class_family", default=None)
    if not Doc.has_extension("class_structure"):
        # Class lists, definitions and code aliases the text states (pipeline.classes):
        # {"enumerations": [...], "definitions": [...], "aliases": {code: long form}}.
        Doc.set_extension("class_structure", default=None)


register_extensions()


# Boolean lexeme flags (``Vocab.add_flag``): a word class computed once per word type and stored
# in the lexeme, so a Matcher token spec on it is a C-level bit test instead of a Python
# predicate (REGEX, IN) called for every token. Keyed by name; re-registered for a new vocab.
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
