"""What every fact rule reads about one document, built once: the Doc, its token table, the
named things of ``doc.ents`` the rules use, the series names and the lead sentence.

Names are read from the Doc's own spans: a series name is a SERIES entity or a capitalised name
ending in a series noun ("All Japan Endurance Championship"), read leftwards from each
capitalised series noun, so the rules also work without the entity component.
"""

from __future__ import annotations

from functools import cache

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..data import load_json
from ..ingest.document import SourceDocument
from ..nlp.components.classes import class_cues
from ..nlp.tokens import FirstWords, TokenTable

__all__ = [
    "BODY_LABELS",
    "OTHER_SUBJECT_LABELS",
    "PLACE_LABELS",
    "SERIES_LABELS",
    "FactContext",
    "canonical",
    "capitalised_after",
    "capitalised_before",
    "cue_word_ids",
    "expand",
    "first_by_start",
    "norm",
    "series_cues",
    "word_ids",
    "written",
]

SERIES_LABELS = ("SERIES",)
BODY_LABELS = ("ORG",)
# Named things that can be the subject of a sentence instead of the series.
OTHER_SUBJECT_LABELS = ("ORG", "EVENT", "TEAM", "MANUFACTURER", "PERSON", "SERIES", "CIRCUIT")
PLACE_LABELS = ("LOCATION",)
USED_LABELS = frozenset(OTHER_SUBJECT_LABELS + BODY_LABELS + PLACE_LABELS)


@cache
def series_cues() -> dict:
    """``data/series_cues.json``: the cue patterns of the series facts and the words they read
    (some lists as sets)."""
    data = load_json("series_cues.json")
    return {
        **data,
        "auxiliaries": frozenset(data["auxiliaries"]),
        "name_connectors": frozenset(data["name_connectors"]),
        "determiners": frozenset(data["determiners"]),
    }


def norm(text: str) -> str:
    """Fold case, spacing and a leading "The" for comparing names."""
    words = text.casefold().replace("’", "'").split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def expand(name: str, short_forms: dict[str, str]) -> str:
    """A short form's long form, when the document defines it ("SERO" -> the full name)."""
    return short_forms.get(name) or name


def canonical(span: Span) -> str:
    """An entity's canonical name (its kb_id), else its text."""
    return span.kb_id_ or span.text


def written(span: Span) -> str:
    """A name as the text writes it, short forms too ("organised by the FIA"): bodies and
    former names are recorded so; an entity's canonical name may be another name (today's name
    of a former one, a body's later name)."""
    return span.text


@cache
def word_ids(vocab, *words: str) -> tuple[int, ...]:
    """The ids of ``words`` in ``vocab``'s string store, for tests on the token table."""
    return tuple(vocab.strings.add(w) for w in words)


@cache
def cue_word_ids(vocab, key: str) -> frozenset[int]:
    """Ids of a word list of the cue data (lower case), for tests on the LOWER column."""
    return frozenset(word_ids(vocab, *series_cues()[key]))


@cache
def _name_nouns(vocab) -> FirstWords:
    """The series nouns that end a series name ("Championship", "Cup")."""
    return FirstWords(vocab, class_cues()["series_keywords"])


class FactContext:
    """One document as the fact rules read it, computed once."""

    def __init__(self, doc: Doc, tokens: TokenTable | None = None) -> None:
        self.doc = doc
        self.tokens = tokens if tokens is not None else TokenTable.of(doc)
        self.document: SourceDocument = doc._.source_document
        self.sents = self.tokens.sentences
        self.token_starts = self.tokens.starts
        self.token_ends = self.tokens.ends
        # The text spaCy ran over (``Doc.text`` joins every token on each call).
        self.text = self.document.body if self.document is not None else doc.text
        if len(doc) and self.text[self.token_starts[-1]:self.token_ends[-1]] != doc[-1].text:
            self.text = doc.text
        # ``Doc.ents`` builds a Span per entity on every call: read once.
        self.ents = doc.ents
        self.has_entities = bool(self.ents)
        # Only the labels the rules read (cars and classes are many and unused).
        # Each label read once (``Span.label_`` decodes a string on every call).
        labelled = [(ent, ent.label_) for ent in self.ents]
        self._labelled = [(ent, label) for ent, label in labelled if label in USED_LABELS]
        self.entities = [ent for ent, _ in self._labelled]
        # What rule families read once per document (see ownership.Ownership), by key.
        self.once: dict = {}
        self.series_spans = _series_name_spans(self)
        self.series_by_start: dict[int, Span] = first_by_start(self.series_spans)
        # Read once, from the text: Span.text builds a Token per word on every call.
        self.series_norms = [norm(self.text_of(s)) for s in self.series_spans]
        self.series_names = set(self.series_norms)
        self.sent_spans: dict[int, Span] = {}
        self.lead = _lead_sentence(self)
        self.lead_kind = _lead_kind(self)

    def entities_of(self, labels) -> list[Span]:
        return [ent for ent, label in self._labelled if label in labels]

    def text_of(self, span: Span) -> str:
        """``span.text`` read from the doc's text by the token offsets."""
        if span.start == span.end:
            return ""
        return self.text[self.token_starts[span.start]:self.token_ends[span.end - 1]]

    def sent(self, i: int) -> Span:
        start, end = self.sents.bounds(i)
        span = self.sent_spans.get(start)
        if span is None:
            span = self.sent_spans[start] = self.doc[start:end]
        return span


def first_by_start(items, start=lambda span: span.start) -> dict:
    """The first item (in order) starting at each token: looked up per cue, where a scan of
    every item per cue made long documents quadratic."""
    index: dict = {}
    for item in items:
        index.setdefault(start(item), item)
    return index


def _lead_sentence(ctx: FactContext) -> Span | None:
    """The first sentence of the lead: the article's definition of its subject."""
    document = ctx.document
    if document is None:
        return None
    blocks = ctx.doc.spans["blocks"]
    paragraphs = [n for n, b in enumerate(document.blocks) if b.kind == "paragraph"]
    lead = [n for n in paragraphs if document.blocks[n].section is None] or paragraphs
    if not lead:
        return None
    span = blocks[lead[0]]
    return ctx.sent(span.start) if len(span) else None


def _lead_kind(ctx: FactContext) -> str | None:
    """"race" when the lead defines a race ("X is an endurance race"), "body" for a club or a
    federation, "category" for a set of rules ("X was a category of sports car racing"),
    "series" for a series (the head noun after the copula decides), None without a
    definition."""
    if ctx.lead is None:
        return None
    cues = series_cues()
    race, kinds, copulas = (frozenset(cues["race_nouns"]), frozenset(cues["lead_kind_nouns"]),
                            frozenset(cues["copulas"]))
    bodies, parts = frozenset(cues["body_kind_nouns"]), frozenset(cues["body_part_nouns"])
    categories = frozenset(cues["category_kind_nouns"])
    words = ctx.tokens.words[ctx.lead.start:ctx.lead.end]
    every = race | kinds | bodies | parts | categories
    seen_copula = False
    stops = frozenset(cues["lead_kind_stops"])
    for n, word in enumerate(words):
        if word.lower_ in copulas and not seen_copula:
            seen_copula = True
        elif seen_copula and word.lower_ in stops:
            return None  # past the definition's noun phrase: "was founded in 1994 by X Club"
        elif seen_copula and word.text.islower() and word.lower_ in every and not (
                n + 1 < len(words) and words[n + 1].lower_ in every):
            if word.lower_ in parts:
                if _part_of_a_body(words[n + 1:], bodies, stops):
                    return "body"
                continue  # "the premier division of touring car racing": not the kind
            # The head noun: "a club series" is a series, "an endurance race" a race.
            return ("race" if word.lower_ in race else "body" if word.lower_ in bodies
                    else "category" if word.lower_ in categories else "series")
    return None


def _part_of_a_body(after: list, bodies: frozenset, stops: frozenset) -> bool:
    """Whether the "of" phrase after a part noun ("division", "arm") names a body: "of the Kent
    Motor Club" does, "of touring car racing" does not."""
    if not after or after[0].lower_ != "of":
        return False
    for word in after[1:]:
        if word.lower_ in bodies:
            return True
        if word.lower_ in stops or not word.text.isalnum():
            return False
    return False


def _series_name_spans(ctx: FactContext) -> list[Span]:
    """Series names: SERIES entities, and capitalised names ending in a series noun ("All
    Japan Endurance Championship"), read leftwards from each capitalised series noun."""
    doc = ctx.doc
    spans = ctx.entities_of(SERIES_LABELS)
    skipped = cue_word_ids(doc.vocab, "sentence_openers") | cue_word_ids(doc.vocab,
                                                                            "determiners")
    lower, words = ctx.tokens.lower_list, ctx.tokens.words
    positions = _name_nouns(doc.vocab).positions(ctx.tokens)
    noun_at = set(positions)
    joins = word_ids(doc.vocab, "and", "&")
    for i in positions:
        if not words[i].is_title:
            continue
        floor = ctx.sents.bounds(i)[0]
        name = capitalised_before(ctx.tokens, i, floor, bracket=False)
        if name is None:
            continue
        start = name.start
        # "the X Series and Y Series": a series noun before "and" ended the name before.
        for k in range(i - 2, start - 1, -1):
            if k in noun_at and lower[k + 1] in joins:
                start = k + 2
                break
        while start < i and lower[start] in skipped:
            start += 1
        if start < i:
            spans.append(Span(doc, start, i + 1, label="SERIES"))
    return filter_spans(spans)


def capitalised_after(tokens: TokenTable, i: int, limit: int) -> Span | None:
    """A capitalised name starting at ``i`` (after determiners): "Automobile Club de l'Ouest".
    Used when no entity covers the place, so the rules work without the entity component."""
    cues = series_cues()
    words = tokens.words
    while i < limit and (words[i].lower_ in cues["determiners"] or words[i].is_space):
        i += 1
    start = i
    while i < limit:
        word = words[i]
        if word.capital or (word.text[:1].isdigit() and i > start) or (
                word.lower_ in cues["name_connectors"] and i > start and i + 1 < limit
                and words[i + 1].capital) or (
                i > start and _joined_hyphen(tokens, i) and words[i + 1].capital):
            i += 1
        else:
            break
    return tokens.doc[start:i] if i > start else None


def _joined_hyphen(tokens: TokenTable, i: int) -> bool:
    """Token ``i`` is a hyphen inside a word ("Grand-Am", "Spa-Francorchamps")."""
    return (tokens.words[i].text in ("-", "‐") and i > 0 and i + 1 < tokens.length
            and not tokens.space[i - 1] and not tokens.space[i])


def capitalised_before(tokens: TokenTable, i: int, floor: int,
                       bracket: bool = True) -> Span | None:
    """A capitalised name ending right before ``i``, skipping a bracketed short form:
    "the Sports Car Endurance Race Operation (SERO) sanctioning body"."""
    doc = tokens.doc
    orth, lower, words = tokens.orth_list, tokens.lower_list, tokens.words
    connectors = cue_word_ids(doc.vocab, "name_connectors")
    if bracket and i - 1 >= floor and orth[i - 1] == word_ids(doc.vocab, ")")[0]:
        j = i - 1
        opening = word_ids(doc.vocab, "(")[0]
        while j > floor and orth[j] != opening:
            j -= 1
        i = j
    end = i
    while i - 1 >= floor:
        if words[i - 1].capital or words[i - 1].is_digit or (
                i - 2 >= floor and _joined_hyphen(tokens, i - 1) and words[i - 2].capital):
            i -= 1
            continue
        # Connectors between capitalised words, two at most: "Club de la Sarthe".
        j = i - 1
        while j >= floor and i - j <= 2 and lower[j] in connectors:
            j -= 1
        if j < i - 1 and j >= floor and words[j].capital:
            i = j + 1
        else:
            break
    return doc[i:end] if i < end else None
