"""Matcher patterns run only where they can start: the windowed matching engine.

spaCy's ``Matcher`` builds a Token and starts every pattern at every position, and calls Python
for each IN/REGEX test, which costs more than tokenizing. :class:`AnchoredMatcher` looks each
pattern's first token up per word type, finds the positions of those words with numpy over the
token table's ORTH/LOWER columns, and checks the rest of the pattern only there, with the
Matcher's semantics.
"""

from __future__ import annotations

import math
import re

import numpy
import numpy as np
from spacy.attrs import LOWER, ORTH
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from .lexeme_flags import lexeme_flag
from .tokens import TokenTable

__all__ = ["AnchoredMatcher", "MatchWindows", "op_bounds"]

_ATTRS = {"TEXT": ORTH, "ORTH": ORTH, "LOWER": LOWER}
_OPS = {"1": (1, 1), "?": (0, 1), "*": (0, None), "+": (1, None), "!": None}


def op_bounds(op: str) -> tuple[int, int | None]:
    if op in _OPS and _OPS[op] is not None:
        return _OPS[op]
    m = re.match(r"^\{(\d*)(,?)(\d*)\}$", op)
    if not m:
        raise ValueError(f"unsupported operator: {op!r}")
    low = int(m.group(1) or 0)
    high = int(m.group(3)) if m.group(3) else (None if m.group(2) else low)
    return low, high


class _TokenTest:
    """One token spec of a Matcher pattern, tested on word ids (results cached per id)."""

    def __init__(self, vocab, spec: dict) -> None:
        self.strings = vocab.strings
        self.checks: list[tuple[int, str, object]] = []  # (attr, kind, arg)
        for key, value in spec.items():
            if key == "OP":
                continue
            if key == "IS_UPPER":
                self.checks.append((ORTH, "UPPER", bool(value)))
                continue
            if key not in _ATTRS:
                raise ValueError(f"unsupported token spec: {spec}")
            attr = _ATTRS[key]
            fold = (lambda w: w.lower()) if attr == LOWER else (lambda w: w)
            if isinstance(value, str):
                self.checks.append((attr, "IN", frozenset({vocab.strings.add(fold(value))})))
            elif set(value) == {"IN"}:
                self.checks.append((attr, "IN", frozenset(vocab.strings.add(fold(w))
                                                          for w in value["IN"])))
            elif set(value) == {"NOT_IN"}:
                self.checks.append((attr, "NOT_IN", frozenset(vocab.strings.add(fold(w))
                                                              for w in value["NOT_IN"])))
            elif set(value) == {"REGEX"}:
                self.checks.append((attr, "REGEX", re.compile(value["REGEX"])))
            else:
                raise ValueError(f"unsupported token spec: {spec}")
        self.low, self.high = op_bounds(spec.get("OP", "1"))
        self.cache: dict[tuple[int, int], bool] = {}  # REGEX/UPPER results per word id
        self.test = self._fast() or self.__call__

    def _fast(self):
        """A plain closure for the usual one-list spec: the test runs for every candidate
        token, so it should cost one set lookup."""
        if len(self.checks) != 1:
            return None
        attr, kind, words = self.checks[0]
        if kind not in ("IN", "NOT_IN"):
            known = {}  # word id -> result, for REGEX and IS_UPPER

            def cached(orth: int, lower: int) -> bool:
                word = lower if attr == LOWER else orth
                ok = known.get(word)
                if ok is None:
                    ok = known[word] = self(orth, lower)
                return ok
            return cached
        if attr == LOWER:
            return ((lambda orth, lower: lower in words) if kind == "IN"
                    else (lambda orth, lower: lower not in words))
        return ((lambda orth, lower: orth in words) if kind == "IN"
                else (lambda orth, lower: orth not in words))

    def exact_words(self) -> frozenset[int] | None:
        """The word ids a first token must be, when the spec lists them; None otherwise."""
        if len(self.checks) == 1 and self.checks[0][1] == "IN":
            return self.checks[0][2]
        return None

    def __call__(self, orth: int, lower: int) -> bool:
        for attr, kind, arg in self.checks:
            word = lower if attr == LOWER else orth
            if kind == "IN":
                ok = word in arg
            elif kind == "NOT_IN":
                ok = word not in arg
            else:
                ok = self.cache.get((attr, word))
                if ok is None:
                    text = self.strings[word]
                    ok = (text.isupper() == arg) if kind == "UPPER" else bool(arg.search(text))
                    self.cache[(attr, word)] = ok
            if not ok:
                return False
        return True


class AnchoredMatcher:
    """spaCy ``Matcher`` patterns, run only where one of them can start.

    Why not the Matcher itself: it builds a Token and starts every pattern at every position,
    and calls Python for each IN/REGEX test, which costs more than tokenizing. Here each
    pattern's first token is looked up per word type (exact words by id; a regex, as for class
    codes like "LMP1", once per new word type), the positions of those words come from numpy
    over the doc's ORTH/LOWER arrays, and only there is the rest of the pattern checked, with
    the Matcher's semantics (every match of every length, operators ? * + {m,n}). Supported
    specs: TEXT/ORTH/LOWER as a string, IN, NOT_IN or REGEX; IS_UPPER; OP.
    """

    def __init__(self, vocab, attr: str = "ORTH") -> None:
        self.vocab = vocab
        self.attr = attr
        self.patterns: list[tuple[int, list[_TokenTest]]] = []  # (key, token tests)
        self.exact: dict[tuple[int, int], list[int]] = {}  # (attr, first word) -> patterns
        self.open_first: list[int] = []  # patterns whose first token is tested per word type
        self.by_word: dict[tuple[int, int], tuple[int, ...]] = {}  # per word type: patterns
        # Word types seen so far, per attribute: sorted ids and whether any pattern starts there,
        # so a doc's known words are looked up in numpy and only new ones in Python.
        self.seen: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.first_attrs: list[int] | None = None  # attributes first tokens are read as
        self.unions: dict[int, re.Pattern | None] = {}  # see _union
        # Distinct tuples of patterns a first word starts, so a doc's words map to them in numpy.
        self.slot_table: list[tuple[int, ...]] = [()]
        self.slot_index: dict[tuple[int, ...], int] = {(): 0}

    def add(self, key: str, patterns: list[list[dict]]) -> int:
        key_id = self.vocab.strings.add(key)
        for pattern in patterns:
            tests = [_TokenTest(self.vocab, spec) for spec in pattern]
            if tests[0].low != 1 or tests[0].high != 1:
                raise ValueError(f"a pattern's first token must be plain: {pattern}")
            n = len(self.patterns)
            self.patterns.append((key_id, tests))
            words = tests[0].exact_words()
            if len({attr for attr, _, _ in tests[0].checks}) != 1:
                raise ValueError(f"a first token must be read as one attribute: {pattern}")
            if words is not None:
                attr = tests[0].checks[0][0]
                for word in words:
                    self.exact.setdefault((attr, word), []).append(n)
            else:
                self.open_first.append(n)
        self.by_word, self.seen, self.first_attrs, self.unions = {}, {}, None, {}
        self.slot_table, self.slot_index = [()], {(): 0}
        return key_id

    def add_code(self, key: str, regex: str, then: list[dict] | None = None,
                 alone: bool = True) -> int:
        """A one-token code (by its ORTH), optionally continued by ``then`` token specs (and
        then only, when not ``alone``)."""
        first = {"TEXT": {"REGEX": regex}}
        patterns = ([[first]] if alone else []) + ([[first, *then]] if then else [])
        return self.add(key, patterns)

    def _patterns_at(self, attr: int, word: int) -> tuple[int, ...]:
        """Patterns (in data order) whose first token accepts ``word`` read as ``attr``."""
        key = (attr, word)
        found = self.by_word.get(key)
        if found is None:
            ids = (word, word)
            union = self._union(attr)
            found = tuple(sorted(
                self.exact.get(key, [])
                + ([n for n in self.open_first
                    if self.patterns[n][1][0].checks[0][0] == attr
                    and self.patterns[n][1][0](*ids)]
                   if union is None or union.search(self.vocab.strings[word]) else [])))
            self.by_word[key] = found
        return found

    def _union(self, attr: int) -> re.Pattern | None:
        """One regex for all first-token regexes read as ``attr`` (the class codes): a new
        word type that fails it, as most do, skips testing each code. None when some first
        token is no plain regex."""
        if attr not in self.unions:
            specs = [self.patterns[n][1][0].checks for n in self.open_first]
            specs = [c for c in specs if c[0][0] == attr]
            plain = all(len(c) == 1 and c[0][1] == "REGEX" for c in specs)
            self.unions[attr] = (re.compile("|".join(f"(?:{c[0][2].pattern})" for c in specs))
                                 if plain and specs else None)
        return self.unions[attr]

    def _slot(self, patterns: tuple[int, ...]) -> int:
        """Index of a tuple of patterns in ``slot_table`` (0: none)."""
        slot = self.slot_index.get(patterns)
        if slot is None:
            slot = self.slot_index[patterns] = len(self.slot_table)
            self.slot_table.append(patterns)
        return slot

    def _start_positions(self, attr: int, column: np.ndarray) -> tuple[list[int], list[int]]:
        """Token indices where some pattern's first token (read as ``attr``) matches, and the
        slot of those patterns for each."""
        ids, slots = self.seen.get(attr, (np.zeros(0, dtype=np.uint64),
                                          np.zeros(0, dtype=np.intp)))
        at = np.searchsorted(ids, column).clip(0, max(len(ids) - 1, 0))
        known = ids[at] == column if len(ids) else np.zeros(len(column), dtype=bool)
        if not known.all():
            new = np.unique(column[~known])
            ids = np.concatenate([ids, new])
            slots = np.concatenate([slots, np.array(
                [self._slot(self._patterns_at(attr, w)) for w in new.tolist()], dtype=np.intp)])
            order = np.argsort(ids, kind="stable")
            ids, slots = ids[order], slots[order]
            self.seen[attr] = (ids, slots)
            at = np.searchsorted(ids, column)
        token_slots = slots[at]
        hits = np.flatnonzero(token_slots)
        return hits.tolist(), token_slots[hits].tolist()

    def __call__(self, tokens: TokenTable) -> list[tuple[int, int, int]]:
        """(key, start, end) of every match, by start, then pattern order."""
        if self.first_attrs is None:
            self.first_attrs = sorted({a for a, _ in self.exact} | {
                self.patterns[n][1][0].checks[0][0] for n in self.open_first})
        orth, lower = tokens.orth_list, tokens.lower_list
        attempts = []  # (start, pattern)
        table = self.slot_table
        for attr in self.first_attrs:
            positions, slots = self._start_positions(attr, tokens.ids(attr))
            for i, slot in zip(positions, slots):
                attempts += [(i, n) for n in table[slot]]
        if len(self.first_attrs) > 1:
            attempts.sort()
        found = []
        length = tokens.length
        patterns = self.patterns
        for i, n in attempts:
            key, tests = patterns[n]  # the first token matched when it was looked up
            if len(tests) == 1:
                found.append((key, i, i + 1))
            elif tests[1].low and (i + 1 >= length
                                   or not tests[1].test(orth[i + 1], lower[i + 1])):
                continue  # most attempts fail on the next token: no state sets for them
            else:
                found += [(key, i, end) for end in _ends(tests, i + 1, length, orth, lower)]
        return found


def _ends(tests: list[_TokenTest], i: int, length: int, orth: list[int],
          lower: list[int]) -> list[int]:
    """End positions of every match of ``tests`` whose first token, already matched, is
    ``i - 1``: the positions reachable after each later token spec."""
    states = {i}
    for spec in tests[1:]:
        test, low, high = spec.test, spec.low, spec.high
        reached = set()
        for p in states:
            j = 0
            while True:
                if j >= low:
                    reached.add(p + j)
                if (high is not None and j >= high) or p + j >= length or not test(
                        orth[p + j], lower[p + j]):
                    break
                j += 1
        if not reached:
            return []
        states = reached
    return sorted(states)


_REPEAT = re.compile(r"^\{(\d*)(,?)(\d*)\}$")


def _op_counts(op: str | None) -> tuple[int, float]:
    """Least and most tokens a Matcher token spec with operator ``op`` takes."""
    if op in (None, "!"):
        return 1, 1
    if op == "?":
        return 0, 1
    if op == "*":
        return 0, math.inf
    if op == "+":
        return 1, math.inf
    low, comma, high = _REPEAT.match(op).groups()
    least = int(low or 0)
    return least, (int(high) if high else math.inf) if comma else least


class MatchWindows:
    """The token windows of a doc where a Matcher's patterns can match, found on token arrays.

    The Matcher builds Token objects for every position it visits, which costs a large part
    of the tokenizer's time on a whole article. A match is a run of tokens that each satisfy
    one of its pattern's token specs; it holds a token of each required spec, the anchor, and
    reaches at most as many tokens before and after it as the pattern's operators allow. Those
    windows, read from the tokens' word-class bits (one class per token spec) with numpy,
    cover a small part of an article, and the Matcher runs on them only. A match lies inside
    one window, and matches that overlap lie in the same one, so the matches (and greedy
    filtering, which compares overlapping matches of a key) are those of a whole-doc call.
    """

    # Windows closer than this are matched in one call: a call costs about as much as a few
    # tokens.
    MERGE_GAP = 4

    def __init__(self, patterns: list[list[dict]], vocab) -> None:
        # Each token spec as the lexeme flag bits a token must have ("ORTH"/"LOWER" equality
        # becomes a flag too), and per pattern and required spec the most tokens a match
        # takes before and after a token of that spec.
        masks: dict[int, int] = {}  # flag bits of a spec -> its index
        self.anywhere = False  # a spec no flag can test: match on the whole doc
        self.patterns: list[tuple[list[int], dict[int, tuple[float, float]]]] = []
        for pattern in patterns:
            specs = []
            counts = [_op_counts(spec.get("OP")) for spec in pattern]
            reach: dict[int, tuple[float, float]] = {}
            for position, spec in enumerate(pattern):
                mask = 0
                for attr, value in spec.items():
                    if attr == "OP":
                        continue
                    if isinstance(attr, int) and value is True and attr < 64:
                        mask |= 1 << attr
                    elif attr in ("ORTH", "TEXT", "LOWER") and isinstance(value, str):
                        lower = attr == "LOWER"
                        flag = lexeme_flag(
                            vocab,
                            f"{attr}=" + value,
                            lambda text, v=value, lower=lower: (
                                (text.lower() if lower else text) == v
                            ),
                        )
                        mask |= 1 << flag
                    else:
                        self.anywhere = True
                if spec.get("OP") == "!" or not mask:
                    self.anywhere = True
                index = masks.setdefault(mask, len(masks))
                specs.append(index)
                if counts[position][0] > 0:
                    before = sum(most for _, most in counts[:position])
                    after = sum(most for _, most in counts[position + 1 :])
                    # A spec at several positions: the widest reach of them.
                    old = reach.get(index, (0, 0))
                    reach[index] = (max(old[0], before), max(old[1], after))
            self.patterns.append((sorted(set(specs)), reach))
            if not reach:
                self.anywhere = True  # no required token: nothing to anchor a window on
        self.masks = numpy.array(list(masks), dtype=numpy.uint64)
        # A token is of a pattern when it has one of the flags of its specs (each spec is one
        # flag; a spec of several flags would need all of them: whole doc then).
        if any(mask & (mask - 1) for mask in masks):
            self.anywhere = True
        by_index = list(masks)
        self.unions = [sum({by_index[index] for index in specs}) for specs, _ in self.patterns]

    def spans(self, flags: numpy.ndarray, flag_list: list[int]) -> list[tuple[int, int]]:
        """(start, end) of the windows, in order, from the tokens' lexeme flags (as an array
        and as a list)."""
        n = len(flags)
        if self.anywhere or n == 0:
            return [(0, n)] if n else []
        hits = (flags[:, None] & self.masks) == self.masks
        counts = hits.sum(axis=0).tolist()
        # Each pattern is anchored on its rarest required spec in this doc; a pattern whose
        # required spec is absent cannot match.
        unions, anchors, befores, afters = [], [], [], []
        for union, (_, reach) in zip(self.unions, self.patterns):
            anchor = min(reach, key=counts.__getitem__)
            if counts[anchor]:
                before, after = reach[anchor]
                unions.append(union)
                anchors.append(anchor)
                befores.append(min(before, n))
                afters.append(min(after, n))
        if not anchors:
            return []
        # From each anchor, the run of tokens of the pattern's specs, as far as the pattern
        # reaches (a short scan per anchor on the flag list; names are a few words long).
        rows, cols = numpy.nonzero(hits[:, anchors])
        intervals = []
        for row, col in zip(rows.tolist(), cols.tolist()):
            union = unions[col]
            start, lowest = row, max(row - befores[col], 0)
            while start > lowest and flag_list[start - 1] & union:
                start -= 1
            end, highest = row + 1, min(row + afters[col] + 1, n)
            while end < highest and flag_list[end] & union:
                end += 1
            intervals.append((start, end))
        windows: list[list[int]] = []
        for start, end in sorted(intervals):
            if windows and start <= windows[-1][1] + self.MERGE_GAP:
                windows[-1][1] = max(windows[-1][1], end)
            else:
                windows.append([start, end])
        return [(start, end) for start, end in windows]

    @staticmethod
    def matches(matcher: Matcher, doc: Doc, windows) -> list[tuple[int, int, int]]:
        """The matcher's (match_id, start, end) on the whole doc, found window by window."""
        found = []
        for start, end in windows:
            found.extend((m, s + start, e + start) for m, s, e in matcher(Span(doc, start, end)))
        return found
