"""The series' own racing classes, from the class mentions of the ``racing_classes`` component.

The structure the prose states about its classes:

* enumerations: a class list opened by a class noun ("four classes: LMP1, LMP2, GT1, and GT2",
  "the four categories (LMP1, LMP2, GT1 and GT2)", "the Grand Touring classes (GT1 and GT2)",
  whose group is their parent), where names the patterns do not know count too ("three
  classes: Super 2000, TCR and Production"), or closed by one in a sentence about the series
  ("It runs LMP3, GT3 and GT4 classes", "the ST-1 to ST-4 classes"); a class in apposition
  ("a fifth class, ST-5,"); the splits of a class ("the GTE category, divided into GTE Pro and
  GTE Am"); the names a class went by ("originally called ST-GT3 but now labelled ST-X");
* classes named as what the series' cars are or race to ("Group 5 cars were admitted",
  "run to FIA Group 2 regulations"), and lettered classes ("Class B", "Division 2"), in a
  sentence about the series;
* definitions: "<classes> (would be|was) for <description>", whose description names the
  classes of other bodies it matches ("Class D was for C1/GTP cars" -> Class D = C1, GTP);
* aliases: a long name with its code in brackets ("GT Daytona (GTD)"): the class is the long
  name, the code its alias.

``class_records`` turns that, plus the infobox class keys and era headings ("Formula Two
(1978–1986)"), into the series' own classes. A class named in passing ("similar to IMSA's GTS
and GTU classes") is a mention, never an own class; an article whose subject is a class names
no own classes.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Span

from ..ingest.document import SourceDocument
from ..nlp.components.classes import (
    SPAN_KEY,
    class_category,
    class_cues,
    class_name_at,
    description_category,
    name_label,
    split_class_names,
)
from ..nlp.tokens import FirstWords, Sentences, TokenTable
from .context import FactContext
from .ownership import Ownership, References, foreign_sections, in_ranges
from .title import initials_fit

__all__ = ["class_records", "class_structure"]

# What may follow a parent code to make a child class: a number, a letter, a Pro/Am split.
CHILD_SUFFIX = re.compile(r"^(?:\d{1,3}|[A-Z]|[- ]?(?:Pro|Am|Pro-Am))$")
# Infobox keys that list classes: "Classes", "Class", "Lmp Classes", "Gt Classes".
INFOBOX_CLASS_KEY = re.compile(r"^(?P<group>.*?)\s*\bclass(?:es)?$", re.IGNORECASE)
INFOBOX_LIST_SPLIT = re.compile(r"\s*(?:[,;/&]|\band\b)\s*")
# A section heading naming an era of the series by the class it ran: "Formula Two (1978–1986)",
# "Super Touring era (1991–2000)".
ERA_HEADING = re.compile(
    r"^(?P<name>[^()]+?)(?:\s+era)?\s*\(\d{4}\s*[–—-]\s*(?:\d{2,4}|present)\)$")
# A champion infobox value given class by class: "GT500: A. Driver B. Driver GT300: C. Driver",
# "Elite 1: A. Driver; Elite 2: B. Driver". A label is the word before a colon, or two words
# where the part opens (value start or after ";" or ","): "GT Cup: A. Driver".
CHAMPION_LABEL = re.compile(
    r"(?:(?:^|(?<=[;,]))\s*(?P<pair>[A-Z][\w.-]*\s[A-Z0-9][\w.-]*)|(?:^|(?<=\s))"
    r"(?P<word>[A-Z0-9][\w.-]*)):\s")
# An era after a class in an infobox list: "Formula Renault 2.0 (1991–2018)".
INFOBOX_ERA = re.compile(r"\s*\(\d{4}\s*[–—-]\s*(?:\d{2,4}|present)?\)\s*$")
# An infobox value with its code in brackets: "GT Daytona (GTD)".
INFOBOX_CODED_VALUE = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<code>[A-Z][A-Za-z0-9-]*)\)$")


@dataclass
class ClassItem:
    """One class in a list: a mention, maybe with its code in brackets ("Grand Touring (GT)")."""

    name: str
    family: str
    label: str
    start: int  # token index of the first mention
    end: int  # token index after the last token (closing bracket included)
    code: str | None = None  # the code in brackets after a long name: "GT Daytona (GTD)"
    bracketed: list[str] = field(default_factory=list)  # other classes in brackets: equivalents
    parent: str | None = None  # the group the list names: "the Prototype classes (P1 and P2)"
    # The classes a range names after the first: "ST-1 to ST-4" -> ST-2, ST-3, ST-4.
    also: list[str] = field(default_factory=list)
    equivalent_of: list[str] = field(default_factory=list)  # "X, now called Y": Y = X


# A numbered class code: its stem and number ("ST-4" -> "ST-", 4).
NUMBERED = re.compile(r"^(?P<stem>.*?)(?P<number>\d{1,2})$")


@cache
def _word_set(key: str) -> frozenset[str]:
    """A word list of ``data/class_cues.json`` as a set."""
    return frozenset(class_cues()[key])


# --- class structure ---------------------------------------------------------------------


def _items(tokens: TokenTable, spans: list[Span]) -> list[ClassItem]:
    """Mentions grouped with a bracket that follows them: "Grand Touring (GT)" is one class,
    named by its long name with its code; "Class C (C2)" is Class C with C2 as a bracketed
    equivalent."""
    items: list[ClassItem] = []
    n = 0
    while n < len(spans):
        span = spans[n]
        mention = span._
        if items and _glosses(tokens, items[-1], span):
            # "GT1 Grand Touring", "GT1, or Grand Touring Cars": the family's long name after
            # a code spells the code out; the code is the class.
            items[-1].end = span.end
            n += 1
            continue
        item = ClassItem(mention.class_name, mention.class_family, span.label_, span.start,
                         span.end)
        if span.end < tokens.length and tokens.words[span.end].text == "(":
            close = next((span.end + k for k, t in enumerate(tokens.words[span.end:span.end + 12])
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
                code = inner[0]._
                if mention.class_long_form and code.class_family == mention.class_family:
                    item.code = code.class_name
                else:
                    item.bracketed.append(code.class_name)
                item.end = close + 1
                n += 1
        items.append(item)
        n += 1
    return _ranges(tokens, items)


def _glosses(tokens: TokenTable, code: ClassItem, span: Span) -> bool:
    """Whether the long-name mention ``span`` spells out the code item just before it: same
    family, the code a short one, nothing between but a comma, "or" and capitalised words
    ("GT2, or Series Grand Touring Cars")."""
    mention = span._
    if not mention.class_long_form or mention.class_family != code.family or code.code or (
            code.name.casefold() == mention.class_name.casefold()
            or not code.name[:1].isupper() or " " in code.name):
        return False
    gap = tokens.words[code.end:span.start]
    return len(gap) <= 3 and all(
        t.text == "," or t.lower_ == "or" or (t.is_title and t.is_alpha) for t in gap)


def _ranges(tokens: TokenTable, items: list[ClassItem]) -> list[ClassItem]:
    """A range of numbered classes is one item naming them all: "ST-1 to ST-4" -> ST-1 (also
    ST-2, ST-3, ST-4). Both ends must share their stem, the numbers a short rising run."""
    words = _word_set("range_words")
    out: list[ClassItem] = []
    for item in items:
        last = out[-1] if out else None
        if (last is not None and item.start == last.end + 1
                and tokens.words[last.end].lower_ in words and not last.also
                # "moved from GT3 to GT2": a change of class, not a range
                and not (last.start > 0 and tokens.words[last.start - 1].lower_ == "from")
                and (a := NUMBERED.match(last.name)) and (b := NUMBERED.match(item.name))
                and a.group("stem") == b.group("stem")
                and 0 < int(b.group("number")) - int(a.group("number")) <= 9):
            stem, first = a.group("stem"), int(a.group("number"))
            last.also = [f"{stem}{k}" for k in range(first + 1, int(b.group("number")) + 1)]
            last.end = item.end
            continue
        out.append(item)
    return out


def _runs(tokens: TokenTable, items: list[ClassItem], sents: Sentences) -> list[list[ClassItem]]:
    """Items joined only by list separators ("LMP1, LMP2, GT1, and GT2") in one sentence."""
    separators = class_cues()["list_separators"]
    runs: list[list[ClassItem]] = []
    for item in items:
        if runs:
            last = runs[-1][-1]
            same_sentence = sents.bounds(last.start) == sents.bounds(item.start)
            if same_sentence and all(t.lower_ in separators or t.is_space
                                     for t in tokens.words[last.end:item.start]):
                runs[-1].append(item)
                continue
        runs.append([item])
    return runs


@cache
def _enumeration_nouns(vocab) -> FirstWords:
    return FirstWords(vocab, class_cues()["enumeration_nouns"])


def _opened_lists(tokens: TokenTable, items: list[ClassItem],
                  sents: Sentences) -> list[list[ClassItem]]:
    """Lists a class noun opens: "four classes: LMP1, LMP2, GT1, and GT2", "two general
    classes, known as Le Mans Prototypes (LMP) and Grand Touring (GT)", "three classes: Super
    2000, TCR and Production". After a strong opener (":", "known as", "namely") capitalised
    names count as classes too; after a weak one ("were", "into") one item must be a class
    mention, unless the list has as many items as the noun's count ("two classes, Pro and
    Am"). A sentence ending in the noun may leave its list to the next ("three classes. These
    are LMP2, LMP3 and GT3"). A noun after the list ("IMSA's GTS and GTU classes") opens
    nothing."""
    cues = class_cues()
    by_start = {item.start: item for item in items}
    lists = []
    taken: set[int] = set()
    for noun in _enumeration_nouns(tokens.doc.vocab).positions(tokens):
        sent_end = sents.bounds(noun)[1]
        count = _count_before(tokens, noun)
        candidates = list(range(noun + 1, min(sent_end, noun + 1 + cues["enumeration_window"])))
        # A list named after the noun's description: "two classes based on power and
        # manufacturer involvement, called GT1 and GT2".
        candidates += [j for j in range(candidates[-1] + 1 if candidates else noun + 1,
                                        min(sent_end, noun + 1 + cues["naming_window"]))
                       if tokens.words[j].lower_ in _word_set("naming_openers")
                       and tokens.words[j - 1].text == ","]
        if noun + 2 == sent_end and sent_end + 1 < tokens.length and (
                tokens.words[sent_end].lower_ in _word_set("list_pronouns")):
            # "... three classes. These are LMP2, LMP3 and GT3."
            sent_end = sents.bounds(sent_end)[1]
            candidates = [noun + 3]
        for j in candidates:
            opener = tokens.words[j].lower_
            # A comma opens a list only right after its noun: "two classes, LMP2 and GT3".
            if (opener not in cues["enumeration_openers"] and not (opener == "," and j == noun + 1)
                    or j + 1 in taken):
                continue
            found = _parse_list(tokens, j + 1, sent_end, by_start)
            strong = opener in cues["strong_openers"] or count == len(found) or (
                opener == "into" and tokens.words[j - 1].lower_ in cues["split_verbs"])
            # One class a singular noun names outright: "a new category: GTX", "a class
            # called Supersport".
            named_one = (len(found) == 1 and opener in cues["strong_openers"]
                         and tokens.words[noun].lower_ in _word_set("apposition_nouns"))
            if named_one or len(found) >= 2 and (strong or any(i.family != "NAME"
                                                              for i in found)):
                if j == noun + 1 and (group := _group_before(tokens, noun, items)):
                    for item in found:
                        item.parent = group
                lists.append(found)
                taken.add(j + 1)
                break
    return lists


def _count_before(tokens: TokenTable, noun: int) -> int | None:
    """The count a class noun is given ("three classes" -> 3), if any, a word or two before."""
    numbers = class_cues()["count_words"]
    for word in tokens.words[max(0, noun - 3):noun]:
        if word.lower_ in numbers:
            return numbers[word.lower_]
        if word.is_digit and len(word.text) == 1:
            return int(word.text)
    return None


def _appositions(tokens: TokenTable, items: list[ClassItem]) -> list[ClassItem]:
    """A class named in apposition to a class noun: "a fifth class, ST-5, was added", "the
    top class in the Kestrel Cup, GT500, is" (the noun's "in"/"of" phrase may name its
    series; whose list it is, ``Ownership`` says)."""
    nouns = _word_set("apposition_nouns")
    words = tokens.words
    found = []
    for item in items:
        if not (item.start >= 2 and words[item.start - 1].text == ","
                and (item.end >= tokens.length or words[item.end].text in (",", ".", "("))):
            continue
        j = item.start - 2
        k = j
        while k > max(0, j - 6) and (words[k].is_title or words[k].is_upper):
            k -= 1  # "the Kestrel Cup" in "the top class in the Kestrel Cup, GT500,"
        if k < j and k > 0 and words[k].lower_ == "the":
            k -= 1
        if words[j].lower_ in nouns or (k < j and k > 0 and words[k].lower_ in ("in", "of")
                                         and words[k - 1].lower_ in nouns):
            found.append(item)
    return found


def _renames(tokens: TokenTable, items: list[ClassItem],
             sents: Sentences) -> list[list[ClassItem]]:
    """Names a class went by: "GTLM and GTD (formerly GT2 and GT1)" gives the former names;
    "Group GT3, first called ST-GT3 but now labelled ST-X" gives ST-GT3 and ST-X, the one
    named as the current ("now", "currently") equal to the class named first when that is of
    another family (another body's class)."""
    naming, current_words = _word_set("naming_words"), _word_set("current_words")
    separators = class_cues()["list_separators"]
    words = tokens.words
    found = []
    for n, head in enumerate(items):
        sent_end = sents.bounds(head.start)[1]
        names: list[ClassItem] = []
        current = None
        pos = head.end
        for item in items[n + 1:]:
            if item.start >= sent_end:
                break
            between = words[pos:item.start]
            named = 0 < len(between) <= 5 and any(t.lower_ in naming for t in between)
            # a list of former names goes on after its first: "(formerly GT2 and GT1)"
            listed = names and 0 < len(between) <= 2 and all(
                t.lower_ in separators for t in between)
            if not (named or listed):
                break
            if named and any(t.lower_ in current_words for t in between):
                current = item
            names.append(item)
            pos = item.end
        if current is not None and head.family != current.family:
            current.equivalent_of = [head.name]
        if names:
            found.append(names)
    return found


def _group_before(tokens: TokenTable, noun: int, items: list[ClassItem]) -> str | None:
    """The group a plural class noun names right before its list: "the Grand Touring classes
    (GT1 and GT2)" -> Grand Touring, "the Prototype classes: P1 and P2" -> Prototype. Counts
    ("four classes") and series names ("the Eastern Cup classes") are no group."""
    if tokens.words[noun].lower_ not in _word_set("group_nouns"):
        return None
    for item in items:
        if item.end == noun:
            return item.name
    start = noun
    while start > max(0, noun - 3) and tokens.words[start - 1].is_title and not (
            tokens.doc[start - 1].is_sent_start):
        start -= 1
    words = tokens.words[start:noun]
    if start == noun or any(w.lower_ in class_cues()["series_keywords"] for w in words):
        return None
    return class_name_at(tokens, start, noun)


def _parse_list(tokens: TokenTable, i: int, limit: int,
                by_start: dict[int, ClassItem]) -> list[ClassItem]:
    words = tokens.words
    articles, conjunctions = _word_set("articles"), _word_set("conjunctions")
    bodies = _word_set("regulation_bodies")
    found: list[ClassItem] = []
    while i < limit:
        while i < limit and (words[i].lower_ in articles or words[i].is_space
                             or words[i].text in bodies and i + 1 in by_start):
            i += 1
        if i >= limit:
            break
        if i in by_start:
            item = _with_coded_tail(tokens, by_start[i], limit, by_start)
        elif words[i].is_title or words[i].is_upper and words[i].is_alpha:
            # A class the patterns do not know, named in the list: "Production", "Pro-Am".
            end = i + 1
            while end < min(limit, i + 3) and end not in by_start and (
                words[end].is_title or words[end].like_num
                or words[end].text == "-" and end + 1 < limit and words[end + 1].is_title
            ):
                end += 1
            name = class_name_at(tokens, i, end)
            item = ClassItem(name, "NAME", class_category(name) or "CLASS", i, end)
            tail = by_start.get(end)
            if tail is not None and (coded := _coded_name(tokens, i, tail, limit)) is not None:
                # "All American Grand Touring (AAGT)": words before a known long form, with
                # the code of the whole name after it.
                item = coded
            code = by_start.get(end + 1)
            if (end + 1 < limit and words[end].text == "(" and code
                    and words[code.end].text == ")"):
                # "GT Daytona (GTD)": the long name with its code.
                item = ClassItem(name, code.family, code.label, i, code.end + 1,
                                 code=code.name)
        else:
            break
        found.append(item)
        # Separators: ",", "and", "or", ", and".
        i = item.end
        if i < limit and words[i].text == "(":
            # A description in brackets after an item: "GT (closed bodywork) and Sports".
            close = next((k for k in range(i + 1, min(limit, i + 8)) if words[k].text == ")"),
                         None)
            if close is not None and close > i + 1 and all(
                    words[k].is_alpha and words[k].text == words[k].lower_ or words[k].text == "-"
                    for k in range(i + 1, close)):
                i = close + 1
        if i < limit and words[i].text == ",":
            i += 1
        if i < limit and words[i].lower_ in conjunctions:
            i += 1
        if i == item.end:
            break
    return found


def _coded_name(tokens: TokenTable, start: int, tail: ClassItem,
                limit: int) -> ClassItem | None:
    """The class named from ``start`` through the known long form ``tail`` when a bracketed
    code spelling the initials of the whole name follows it."""
    words, k = tokens.words, tail.end
    if tail.code is not None or k + 2 >= limit or words[k].text != "(" or (
            words[k + 2].text != ")") or not words[k + 1].is_upper:
        return None
    name = class_name_at(tokens, start, tail.end)
    if "".join(w[0] for w in name.split()).upper() != words[k + 1].text:
        return None
    return ClassItem(name, tail.family, tail.label, start, k + 3, code=words[k + 1].text)


def _with_coded_tail(tokens: TokenTable, item: ClassItem, limit: int,
                     by_start: dict[int, ClassItem]) -> ClassItem:
    """A known long form that goes on for a word or two before its code: "Daytona Prototype
    international (DPi)" is one class, the long name to the bracket."""
    words = tokens.words
    for k in range(item.end + 1, min(limit, item.end + 3)):
        if not words[k - 1].is_alpha:
            break
        code = by_start.get(k + 1)
        if (words[k].text == "(" and code is not None and code.end < limit
                and words[code.end].text == ")"):
            return ClassItem(class_name_at(tokens, item.start, k), code.family, code.label,
                             item.start, code.end + 1, code=code.name)
    return item


def _closes_enumeration(tokens: TokenTable, run: list[ClassItem], sents: Sentences) -> bool:
    """A list closed by a class noun: "It runs LMP2, LMP3 and GT3 classes". Not when another
    body owns the list or the text compares with it ("similar to IMSA's GTS and GTU classes",
    "the X Championship, whose GTO and GTU classes");
    whether the sentence is about this series is checked by ``class_records``."""
    cues = class_cues()
    sent_start, sent_end = sents.bounds(run[0].start)
    end = run[-1].end
    if end >= sent_end or tokens.words[end].lower_ not in cues["enumeration_nouns"]:
        return False
    return not _compared(tokens, run[0].start, sent_start)


def _compared(tokens: TokenTable, start: int, sent_start: int, window: int = 4) -> bool:
    """The text gives the class to another owner just before it ("IMSA's GTS") or compares
    with it (within ``window`` tokens): "similar to GTS", "based on the FIA Group N
    regulations", "such as GT3 and TCR cars"."""
    possessives = _word_set("possessive_marks")
    comparisons = class_cues()["comparison_words"]
    words = tokens.words
    if any(words[i].text in possessives for i in range(max(sent_start, start - 4), start)):
        return True
    # "Group N-based ST-1": a compound that describes the class itself, not a comparison.
    return any(words[i].lower_ in comparisons and not (i > 0 and words[i - 1].text == "-")
               for i in range(max(sent_start, start - window), start))


def _described(tokens: TokenTable, run: list[ClassItem], sents: Sentences) -> bool:
    """A class (or a list of them) named as what cars are or race to: "Group 5 cars were
    admitted", "competed under Group 2 regulations", "open to Group A touring cars". Whether
    the sentence is about the series is checked by ``class_records``."""
    sent_start, sent_end = sents.bounds(run[0].start)
    if run[0].start > sent_start and tokens.words[run[0].start - 1].text in ("-", "/"):
        return False  # the end of a compound name ("JAF-GT cars"), not a class of its own
    nouns, modifiers = _word_set("described_nouns"), _word_set("described_modifiers")
    i = run[-1].end
    while i < min(sent_end, run[-1].end + 4) and tokens.words[i].lower_ not in nouns:
        if tokens.words[i].lower_ not in modifiers:
            return False
        i += 1
    # A class named in passing is weak evidence: a comparison anywhere before it in the
    # sentence ("Its grids resembled IMSA's GTS classes, with classes for GT300 cars") voids it.
    if i >= sent_end or tokens.words[i].lower_ not in nouns:
        return False
    after = tokens.words[i + 1].lower_ if i + 1 < sent_end else ""
    if (tokens.words[i].lower_ in _word_set("single_car_nouns") and run[0].start > sent_start
            and tokens.words[run[0].start - 1].lower_ in ("a", "an")
            and after not in _word_set("compound_continuations")):
        # one car ("won in a GT1 car"), not what the series races; "a Group 2 touring car and
        # GT racing series" is a kind of series
        return False
    return not _compared(tokens, run[0].start, sent_start, window=run[0].start - sent_start)


# A class code standing alone before a class noun: "the A2 class", "the SP3 category".
BARE_CODE = re.compile(r"^[A-Z]{1,3}\d{1,4}[A-Z]?$")


def _named_with_noun(tokens: TokenTable, items: list[ClassItem]) -> list[ClassItem]:
    """Classes the patterns do not know, named by a singular class noun right after them: a
    long name with the code its initials spell ("the Grand Sport (GS) class features ...")
    and a bare code after "the" ("in the A2 class, Super 1600 cars race ..."). The long name is
    the class, the code its alias. Mentions the patterns found are left to them."""
    nouns = _word_set("named_class_nouns")
    words = tokens.words
    covered = {k for item in items for k in range(item.start, item.end)}
    found = []
    for k in range(2, tokens.length):
        if words[k].lower_ not in nouns or k - 1 in covered:
            continue
        if (words[k - 1].text == ")" and k >= 4 and words[k - 3].text == "("
                and words[k - 2].is_upper and words[k - 2].is_alpha):
            code, start = words[k - 2].text, k - 3
            while start > 0 and start > k - 8 and words[start - 1].is_title and not (
                    tokens.doc[start - 1].is_sent_start or words[start - 1].lower_ == "the"):
                start -= 1
            if start == k - 3 or any(i in covered for i in range(start, k)):
                continue
            name = class_name_at(tokens, start, k - 3)
            if initials_fit(code, name) != 0:
                continue
            found.append(ClassItem(name, "NAME", class_category(name) or "CLASS", start, k,
                                   code=code))
        elif BARE_CODE.match(words[k - 1].text) and words[k - 2].lower_ == "the":
            name = words[k - 1].text
            found.append(ClassItem(name, "NAME", class_category(name) or "CLASS", k - 1, k))
    return found


def _splits(tokens: TokenTable, items: list[ClassItem], sents: Sentences) -> list[list[ClassItem]]:
    """Classes a class is divided into: "the GTE category, divided into GTE Pro ... and GTE
    Am" gives GTE Pro and GTE Am with GTE as their parent (the children are of its family)."""
    fillers, verbs = _word_set("split_fillers"), _word_set("split_verbs")
    words = tokens.words
    found = []
    for n, item in enumerate(items):
        sent_end = sents.bounds(item.start)[1]
        i = item.end
        while i < sent_end and words[i].lower_ in fillers:
            i += 1
        if not (i + 1 < sent_end and words[i].lower_ in verbs
                and words[i + 1].lower_ in _word_set("split_prepositions")):
            continue
        children = []
        for child in items[n + 1:]:
            if child.start >= sent_end:
                break
            if child.start > i and child.family == item.family and child.name != item.name:
                children.append(child)
        for child in children:
            child.parent = item.name
        if children:
            found.append(children)
    return found


def _definition_head(tokens: TokenTable, end: int, sents: Sentences) -> int | None:
    """Index of the token after "for" when the class list is defined by what it is for:
    "Class D was for ...", "Class A and Class B for ...", "The GT class is reserved for ..."."""
    cues = class_cues()
    words = tokens.words
    i = end
    sent_end = sents.bounds(end - 1)[1]
    while i < sent_end and words[i].lower_ in _word_set("definition_nouns"):
        i += 1
    while i < sent_end and (words[i].lower_ in cues["definition_copulas"] or words[i].is_space):
        i += 1
    if i >= sent_end - 1:
        return None
    needed = cues["definition_heads"].get(words[i].lower_)
    if needed is None or needed and not (i > end and words[i - 1].lower_ in needed):
        return None
    nxt = words[i + 1]
    after = words[i + 2] if i + 2 < tokens.length else None
    if nxt.like_num or nxt.lower_ in _word_set("articles") and after is not None and after.is_digit:
        return None  # "GT1 for 2008": a season, not a description
    return i + 1


def _starting_in(items: list[ClassItem], starts: list[int], start: int, end: int):
    """The items (in document order, ``starts`` their start tokens) that start in
    [start, end), found by bisection rather than a scan of every item per definition."""
    return items[bisect_left(starts, start):bisect_left(starts, end)]


def _clause_end(
    tokens: TokenTable, start: int, limit: int, mentions: list[ClassItem], starts: list[int]
) -> int:
    """End of a description: the first clause break (outside brackets) after its last class
    mention, so "production cars (Group A and Group B) and the lead category," stops at "and"."""
    breaks = class_cues()["clause_breaks"]
    inside = _starting_in(mentions, starts, start, limit)
    scan_from = max((m.end for m in inside), default=start + 1)
    depth = 0
    for i, token in enumerate(tokens.words[start:limit], start):
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and i >= scan_from and token.lower_ in breaks:
            return i
    end = limit
    while end > start and (tokens.words[end - 1].is_punct or tokens.words[end - 1].is_space):
        end -= 1
    return end


def class_structure(doc: Doc, tokens: TokenTable | None = None) -> dict:
    """Enumerations, definitions and aliases the text states about the class mentions of
    ``doc.spans["classes"]``, as plain data with offsets. ``tokens``: the doc's token table
    when the caller has one."""
    tokens = tokens if tokens is not None else TokenTable.of(doc)
    items = _items(tokens, list(tokens.doc.spans.get(SPAN_KEY, [])))
    sents = tokens.sentences
    runs = _runs(tokens, items, sents)
    aliases = {i.code: i.name for i in items if i.code}
    enumerations, definitions = [], []
    # "kind": how the text names them (opened or closed by a class noun, split from a class,
    # described as what cars race to); "start", "end": the tokens of the list, for whose list
    # it is (see Ownership).
    lists = [("split", found) for found in _splits(tokens, items, sents)]
    lists += [("opened", found) for found in _opened_lists(tokens, items, sents)]
    lists += [("opened", [item]) for item in _appositions(tokens, items)]
    lists += [("opened", found) for found in _renames(tokens, items, sents)]
    for run in runs:
        if (len(run) >= 2 or run[0].also) and _closes_enumeration(tokens, run, sents):
            lists.append(("closed", run))
        elif _described(tokens, run, sents):
            lists.append(("described", run))
    bound = _word_set("series_bound_families")
    lists += [("described", [i]) for i in items if i.family in bound]
    named = _named_with_noun(tokens, items)
    lists += [("described", [i]) for i in named]
    aliases.update({i.code: i.name for i in named if i.code})
    for kind, found in lists:
        enumerations.append({"items": _item_dicts(found), "kind": kind,
                             "start": found[0].start, "end": found[-1].end,
                             "start_char": tokens.doc[found[0].start].idx,
                             "opened": kind in ("opened", "split")})
    item_starts = [i.start for i in items]  # items are in document order
    heads = []
    for run in runs:
        head = _definition_head(tokens, run[-1].end, sents)
        if head is not None:
            heads.append((run, head))
    for n, (run, head) in enumerate(heads):
        sent_end = sents.bounds(head - 1)[1]
        limit = sent_end
        if n + 1 < len(heads) and heads[n + 1][0][0].start < sent_end:
            limit = heads[n + 1][0][0].start
        end = _clause_end(tokens, head, limit, items, item_starts)
        subjects = [i.name for i in run]
        named = [i for i in _starting_in(items, item_starts, head, end) if i.end <= end]
        equivalents = [i.name for i in named]
        bracketed = [i.name for i in named if _in_brackets(tokens, i.start, head)]
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
            "families": [i.family for i in run],
            "description": " ".join(tokens.doc[head:end].text.split()) or None,
            "equivalents": pairs,
            "start_char": tokens.doc[run[0].start].idx,
        })
    return {"enumerations": enumerations, "definitions": definitions, "aliases": aliases}


def _in_brackets(tokens: TokenTable, i: int, start: int) -> bool:
    depth = 0
    for token in tokens.words[start:i]:
        depth += token.text == "("
        depth -= token.text == ")"
    return depth > 0


def _item_dicts(items: list[ClassItem]) -> list[dict]:
    """The classes of list items as plain data, a range giving one per class."""
    out = []
    for item in items:
        for name in [item.name, *item.also]:
            out.append({"name": name, "family": item.family, "label": item.label,
                        "code": item.code if name == item.name else None,
                        "parent": item.parent,
                        "equivalents": list(dict.fromkeys(item.bracketed + item.equivalent_of))})
    return out



def _kind_of_rules(words, enumeration: dict) -> bool:
    """A family's bare name before "regulations"/"rules" ("a consolidation of GT regulations")
    names a kind of rules, not a class of the series (nor the group of its classes); a class
    named so ("Group 5 regulations") still is one."""
    end = enumeration["end"]
    return (end < len(words) and words[end].lower_ in _word_set("rule_nouns")
            and all(i["name"] == i["family"] for i in enumeration["items"]))


def _names_a_series(words, enumeration: dict) -> bool:
    """A class name before a series' noun ("the former Division 1 championship") is part of
    that series' name, not a class named in passing."""
    end = enumeration["end"]
    return end < len(words) and words[end].lower_ in class_cues()["series_keywords"]


def _infobox_classes(document: SourceDocument, vocab) -> list[dict]:
    """The classes of the infobox class keys. A value "Long Name (CODE)" is the long name with
    its code; values run together ("LMP2 LMGTE Pro") are split where known names cover them.
    A key's group ("Lmp Classes") is the parent of the values that extend it by a number, a
    letter or a Pro/Am split ("LMP1"), spelled as the value spells it ("LMP")."""
    records = []
    for item in document.infobox:
        m = INFOBOX_CLASS_KEY.match(item.key.strip())
        if not m:
            continue
        values = [v.strip() for v in INFOBOX_LIST_SPLIT.split(item.value) if v.strip()]
        group = m.group("group").strip().casefold()
        for value in values:
            coded = INFOBOX_CODED_VALUE.match(value)
            names = ([coded.group("name")] if coded and coded.group("name")[:1].isupper()
                     else split_class_names(vocab, value))
            for name in names:
                parent = None
                if group and name.casefold().startswith(group) and CHILD_SUFFIX.match(
                        name[len(group):]):
                    parent = name[:len(group)]
                records.append({"name": name, "parent": parent,
                                "code": coded.group("code") if coded else None})
    return records




def _champion_labels(document: SourceDocument, vocab) -> list[str]:
    """The classes a champion infobox key names its champions by ("Drivers' champion: GT500:
    A. Driver GT300: B. Driver"): a value with two labels or more is given class by class; a
    label is a code (capitals or digits) or a name the class patterns know."""
    words = class_cues()["infobox_champion_words"]
    names: list[str] = []
    for item in document.infobox:
        if not any(w in item.key.casefold() for w in words):
            continue
        labels = []
        for m in CHAMPION_LABEL.finditer(item.value):
            label = m.group("pair") or m.group("word")
            if m.group("pair") and not (name_label(vocab, label) or label.split()[0].isupper()
                                        or label.split()[1].isdigit()):
                continue  # two words that are a name ("Jordan Taylor"), not a label
            if label.isupper() or any(c.isdigit() for c in label) or name_label(vocab, label):
                labels.append(label)
        if len(labels) >= 2:
            names += [n for n in labels if n not in names]
    return names


def _infobox_category_list(document: SourceDocument, vocab) -> list[str]:
    """An infobox category that lists several classes ("Category: R5, Super 2000, Group N";
    "Formula X 2.0 (1991–2018), Regional Formula 3 (2019–2020)"), not a kind of racing
    ("Touring cars", "Sports car racing", "Le Mans Prototypes, Grand tourers"): two capitalised
    names or more, none plural or a discipline's."""
    field = document.infobox_value(*class_cues()["infobox_category_keys"])
    if field is None:
        return []
    kinds = _word_set("racing_kind_words")
    values = [INFOBOX_ERA.sub("", v).strip()
              for v in INFOBOX_LIST_SPLIT.split(field.value.split("|")[0]) if v.strip()]
    if len(values) < 2 or not all(
            v[:1].isupper() and len(v.split()) <= 4
            and not any(w.casefold() in kinds for w in v.split())
            and not (v.split()[-1].isalpha() and v.split()[-1].endswith("s")) for v in values):
        return []
    return values


def _era_classes(document: SourceDocument, vocab) -> list[str]:
    """Classes that name eras of the series in its section headings: a heading that is a class
    name with the years it ran ("Formula 2000 (1973–1977)")."""
    names = []
    for section in document.sections:
        m = ERA_HEADING.match(section.heading.strip())
        if m and name_label(vocab, m.group("name")):
            names.append(m.group("name"))
    return names


def _outside_classes(refs: References, doc: Doc) -> References:
    """The references less those inside a class mention: the series' short form "ST" in the
    class "ST-1" names the class, not the series."""
    inside = {i for span in doc.spans.get(SPAN_KEY, []) for i in range(span.start, span.end)}
    if not inside:
        return refs
    return References([s for s in refs.ours if s.start not in inside],
                      [s for s in refs.others if s.start not in inside])


def class_records(doc: Doc, *, context: FactContext | None = None,
                  own_names: list[str] = ()) -> list[dict]:
    """The series' own classes: infobox class keys, then classes the text enumerates or
    defines outside sections about other series (``doc._.source_document`` gives the infobox
    and sections). Keys: name, parent, category, equivalents, description. A class that is the
    parent of other own classes is a group, not a record. ``context``: the doc's fact context
    when the caller has one; ``own_names``: the subject's names besides its title (the
    series' name first: with no title, it tells whether the subject is itself a class)."""
    document: SourceDocument = doc._.source_document
    subject = document.title.text if document.title else next(iter(own_names), None)
    keywords = class_cues()["series_keywords"]
    if (subject and not any(w.casefold() in keywords for w in subject.split())
            and name_label(doc.vocab, subject)):
        return []  # an article about a class ("Group C") names other classes, not its own
    context = context if context is not None else FactContext(doc)
    structure = class_structure(doc, context.tokens)
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
            "description": None, "code": None,
        })
        for key, value in facts.items():
            if key == "equivalents":
                record[key] = list(dict.fromkeys(record[key] + [v for v in value if v != name]))
            elif value and not record.get(key):
                record[key] = value
        return record

    for entry in _infobox_classes(document, doc.vocab):
        add(entry["name"], parent=entry["parent"], code=entry["code"])
        if entry["parent"]:
            groups.add(entry["parent"])
        for name in filter(None, (entry["name"], entry["parent"])):
            if name not in labels and (label := name_label(doc.vocab, name)):
                labels[name] = label
    for name in _era_classes(document, doc.vocab) + _infobox_category_list(document, doc.vocab):
        add(name)
    listed_together: list[set[str]] = []
    if structure["enumerations"]:
        ownership = Ownership(context)
        title = [document.title.text] if document.title else []
        refs = _outside_classes(ownership.references([*own_names, *title]), doc)
    # A series that defines classes of its own naming ("Class D was for C1/GTP cars") names
    # the cars its classes admit by other bodies' classes: those are equivalents, not its own.
    bound = _word_set("series_bound_families")
    defines_own = any(f in bound for d in structure["definitions"] for f in d["families"])
    words = context.tokens.words
    long_names = structure["aliases"]  # code -> the long name written before it in brackets
    for enumeration in structure["enumerations"]:
        if enumeration["kind"] == "described":
            if defines_own and all(i["family"] not in bound for i in enumeration["items"]):
                continue
            if _kind_of_rules(words, enumeration) or _names_a_series(words, enumeration):
                continue
            owned = ownership.owns_class_mention(refs, enumeration["start"], enumeration["end"])
        else:
            owned = ownership.owns_class_list(refs, enumeration["start"], enumeration["opened"],
                                              enumeration["end"])
        if owned and ours(enumeration["start_char"]):
            # A code the text spells out elsewhere ("Le Mans Prototypes (LMP) ... three
            # classes: LMP, GTS and GT") is the class of that long name.
            named = [(long_names[item["name"]], item["name"])
                     if not item["code"] and item["name"] in long_names
                     else (item["name"], item["code"]) for item in enumeration["items"]]
            if enumeration["kind"] != "described":
                listed_together.append({n for pair in named for n in pair if n})
            for item, (name, code) in zip(enumeration["items"], named):
                add(name, equivalents=item["equivalents"], code=code, parent=item["parent"])
                labels.setdefault(name, item["label"])
                if item["parent"]:
                    groups.add(item["parent"])
    for definition in structure["definitions"]:
        if ours(definition["start_char"]):
            for subject in definition["subjects"]:
                add(subject, description=definition["description"],
                    equivalents=definition["equivalents"].get(subject, []))

    # Champions given class by class name the classes by code: the long name given the code
    # ("GT Daytona (GTD)" in the infobox or the text, an abbreviation the text defines) is the
    # class. Such a list names classes side by side: "GTA" beside "GT" is no child of it.
    coded = {**(doc._.short_forms or {}), **structure["aliases"],
             **{r["code"]: r["name"] for r in records.values() if r["code"]}}
    side_by_side = set()
    for label in _champion_labels(document, doc.vocab):
        if label not in coded:
            # A code whose initials spell one own class: "GTS" beside "Grand Touring Sport".
            spelled = [n for n in records if initials_fit(label, n) == 0]
            if len(spelled) == 1:
                coded[label] = spelled[0]
        side_by_side.add(add(coded.get(label, label), code=label if label in coded else None)[
            "name"])
    # Parents: the longest other own class (by name or code) or group that the name extends by
    # a number, a letter or a Pro/Am split ("LMP1" -> "LMP", "GTE-Pro" -> "GTE").
    candidates = {n for n, r in records.items() if not (
        n in side_by_side and r["code"] is None)} | groups | {
        r["code"] for r in records.values() if r["code"] and r["name"] not in side_by_side}
    for record in records.values():
        if record["parent"] or record["name"] in side_by_side:
            continue
        name = record["name"]
        # The name's own prefixes, longest first, looked up (not every candidate per name).
        parent = next((name[:k] for k in range(len(name) - 1, -1, -1)
                       if name[:k] in candidates and CHILD_SUFFIX.match(name[k:])
                       and not (name[k - 1].isdigit() and name[k].isdigit())
                       and not (name[:k].endswith("Pro") and name[k:].startswith("-Am"))),
                      None)
        if parent is not None:
            record["parent"] = parent
    # A parent listed with its children is a class ("GT3, GT3 Pro-Am and GT4"); one named apart
    # ("two general classes, LMP and GT ... four classes: LMP1, LMP2, GT1 and GT2") is a group.
    listed_parents = set()
    for items in listed_together:
        listed_parents |= items & {records.get(other, {}).get("parent") for other in items}
    parents = {r["parent"] for r in records.values() if r["parent"]} - listed_parents
    # A group named with its code ("Le Mans Prototypes (LMP)") is a parent by either name.
    parents |= {r["name"] for r in records.values() if r["code"] in parents}
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
    # A class an own class is equated with is that class's counterpart under another body's
    # rules ("ST-X", formerly Group GT3), not an own class as well.
    counterparts = {e for r in records.values() for e in r["equivalents"]}
    return [{k: v for k, v in r.items() if k != "code"}
            for name, r in records.items() if name not in parents and name not in counterparts]
