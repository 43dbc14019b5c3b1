"""The series' own racing classes, from the class mentions of the ``racing_classes`` component.

The structure the prose states about its classes:

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
)
from ..nlp.tokens import FirstWords, Sentences, TokenTable
from .context import FactContext
from .ownership import Ownership, foreign_sections, in_ranges

__all__ = ["class_records", "class_structure"]

# What may follow a parent code to make a child class: a number, a letter, a Pro/Am split.
CHILD_SUFFIX = re.compile(r"^(?:\d{1,3}|[A-Z]|[- ]?(?:Pro|Am|Pro-Am))$")
# Infobox keys that list classes: "Classes", "Class", "Lmp Classes", "Gt Classes".
INFOBOX_CLASS_KEY = re.compile(r"^(?P<group>.*?)\s*\bclass(?:es)?$", re.IGNORECASE)
INFOBOX_LIST_SPLIT = re.compile(r"\s*(?:[,;/]|\band\b)\s*")


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


@cache
def _word_set(key: str) -> frozenset[str]:
    """A word list of ``data/class_cues.json`` as a set."""
    return frozenset(class_cues()[key])


# --- class structure ---------------------------------------------------------------------


def _items(tokens: TokenTable, spans: list[Span]) -> list[ClassItem]:
    """Mentions grouped with a bracket that follows them: "Grand Touring (GT)" is one class
    named by its code; "Class C (C2)" is Class C with C2 as a bracketed equivalent."""
    items: list[ClassItem] = []
    n = 0
    while n < len(spans):
        span = spans[n]
        mention = span._
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
                    item.long_form, item.name = item.name, code.class_name
                else:
                    item.bracketed.append(code.class_name)
                item.end = close + 1
                n += 1
        items.append(item)
        n += 1
    return items


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
    mention. A noun after the list ("IMSA's GTS and GTU classes") opens nothing."""
    cues = class_cues()
    by_start = {item.start: item for item in items}
    lists = []
    taken: set[int] = set()
    for noun in _enumeration_nouns(tokens.doc.vocab).positions(tokens):
        sent_end = sents.bounds(noun)[1]
        for j in range(noun + 1, min(sent_end, noun + 1 + cues["enumeration_window"])):
            opener = tokens.words[j].lower_
            if opener not in cues["enumeration_openers"] or j + 1 in taken:
                continue
            found = _parse_list(tokens, j + 1, sent_end, by_start)
            strong = opener in cues["strong_openers"]
            if len(found) >= 2 and (strong or any(i.family != "NAME" for i in found)):
                lists.append(found)
                taken.add(j + 1)
                break
    return lists


def _parse_list(tokens: TokenTable, i: int, limit: int,
                by_start: dict[int, ClassItem]) -> list[ClassItem]:
    words = tokens.words
    articles, conjunctions = _word_set("articles"), _word_set("conjunctions")
    found: list[ClassItem] = []
    while i < limit:
        while i < limit and (words[i].lower_ in articles or words[i].is_space):
            i += 1
        if i >= limit:
            break
        if i in by_start:
            item = by_start[i]
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
            code = by_start.get(end + 1)
            if (end + 1 < limit and words[end].text == "(" and code
                    and words[code.end].text == ")"):
                # "GT Daytona (GTD)": the class goes by its code.
                item = ClassItem(code.name, code.family, code.label, i, code.end + 1,
                                 long_form=name)
        else:
            break
        found.append(item)
        # Separators: ",", "and", "or", ", and".
        i = item.end
        if i < limit and words[i].text == ",":
            i += 1
        if i < limit and words[i].lower_ in conjunctions:
            i += 1
        if i == item.end:
            break
    return found


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
    before = tokens.words[max(sent_start, run[0].start - 4):run[0].start]
    possessives = _word_set("possessive_marks")
    return not any(t.lower_ in cues["comparison_words"] or t.text in possessives
                   for t in before)


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
    tokens = tokens if tokens is not None else TokenTable(doc)
    items = _items(tokens, list(tokens.doc.spans.get(SPAN_KEY, [])))
    sents = tokens.sentences
    runs = _runs(tokens, items, sents)
    aliases = {i.name: i.long_form for i in items if i.long_form}
    enumerations, definitions = [], []
    # "start": the token the list starts at, for whose list it is (see Ownership).
    for found in _opened_lists(tokens, items, sents):
        enumerations.append({"items": [_item_dict(i) for i in found], "start": found[0].start,
                             "start_char": tokens.doc[found[0].start].idx, "opened": True})
    for run in runs:
        first = run[0]
        if len(run) >= 2 and _closes_enumeration(tokens, run, sents):
            enumerations.append({"items": [_item_dict(i) for i in run], "start": first.start,
                                 "start_char": tokens.doc[first.start].idx, "opened": False})
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


def _item_dict(item: ClassItem) -> dict:
    return {"name": item.name, "family": item.family, "label": item.label,
            "long_form": item.long_form, "equivalents": list(item.bracketed)}



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




def class_records(doc: Doc, *, context: FactContext | None = None,
                  own_names: list[str] = ()) -> list[dict]:
    """The series' own classes: infobox class keys, then classes the text enumerates or
    defines outside sections about other series (``doc._.source_document`` gives the infobox
    and sections). Keys: name, parent, category, equivalents, description. A class that is the
    parent of other own classes is a group, not a record. ``context``: the doc's fact context
    when the caller has one; ``own_names``: the subject's names besides its title."""
    document: SourceDocument = doc._.source_document
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
    if structure["enumerations"]:
        ownership = Ownership(context)
        title = [document.title.text] if document.title else []
        refs = ownership.references([*own_names, *title])
    for enumeration in structure["enumerations"]:
        if not ownership.owns_class_list(refs, enumeration["start"], enumeration["opened"]):
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
