"""Matcher patterns matched only where they can occur: the one windowed matching engine.

A :class:`WindowedMatcher` takes spaCy ``Matcher`` patterns and finds what a whole-doc
``Matcher`` call finds (every match of every length, operators ``1 ? * + ! {n} {n,m} {n,} {,m}``,
greedy filters), without trying every pattern at every token:

1. Word classes. A token spec tests attributes of the word type only, so which specs accept a
   word is learnt once per word type (:class:`WordClasses`): a doc's tokens become slots of a
   table read with numpy, and a token test is a bit test (lexeme flags, without their limit of
   63 bits).
2. Anchors. Each pattern is anchored on its rarest required token spec in the doc, and skipped
   when a required spec accepts no token. The one operator parser (:func:`parse_op`) gives
   each spec's least and most tokens, hence how far a match reaches before its anchor.
3. Windows. Before each anchor token, the positions a match holding it can start at; the
   windows of a pattern are merged, so each start is tried once (an anchor on the first token
   is the case where a window is the anchor itself).
4. Matching. From each start, the positions reachable after each token spec (a set of states,
   as in a regex automaton) are the ends of every match there.

Matches come in document order: by start, then pattern (in the order added), then end. Which
token spec each token of a match matched (``with_alignments``) is read by spaCy's Matcher on
the match's own tokens (:meth:`WindowedMatcher.alignment`).
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np
from spacy.attrs import IDS
from spacy.matcher import Matcher
from spacy.tokens import Doc

from .lexeme_flags import lexeme_flags
from .tokens import LEARNING, TokenTable, word_numbers

__all__ = ["Operator", "WindowedMatcher", "WordClasses", "parse_op"]


# --- the operator ------------------------------------------------------------------------------


class Operator(NamedTuple):
    """How many tokens one token spec takes."""

    low: int
    high: int | None  # None: no limit
    negated: bool = False  # "!": one token the spec does not accept


_OPERATORS = {
    "1": Operator(1, 1),
    "?": Operator(0, 1),
    "*": Operator(0, None),
    "+": Operator(1, None),
    "!": Operator(1, 1, negated=True),
}
_REPEAT = re.compile(r"^\{(\d*)(,?)(\d*)\}$")


def parse_op(op: str | None) -> Operator:
    """The ``OP`` of a Matcher token spec (absent: exactly one token), as spaCy reads it."""
    if op is None:
        return _OPERATORS["1"]
    if op in _OPERATORS:
        return _OPERATORS[op]
    repeat = _REPEAT.match(op)
    if repeat is None or not (repeat.group(1) or repeat.group(3)):
        raise ValueError(f"unsupported operator: {op!r}")
    least, comma, most = repeat.groups()
    low = int(least or 0)
    high = (int(most) if most else None) if comma else low
    if high is not None and high < low:
        raise ValueError(f"unsupported operator: {op!r}")
    return Operator(low, high)


# --- word classes ------------------------------------------------------------------------------


class _Word(NamedTuple):
    """What a token spec may read of a word type, read once per new word type."""

    orth: int
    lower: int
    text: str
    lower_: str
    shape_: str
    flags: int  # Lexeme.flags: the IS_*/LIKE_* attributes and every lexeme flag


_STRING_ATTRS = {"ORTH": "text", "TEXT": "text", "LOWER": "lower_", "SHAPE": "shape_"}
_ID_ATTRS = {"ORTH": "orth", "TEXT": "orth", "LOWER": "lower"}
# Boolean lexeme attributes are flag bits of Lexeme.flags (spacy.attrs ids below 64).
_FLAG_ATTRS = {name: attr for name, attr in IDS.items()
               if (name.startswith(("IS_", "LIKE_")) and attr < 64)}


class Condition(NamedTuple):
    """One attribute condition of a token spec, on a word type."""

    field: str  # a _Word field
    kind: str  # "IN", "NOT_IN", "REGEX" or "FLAG"
    arg: object  # a frozenset (of string ids for orth/lower), a regex, or (flag bit, value)


def _spec_conditions(vocab, spec: dict) -> tuple[Condition, ...]:
    """The conditions of one Matcher token spec (its ``OP`` aside): string attributes as a
    value, IN, NOT_IN or REGEX; boolean IS_*/LIKE_* attributes; lexeme flag ids. Specs on
    anything else (POS, ENT_TYPE, extensions) are refused: they are not word-type facts."""
    out = []
    for attr, value in spec.items():
        if attr == "OP":
            continue
        if isinstance(attr, int) and 0 <= attr < 64:  # a lexeme flag id (lexeme_flags.py)
            out.append(Condition("flags", "FLAG", (1 << attr, bool(value))))
        elif attr in _FLAG_ATTRS:
            out.append(Condition("flags", "FLAG", (1 << _FLAG_ATTRS[attr], bool(value))))
        elif attr in _STRING_ATTRS:
            out.append(_string_condition(vocab, attr, value, spec))
        else:
            raise ValueError(f"unsupported token spec: {spec}")
    return tuple(out)


def _string_condition(vocab, attr: str, value, spec: dict) -> Condition:
    # Words as string ids, as the Matcher compares them (LOWER values are not lower-cased).
    if isinstance(value, str):
        value = {"IN": [value]}
    if not isinstance(value, dict) or len(value) != 1:
        raise ValueError(f"unsupported token spec: {spec}")
    ((kind, arg),) = value.items()
    if kind == "REGEX":
        return Condition(_STRING_ATTRS[attr], kind, re.compile(arg))
    if kind not in ("IN", "NOT_IN") or isinstance(arg, str):
        raise ValueError(f"unsupported token spec: {spec}")
    if attr in _ID_ATTRS:
        return Condition(_ID_ATTRS[attr], kind, frozenset(vocab.strings.add(w) for w in arg))
    return Condition(_STRING_ATTRS[attr], kind, frozenset(arg))


class WordTest(NamedTuple):
    """What one token spec asks of a word: all conditions of one of the alternatives (one, but
    for the first token of a pattern of optional tokens), or, ``negated``, the opposite."""

    alternatives: tuple[tuple[Condition, ...], ...]
    negated: bool = False


def _union(regexes: list[re.Pattern]) -> re.Pattern | None:
    """One regex that finds a match where one of ``regexes`` does (None when some regex has
    groups, which could be referred to by number)."""
    if any(regex.groups or regex.flags & ~re.UNICODE for regex in regexes):
        return None
    return re.compile("|".join(f"(?:{regex.pattern})" for regex in regexes))


def _passed(tests: list[tuple[int, WordTest]], word: _Word) -> int:
    """The bits of the tests ``word`` passes."""
    mask = 0
    for bit, test in tests:
        if any(all(_holds(c, word) for c in conditions)
               for conditions in test.alternatives) != test.negated:
            mask |= bit
    return mask


def _holds(condition: Condition, word: _Word) -> bool:
    field, kind, arg = condition
    if kind == "FLAG":
        bit, value = arg
        return bool(word.flags & bit) == value
    if kind == "REGEX":
        return arg.search(getattr(word, field)) is not None
    return (getattr(word, field) in arg) == (kind == "IN")


class WordClasses:
    """Which of some word tests accept each word type, learnt once per word type.

    Each distinct set of accepted tests is a slot: a slot gives a bit mask (bit n: test n
    accepts the word) for the matching, and a row of :meth:`table` for numpy. A doc's tokens
    find their slots by their word numbers (``TokenTable.numbers``) in numpy, and only word
    types new to the tests are tested in Python: all word lists of a field by one dict
    look-up, the tests on lexeme flags once per combination of flags, and the regexes only when
    one regex of them all finds something.
    """

    def __init__(self, vocab, tests: list[WordTest]) -> None:
        self.vocab = vocab
        self.width = len(tests)
        self._slot_by_number = np.zeros(0, dtype=np.intp)  # word number -> slot
        self.masks: list[int] = [0]  # slot -> bit mask of the tests accepting its words
        self._slot_of_mask: dict[int, int] = {0: 0}
        self._table = np.zeros((1, self.width), dtype=bool)  # see table
        self._counting_table: np.ndarray | None = None  # see counting_table
        self._mask_array: np.ndarray | None = None
        # The tests of one plain condition by kind; tests on flags only; the others.
        self._in: dict[str, dict] = {}  # field -> value -> bits of the IN tests holding it
        self._not_in: dict[str, tuple[int, dict]] = {}  # field -> (NOT_IN bits, as _in)
        self._regexes: dict[str, list[tuple[int, re.Pattern]]] = {}  # field -> (bit, regex)
        self._on_flags: list[tuple[int, WordTest]] = []
        self._by_flags: dict[int, int] = {}  # Lexeme.flags -> bits of the _on_flags tests
        self._others: list[tuple[int, WordTest]] = []
        for n, test in enumerate(tests):
            self._sort(1 << n, test)
        self._unions = {field: _union([regex for _, regex in regexes])
                        for field, regexes in self._regexes.items()}
        # The strings the tests read (a string look-up costs as much as a test).
        self._fields = {c.field for test in tests for alternative in test.alternatives
                        for c in alternative}

    def _sort(self, bit: int, test: WordTest) -> None:
        """File a test under the way it is evaluated."""
        conditions = [c for alternative in test.alternatives for c in alternative]
        if all(c.kind == "FLAG" for c in conditions):
            self._on_flags.append((bit, test))
            return
        if len(conditions) > 1 or test.negated:
            self._others.append((bit, test))
            return
        ((field, kind, arg),) = conditions
        if kind == "REGEX":
            self._regexes.setdefault(field, []).append((bit, arg))
            return
        if kind == "NOT_IN":
            bits, by_value = self._not_in.get(field, (0, {}))
            self._not_in[field] = (bits | bit, by_value)
        else:
            by_value = self._in.setdefault(field, {})
        for value in arg:
            by_value[value] = by_value.get(value, 0) | bit

    def slots(self, tokens: TokenTable) -> np.ndarray:
        """The slot of each token of a doc of this vocabulary."""
        numbers = tokens.numbers
        known, words = len(self._slot_by_number), word_numbers(self.vocab)
        if len(words.orths) > known:  # word types new to these tests, in this doc or before
            orths = words.orths[known:]
            learnt = self._learn(orths, words.lowers[known:], lexeme_flags(self.vocab).of(orths))
            self._slot_by_number = np.concatenate(
                [self._slot_by_number, np.array(learnt, dtype=np.intp)])
        return self._slot_by_number[numbers]

    def _learn(self, orths: list[int], lowers: list[int], flags: list[int]) -> list[int]:
        """The slots of new word types, from their orth and lower ids and lexeme flags: each
        kind of test over all of them at once (a call per word would cost more than the tests)."""
        vocab, fields, blank = self.vocab, self._fields, [""] * len(orths)
        strings = vocab.strings
        columns = {
            "orth": orths,
            "lower": lowers,
            "text": [strings[o] for o in orths] if "text" in fields else blank,
            "lower_": [strings[w] for w in lowers] if "lower_" in fields else blank,
            "shape_": [vocab[o].shape_ for o in orths] if "shape_" in fields else blank,
            "flags": flags,
        }
        masks = [0] * len(orths)
        for field, by_value in self._in.items():
            get = by_value.get
            masks = [mask | get(value, 0) for mask, value in zip(masks, columns[field])]
        for field, (bits, by_value) in self._not_in.items():
            get = by_value.get
            masks = [mask | bits & ~get(value, 0) for mask, value in zip(masks, columns[field])]
        for field, regexes in self._regexes.items():
            union = self._unions[field]
            for i, text in enumerate(columns[field]):
                if union is None or union.search(text):
                    masks[i] |= sum(bit for bit, regex in regexes if regex.search(text))
        if self._on_flags:
            by_flags = self._by_flags
            for value in set(flags).difference(by_flags):
                by_flags[value] = _passed(self._on_flags, _Word(0, 0, "", "", "", value))
            masks = [mask | by_flags[value] for mask, value in zip(masks, flags)]
        if self._others:
            words = [_Word(*row) for row in zip(*(columns[f] for f in _Word._fields))]
            masks = [mask | _passed(self._others, word) for mask, word in zip(masks, words)]
        return [self._slot(mask) for mask in masks]

    def _slot(self, mask: int) -> int:
        slot = self._slot_of_mask.get(mask)
        if slot is None:
            slot = self._slot_of_mask[mask] = len(self.masks)
            self.masks.append(mask)
        return slot

    def mask_array(self) -> np.ndarray:
        """The bit mask of each slot, as an array of Python ints (for numpy indexing)."""
        if self._mask_array is None or len(self._mask_array) != len(self.masks):
            self._mask_array = np.array(self.masks, dtype=object)
        return self._mask_array

    def table(self) -> np.ndarray:
        """slots x tests: True where the test accepts the slot's words."""
        learnt = len(self._table)
        if learnt < len(self.masks):
            rows = [[mask >> n & 1 for n in range(self.width)] for mask in self.masks[learnt:]]
            self._table = np.concatenate([self._table, np.array(rows, dtype=bool)])
        return self._table

    def counting_table(self) -> np.ndarray:
        """:meth:`table` as 0.0 and 1.0, for counting the tokens each test accepts with one
        product: numpy multiplies floats with BLAS, booleans and integers in a slow generic
        loop (several times the time for the tables here); the counts are exact."""
        table = self.table()
        if self._counting_table is None or len(self._counting_table) != len(table):
            self._counting_table = table.astype(np.float64)
        return self._counting_table


# --- patterns ----------------------------------------------------------------------------------


class _Step(NamedTuple):
    """One token spec of a pattern: the bit of its word test, and its operator's bounds."""

    bit: int
    low: int
    high: int | None


class _Anchor(NamedTuple):
    """A required token spec of a pattern, and where a match starts relative to the first token
    it matches: between ``most_before`` (None: no limit) and ``least_before`` tokens before it;
    the tokens in between each pass one of the tests in ``before_mask``."""

    test: int
    least_before: int
    most_before: int | None
    before_mask: int


class _Pattern(NamedTuple):
    key: int
    steps: tuple[_Step, ...]
    anchors: tuple[_Anchor, ...]
    tests: tuple[int, ...]  # the required tests: all must occur in a doc for a match
    lead: tuple[int, int]  # bits a first and a second token must have (0: none)
    fixed_length: int | None  # of every match, when the lead tests are the whole pattern


def _anchors(steps: list[tuple[int, Operator]]) -> tuple[_Anchor, ...]:
    anchors = []
    least = 0
    most: int | None = 0
    mask = 0
    for test, op in steps:
        if op.low:
            anchors.append(_Anchor(test, least, most, mask))
        least += op.low
        most = None if most is None or op.high is None else most + op.high
        mask |= 1 << test
    return tuple(anchors)


def _lead(steps: list[tuple[int, Operator]]) -> tuple[int, int]:
    """The test bits every match's first and second tokens must have (0: none known): the first
    spec's when it takes a token or more, the second's when the first takes exactly one."""
    (test, op), rest = steps[0], steps[1:]
    first = 1 << test if op.low else 0
    second = 1 << rest[0][0] if rest and rest[0][1].low and op[:2] == (1, 1) else 0
    return first, second


# --- the engine --------------------------------------------------------------------------------


class WindowedMatcher:
    """spaCy ``Matcher`` patterns, matched only in windows around their anchor tokens."""

    def __init__(self, vocab) -> None:
        self.vocab = vocab
        self.patterns: list[_Pattern] = []
        self._specs: list[list[dict]] = []  # per pattern, as given (for alignments)
        self._tests: list[WordTest] = []
        self._test_of: dict[WordTest, int] = {}  # test -> its index
        self._words: dict[int, WordClasses] = {}  # per vocabulary: see _word_classes
        self._greedy: dict[int, str] = {}  # key -> greedy filter
        self._aligners: dict[int, Matcher] = {}
        self._anchor_table: np.ndarray | None = None  # see _anchor_tests

    def __len__(self) -> int:
        return len({p.key for p in self.patterns})

    def add(self, key: str, patterns: list[list[dict]], greedy: str | None = None) -> int:
        """Add patterns under ``key`` (``greedy``: None, "FIRST" or "LONGEST", as for the
        Matcher); returns the key's string id, the match id of its matches."""
        if greedy not in (None, "FIRST", "LONGEST"):
            raise ValueError(f"unsupported greedy filter: {greedy!r}")
        key_id = self.vocab.strings.add(key)
        self._greedy.pop(key_id, None)
        if greedy:
            self._greedy[key_id] = greedy
        for pattern in patterns:
            steps = [(self._test(spec), parse_op(spec.get("OP"))) for spec in pattern]
            anchors = _anchors(steps) or (self._any_of(steps),)
            self.patterns.append(_Pattern(
                key=key_id,
                steps=tuple(_Step(1 << test, op.low, op.high) for test, op in steps),
                anchors=anchors,
                tests=tuple({a.test for a in anchors}),
                lead=_lead(steps),
                fixed_length=len(steps) if len(steps) <= 2 and all(
                    op[:2] == (1, 1) for _, op in steps) else None,
            ))
            self._specs.append(pattern)
        self._words.clear()  # new tests: the word classes are learnt again
        self._anchor_table = None
        self._aligners.pop(key_id, None)
        return key_id

    def _test(self, spec: dict) -> int:
        """The index of the word test of ``spec`` (a "!" spec tests the opposite)."""
        body = {k: v for k, v in spec.items() if k != "OP"}
        test = WordTest((_spec_conditions(self.vocab, body),), parse_op(spec.get("OP")).negated)
        return self._index(test)

    def _index(self, test: WordTest) -> int:
        index = self._test_of.get(test)
        if index is None:
            index = self._test_of[test] = len(self._tests)
            self._tests.append(test)
        return index

    def _any_of(self, steps: list[tuple[int, Operator]]) -> _Anchor:
        """The anchor of a pattern of optional tokens only: its first token, which one of them
        accepts (a match is never empty; none of them is a "!", which takes a token)."""
        alternatives = tuple(a for test, _ in steps for a in self._tests[test].alternatives)
        return _Anchor(self._index(WordTest(alternatives)), 0, 0, 0)

    def _word_classes(self, vocab) -> WordClasses:
        """The word classes of the doc's vocabulary (a lexeme flag id is read in its own)."""
        words = self._words.get(id(vocab))
        if words is None or words.vocab is not vocab:
            words = self._words[id(vocab)] = WordClasses(vocab, self._tests)
        return words

    def __call__(self, tokens: TokenTable) -> list[tuple[int, int, int]]:
        """(match id, start, end) of every match, by start, then pattern, then end."""
        length = tokens.length
        if not length or not self.patterns:
            return []
        with LEARNING:  # the word classes grow with new word types: one thread at a time
            words = self._word_classes(tokens.doc.vocab)
            slots = words.slots(tokens)
            table = words.table()
            counting = words.counting_table()
            mask_array = words.mask_array()
        masks = mask_array[slots].tolist()
        # How many tokens each test accepts; each pattern is anchored on its rarest required
        # test, and skipped when one of them accepts none.
        counts = np.bincount(slots, minlength=len(table)) @ counting
        options = counts[self._anchor_tests()]
        feasible = np.flatnonzero((options > 0).all(axis=1)).tolist()
        rarest = options.argmin(axis=1).tolist()
        anchors = [self.patterns[n].anchors[rarest[n]] for n in feasible]
        tests = sorted({anchor.test for anchor in anchors})
        positions = _positions(table[:, tests][slots], tests)
        found: list[tuple[int, int, int]] = []  # (start, pattern, end)
        for n, anchor in zip(feasible, anchors):
            pattern = self.patterns[n]
            (first, second), fixed = pattern.lead, pattern.fixed_length
            for start in _starts(anchor, positions[anchor.test], masks):
                # Most starts fail on the first or second token: no state sets for them.
                if first and not masks[start] & first or second and (
                        start + 1 == length or not masks[start + 1] & second):
                    continue
                if fixed:
                    found.append((start, n, start + fixed))
                else:
                    found += [(start, n, end) for end in
                              _ends(pattern.steps, start, length, masks) if end > start]
        return self._filtered(sorted(found), length)

    def _anchor_tests(self) -> np.ndarray:
        """patterns x anchors: the test of each anchor of each pattern, padded with the test of
        its first (argmin takes the first of equal counts)."""
        if self._anchor_table is None:
            width = max(len(p.anchors) for p in self.patterns)
            self._anchor_table = np.array(
                [[a.test for a in p.anchors] + [p.anchors[0].test] * (width - len(p.anchors))
                 for p in self.patterns], dtype=np.intp)
        return self._anchor_table

    def _filtered(self, found: list[tuple[int, int, int]], length: int) -> list[tuple]:
        """(match id, start, end) of the matches found as (start, pattern, end), in that order:
        each once per key (two patterns of a key give one match, as for the Matcher), the
        matches of greedy keys filtered as the Matcher filters them."""
        keys = [p.key for p in self.patterns]
        matches = [(keys[n], start, end) for start, n, end in found]
        if len(set(keys)) < len(keys):
            matches = list(dict.fromkeys(matches))
        if not self._greedy:
            return matches
        spans: dict[int, list[tuple[int, int]]] = {key: [] for key in self._greedy}
        for key, start, end in matches:
            if key in spans:
                spans[key].append((start, end))
        kept = {(key, start, end) for key, mode in self._greedy.items()
                for start, end in _greedy(spans[key], mode, length)}
        return [m for m in matches if m[0] not in spans or m in kept]

    def alignment(self, doc: Doc, key: int, start: int, end: int) -> list[int] | None:
        """Which token spec of the key's pattern each token of the match ``start..end``
        matched, as the Matcher's ``with_alignments`` gives it (its first alignment of that
        extent); None when ``start..end`` is no match. Run on the match's own tokens only."""
        aligner = self._aligners.get(key)
        if aligner is None:
            aligner = self._aligners[key] = self.spacy_matcher([key])
        for _, first, last, alignments in aligner(doc[start:end], with_alignments=True):
            if (first, last) == (0, end - start):
                return alignments
        return None

    def spacy_matcher(self, keys: list[int] | None = None) -> Matcher:
        """The patterns (of ``keys``; all by default) in a spaCy ``Matcher``, with their greedy
        filters: what this engine must find, and what reads alignments."""
        matcher = Matcher(self.vocab, validate=False)  # flag ids are no attribute of the schema
        by_key: dict[int, list[list[dict]]] = {}
        for pattern, specs in zip(self.patterns, self._specs):
            if keys is None or pattern.key in keys:
                by_key.setdefault(pattern.key, []).append(specs)
        for key, patterns in by_key.items():
            matcher.add(self.vocab.strings[key], patterns, greedy=self._greedy.get(key))
        return matcher


def _positions(hits: np.ndarray, tests: list[int]) -> dict[int, list[int]]:
    """The tokens each of ``tests`` accepts, ascending, from the tokens x ``tests`` table."""
    columns, rows = np.nonzero(hits.T)
    bounds = np.searchsorted(columns, np.arange(len(tests) + 1)).tolist()
    rows = rows.tolist()
    return {test: rows[bounds[k]:bounds[k + 1]] for k, test in enumerate(tests)}


def _starts(anchor: _Anchor, at: list[int], masks: list[int]) -> list[int]:
    """The starts of matches holding one of the anchor tokens ``at`` (ascending), each once:
    the windows before each anchor token, merged. With no limit on how far a match reaches
    before its anchor, its window is the run of tokens before it that some earlier spec
    accepts."""
    least, most, accepted = anchor.least_before, anchor.most_before, anchor.before_mask
    if most == 0:
        return at  # the anchor is the first token
    starts: list[int] = []
    covered = -1  # the last start already listed
    for a in at:
        last = a - least
        if last <= covered:
            continue
        if most is not None:
            first = max(a - most, covered + 1, 0)
        else:
            first = a
            while first > covered + 1 and masks[first - 1] & accepted:
                first -= 1
        if first <= last:
            starts.extend(range(first, last + 1))
            covered = last
    return starts


def _ends(steps: tuple[_Step, ...], start: int, length: int, masks: list[int]) -> list[int]:
    """The ends of every match of ``steps`` from ``start``, ascending: the positions reachable
    after each step, each step taking ``low`` to ``high`` tokens its test accepts."""
    states = [start]
    for bit, low, high in steps:
        if low == 1 and high == 1:
            states = [p + 1 for p in states if p < length and masks[p] & bit]
        else:
            reached: list[int] = []
            run_end = -1  # where the run of accepted tokens holding the last state ends
            for p in states:
                if p >= run_end:
                    run_end = p
                    while run_end < length and masks[run_end] & bit:
                        run_end += 1
                last = run_end if high is None else min(run_end, p + high)
                first = max(p + low, reached[-1] + 1 if reached else 0)
                reached.extend(range(first, last + 1))
            states = reached
        if not states:
            return []
    return states


def _greedy(spans: list[tuple[int, int]], mode: str, length: int) -> list[tuple[int, int]]:
    """The Matcher's greedy filter of one key's matches: longest (or first) first, each kept
    when none of its tokens is in a match kept before."""
    if mode == "LONGEST":
        order = sorted(spans, key=lambda s: (s[1] - s[0], -s[0]), reverse=True)
    else:
        order = sorted(spans, key=lambda s: (s[0], -s[1]))
    taken = bytearray(length)
    kept = []
    for start, end in order:
        if 1 not in taken[start:end]:
            taken[start:end] = b"\x01" * (end - start)
            kept.append((start, end))
    return kept
