"""The ``racing_classes`` component: racing-class mentions.

It finds class mentions ("LMP1", "GTE-Pro", "Group C", "Class B", "Le Mans Prototypes") with
matchers built once from ``data/class_patterns.jsonl`` (run only where a pattern can start, see
:class:`~pipeline.nlp.matching.WindowedMatcher`) and stores them in ``doc.spans["classes"]``
(label = the class category, or "CLASS" when the name does not say), each with its normalised
name (``span._.class_name``), family and whether it is a spelled-out long form. A code the
entity component gave to a car, series or team ("Ford GT", "Super GT") is no class mention.
What the text says about its classes (lists, definitions, codes) is read from these mentions by
:mod:`pipeline.facts.classes`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
from spacy.attrs import ENT_TYPE
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ...data import load_json, parse_json, parse_jsonl
from ..data_files import RuleComponent, data_file_config
from ..extensions import register_extensions
from ..matching import WindowedMatcher
from ..tokens import TokenTable

__all__ = [
    "DATA_FILES",
    "SPAN_KEY",
    "RacingClasses",
    "class_category",
    "class_cues",
    "class_name_at",
    "description_category",
    "make_racing_classes",
    "name_label",
    "parse_class_cues",
    "split_class_names",
]

SPAN_KEY = "classes"
FACTORY = "racing_classes"
# The data settings of the component and the packaged files they default to.
DATA_FILES = {"patterns": "class_patterns.jsonl", "cues": "class_cues.json"}
DEFAULT_CONFIG = data_file_config(FACTORY, DATA_FILES)
# A code written in the plural ("LMP1s", "GTs"): the lower-case "s" is not part of the name.
PLURAL_CODE = re.compile(r"^([A-Z]{2,}\d*)s$")
# A one-letter code with the sentence's full stop: "X." of "ST-X.".
SENTENCE_END_LETTER = re.compile(r"^[A-Z]\.$")


@cache
def class_cues() -> dict:
    """The packaged ``data/class_cues.json``, parsed (``parse_class_cues``): the words that
    carry class structure, read by :mod:`pipeline.facts.classes` (the component reads the cues
    file of its config)."""
    return parse_class_cues(load_json(DATA_FILES["cues"]))


def parse_class_cues(data: dict) -> dict:
    """A class cues file (JSON value), its word lists as sets."""
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
        # orth ids -> class name, per word sequence (see class_name_at)
        "class_names": {},
    }


def class_name_at(tokens: TokenTable, start: int, end: int, cues: dict | None = None) -> str:
    """The class as it is usually written, of tokens start..end: "LMP1s" -> "LMP1",
    "GTE - Pro" -> "GTE-Pro", "Gr. C" -> "Group C". ``cues``: the packaged ones by default."""
    cues = cues or class_cues()
    names = cues["class_names"]
    key = tuple(tokens.orth_list[start:end])
    name = names.get(key)
    if name is None:
        name = names[key] = _class_name([w.text for w in tokens.words[start:end]
                                         if not w.is_space], cues["name_abbreviations"])
    return name


def _class_name(words: list[str], abbreviations: dict[str, str]) -> str:
    if len(words) >= 2 and words[1] == "." and words[0] in abbreviations:
        words = [abbreviations[words[0]]] + words[2:]
    if words and (m := PLURAL_CODE.match(words[-1])):
        words[-1] = m.group(1)
    if len(words) > 1 and SENTENCE_END_LETTER.match(words[-1]):
        words[-1] = words[-1][0]  # "ST-X." at a sentence's end: the tokenizer keeps the stop
    out = ""
    for i, word in enumerate(words):
        glue = i > 0 and word != "-" and words[i - 1] != "-"
        out += (" " if glue else "") + word
    return out


def class_category(name: str, label: str | None = None, cues: dict | None = None) -> str | None:
    """The category of a class from the vocabulary (``cues``, the packaged ones by default), or
    None when the name does not say."""
    known = (cues or class_cues())["known_categories"].get(name.casefold())
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
            for keyword, category in class_cues()["category_keywords"]]




def _patterns(entry: dict) -> list[list[dict]]:
    """The Matcher patterns of a line of the patterns file: a "code" is a one-token pattern
    (unless "alone" is false) and, with "then", the code followed by those token specs."""
    if "code" not in entry:
        return entry["patterns"]
    code = {"TEXT": {"REGEX": entry["code"]}}
    then = [[code, *entry["then"]]] if entry.get("then") else []
    return ([[code]] if entry.get("alone", True) else []) + then


@dataclass
class _Rule:
    family: str
    label: str
    ambiguous: bool
    named: bool
    long_form: bool
    code: re.Pattern | None = None  # the family's own code, checked on each match


class RacingClasses(RuleComponent):
    """The component; ``patterns`` and ``cues`` name its data files (see ``data_files``)."""

    factory = FACTORY

    def __init__(self, vocab, name: str = FACTORY, *, patterns: str, cues: str) -> None:
        register_extensions()
        super().__init__(name, {"patterns": patterns, "cues": cues})
        self.vocab = vocab

    def _load(self, data: Mapping[str, str]) -> None:
        vocab = self.vocab
        self.cues = parse_class_cues(parse_json(data["cues"]))
        self.matcher = WindowedMatcher(vocab)
        self.rules: dict[int, _Rule] = {}
        for n, entry in enumerate(parse_jsonl(data["patterns"])):
            key_id = self.matcher.add(f"racing_class_{n}", _patterns(entry))
            self.rules[key_id] = _Rule(
                family=entry["id"],
                label=entry["label"],
                ambiguous=entry.get("ambiguous", False),
                named=entry.get("named", False),
                long_form=entry.get("long_form", False),
                code=re.compile(entry["code"]) if "code" in entry else None,
            )

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        cues = self.cues
        tokens = TokenTable.of(doc)
        words = tokens.words
        claimed = _claimed_by_other_entities(doc)
        candidates: list[tuple[Span, _Rule]] = []
        for match_id, start, end in self.matcher(tokens):
            rule = self.rules[match_id]
            if rule.code is not None and not rule.code.match(words[start].text):
                continue  # the shared first-token regex matched another family's code
            if claimed and any(i in claimed for i in range(start, end)) and not (
                    _extends_claimed_code(words, claimed, start, end)):
                continue
            if _inside_series_name(tokens, end, cues) or (
                    not rule.named and _after_car_name(tokens, start, cues)):
                continue
            name = class_name_at(tokens, start, end, cues)
            label = class_category(name, rule.label, cues) or "CLASS"
            candidates.append((Span(doc, start, end, label=label), rule))
        rules_by_span = {(s.start, s.end): r for s, r in candidates}
        spans = filter_spans([s for s, _ in candidates])
        spans = _resolve_ambiguous(tokens, spans, rules_by_span, cues)
        for span in spans:
            rule = rules_by_span[(span.start, span.end)]
            extensions = span._
            extensions.class_name = class_name_at(tokens, span.start, span.end, cues)
            extensions.class_family = rule.family
            extensions.class_long_form = rule.long_form
        doc.spans[SPAN_KEY] = spans
        return doc


@Language.factory(FACTORY, default_config=DEFAULT_CONFIG)
def make_racing_classes(nlp: Language, name: str, patterns: str, cues: str) -> RacingClasses:
    return RacingClasses(nlp.vocab, name, patterns=patterns, cues=cues)


# --- mention filters ---------------------------------------------------------------------


def _claimed_by_other_entities(doc: Doc) -> set[int]:
    """Tokens the entity component gave to a car, series or team ("Ford GT", "Super GT"): read
    from the ENT_TYPE array, as ``doc.ents`` would build a Span per entity."""
    types = doc.to_array(ENT_TYPE)
    claimed = (types != 0) & (types != doc.vocab.strings.add("CLASS"))
    return set(np.flatnonzero(claimed).tolist())


def _extends_claimed_code(words, claimed: set[int], start: int, end: int) -> bool:
    """A series' short form used as a class prefix: "ST-1" where "ST" is the series (Super
    Taikyu). The class goes on past the claimed code with a hyphen, so it is more than it."""
    return (start in claimed and start + 1 < end and start + 1 not in claimed
            and words[start + 1].text == "-")


def _after_car_name(tokens: TokenTable, start: int, cues: dict) -> bool:
    """A code right after a make or a model number is part of a car name: "Ford GT",
    "Porsche 911 GT3", "Super GT". Sentence-initial words and series nouns don't count."""
    if start == 0 or tokens.doc[start].is_sent_start:
        return False
    prev = tokens.words[start - 1]
    if prev.is_space or prev.is_punct or prev.lower_ in cues["car_guard_exempt_prefixes"]:
        return False
    if prev.lower_ in cues["series_keywords"]:
        return False
    if prev.is_title and prev.is_alpha:
        return not prev.like_num  # "Two LMP1s" is a count, "Ford GT" a car
    if prev.is_digit:
        # A model number ("911 GT3", "550 GT1"), not a year ("the 2008 GT1 title").
        return len(prev.text) in (3, 4) and not prev.text.startswith(("19", "20"))
    return any(c.isdigit() for c in prev.text)  # "F40 GTE", "R8 LMS"


def _inside_series_name(tokens: TokenTable, end: int, cues: dict) -> bool:
    """A class word starting a series name: "Grand Touring Car Championship", "TCR Europe
    Series". Look through the capitalised words that follow for a series noun."""
    keywords = cues["series_keywords"]
    for token in tokens.words[end:end + 4]:
        if token.lower_ in keywords and (token.is_title or token.is_upper):
            return True
        if not (token.is_title or token.is_upper) or token.is_punct:
            return False
    return False


def _resolve_ambiguous(tokens: TokenTable, spans: list[Span], rules: dict,
                       cues: dict) -> list[Span]:
    """Keep a bare "GT"/"LMP"/"DP" only with class context: a class noun after it ("GT cars",
    "LMP-class"), brackets after a long form ("Grand Touring (GT)"), a list opener before it
    ("classes: LMP, GT"), or a list with a sure class ("LMP and GT regulations")."""
    nouns = cues["class_nouns"]
    separators = cues["list_separators"]
    sure = [not rules[(s.start, s.end)].ambiguous for s in spans]
    for n, span in enumerate(spans):
        if sure[n]:
            continue
        after = tokens.words[span.end:span.end + 2]
        nxt = after[0] if len(after) else None
        if nxt is not None and nxt.text == "-" and len(after) > 1:
            nxt = after[1]
        before = tokens.words[span.start - 1] if span.start > 0 else None
        prev_span = spans[n - 1] if n > 0 else None
        if nxt is not None and nxt.lower_ in nouns or (
            before is not None and before.text == "(" and nxt is not None and nxt.text == ")"
            # the long form may go on a word or two: "Daytona Prototype international (DPi)"
            and prev_span is not None and span.start - 3 <= prev_span.end <= span.start - 1
        ) or before is not None and before.text == ":" or (
            # "the Prototype classes (P1 and P2)": a bracket right after a class noun.
            before is not None and before.text == "(" and span.start > 1
            and tokens.words[span.start - 2].lower_ in nouns
        ):
            sure[n] = True
    # Coordination passes context along a list, both ways: "LMP and GT regulations". A run of
    # linked mentions is sure as a whole when one of them is (one pass over the runs: passing
    # it one link per sweep took a sweep per mention, quadratic in a long list).
    run_start = 0
    for n in range(len(spans)):
        last = n + 1 == len(spans)
        if not last:
            gap = tokens.words[spans[n].end:spans[n + 1].start]
            linked = len(gap) <= 2 and all(t.lower_ in separators or t.is_space for t in gap)
        if last or not linked:
            if any(sure[run_start:n + 1]):
                sure[run_start:n + 1] = [True] * (n + 1 - run_start)
            run_start = n + 1
    return [s for s, ok in zip(spans, sure) if ok]


@cache
def _classifier(vocab) -> RacingClasses:
    classifier = RacingClasses(vocab, **DEFAULT_CONFIG)
    classifier.initialize()
    return classifier


# A word written like a class code ("LMP2", "LMGTE", "GT3"): a value with two of them may run
# several classes together.
CODE_WORD = re.compile(r"^[A-Z]{2,}[A-Za-z0-9-]*$")


@lru_cache(maxsize=4096)
def _matches_of(vocab, text: str) -> tuple[tuple[str, ...], tuple[tuple[int, int, str], ...]]:
    """The words of a class name written on its own (an infobox value, a heading) and the class
    matches over them (start, end, label), read once per distinct text: a matcher call has a
    fixed cost far above a short name's."""
    words = tuple(re.findall(r"\w+|[^\w\s]", text))
    if not words:
        return words, ()
    classifier = _classifier(vocab)
    doc = Doc(vocab, words=list(words))
    matches = []
    for match_id, start, end in classifier.matcher(TokenTable.of(doc)):
        rule = classifier.rules[match_id]
        if rule.code is None or rule.code.match(doc[start].text):
            matches.append((start, end, rule.label))
    return words, tuple(matches)


def split_class_names(vocab, value: str) -> list[str]:
    """The classes of an infobox value that runs several together without a separator ("LMP2
    LMGTE Pro" -> "LMP2", "LMGTE Pro"): split only where known class names cover it whole;
    otherwise the value as it is."""
    if sum(bool(CODE_WORD.match(w)) for w in value.split()) < 2:
        return [value]
    words, matches = _matches_of(vocab, value)
    doc = Doc(vocab, words=list(words))
    spans = filter_spans([doc[start:end] for start, end, _ in matches])
    if len(spans) < 2 or sum(len(s) for s in spans) != len(doc):
        return [value]
    return [class_name_at(TokenTable.of(doc), s.start, s.end) for s in spans]


def name_label(vocab, name: str) -> str | None:
    """The label of a class written on its own (an infobox value): "LMP1" -> prototype."""
    words, matches = _matches_of(vocab, name)
    for start, end, label in matches:
        if start == 0 and end == len(words):
            return class_category(name, label) or "CLASS"
    return None
    classifier = _classifier(vocab)
    doc = Doc(vocab, words=words)
    for match_id, start, end in classifier.matcher(TokenTable.of(doc)):
        rule = classifier.rules[match_id]
        if rule.code is not None and not rule.code.match(doc[start].text):
            continue
        if start == 0 and end == len(doc):
            return class_category(name, rule.label) or "CLASS"
    return None
