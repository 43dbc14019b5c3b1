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
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache
from itertools import product

import numpy as np
from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
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
    words = [t.text for t in span if not t.is_space]
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
    for keyword, category in _cues()["category_keywords"]:
        if re.search(rf"\b{re.escape(keyword)}", lowered):
            return category
    return None


class FirstWords:
    """Positions of some words (by LOWER): a PhraseMatcher of one-word phrases."""

    def __init__(self, vocab, words) -> None:
        self.matcher = PhraseMatcher(vocab, attr="LOWER")
        self.matcher.add("WORD", [Doc(vocab, words=[w]) for w in sorted(set(words))])

    def positions(self, doc: Doc) -> list[int]:
        return sorted(start for _, start, _ in self.matcher(doc))


class AnchoredMatcher:
    """A ``Matcher`` run only where one of its patterns can start.

    spaCy's Matcher builds a Token and starts every pattern at every position, which costs more
    than tokenizing. Patterns here are grouped by their exact first word: a PhraseMatcher finds
    those words, and a small Matcher per word runs on a short window there. Code patterns
    ("LMP1", "GT300") start with a regex instead: it is tested once per word type (new types
    from ``Doc.count_by``), and the words that pass join the PhraseMatcher, so no regex runs per
    token.
    """

    def __init__(self, vocab, attr: str = "ORTH") -> None:
        self.vocab = vocab
        self.attr = attr
        self.starts = PhraseMatcher(vocab, attr=attr)
        self.by_word: dict[int, tuple[Matcher, int]] = {}  # first word's key -> Matcher, width
        self.codes: list[tuple[int, re.Pattern, bool]] = []
        self.code_key = vocab.strings.add("CODE")
        self.code_matcher = Matcher(vocab)  # continuations after a code: "GTE" "-" "Pro"
        self.code_width = 1
        self.known: set[int] = set()  # word ids already tested against the codes
        self.union: re.Pattern | None = None

    def add(self, key: str, patterns: list[list[dict]]) -> int:
        key_id = self.vocab.strings.add(key)
        for pattern in patterns:
            phrases = _phrases(pattern, self.attr)
            if phrases is not None:
                # A fixed phrase needs no Matcher: the PhraseMatcher returns it whole.
                self.starts.add(key, [Doc(self.vocab, words=p) for p in phrases])
                continue
            for exact in exact_first_words(pattern):
                word = _first_words(exact)[0]
                word_key = self.vocab.strings.add(f"WORD:{word}")
                if word_key not in self.by_word:
                    self.starts.add(f"WORD:{word}", [Doc(self.vocab, words=[word])])
                matcher, width = self.by_word.get(word_key) or (Matcher(self.vocab), 0)
                matcher.add(key, [exact])
                self.by_word[word_key] = (matcher, max(width, _width([exact])))
        return key_id

    def add_code(self, key: str, regex: str, then: list[dict] | None = None,
                 alone: bool = True) -> int:
        """A one-token code, optionally continued by ``then`` token specs (and then only,
        when not ``alone``)."""
        key_id = self.vocab.strings.add(key)
        self.codes.append((key_id, re.compile(regex), alone))
        self.union = re.compile("|".join(f"(?:{rx.pattern})" for _, rx, _ in self.codes))
        self.known = set()
        if then:
            self.code_matcher.add(key, [[{}, *then]])
            self.code_width = max(self.code_width, _width([[{}, *then]]))
        return key_id

    def _learn_codes(self, doc: Doc) -> None:
        if self.union is None:
            return
        ids = np.unique(doc.to_array(LOWER if self.attr == "LOWER" else ORTH))
        new = set(ids.tolist()) - self.known
        if new:
            # A Python loop over word types not seen before, never over tokens.
            strings = self.vocab.strings
            hits = [strings[i] for i in new if self.union.match(strings[i])]
            if hits:
                self.starts.add("CODE", [Doc(self.vocab, words=[w]) for w in hits])
            self.known |= new

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        self._learn_codes(doc)
        found = []
        for key, i, end in self.starts(doc):
            if key == self.code_key:
                text = doc[i].text
                found += [(k, i, i + 1) for k, rx, alone in self.codes if alone and rx.match(text)]
                if self.code_width > 1:
                    window = doc[i:i + self.code_width]
                    found += [(m, i, i + e) for m, s, e in self.code_matcher(window) if s == 0]
            elif key in self.by_word:
                matcher, width = self.by_word[key]
                found += [(m, i, i + e) for m, s, e in matcher(doc[i:i + width]) if s == 0]
            else:
                found.append((key, i, end))
        return found


def _phrases(pattern: list[dict], attr: str) -> list[list[str]] | None:
    """The word sequences a pattern of exact words stands for, or None when it is no fixed
    phrase (a regex, an operator, another attribute)."""
    keys = {"LOWER"} if attr == "LOWER" else {"TEXT", "ORTH"}
    options: list[list[str]] = []
    for spec in pattern:
        if len(spec) != 1 or next(iter(spec)) not in keys:
            return None
        value = next(iter(spec.values()))
        if isinstance(value, str):
            options.append([value])
        elif isinstance(value, dict) and set(value) == {"IN"}:
            options.append(list(value["IN"]))
        else:
            return None
    return [list(words) for words in product(*options)]


def exact_first_words(pattern: list[dict]) -> list[list[dict]]:
    """One pattern per word of a first-token ``IN`` list: an exact LOWER/TEXT value is checked
    in C, an ``IN`` list by a Python call at every window token."""
    spec = pattern[0]
    for key in ("LOWER", "TEXT", "ORTH"):
        value = spec.get(key)
        if isinstance(value, dict) and set(value) == {"IN"}:
            return [[{**spec, key: word}, *pattern[1:]] for word in value["IN"]]
    return [pattern]


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


def _first_words(pattern: list[dict]) -> list[str]:
    """Exact words a pattern's first token must be (its TEXT/ORTH or LOWER value or list)."""
    spec = pattern[0]
    value = next((spec[k] for k in ("TEXT", "ORTH", "LOWER") if k in spec), None)
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and "IN" in value:
        return list(value["IN"])
    raise ValueError(f"pattern must start with exact words: {spec}")


def _width(patterns: list[list[dict]]) -> int:
    """Longest match a pattern can make ("{0,4}" counts 4; "*" and "+" count 4)."""
    longest = 0
    for pattern in patterns:
        n = 0
        for spec in pattern:
            op = spec.get("OP", "1")
            m = re.match(r"^\{\d*,?(\d+)\}$", op)
            n += int(m.group(1)) if m else (4 if op in ("*", "+") else 1)
        longest = max(longest, n)
    return longest


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
            if rule.code is not None and not rule.code.match(doc[start].text):
                continue  # the shared first-token regex matched another family's code
            if claimed and any(i in claimed for i in range(start, end)):
                continue
            if _inside_series_name(doc, end) or (not rule.named and _after_car_name(doc, start)):
                continue
            span = Span(doc, start, end)
            label = class_category(class_name(span), rule.label) or "CLASS"
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
    """Tokens the entity component gave to a car, series or team ("Ford GT", "Super GT")."""
    return {i for ent in doc.ents if ent.label_ != "CLASS" for i in range(ent.start, ent.end)}


def _after_car_name(doc: Doc, start: int) -> bool:
    """A code right after a make or a model number is part of a car name: "Ford GT",
    "Porsche 911 GT3", "Super GT". Sentence-initial words and series nouns don't count."""
    if start == 0 or doc[start].is_sent_start:
        return False
    prev = doc[start - 1]
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
    for token in doc[end:end + 4]:
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
        after = doc[span.end:span.end + 2]
        nxt = after[0] if len(after) else None
        if nxt is not None and nxt.text == "-" and len(after) > 1:
            nxt = after[1]
        before = doc[span.start - 1] if span.start > 0 else None
        prev_span = spans[n - 1] if n > 0 else None
        if nxt is not None and nxt.lower_ in nouns or (
            before is not None and before.text == "(" and nxt is not None and nxt.text == ")"
            and prev_span is not None and prev_span.end == span.start - 1
        ) or before is not None and before.text == ":":
            sure[n] = True
    # Coordination passes context along a list, both ways: "LMP and GT regulations".
    changed = True
    while changed:
        changed = False
        for n in range(len(spans) - 1):
            gap = doc[spans[n].end:spans[n + 1].start]
            linked = all(t.lower_ in separators or t.is_space for t in gap) and len(gap) <= 2
            if linked and sure[n] != sure[n + 1]:
                sure[n] = sure[n + 1] = True
                changed = True
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
        if span.end < len(doc) and doc[span.end].text == "(":
            close = next((t.i for t in doc[span.end:span.end + 12] if t.text == ")"), None)
            inner = [s for s in spans[n + 1:] if close is not None and s.end <= close]
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
            gap = doc[last.end:item.start]
            same_sentence = sents.bounds(last.start) == sents.bounds(item.start)
            if same_sentence and all(t.lower_ in separators or t.is_space for t in gap):
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
            opener = doc[j].lower_
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
        while i < limit and (doc[i].lower_ in ("the", "a", "an") or doc[i].is_space):
            i += 1
        if i >= limit:
            break
        if i in by_start:
            item = by_start[i]
        elif doc[i].is_title or doc[i].is_upper and doc[i].is_alpha:
            # A class the patterns do not know, named in the list: "Production", "Pro-Am".
            end = i + 1
            while end < min(limit, i + 3) and end not in by_start and (
                doc[end].is_title or doc[end].like_num
                or doc[end].text == "-" and end + 1 < limit and doc[end + 1].is_title
            ):
                end += 1
            name = class_name(doc[i:end])
            item = ClassItem(name, "NAME", class_category(name) or "CLASS", i, end)
            code = by_start.get(end + 1)
            if end + 1 < limit and doc[end].text == "(" and code and doc[code.end].text == ")":
                # "GT Daytona (GTD)": the class goes by its code.
                item = ClassItem(code.name, code.family, code.label, i, code.end + 1,
                                 long_form=name)
        else:
            break
        found.append(item)
        # Separators: ",", "and", "or", ", and".
        i = item.end
        if i < limit and doc[i].text == ",":
            i += 1
        if i < limit and doc[i].lower_ in ("and", "or", "&"):
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
    if end >= sent_end or doc[end].lower_ not in cues["enumeration_nouns"]:
        return False
    before = doc[max(sent_start, run[0].start - 4):run[0].start]
    return not any(t.lower_ in cues["comparison_words"] or t.text in ("'s", "’s", "'")
                   for t in before)


def _definition_head(doc: Doc, end: int, sents: Sentences) -> int | None:
    """Index of the token after "for" when the class list is defined by what it is for:
    "Class D was for ...", "Class A and Class B for ...", "The GT class is reserved for ..."."""
    cues = _cues()
    i = end
    sent_end = sents.bounds(end - 1)[1]
    while i < sent_end and doc[i].lower_ in ("class", "category", "division"):
        i += 1
    while i < sent_end and (doc[i].lower_ in cues["definition_copulas"] or doc[i].is_space):
        i += 1
    if i >= sent_end - 1:
        return None
    head = doc[i].lower_
    if head == "for" or (head == "to" and i > end and doc[i - 1].lower_ in ("open", "restricted",
                                                                              "limited")):
        nxt = doc[i + 1]
        if nxt.like_num or nxt.lower_ in ("the", "a") and doc[i + 2:i + 3].text.isdigit():
            return None  # "GT1 for 2008": a season, not a description
        return i + 1
    return None


def _clause_end(doc: Doc, start: int, limit: int, mentions: list[ClassItem]) -> int:
    """End of a description: the first clause break (outside brackets) after its last class
    mention, so "production cars (Group A and Group B) and the lead category," stops at "and"."""
    breaks = _cues()["clause_breaks"]
    inside = [m for m in mentions if start <= m.start < limit]
    scan_from = max((m.end for m in inside), default=start + 1)
    depth = 0
    for token in doc[start:limit]:
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and token.i >= scan_from and token.lower_ in breaks:
            return token.i
    end = limit
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return end


def class_structure(doc: Doc, spans: list[Span], rules: dict) -> dict:
    """Enumerations, definitions and aliases stated in ``doc``, as plain data with offsets."""
    items = _items(doc, spans, rules)
    sents = Sentences(doc)
    runs = _runs(doc, items, sents)
    aliases = {i.name: i.long_form for i in items if i.long_form}
    enumerations, definitions = [], []
    for found in _opened_lists(doc, items, sents):
        sent_start = sents.bounds(found[0].start)[0]
        enumerations.append({"items": [_item_dict(i) for i in found],
                             "start_char": doc[found[0].start].idx, "opened": True,
                             "lead_in": doc[sent_start:found[0].start].text})
    for run in runs:
        first = run[0]
        if len(run) >= 2 and _closes_enumeration(doc, run, sents):
            sent_start = sents.bounds(first.start)[0]
            enumerations.append({
                "items": [_item_dict(i) for i in run],
                "start_char": doc[first.start].idx, "opened": False,
                # The sentence before the list, to check who it is about.
                "lead_in": doc[sent_start:first.start].text,
            })
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
        end = _clause_end(doc, head, limit, items)
        subjects = [i.name for i in run]
        named = [i for i in items if head <= i.start and i.end <= end]
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
    for token in doc[start:i]:
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


def _infobox_classes(document: SourceDocument) -> list[dict]:
    records = []
    for item in document.infobox:
        m = INFOBOX_CLASS_KEY.match(item.key.strip())
        if not m:
            continue
        values = [v for v in INFOBOX_LIST_SPLIT.split(item.value) if v.strip()]
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

    def ours(start_char: int) -> bool:
        return not any(a <= start_char < b for a, b in foreign)

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
        fits = [p for p in candidates
                if p != name and name.startswith(p) and CHILD_SUFFIX.match(name[len(p):])]
        if fits:
            record["parent"] = max(fits, key=len)
    # A parent listed with its children is a class ("GT3, GT3 Pro-Am and GT4"); one named apart
    # ("two general classes, LMP and GT ... four classes: LMP1, LMP2, GT1 and GT2") is a group.
    parents = {r["parent"] for r in records.values() if r["parent"]} - {
        name for items in listed_together for name in items
        if any(records.get(other, {}).get("parent") == name for other in items)
    }
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
