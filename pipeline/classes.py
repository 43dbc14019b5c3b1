"""Racing classes: the ``racing_classes`` component and the series' own class structure.

The component finds class mentions ("LMP1", "GTE-Pro", "Group C", "Class B", "Le Mans
Prototypes") with matchers built once from ``data/class_patterns.jsonl`` (run only where a
pattern can start, see ``AnchoredMatcher``) and stores them in
``doc.spans["classes"]`` (label = the class category, or "CLASS" when the name does not say). It
then reads the class structure the prose states and keeps it in ``doc._.class_structure``:

* enumerations: a class list opened by a class noun ("four classes: LMP1, LMP2, GT1, and GT2",
  "two general classes, known as Le Mans Prototypes (LMP) and Grand Touring (GT)"), where
  names the patterns do not know count too ("three classes: Super 2000, TCR and Production"),
  or closed by one in a sentence about the series ("It runs LMP3, GT3 and GT4 classes");
* definitions: "<classes> (would be|was) for <description>", whose description names the
  classes of other bodies it matches ("Class D was for C1/GTP cars" -> Class D = C1, GTP);
* aliases: a long form with its code in brackets ("Grand Touring (GT)").

``class_records`` turns that, plus the infobox class keys, into the series' own classes. A class
named in passing ("similar to IMSA's GTS and GTU classes") is a mention, never an own class.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

import numpy as np
from spacy.attrs import ENT_TYPE, LOWER, ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .document import SourceDocument
from .extensions import register_extensions
from .resources import load_json, load_jsonl

SPAN_KEY = "classes"
# A code written in the plural ("LMP1s", "GTs"): the lower-case "s" is not part of the name.
PLURAL_CODE = re.compile(r"^([A-Z]{2,}\d*)s$")
# What may follow a parent code to make a child class: a number, a letter, a Pro/Am split.
CHILD_SUFFIX = re.compile(r"^(?:\d{1,3}|[A-Z]|[- ]?(?:Pro|Am|Pro-Am))$")
# Infobox keys that list classes: "Classes", "Class", "Lmp Classes", "Gt Classes".
INFOBOX_CLASS_KEY = re.compile(r"^(?P<group>.*?)\s*\bclass(?:es)?$", re.IGNORECASE)
INFOBOX_LIST_SPLIT = re.compile(r"\s*(?:[,;/]|\band\b)\s*")


@cache
def _cues() -> dict:
    data = load_json("class_cues.json")
    return {
        **data,
        "class_nouns": frozenset(data["class_nouns"]),
        "enumeration_nouns": frozenset(data["enumeration_nouns"]),
        "enumeration_openers": frozenset(data["enumeration_openers"]),
        "list_separators": frozenset(data["list_separators"]),
        "definition_copulas": frozenset(data["definition_copulas"]),
        "clause_breaks": frozenset(data["clause_breaks"]),
        "car_guard_exempt_prefixes": frozenset(
            w.casefold() for w in data["car_guard_exempt_prefixes"]
        ),
        "series_keywords": frozenset(data["series_keywords"]),
        "known_categories": {k.casefold(): v for k, v in data["known_categories"].items()},
    }


def class_name(span: Span) -> str:
    """The class as it is usually written: "LMP1s" -> "LMP1", "GTE - Pro" -> "GTE-Pro",
    "Gr. C" -> "Group C"."""
    return class_name_at(span.doc, span.start, span.end)


def class_name_at(doc: Doc, start: int, end: int) -> str:
    """``class_name`` of ``doc[start:end]``, without building the span."""
    key = tuple(token_lists(doc)[0][start:end])
    name = _CLASS_NAMES.get(key)
    if name is None:
        name = _CLASS_NAMES[key] = _class_name([t.text for t in doc[start:end]
                                                if not t.is_space])
    return name


_CLASS_NAMES: dict[tuple[int, ...], str] = {}  # orth ids -> class_name, per word sequence


def _class_name(words: list[str]) -> str:
    if len(words) >= 2 and words[0] == "Gr" and words[1] == ".":
        words = ["Group"] + words[2:]
    if words and (m := PLURAL_CODE.match(words[-1])):
        words[-1] = m.group(1)
    out = ""
    for i, word in enumerate(words):
        glue = i > 0 and word != "-" and words[i - 1] != "-"
        out += (" " if glue else "") + word
    return out


def class_category(name: str, label: str | None = None) -> str | None:
    """The category of a class from the vocabulary, or None when the name does not say."""
    known = _cues()["known_categories"].get(name.casefold())
    if known:
        return known
    return label if label and label != "CLASS" else None


def description_category(text: str) -> str | None:
    """Category named by a class description ("for production cars" -> production)."""
    lowered = f" {text.casefold()} "
    for keyword, category in _category_keywords():
        if keyword.search(lowered):
            return category
    return None


@cache
def _category_keywords() -> list[tuple[re.Pattern, str]]:
    return [(re.compile(rf"\b{re.escape(keyword)}"), category)
            for keyword, category in _cues()["category_keywords"]]


# Per thread, the last doc asked about and its tables: the component, the class records and the
# series facts read the same doc one after another.
_LAST = threading.local()


def _tables(doc: Doc) -> dict:
    last = _LAST.__dict__
    # The length too: a retokenized doc is the same object with other tokens.
    if last.get("doc") is not doc or last.get("length") != len(doc):
        last["doc"], last["length"], last["tables"] = doc, len(doc), {}
    return last["tables"]


def token_ids(doc: Doc, attr: int) -> np.ndarray:
    """``doc.to_array(attr)`` (ORTH or LOWER), kept for the last doc."""
    tables = _tables(doc)
    if attr not in tables:
        tables[attr] = doc.to_array(attr)
    return tables[attr]


def token_lists(doc: Doc) -> tuple[list[int], list[int]]:
    """The doc's ORTH and LOWER ids as Python lists, for reading single tokens without
    building Token objects; kept like ``token_ids``."""
    tables = _tables(doc)
    if "lists" not in tables:
        tables["lists"] = (token_ids(doc, ORTH).tolist(), token_ids(doc, LOWER).tolist())
    return tables["lists"]


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


_WORD_FACTS: dict[int, WordFacts] = {}  # orth id -> facts, shared by every doc


def words(doc: Doc) -> list[WordFacts]:
    """Per token, its word type's facts (kept like ``token_ids``). ``words(doc)[i].lower_``
    reads what ``doc[i].lower_`` does without building a Token, which the rules would
    otherwise do thousands of times per document."""
    tables = _tables(doc)
    if "words" not in tables:
        get = _WORD_FACTS.get
        tables["words"] = [get(o) or _learn_word(doc.vocab, o) for o in token_lists(doc)[0]]
    return tables["words"]


def _learn_word(vocab, orth: int) -> WordFacts:
    lex = vocab[orth]
    facts = _WORD_FACTS[orth] = WordFacts(lex.orth_, lex.lower_, lex.is_title, lex.is_upper,
                                          lex.is_punct, lex.is_space, lex.is_alpha,
                                          lex.is_digit, lex.like_num)
    return facts


class FirstWords:
    """Positions of some words (by LOWER), found with numpy over the doc's LOWER array: a
    membership test in C instead of a matcher call."""

    def __init__(self, vocab, words) -> None:
        self.ids = np.array(sorted({vocab.strings.add(w.lower()) for w in words}), dtype=np.uint64)

    def positions(self, doc: Doc) -> list[int]:
        return np.flatnonzero(np.isin(token_ids(doc, LOWER), self.ids)).tolist()


_ATTRS = {"TEXT": ORTH, "ORTH": ORTH, "LOWER": LOWER}
_OPS = {"1": (1, 1), "?": (0, 1), "*": (0, None), "+": (1, None), "!": None}


def _op_bounds(op: str) -> tuple[int, int | None]:
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
        self.low, self.high = _op_bounds(spec.get("OP", "1"))
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

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if self.first_attrs is None:
            self.first_attrs = sorted({a for a, _ in self.exact} | {
                self.patterns[n][1][0].checks[0][0] for n in self.open_first})
        orth, lower = token_lists(doc)
        attempts = []  # (start, pattern)
        table = self.slot_table
        for attr in self.first_attrs:
            positions, slots = self._start_positions(attr, token_ids(doc, attr))
            for i, slot in zip(positions, slots):
                attempts += [(i, n) for n in table[slot]]
        if len(self.first_attrs) > 1:
            attempts.sort()
        found = []
        length = len(doc)
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


def sentences(doc: Doc) -> Sentences:
    """``Sentences`` of ``doc``, kept like ``token_ids`` (the component and the series facts
    both need them)."""
    tables = _tables(doc)
    if "sentences" not in tables:
        tables["sentences"] = Sentences(doc)
    return tables["sentences"]


class Sentences:
    """Sentence bounds of a doc, computed once: ``Token.sent`` rescans the doc on every call."""

    def __init__(self, doc: Doc) -> None:
        starts = np.flatnonzero(doc.to_array("SENT_START") == 1).tolist()
        if not starts or starts[0] != 0:
            starts = [0, *starts]
        self.starts = starts
        self.length = len(doc)

    def bounds(self, i: int) -> tuple[int, int]:
        """(start, end) token indices of the sentence holding token ``i``."""
        n = bisect_right(self.starts, i) - 1
        end = self.starts[n + 1] if n + 1 < len(self.starts) else self.length
        return self.starts[n], end


@dataclass
class _Rule:
    family: str
    label: str
    ambiguous: bool
    named: bool
    long_form: bool
    code: re.Pattern | None = None  # the family's own code, checked on each match


@dataclass
class ClassItem:
    """One class in a list: a mention, maybe with its code in brackets ("Grand Touring (GT)")."""

    name: str
    family: str
    label: str
    start: int  # token index of the first mention
    end: int  # token index after the last token (closing bracket included)
    long_form: str | None = None
    bracketed: list[str] = field(default_factory=list)  # other classes in brackets: equivalents


class RacingClasses:
    def __init__(self, vocab, patterns: str = "class_patterns.jsonl") -> None:
        register_extensions()
        self.matcher = AnchoredMatcher(vocab, attr="ORTH")
        self.rules: dict[int, _Rule] = {}
        for n, entry in enumerate(load_jsonl(patterns)):
            key = f"racing_class_{n}"
            if "code" in entry:
                key_id = self.matcher.add_code(key, entry["code"], entry.get("then"),
                                               entry.get("alone", True))
            else:
                key_id = self.matcher.add(key, entry["patterns"])
            self.rules[key_id] = _Rule(
                family=entry["id"],
                label=entry["label"],
                ambiguous=entry.get("ambiguous", False),
                named=entry.get("named", False),
                long_form=entry.get("long_form", False),
                code=re.compile(entry["code"]) if "code" in entry else None,
            )

    def __call__(self, doc: Doc) -> Doc:
        claimed = _claimed_by_other_entities(doc)
        candidates: list[tuple[Span, _Rule]] = []
        for match_id, start, end in self.matcher(doc):
            rule = self.rules[match_id]
            if rule.code is not None and not rule.code.match(words(doc)[start].text):
                continue  # the shared first-token regex matched another family's code
            if claimed and any(i in claimed for i in range(start, end)):
                continue
            if _inside_series_name(doc, end) or (not rule.named and _after_car_name(doc, start)):
                continue
            label = class_category(class_name_at(doc, start, end), rule.label) or "CLASS"
            candidates.append((Span(doc, start, end, label=label), rule))
        rules_by_span = {(s.start, s.end): r for s, r in candidates}
        spans = filter_spans([s for s, _ in candidates])
        spans = _resolve_ambiguous(doc, spans, rules_by_span)
        for span in spans:
            span._.class_name = class_name(span)
            span._.class_family = rules_by_span[(span.start, span.end)].family
        doc.spans[SPAN_KEY] = spans
        doc._.class_structure = class_structure(doc, spans, rules_by_span)
        return doc


@Language.factory("racing_classes", default_config={"patterns": "class_patterns.jsonl"})
def make_racing_classes(nlp: Language, name: str, patterns: str) -> RacingClasses:
    return RacingClasses(nlp.vocab, patterns)


# --- mention filters ---------------------------------------------------------------------


def _claimed_by_other_entities(doc: Doc) -> set[int]:
    """Tokens the entity component gave to a car, series or team ("Ford GT", "Super GT"): read
    from the ENT_TYPE array, as ``doc.ents`` would build a Span per entity."""
    types = doc.to_array(ENT_TYPE)
    claimed = (types != 0) & (types != doc.vocab.strings.add("CLASS"))
    return set(np.flatnonzero(claimed).tolist())


def _after_car_name(doc: Doc, start: int) -> bool:
    """A code right after a make or a model number is part of a car name: "Ford GT",
    "Porsche 911 GT3", "Super GT". Sentence-initial words and series nouns don't count."""
    if start == 0 or doc[start].is_sent_start:
        return False
    prev = words(doc)[start - 1]
    if prev.is_space or prev.is_punct or prev.lower_ in _cues()["car_guard_exempt_prefixes"]:
        return False
    if prev.lower_ in _cues()["series_keywords"]:
        return False
    if prev.is_title and prev.is_alpha:
        return not prev.like_num  # "Two LMP1s" is a count, "Ford GT" a car
    if prev.is_digit:
        # A model number ("911 GT3", "550 GT1"), not a year ("the 2008 GT1 title").
        return len(prev.text) in (3, 4) and not prev.text.startswith(("19", "20"))
    return any(c.isdigit() for c in prev.text)  # "F40 GTE", "R8 LMS"


def _inside_series_name(doc: Doc, end: int) -> bool:
    """A class word starting a series name: "Grand Touring Car Championship", "TCR Europe
    Series". Look through the capitalised words that follow for a series noun."""
    keywords = _cues()["series_keywords"]
    for token in words(doc)[end:end + 4]:
        if token.lower_ in keywords and (token.is_title or token.is_upper):
            return True
        if not (token.is_title or token.is_upper) or token.is_punct:
            return False
    return False


def _resolve_ambiguous(doc: Doc, spans: list[Span], rules: dict) -> list[Span]:
    """Keep a bare "GT"/"LMP"/"DP" only with class context: a class noun after it ("GT cars",
    "LMP-class"), brackets after a long form ("Grand Touring (GT)"), a list opener before it
    ("classes: LMP, GT"), or a list with a sure class ("LMP and GT regulations")."""
    nouns = _cues()["class_nouns"]
    separators = _cues()["list_separators"]
    sure = [not rules[(s.start, s.end)].ambiguous for s in spans]
    for n, span in enumerate(spans):
        if sure[n]:
            continue
        after = words(doc)[span.end:span.end + 2]
        nxt = after[0] if len(after) else None
        if nxt is not None and nxt.text == "-" and len(after) > 1:
            nxt = after[1]
        before = words(doc)[span.start - 1] if span.start > 0 else None
        prev_span = spans[n - 1] if n > 0 else None
        if nxt is not None and nxt.lower_ in nouns or (
            before is not None and before.text == "(" and nxt is not None and nxt.text == ")"
            and prev_span is not None and prev_span.end == span.start - 1
        ) or before is not None and before.text == ":":
            sure[n] = True
    # Coordination passes context along a list, both ways: "LMP and GT regulations". A run of
    # linked mentions is sure as a whole when one of them is (one pass over the runs, where
    # passing it one link per sweep took a sweep per mention: 1,000 "GT, " took 7 s).
    run_start = 0
    for n in range(len(spans)):
        last = n + 1 == len(spans)
        if not last:
            gap = words(doc)[spans[n].end:spans[n + 1].start]
            linked = len(gap) <= 2 and all(t.lower_ in separators or t.is_space for t in gap)
        if last or not linked:
            if any(sure[run_start:n + 1]):
                sure[run_start:n + 1] = [True] * (n + 1 - run_start)
            run_start = n + 1
    return [s for s, ok in zip(spans, sure) if ok]


# --- class structure ---------------------------------------------------------------------


def _items(doc: Doc, spans: list[Span], rules: dict) -> list[ClassItem]:
    """Mentions grouped with a bracket that follows them: "Grand Touring (GT)" is one class
    named by its code; "Class C (C2)" is Class C with C2 as a bracketed equivalent."""
    items: list[ClassItem] = []
    n = 0
    while n < len(spans):
        span = spans[n]
        rule = rules[(span.start, span.end)]
        item = ClassItem(class_name(span), rule.family, span.label_, span.start, span.end)
        if span.end < len(doc) and words(doc)[span.end].text == "(":
            close = next((span.end + k for k, t in enumerate(words(doc)[span.end:span.end + 12])
                          if t.text == ")"), None)
            # Mentions inside the bracket: spans are sorted and the bracket is short, so only
            # the next few are looked at (not every later one).
            inner = []
            m = n + 1
            while close is not None and m < len(spans) and spans[m].start < close:
                if spans[m].end <= close:
                    inner.append(spans[m])
                m += 1
            if close is not None and len(inner) == 1 and inner[0].start == span.end + 1:
                inner_rule = rules[(inner[0].start, inner[0].end)]
                if rule.long_form and inner_rule.family == rule.family:
                    item.long_form, item.name = item.name, class_name(inner[0])
                else:
                    item.bracketed.append(class_name(inner[0]))
                item.end = close + 1
                n += 1
        items.append(item)
        n += 1
    return items


def _runs(doc: Doc, items: list[ClassItem], sents: Sentences) -> list[list[ClassItem]]:
    """Items joined only by list separators ("LMP1, LMP2, GT1, and GT2") in one sentence."""
    separators = _cues()["list_separators"]
    runs: list[list[ClassItem]] = []
    for item in items:
        if runs:
            last = runs[-1][-1]
            same_sentence = sents.bounds(last.start) == sents.bounds(item.start)
            if same_sentence and all(t.lower_ in separators or t.is_space
                                     for t in words(doc)[last.end:item.start]):
                runs[-1].append(item)
                continue
        runs.append([item])
    return runs


@cache
def _enumeration_nouns(vocab) -> FirstWords:
    return FirstWords(vocab, _cues()["enumeration_nouns"])


def _opened_lists(doc: Doc, items: list[ClassItem], sents: Sentences) -> list[list[ClassItem]]:
    """Lists a class noun opens: "four classes: LMP1, LMP2, GT1, and GT2", "two general
    classes, known as Le Mans Prototypes (LMP) and Grand Touring (GT)", "three classes: Super
    2000, TCR and Production". After a strong opener (":", "known as", "namely") capitalised
    names count as classes too; after a weak one ("were", "into") one item must be a class
    mention. A noun after the list ("IMSA's GTS and GTU classes") opens nothing."""
    cues = _cues()
    by_start = {item.start: item for item in items}
    lists = []
    taken: set[int] = set()
    for noun in _enumeration_nouns(doc.vocab).positions(doc):
        sent_end = sents.bounds(noun)[1]
        for j in range(noun + 1, min(sent_end, noun + 1 + cues["enumeration_window"])):
            opener = words(doc)[j].lower_
            if opener not in cues["enumeration_openers"] or j + 1 in taken:
                continue
            found = _parse_list(doc, j + 1, sent_end, by_start)
            strong = opener in cues["strong_openers"]
            if len(found) >= 2 and (strong or any(i.family != "NAME" for i in found)):
                lists.append(found)
                taken.add(j + 1)
                break
    return lists


def _parse_list(doc: Doc, i: int, limit: int, by_start: dict[int, ClassItem]) -> list[ClassItem]:
    found: list[ClassItem] = []
    while i < limit:
        while i < limit and (words(doc)[i].lower_ in ("the", "a", "an") or words(doc)[i].is_space):
            i += 1
        if i >= limit:
            break
        if i in by_start:
            item = by_start[i]
        elif words(doc)[i].is_title or words(doc)[i].is_upper and words(doc)[i].is_alpha:
            # A class the patterns do not know, named in the list: "Production", "Pro-Am".
            end = i + 1
            while end < min(limit, i + 3) and end not in by_start and (
                words(doc)[end].is_title or words(doc)[end].like_num
                or words(doc)[end].text == "-" and end + 1 < limit and words(doc)[end + 1].is_title
            ):
                end += 1
            name = class_name(doc[i:end])
            item = ClassItem(name, "NAME", class_category(name) or "CLASS", i, end)
            code = by_start.get(end + 1)
            if end + 1 < limit and words(doc)[end].text == "(" and code and words(doc)[code.end].text == ")":
                # "GT Daytona (GTD)": the class goes by its code.
                item = ClassItem(code.name, code.family, code.label, i, code.end + 1,
                                 long_form=name)
        else:
            break
        found.append(item)
        # Separators: ",", "and", "or", ", and".
        i = item.end
        if i < limit and words(doc)[i].text == ",":
            i += 1
        if i < limit and words(doc)[i].lower_ in ("and", "or", "&"):
            i += 1
        if i == item.end:
            break
    return found


def _closes_enumeration(doc: Doc, run: list[ClassItem], sents: Sentences) -> bool:
    """A list closed by a class noun: "It runs LMP2, LMP3 and GT3 classes". Not when another
    body owns the list or the text compares with it ("similar to IMSA's GTS and GTU classes",
    "the X Championship, whose GTO and GTU classes");
    whether the sentence is about this series is checked by ``class_records``."""
    cues = _cues()
    sent_start, sent_end = sents.bounds(run[0].start)
    end = run[-1].end
    if end >= sent_end or words(doc)[end].lower_ not in cues["enumeration_nouns"]:
        return False
    before = words(doc)[max(sent_start, run[0].start - 4):run[0].start]
    return not any(t.lower_ in cues["comparison_words"] or t.text in ("'s", "’s", "'")
                   for t in before)


def _definition_head(doc: Doc, end: int, sents: Sentences) -> int | None:
    """Index of the token after "for" when the class list is defined by what it is for:
    "Class D was for ...", "Class A and Class B for ...", "The GT class is reserved for ..."."""
    cues = _cues()
    i = end
    sent_end = sents.bounds(end - 1)[1]
    while i < sent_end and words(doc)[i].lower_ in ("class", "category", "division"):
        i += 1
    while i < sent_end and (words(doc)[i].lower_ in cues["definition_copulas"] or words(doc)[i].is_space):
        i += 1
    if i >= sent_end - 1:
        return None
    head = words(doc)[i].lower_
    if head == "for" or (head == "to" and i > end and words(doc)[i - 1].lower_ in ("open", "restricted",
                                                                              "limited")):
        nxt = words(doc)[i + 1]
        if nxt.like_num or nxt.lower_ in ("the", "a") and doc[i + 2:i + 3].text.isdigit():
            return None  # "GT1 for 2008": a season, not a description
        return i + 1
    return None


def _starting_in(items: list[ClassItem], starts: list[int], start: int, end: int):
    """The items (in document order, ``starts`` their start tokens) that start in
    [start, end), found by bisection rather than a scan of every item per definition."""
    return items[bisect_left(starts, start):bisect_left(starts, end)]


def _clause_end(
    doc: Doc, start: int, limit: int, mentions: list[ClassItem], starts: list[int]
) -> int:
    """End of a description: the first clause break (outside brackets) after its last class
    mention, so "production cars (Group A and Group B) and the lead category," stops at "and"."""
    breaks = _cues()["clause_breaks"]
    inside = _starting_in(mentions, starts, start, limit)
    scan_from = max((m.end for m in inside), default=start + 1)
    depth = 0
    for i, token in enumerate(words(doc)[start:limit], start):
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and i >= scan_from and token.lower_ in breaks:
            return i
    end = limit
    while end > start and (words(doc)[end - 1].is_punct or words(doc)[end - 1].is_space):
        end -= 1
    return end


def class_structure(doc: Doc, spans: list[Span], rules: dict) -> dict:
    """Enumerations, definitions and aliases stated in ``doc``, as plain data with offsets."""
    items = _items(doc, spans, rules)
    sents = sentences(doc)
    runs = _runs(doc, items, sents)
    aliases = {i.name: i.long_form for i in items if i.long_form}
    enumerations, definitions = [], []
    lead_in_tokens = _cues()["lead_in_max_tokens"]
    for found in _opened_lists(doc, items, sents):
        sent_start = sents.bounds(found[0].start)[0]
        enumerations.append({"items": [_item_dict(i) for i in found],
                             "start_char": doc[found[0].start].idx, "opened": True,
                             # The words right before the list: who was named last.
                             "lead_in": doc[max(sent_start, found[0].start - lead_in_tokens):
                                            found[0].start].text})
    for run in runs:
        first = run[0]
        if len(run) >= 2 and _closes_enumeration(doc, run, sents):
            sent_start = sents.bounds(first.start)[0]
            enumerations.append({
                "items": [_item_dict(i) for i in run],
                "start_char": doc[first.start].idx, "opened": False,
                # The sentence's opening before the list, to check who it is about.
                "lead_in": doc[sent_start:min(first.start, sent_start + lead_in_tokens)].text,
            })
    item_starts = [i.start for i in items]  # items are in document order
    heads = []
    for run in runs:
        head = _definition_head(doc, run[-1].end, sents)
        if head is not None:
            heads.append((run, head))
    for n, (run, head) in enumerate(heads):
        sent_end = sents.bounds(head - 1)[1]
        limit = sent_end
        if n + 1 < len(heads) and heads[n + 1][0][0].start < sent_end:
            limit = heads[n + 1][0][0].start
        end = _clause_end(doc, head, limit, items, item_starts)
        subjects = [i.name for i in run]
        named = [i for i in _starting_in(items, item_starts, head, end) if i.end <= end]
        equivalents = [i.name for i in named]
        bracketed = [i.name for i in named if _in_brackets(doc, i.start, head)]
        if len(subjects) > 1 and len(bracketed) == len(subjects):
            pairs = {s: [e] for s, e in zip(subjects, bracketed)}  # parallel lists
        elif len(subjects) > 1 and len(equivalents) == len(subjects):
            pairs = {s: [e] for s, e in zip(subjects, equivalents)}
        else:
            pairs = {s: list(equivalents) for s in subjects}
        for item in run:
            pairs[item.name] = list(dict.fromkeys(item.bracketed + pairs[item.name]))
        definitions.append({
            "subjects": subjects,
            "description": " ".join(doc[head:end].text.split()) or None,
            "equivalents": pairs,
            "start_char": doc[run[0].start].idx,
        })
    return {"enumerations": enumerations, "definitions": definitions, "aliases": aliases}


def _in_brackets(doc: Doc, i: int, start: int) -> bool:
    depth = 0
    for token in words(doc)[start:i]:
        depth += token.text == "("
        depth -= token.text == ")"
    return depth > 0


def _item_dict(item: ClassItem) -> dict:
    return {"name": item.name, "family": item.family, "label": item.label,
            "long_form": item.long_form, "equivalents": list(item.bracketed)}


# --- the series' own classes -------------------------------------------------------------


def foreign_sections(document: SourceDocument, own_names: list[str] = ()) -> list[tuple[int, int]]:
    """Character ranges of sections titled with another series' name ("==Asian Le Mans
    Series=="): what they say is not about this series. A heading counts as a name when its
    words are capitalised and it ends in a series noun ("Series history" does not)."""
    keywords = _cues()["series_keywords"]
    own = {n.casefold() for n in own_names if n}
    if document.title:
        own.add(document.title.text.casefold())
    ranges = []
    for section in document.sections:
        words = section.heading.split()
        heading = section.heading.casefold()
        is_name = (
            len(words) >= 2 and words[-1].casefold() in keywords
            and all(w[:1].isupper() or w[:1].isdigit() or w in ("of", "de", "and") for w in words)
        )
        if is_name and not any(o in heading or heading in o for o in own):
            ranges.append((section.start_char, section.end_char))
    return ranges


def in_ranges(ranges: list[tuple[int, int]]):
    """A test of whether an offset lies in one of ``ranges`` ([start, end)): the ranges (nested
    sections overlap) merged once, then found by bisection instead of a scan per offset."""
    merged: list[list[int]] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        elif a < b:
            merged.append([a, b])
    starts = [a for a, _ in merged]

    def contains(offset: int) -> bool:
        k = bisect_right(starts, offset) - 1
        return k >= 0 and offset < merged[k][1]

    return contains


def _infobox_classes(document: SourceDocument) -> list[dict]:
    records = []
    for item in document.infobox:
        m = INFOBOX_CLASS_KEY.match(item.key.strip())
        if not m:
            continue
        values = [v for v in INFOBOX_LIST_SPLIT.split(item.value) if v.strip()]
        if not values:  # "- Gt Classes:" with nothing after it names no class
            continue
        group = m.group("group").strip()
        parent = None
        if group:
            # Take the parent's spelling from the values: "Lmp Classes: LMP1, LMP2" -> "LMP".
            if all(v.casefold().startswith(group.casefold()) for v in values):
                parent = values[0][:len(group)]
            else:
                parent = group
        for value in values:
            records.append({"name": value.strip(), "parent": parent, "source": "infobox"})
    return records


def _about_series_pattern(document: SourceDocument, own_names) -> re.Pattern:
    """A sentence opening that makes the series its subject: "The series", "It", its name,
    after an opening adverbial ("Since 2012, the championship ...")."""
    names = [n for n in own_names if n]
    if document.title:
        names.append(document.title.text)
    refs = [re.escape(n) for n in names] + _cues()["series_subjects"]
    return re.compile(
        r"^\s*(?:(?:in|since|from|during|for|by|after|until)\b[^,]{0,40}?,?\s+)?"
        r"(?:the\s+|this\s+)?(?:" + "|".join(refs) + r")\b", re.IGNORECASE)


def _names_other_series_last(text: str, document: SourceDocument, own_names) -> bool:
    """Whether the last series reference in ``text`` is a named series other than this one."""
    own = {n.casefold() for n in own_names if n}
    if document.title:
        own.add(document.title.text.casefold())
    keywords = "|".join(sorted(_cues()["series_keywords"]))
    named = re.compile(rf"(?:[A-Z][\w'’-]*\s+){{1,6}}(?:{keywords.title()})\b")
    generic = re.compile(r"\b(?:the|this|its)\s+(?:series|championship|cup)\b|\bIt\b",
                         re.IGNORECASE)
    refs = [(m.start(), m.group().strip().casefold().removeprefix("the ") not in own)
            for m in named.finditer(text)]
    refs += [(m.start(), False) for m in generic.finditer(text)]
    refs += [(text.casefold().rfind(o), False) for o in own if o in text.casefold()]
    return bool(refs) and max(refs)[1]


@cache
def _classifier(vocab) -> RacingClasses:
    return RacingClasses(vocab)


def name_label(vocab, name: str) -> str | None:
    """The label of a class written on its own (an infobox value): "LMP1" -> prototype."""
    words = re.findall(r"\w+|[^\w\s]", name)
    if not words:
        return None
    classifier = _classifier(vocab)
    doc = Doc(vocab, words=words)
    for match_id, start, end in classifier.matcher(doc):
        rule = classifier.rules[match_id]
        if rule.code is not None and not rule.code.match(doc[start].text):
            continue
        if start == 0 and end == len(doc):
            return class_category(name, rule.label) or "CLASS"
    return None


def class_records(doc: Doc, document: SourceDocument, own_names: list[str] = ()) -> list[dict]:
    """The series' own classes: infobox class keys, then classes the text enumerates or
    defines outside sections about other series. Keys: name, parent, category, equivalents,
    description. A class that is the parent of other own classes is a group, not a record."""
    structure = doc._.class_structure or {"enumerations": [], "definitions": [], "aliases": {}}
    foreign = foreign_sections(document, own_names)

    in_foreign = in_ranges(foreign)

    def ours(start_char: int) -> bool:
        return not in_foreign(start_char)

    labels = {s._.class_name: s.label_ for s in doc.spans.get(SPAN_KEY, [])}
    records: dict[str, dict] = {}
    groups: set[str] = set()  # infobox class groups ("Lmp Classes" -> LMP), for parents

    spellings: dict[str, str] = {}  # "gtepro" -> the first spelling seen ("GTE-Pro")

    def add(name: str, **facts) -> dict:
        name = spellings.setdefault(re.sub(r"[\s\-]", "", name.casefold()), name)
        record = records.setdefault(name, {
            "name": name, "parent": None, "category": None, "equivalents": [],
            "description": None,
        })
        for key, value in facts.items():
            if key == "equivalents":
                record[key] = list(dict.fromkeys(record[key] + [v for v in value if v != name]))
            elif value and not record.get(key):
                record[key] = value
        return record

    for entry in _infobox_classes(document):
        add(entry["name"], parent=entry["parent"])
        if entry["parent"]:
            groups.add(entry["parent"])
        for name in filter(None, (entry["name"], entry["parent"])):
            if name not in labels and (label := name_label(doc.vocab, name)):
                labels[name] = label
    listed_together: list[set[str]] = []
    about_series = _about_series_pattern(document, own_names)
    for enumeration in structure["enumerations"]:
        lead_in = enumeration.get("lead_in") or ""
        if enumeration.get("opened"):
            # An opened list is the series' unless another series is named last before it:
            # "The rival Eastern Cup had two classes: GT1 and GT2".
            if _names_other_series_last(lead_in, document, own_names):
                continue
        elif not about_series.match(lead_in):
            continue
        if ours(enumeration["start_char"]):
            listed_together.append({item["name"] for item in enumeration["items"]})
            for item in enumeration["items"]:
                add(item["name"], equivalents=item["equivalents"])
                labels.setdefault(item["name"], item["label"])
    for definition in structure["definitions"]:
        if ours(definition["start_char"]):
            for subject in definition["subjects"]:
                add(subject, description=definition["description"],
                    equivalents=definition["equivalents"].get(subject, []))

    # Parents: the longest other own class or infobox group that the name extends by a number,
    # a letter or a Pro/Am split ("LMP1" -> "LMP", "GTE-Pro" -> "GTE").
    candidates = set(records) | groups
    for record in records.values():
        if record["parent"]:
            continue
        name = record["name"]
        # The name's own prefixes, longest first, looked up (not every candidate per name).
        parent = next((name[:k] for k in range(len(name) - 1, -1, -1)
                       if name[:k] in candidates and CHILD_SUFFIX.match(name[k:])), None)
        if parent is not None:
            record["parent"] = parent
    # A parent listed with its children is a class ("GT3, GT3 Pro-Am and GT4"); one named apart
    # ("two general classes, LMP and GT ... four classes: LMP1, LMP2, GT1 and GT2") is a group.
    listed_parents = set()
    for items in listed_together:
        listed_parents |= items & {records.get(other, {}).get("parent") for other in items}
    parents = {r["parent"] for r in records.values() if r["parent"]} - listed_parents
    for record in records.values():
        name = record["name"]
        record["category"] = (
            (record["description"] and description_category(record["description"]))
            or description_category(name)
            or class_category(name, labels.get(name))
            or (record["parent"] and class_category(record["parent"],
                                                    labels.get(record["parent"])))
            or next((c for e in record["equivalents"]
                     if (c := class_category(e, labels.get(e)))), None)
        )
    return [r for name, r in records.items() if name not in parents]
