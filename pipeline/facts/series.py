"""Facts about the series an article describes: its name, years, bodies, names over time.

Pure functions over a parsed ``Doc`` (of ``SourceDocument.body``) and the plain outputs of the
other components (abbreviation, entity and date dicts, class records), so each rule can be tested
on hand-built inputs.

Cues live in ``data/series_cues.json`` as ``Matcher`` patterns (run by
``classes.AnchoredMatcher``). A cue counts only in a sentence about this series: the reference
to a series nearest before the cue ("The series was cancelled in 2007") must be this series'
name, alias or a generic "the series"/"it" -- another named series or body there ("the demise
of the X Championship in 1992", "SERO was founded in 1999") means the fact is about something
else. A predicate coordinated with "and" ("... and was renamed the X")
shares the sentence's first subject. Sections about another series are skipped.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

import numpy as np
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..data import load_json
from ..ingest.document import SourceDocument
from ..nlp.matching import WindowedMatcher
from ..nlp.tokens import FirstWords, TokenTable
from .ownership import foreign_sections, in_ranges

ELIDED = re.compile(r"^[a-z]'(?=[A-Z])")  # the "l'" of "l'Ouest"
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
SERIES_LABELS = ("SERIES",)
BODY_LABELS = ("ORG",)
# Named things that can be the subject of a sentence instead of the series.
OTHER_SUBJECT_LABELS = ("ORG", "EVENT", "TEAM", "MANUFACTURER", "PERSON", "SERIES", "CIRCUIT")
PLACE_LABELS = ("LOCATION",)
USED_LABELS = frozenset(OTHER_SUBJECT_LABELS + BODY_LABELS + PLACE_LABELS)
STOP_WORDS = frozenset({"of", "the", "de", "du", "des", "la", "le", "and", "for", "&", "l'", "di",
                        "del", "der"})


@cache
def _cues() -> dict:
    data = load_json("series_cues.json")
    return {
        **data,
        "auxiliaries": frozenset(data["auxiliaries"]),
        "name_connectors": frozenset(data["name_connectors"]),
        "determiners": frozenset(data["determiners"]),
    }


def _series_keywords() -> frozenset[str]:
    return frozenset(load_json("class_cues.json")["series_keywords"])


@dataclass
class _CueMatcher:
    matcher: WindowedMatcher
    rules: dict
    keywords: FirstWords  # series nouns that end a series name
    heads: FirstWords  # nouns of generic references ("the series")


@cache
def _matchers(vocab) -> _CueMatcher:
    """The cue matcher, built once per vocabulary."""
    matcher = WindowedMatcher(vocab)
    rules = {}
    for n, cue in enumerate(_cues()["cues"]):
        rules[matcher.add(f"series_cue_{n}", [cue["pattern"]])] = cue
    heads = {words[-1] for words in _cues()["generic_refs"]}
    return _CueMatcher(matcher, rules, FirstWords(vocab, _series_keywords()),
                       FirstWords(vocab, heads))


class _Context:
    """What every rule needs about one document, computed once."""

    def __init__(self, tokens: TokenTable, document: SourceDocument,
                 entities: list[dict]) -> None:
        doc = tokens.doc
        self.tokens = tokens
        self.doc = doc
        self.document = document
        self.sents = tokens.sentences
        self.generic_refs: list[Span] | None = None  # see _generic_references
        self.other_subjects: list[Span] | None = None  # see _other_subjects
        self.clause_breaks: list[int] | None = None  # see _clause_breaks
        self.cues = _matchers(doc.vocab)
        self.token_starts = tokens.starts
        self.token_ends = tokens.ends
        # The text spaCy ran over (``Doc.text`` joins every token on each call).
        self.text = document.body
        if len(doc) and self.text[self.token_starts[-1]:self.token_ends[-1]] != doc[-1].text:
            self.text = doc.text
        # Spans only for the labels the rules read (cars and classes are many and unused).
        self.entity_spans = [
            (span, entity) for entity in entities if entity.get("label") in USED_LABELS
            if (span := self.span_at(entity["start_char"], entity["end_char"],
                                     entity["label"], entity.get("canonical"))) is not None
        ]
        self.series_spans = _series_name_spans(self, entities)
        self.series_by_start: dict[int, Span] = _first_by_start(self.series_spans)
        # Read once, from the text: Span.text builds a Token per word on every call.
        self.series_norms = [_norm(self.text_of(s)) for s in self.series_spans]
        self.series_names = set(self.series_norms)
        self.sent_spans: dict[int, Span] = {}
        self.hits = sorted(((self.cues.rules[m], s, e) for m, s, e in self.cues.matcher(tokens)),
                           key=lambda h: (h[1], -h[2]))
        self.lead = _lead_sentence(self)

    def span_at(self, start_char: int, end_char: int, label: str = "",
                canonical: str | None = None) -> Span | None:
        """``_span_at`` by bisection over the token offsets; ``Doc.char_span`` only for
        offsets that do not fall on a token start (it rebuilds a char map per call)."""
        start = bisect_left(self.token_starts, start_char)
        end = bisect_left(self.token_starts, end_char)
        if (start < end and self.token_starts[start] == start_char
                and end_char <= self.token_ends[end - 1]):
            return Span(self.doc, start, end, label=label, kb_id=canonical or "")
        return _span_at(self.doc, start_char, end_char, label, canonical)

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


# --- small helpers -----------------------------------------------------------------------


def _norm(text: str) -> str:
    """Fold case, spacing and a leading "The" for comparing names."""
    words = text.casefold().replace("’", "'").split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _span_at(doc: Doc, start_char: int, end_char: int, label: str = "",
             canonical: str | None = None) -> Span | None:
    """The span of an entity dict; its canonical name rides along as the span's kb_id."""
    return doc.char_span(start_char, end_char, label=label, kb_id=canonical or "",
                         alignment_mode="expand")


def _series_name_spans(ctx: _Context, entities: list[dict]) -> list[Span]:
    """Series names: SERIES entities, and capitalised names ending in a series noun ("All
    Japan Endurance Championship"), read leftwards from each capitalised series noun."""
    doc = ctx.doc
    spans = [s for s, e in ctx.entity_spans if e["label"] in SERIES_LABELS]
    skipped = _word_ids(doc.vocab, "sentence_openers") | _word_ids(doc.vocab, "determiners")
    lower, words = ctx.tokens.lower_list, ctx.tokens.words
    for i in ctx.cues.keywords.positions(ctx.tokens):
        if not words[i].is_title:
            continue
        floor = ctx.sents.bounds(i)[0]
        name = _capitalised_before(ctx.tokens, i, floor, bracket=False)
        if name is None:
            continue
        start = name.start
        while start < i and lower[start] in skipped:
            start += 1
        if start < i:
            spans.append(Span(doc, start, i + 1, label="SERIES"))
    return filter_spans(spans)


def _entity_spans(ctx: _Context, labels) -> list[tuple[Span, dict]]:
    return [(span, entity) for span, entity in ctx.entity_spans if entity["label"] in labels]


def _capitalised_after(tokens: TokenTable, i: int, limit: int) -> Span | None:
    """A capitalised name starting at ``i`` (after determiners): "Automobile Club de l'Ouest".
    Used when no entity covers the place, so the rules work without the entity component."""
    cues = _cues()
    words = tokens.words
    while i < limit and (words[i].lower_ in cues["determiners"] or words[i].is_space):
        i += 1
    start = i
    while i < limit:
        word = words[i]
        if word.capital or (word.text[:1].isdigit() and i > start) or (
                word.lower_ in cues["name_connectors"] and i > start and i + 1 < limit
                and words[i + 1].capital):
            i += 1
        else:
            break
    return tokens.doc[start:i] if i > start else None


def _capitalised_before(tokens: TokenTable, i: int, floor: int,
                        bracket: bool = True) -> Span | None:
    """A capitalised name ending right before ``i``, skipping a bracketed short form:
    "the Sports Car Endurance Race Operation (SERO) sanctioning body"."""
    doc = tokens.doc
    orth, lower, words = tokens.orth_list, tokens.lower_list, tokens.words
    connectors = _connector_ids(doc.vocab)
    if bracket and i - 1 >= floor and orth[i - 1] == _ids(doc.vocab, ")")[0]:
        j = i - 1
        opening = _ids(doc.vocab, "(")[0]
        while j > floor and orth[j] != opening:
            j -= 1
        i = j
    end = i
    while i - 1 >= floor:
        connector = (lower[i - 1] in connectors and i - 2 >= floor
                     and words[i - 2].capital)
        if words[i - 1].capital or words[i - 1].is_digit or connector:
            i -= 1
        else:
            break
    return doc[i:end] if i < end else None


@cache
def _ids(vocab, *words: str) -> tuple[int, ...]:
    return tuple(vocab.strings.add(w) for w in words)


@cache
def _connector_ids(vocab) -> frozenset[int]:
    return frozenset(_ids(vocab, *_cues()["name_connectors"]))


@cache
def _word_ids(vocab, key: str) -> frozenset[int]:
    """Ids of a word list of the cue data (lower case), for tests on the LOWER array."""
    return frozenset(_ids(vocab, *_cues()[key]))


def _expand(name: str, abbreviations: list[dict]) -> str:
    """A short form's long form, when the document defines it ("SERO" -> the full name)."""
    for entry in abbreviations:
        if entry.get("short") == name and entry.get("long"):
            return entry["long"]
    return name


# --- who a sentence is about -------------------------------------------------------------


def _first_by_start(items, start=lambda span: span.start) -> dict:
    """The first item (in order) starting at each token: looked up per cue, where a scan of
    every item per cue made long documents quadratic."""
    index: dict = {}
    for item in items:
        index.setdefault(start(item), item)
    return index


@dataclass
class _Refs:
    """References to series and other named things, for subject checks."""

    ours: list[Span]
    others: list[Span]

    def __post_init__(self) -> None:
        # (start, end, is ours) by start, so a query reads only the refs of one sentence.
        # The last flag: a named thing that takes the subject (see ``_about_series``).
        refs = [(s.start, s.end, True, True) for s in self.ours]
        refs += [(s.start, s.end, False, s.label_ not in BODY_LABELS) for s in self.others]
        refs.sort(key=lambda r: (r[0], -r[1]))
        self.index = refs
        self.starts = [r[0] for r in refs]
        self.longest = max((r[1] - r[0] for r in refs), default=0)
        self.other_starts = sorted(s.start for s in self.others)
        self.ours_by_start: dict[int, Span] = _first_by_start(self.ours)
        self.own = [r for r in refs if r[2]]
        self.own_starts = [r[0] for r in self.own]
        # Named things other than this series that take the subject, counted up to each index.
        self.takers_before = [0]
        for r in refs:
            self.takers_before.append(self.takers_before[-1] + (not r[2] and r[3]))

    def last_own_end(self, sent: Span, i: int) -> int | None:
        """The latest end of this series' references before token ``i`` in ``sent``."""
        lo = bisect_left(self.own_starts, sent.start)
        best = None
        for k in range(bisect_left(self.own_starts, i) - 1, lo - 1, -1):
            r = self.own[k]
            if best is not None and r[0] + self.longest < best:
                break
            if r[1] <= i and (best is None or r[1] > best):
                best = r[1]
        return best

    def subject_taken(self, start: int, i: int) -> bool:
        """Whether a named thing that takes the subject lies in tokens [start, i)."""
        a, b = bisect_left(self.starts, start), bisect_left(self.starts, i)
        count = self.takers_before[b] - self.takers_before[a]
        # Those running on past ``i`` do not count: only references that started within the
        # longest reference's length of it can.
        for k in range(b - 1, a - 1, -1):
            r = self.index[k]
            if r[0] + self.longest <= i:
                break
            if r[1] > i and not r[2] and r[3]:
                count -= 1
        return count > 0

    def nearest_before(self, sent: Span, i: int, first: bool = False) -> bool | None:
        """Is the (nearest, or first) reference before token ``i`` in ``sent`` this series?
        None when there is none."""
        lo, hi = bisect_left(self.starts, sent.start), bisect_left(self.starts, i)
        if first:
            return next((r[2] for r in self.index[lo:hi] if r[1] <= i), None)
        # The nearest: the latest end (then start), read backwards from ``i``. References are
        # at most ``longest`` tokens, so one starting before best end - longest cannot beat the
        # best (a long sentence's references are not all reread for every cue).
        best = None
        for k in range(hi - 1, lo - 1, -1):
            r = self.index[k]
            if best is not None and r[0] + self.longest < best[1]:
                break
            if r[1] <= i and (best is None or (r[1], r[0]) >= (best[1], best[0])):
                best = r
        return None if best is None else best[2]

    def others_between(self, start: int, end: int) -> bool:
        """Whether another named thing starts in tokens [start, end)."""
        return bisect_left(self.other_starts, start) < bisect_left(self.other_starts, end)

    def ours_at(self, i: int) -> Span | None:
        return self.ours_by_start.get(i)


def _references(ctx: _Context, own_names: list[str]) -> _Refs:
    """This series' references (its names, "the series", "It") and other named things."""
    doc = ctx.doc
    own = {_norm(n) for n in own_names if n}
    ours, others = [], []
    for span, norm in zip(ctx.series_spans, ctx.series_norms):
        (ours if norm in own else others).append(span)
    # Own names and aliases written without being found as series names ("JLMC").
    found = {(s.start, s.end) for s in ours}
    lower_ids, lower = ctx.tokens.lower, ctx.tokens.lower_list
    for name in filter(None, own_names):
        words = list(_ids(doc.vocab, *(w.casefold() for w in name.split())))
        if not words:  # a name of spaces only matches nothing
            continue
        n = len(words)
        for i in np.flatnonzero(lower_ids == words[0]).tolist():
            if lower[i:i + n] == words and (i, i + n) not in found:
                ours.append(doc[i:i + n])
                found.add((i, i + n))
    ours += _generic_references(ctx)
    covered = {i for o in ours for i in range(o.start, o.end)}
    others += [span for span in _other_subjects(ctx) if span.start not in covered]
    return _Refs(ours, others)


def _generic_references(ctx: _Context) -> list[Span]:
    """Generic references: "the series", "this championship", a sentence-initial "It"
    (the same for every set of own names, so read once per document)."""
    if ctx.generic_refs is None:
        doc = ctx.doc
        generic = {_ids(doc.vocab, *words) for words in _cues()["generic_refs"]}
        lower = ctx.tokens.lower_list
        found = []
        for i in ctx.cues.heads.positions(ctx.tokens):
            if (lower[i],) in generic:
                if _opens_clause(ctx, i):
                    found.append(doc[i:i + 1])  # "it" after a noun refers to too many things
            elif i > 0 and (lower[i - 1], lower[i]) in generic:
                found.append(doc[i - 1:i + 1])
        ctx.generic_refs = found
    return ctx.generic_refs


def _other_subjects(ctx: _Context) -> list[Span]:
    """Named things other than series that can be a sentence's subject."""
    if ctx.other_subjects is None:
        ctx.other_subjects = [span for span, entity in _entity_spans(ctx, OTHER_SUBJECT_LABELS)
                              if entity.get("label") not in SERIES_LABELS]
    return ctx.other_subjects


def _opens_clause(ctx: _Context, i: int) -> bool:
    """Token ``i`` is the sentence's subject position: only an opening adverbial ("Since 2012",
    "In 1987,") comes before it."""
    openers = _cues()["sentence_openers"]
    start = ctx.sents.bounds(i)[0]
    return all(t.lower_ in openers or t.like_num or t.is_punct or t.is_space
               for t in ctx.tokens.words[start:i])


def _nominal_about_series(ctx: _Context, refs: _Refs, sent: Span, start: int,
                          end: int) -> bool:
    """"the last season was held in 2004": the series' own season unless the phrase names
    another series ("the first season of the X Cup") or its clause does."""
    doc, cues = ctx.doc, _cues()
    if start == 0 or doc[start - 1].lower_ not in cues["nominal_determiners"]:
        return False
    if end < sent.end and doc[end].lower_ == "of":
        j = end + 1
        while j < sent.end and doc[j].lower_ in cues["determiners"]:
            j += 1
        return refs.ours_at(j) is not None or refs.ours_at(end + 1) is not None
    breaks = _clause_breaks(ctx)
    k = bisect_right(breaks, start - 1) - 1
    clause_start = breaks[k] + 1 if k >= 0 and breaks[k] >= sent.start else sent.start
    return not refs.others_between(clause_start, start)


def _clause_breaks(ctx: _Context) -> list[int]:
    """Positions of the clause-breaking words (",", "and", "while"...), read once per document:
    the clause of a cue is found by bisection, not by walking back through a long sentence."""
    if ctx.clause_breaks is None:
        lower_ids = ctx.tokens.lower
        wanted = np.array(sorted(_word_ids(ctx.doc.vocab, "clause_breaks")), dtype=lower_ids.dtype)
        ctx.clause_breaks = np.flatnonzero(np.isin(lower_ids, wanted)).tolist()
    return ctx.clause_breaks


def _coordinated(tokens: TokenTable, start: int, sent: Span) -> bool:
    """The cue's predicate is coordinated with the sentence's main one: "... and was renamed"."""
    doc, lower = tokens.doc, tokens.lower_list
    auxiliaries = _word_ids(doc.vocab, "auxiliaries")
    i = start - 1
    while i >= sent.start and lower[i] in auxiliaries:
        i -= 1
    return i >= sent.start and lower[i] == _ids(doc.vocab, "and")[0]


def _about_series(tokens: TokenTable, refs: _Refs, sent: Span, start: int,
                  lead_sentence: bool, nearest: bool = True) -> bool:
    """Whether the cue at ``start`` speaks of this series (see the module docstring); with no
    reference before it, only the lead's definition sentence does."""
    if _coordinated(tokens, start, sent):
        verdict = refs.nearest_before(sent, start, first=True)
    elif nearest:
        verdict = refs.nearest_before(sent, start)
    else:
        # Bodies are objects of their relation ("run by X and ran under the rules of Y"): a body
        # named in between keeps the subject, anything else named there (a series, a team,
        # a maker: "the series drew a team formed by ...") takes it.
        last = refs.last_own_end(sent, start)
        if last is None:
            return lead_sentence
        return not refs.subject_taken(last, start)
    return verdict if verdict is not None else lead_sentence


# --- title -------------------------------------------------------------------------------


def _lead_sentence(ctx: _Context) -> Span | None:
    """The first sentence of the lead: the article's definition of its subject."""
    paragraphs = ctx.document.paragraphs()
    lead = [b for b in paragraphs if b.section is None] or paragraphs
    if not lead:
        return None
    span = ctx.span_at(lead[0].start_char, lead[0].end_char)
    return ctx.sent(span.start) if span is not None else None


def _defined_short_form(tokens: TokenTable, sentence: Span | None) -> str | None:
    """The short form the lead sentence defines: "(abbreviated JLMC)", ", abbreviated as JSPC,"."""
    doc = tokens.doc
    if sentence is None:
        return None
    lower = tokens.lower_list
    for opener in _cues()["short_form_openers"]:
        ids = list(_ids(doc.vocab, *opener))
        n = len(ids)
        for i in range(sentence.start, sentence.end):
            if lower[i] == ids[0] and lower[i:i + n] == ids:
                after = doc[i + n:i + n + 2]
                for candidate in after:
                    if candidate.is_upper and candidate.is_alpha and len(candidate) >= 2:
                        return candidate.text
                    if candidate.lower_ not in ("the", "as"):
                        break
    return None


def _lead_name(tokens: TokenTable, sentence: Span | None) -> str | None:
    """"The X (abbreviated Y) is/was a ...": the capitalised words opening the definition,
    followed by a bracket, a comma or the copula. "In 1990, ..." opens no name."""
    doc = tokens.doc
    if sentence is None:
        return None
    name = _capitalised_after(tokens, sentence.start, sentence.end)
    if name is None or name[0].lower_ in _cues()["sentence_openers"] or name.text in ("It",):
        return None
    after = doc[name.end] if name.end < sentence.end else None
    if after is None or after.lower_ not in ("(", ",", "is", "was", "are", "were"):
        return None
    copula = any(t.lower_ in ("is", "was", "are", "were") for t in doc[name.end:sentence.end])
    return name.text if copula else None


def _initials_match(short: str, name: str) -> int | None:
    """Schwartz-Hearst style: the short form's letters, in order, as initials of the name's
    content words. Returns how many content words the letters leave over (fewer is better),
    None when the letters do not fit."""
    letters = [c for c in short.casefold() if c.isalnum()]
    words = [ELIDED.sub("", w) for w in re.split(r"[\s\-]+", name)
             if w and w.casefold() not in STOP_WORDS]
    initials = [w[0].casefold() for w in words]
    k = 0
    for initial in initials:
        if k < len(letters) and initial == letters[k]:
            k += 1
    return len(words) - len(letters) if k == len(letters) else None


def short_form_name(short: str, name: str) -> str | None:
    """The words of ``name`` a short form spells, aligned from the right as Schwartz & Hearst
    do: "JSPC" in "All Japan Sports Prototype Car Endurance Championship" keeps "All" (before
    the first letter, as "All" in "All Japan ...") and the words the letters begin, giving "All
    Japan Sports Prototype Championship". None when the letters do not fit. A guess at the
    name the short form abbreviates, so the record keeps it apart from the name as written."""
    letters = [c for c in short.casefold() if c.isalnum()]
    words = name.split()
    keep: list[int] = []
    k = len(letters) - 1
    for i in range(len(words) - 1, -1, -1):
        word = ELIDED.sub("", words[i])
        if k >= 0 and word.casefold() not in STOP_WORDS and word[:1].casefold() == letters[k]:
            keep.append(i)
            k -= 1
    if k >= 0 or not keep:
        return None
    kept = set(keep)
    # Words before the first letter stay ("All"), as do small words between kept ones ("de").
    return " ".join(w for i, w in enumerate(words) if i < min(kept) or i in kept or (
        i < max(kept) and ELIDED.sub("", w).casefold() in STOP_WORDS))


def infer_title(tokens: TokenTable, document: SourceDocument, *, abbreviations: list[dict],
                entities: list[dict]) -> tuple[str, str]:
    """The article's subject and where it came from: "heading", "infobox", "lead", "inferred".

    A headless article that lost its name ("The , abbreviated as JSPC, formed by ...") gets the
    series name in the text whose initials spell the defined short form with the fewest words
    left over, preferring a name the series was renamed to (its latest). Names are taken as
    written, not shortened to the letters: which words a short form skips is a guess.
    """
    return _infer_title(_Context(tokens, document, entities), abbreviations, entities)


def _infer_title(ctx: _Context, abbreviations: list[dict],
                 entities: list[dict]) -> tuple[str, str]:
    doc, document = ctx.doc, ctx.document
    if document.title is not None:
        return document.title.text, "heading"
    field = document.infobox_value(*_cues()["infobox_name"])
    if field is not None and field.value.strip() and "." not in field.value[-5:]:
        return field.value.strip(), "infobox"
    sentence = ctx.lead
    lead = _lead_name(ctx.tokens, sentence)
    if lead:
        return lead, "lead"
    short = _defined_short_form(ctx.tokens, sentence)
    candidates = list(dict.fromkeys(ctx.text_of(s) for s in ctx.series_spans))
    candidates += [e["canonical"] for e in entities
                   if e.get("label") in SERIES_LABELS and e.get("canonical")]
    refs = _references(ctx, [short] if short else [])
    renamed = set()
    for rule, start, end in ctx.hits:
        if rule["relation"] != _cues()["rename_relation"]:
            continue
        sent = ctx.sent(start)
        if _about_series(ctx.tokens, refs, sent, start, False):
            name = _name_after(doc, end, sent.end, ctx.series_by_start)
            if name:
                renamed.add(_norm(name))
    if short:
        scored = []
        for n, candidate in enumerate(dict.fromkeys(candidates)):
            extra = _initials_match(short, candidate)
            if extra is not None:
                scored.append((_norm(candidate) not in renamed, extra, n, candidate))
        if scored:
            return min(scored)[3], "inferred"
        return _expand(short, abbreviations), "inferred"
    if renamed:
        return next(c for c in candidates if _norm(c) in renamed), "inferred"
    lead_spans = [s for s in ctx.series_spans if sentence is not None and s.start < sentence.end]
    if lead_spans:
        return lead_spans[0].text, "inferred"
    return "", "inferred"


# --- values next to cues -----------------------------------------------------------------


def _name_after(doc: Doc, i: int, limit: int, series_by_start: dict[int, Span]) -> str | None:
    """The series name starting right after the cue (determiners skipped)."""
    while i < limit and (doc[i].lower_ in _cues()["determiners"] or doc[i].is_space):
        i += 1
    span = series_by_start.get(i)
    return (span.kb_id_ or span.text) if span is not None else None


def _body_after(tokens: TokenTable, i: int, limit: int, bodies: dict[int, tuple[Span, dict]],
                use_fallback: bool) -> list[str]:
    """The body (or place) named right after the cue, and any coordinated with it: "sanctioned
    by the FIA and the SBF"."""
    doc = tokens.doc
    found = []
    while i < limit:
        j = i
        while j < limit and (doc[j].lower_ in _cues()["determiners"] or doc[j].is_space):
            j += 1
        span, entity = bodies.get(j, (None, None))
        if span is not None:
            found.append(entity.get("canonical") or span.text)
        elif use_fallback and (span := _capitalised_after(tokens, j, limit)) is not None:
            found.append(span.text)
        else:
            break
        i = span.end
        if i < limit and doc[i].text == "(":  # a bracketed short form after the name
            close = next((t.i for t in doc[i:min(limit, i + 6)] if t.text == ")"), None)
            i = close + 1 if close is not None else i
        if i + 1 < limit and doc[i].lower_ in ("and", ",", "&"):
            i += 1
        else:
            break
    return found


class _BodiesByEnd:
    """The bodies a cue may follow ("the ACO's rules", "the ACO (Automobile Club) rules"): the
    first, in order, that ends at the cue, or, after a closing bracket, that a bracket follows.
    Indexed once per document instead of a scan of every body per cue."""

    def __init__(self, doc: Doc, bodies: list[tuple[Span, dict]]) -> None:
        self.bodies = bodies
        self.at_end: dict[int, int] = {}
        bracketed = []
        for k, (span, _) in enumerate(bodies):
            self.at_end.setdefault(span.end, k)
            if span.end < len(doc) and doc[span.end].text.startswith("("):
                bracketed.append((span.end, k))
        bracketed.sort()
        self.bracket_ends = [end for end, _ in bracketed]
        # The first body (in order) among those ending before each bracketed end.
        self.first_bracketed = list(accumulate((k for _, k in bracketed), min))

    def before(self, doc: Doc, i: int) -> tuple[Span, dict] | None:
        found = [self.at_end[i]] if i in self.at_end else []
        if i > 0 and doc[i - 1].text == ")":
            n = bisect_left(self.bracket_ends, i)
            if n:
                found.append(self.first_bracketed[n - 1])
        return self.bodies[min(found)] if found else None


def _body_before(tokens: TokenTable, i: int, floor: int, bodies: _BodiesByEnd,
                 use_fallback: bool) -> str | None:
    body = bodies.before(tokens.doc, i)
    if body is not None:
        span, entity = body
        return entity.get("canonical") or span.text
    if use_fallback:
        name = _capitalised_before(tokens, i, floor)
        return name.text if name is not None else None
    return None


class _DateIndex:
    """The dates with a value in order of their offsets, to find the first in a range by
    bisection (not a scan of every date per cue)."""

    def __init__(self, dates: list[dict]) -> None:
        self.empty = not dates
        self.dates = sorted((d for d in dates if d.get("value_start")),
                            key=lambda d: d["start_char"])
        self.starts = [d["start_char"] for d in self.dates]

    def first_in(self, lo: int, hi: int) -> dict | None:
        k = bisect_left(self.starts, lo)
        return self.dates[k] if k < len(self.dates) and self.starts[k] < hi else None


@dataclass
class _CueValues:
    """Where the values next to cues are looked up; built once per document, since both passes
    of ``series_record`` read the same entities, dates and sections."""

    bodies_by_start: dict[int, tuple[Span, dict]]
    places_by_start: dict[int, tuple[Span, dict]]
    bodies_by_end: _BodiesByEnd
    dates: _DateIndex
    in_foreign: Callable[[int], bool]

    @classmethod
    def of(cls, ctx: _Context, bodies, places, dates: list[dict],
           foreign: list[tuple[int, int]]) -> _CueValues:
        def pair_start(pair: tuple[Span, dict]) -> int:
            return pair[0].start

        return cls(
            bodies_by_start=_first_by_start(bodies, pair_start),
            places_by_start=_first_by_start(places, pair_start),
            bodies_by_end=_BodiesByEnd(ctx.doc, bodies), dates=_DateIndex(dates),
            in_foreign=in_ranges(foreign),
        )


def _year_after(doc: Doc, end: int, sent: Span, dates: _DateIndex, last: bool,
                fronted: bool = False) -> int | None:
    """The year a few tokens after the cue ("was cancelled in 2007"), else the year of the
    sentence's opening adverbial ("In 2014 the championship merged ...")."""
    window_end = min(sent.end, end + _cues()["year_window"])
    year = _year_in(doc, end, window_end, dates, last)
    if year is None and fronted:
        openers = _cues()["sentence_openers"]
        k = sent.start
        while k < sent.end and (doc[k].lower_ in openers or doc[k].like_num or doc[k].is_punct
                                or doc[k].is_space):
            k += 1
        year = _year_in(doc, sent.start, min(k, end), dates, last)
    return year


def _year_in(doc: Doc, start: int, end: int, dates: _DateIndex, last: bool) -> int | None:
    if start >= end:
        return None
    lo, hi = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
    first = dates.first_in(lo, hi)
    if first is not None:
        value = first["value_end" if last else "value_start"] or first["value_start"]
        return int(value[:4])
    if dates.empty:
        # Without the date component: a plain year token.
        for token in doc[start:end]:
            if YEAR.fullmatch(token.text):
                return int(token.text)
    return None


def _infobox_year(document: SourceDocument, keys: list[str], last: bool) -> int | None:
    """First year of an inaugural key, last year of a folded key. A span of years
    ("Years active: 1983–1992") gives both ends, but "2006–present" has no last year."""
    field = document.infobox_value(*keys)
    if field is None:
        return None
    years = YEAR.findall(field.value)
    if not years:
        return None
    if last and field.key.casefold() in _cues()["infobox_ranges"]:
        ongoing = any(w in field.value.casefold().split() or w in field.value.casefold()
                      for w in _cues()["ongoing_words"])
        if ongoing or len(years) < 2:
            return None
    return int(years[-1] if last else years[0])


# --- the record --------------------------------------------------------------------------


def series_record(tokens: TokenTable, document: SourceDocument, *, abbreviations: list[dict],
                  entities: list[dict], dates: list[dict], classes: list[dict]) -> dict:
    """Series facts: name, aliases, years, country, bodies, names over time, classes."""
    ctx = _Context(tokens, document, entities)
    name, title_source = _infer_title(ctx, abbreviations, entities)
    lead = ctx.lead
    short = _defined_short_form(tokens, lead)
    aliases = [a["short"] for a in abbreviations
               if a.get("short") and a.get("long") and _norm(a["long"]) == _norm(name)]
    if short and short not in aliases and _norm(short) != _norm(name):
        aliases.append(short)
    use_fallback = not entities
    bodies = _entity_spans(ctx, BODY_LABELS)
    places = _entity_spans(ctx, PLACE_LABELS)
    foreign = foreign_sections(document, [name, *aliases])

    values = _CueValues.of(ctx, bodies, places, dates, foreign)
    facts: dict[str, list] = {}
    own_names = [name, *aliases]
    # Two passes: names the series had (found in sentences about it) make later sentences
    # that use them about it too.
    for _ in range(2):
        refs = _references(ctx, own_names)
        facts = _collect(ctx, refs, values, abbreviations, lead, use_fallback)
        names = (facts.get("former_name", []) + facts.get("renamed_to", [])
                 + facts.get("ended_name", []))
        if all(n in own_names for n in names):
            break
        own_names = list(dict.fromkeys(own_names + names))

    aliases += [a for a in facts.get("alias", []) if _norm(a) != _norm(name) and a not in aliases]
    renamed = facts.get("renamed_to", [])
    history = list(dict.fromkeys(facts.get("former_name", []) + renamed))
    current = {_norm(name)} | {_norm(a) for a in aliases}
    if renamed:
        # The latest rename is today's name unless the title says otherwise: a later name
        # than the title is not a former one.
        current.add(_norm(renamed[-1]))
    # A name the text gives an end ("known as X until 2005") is a former one even if it was
    # the latest rename.
    ended = [n for n in facts.get("ended_name", []) if _norm(n) not in {_norm(name)}]
    former = [n for n in history if _norm(n) not in current]
    former += [n for n in ended if n not in former]

    inaugural = _infobox_year(document, _cues()["infobox_inaugural"], last=False)
    folded = _infobox_year(document, _cues()["infobox_folded"], last=True)
    inaugural = inaugural or next(iter(facts.get("inaugural", [])), None)
    folded = folded or next(iter(facts.get("folded", [])), None)

    country_field = document.infobox_value(*_cues()["infobox_country"])
    country = country_field.value.strip() if country_field else None
    country = country or next(iter(facts.get("country", [])), None) or _category_country(
        document, places, use_fallback)

    sanctioning = list(facts.get("sanctioning", []))
    sanction_field = document.infobox_value(*_cues()["infobox_sanctioning"])
    if sanction_field and sanction_field.value.strip():
        sanctioning.insert(0, _expand(sanction_field.value.strip(), abbreviations))

    return {
        "name": name,
        "title_source": title_source,
        "aliases": aliases,
        "inaugural_year": inaugural,
        "folded_year": folded,
        "country": country,
        "sanctioning_bodies": _without_short_forms(sanctioning),
        "rule_bodies": _without_short_forms(facts.get("rule_body", [])),
        "former_names": former,
        "renamed_to": [n for n in renamed if _norm(n) != _norm(name)],
        # For an inferred title, the name its short form spells (see short_form_name).
        "short_form_name": (short_form_name(short, name) if short and title_source == "inferred"
                            else None),
        "predecessors": list(dict.fromkeys(
            n for n in facts.get("predecessor", []) if _norm(n) not in current)),
        "successors": list(dict.fromkeys(
            n for n in facts.get("successor", []) if _norm(n) not in current)),
        "classes": classes,
    }


def _without_short_forms(names: list[str]) -> list[str]:
    """Distinct names, dropping a short form whose long form is also there ("ACO" beside
    "Automobile Club de l'Ouest"), for when no abbreviation list expanded it."""
    names = list(dict.fromkeys(names))
    return [n for n in names if not (n.isupper() and any(
        other != n and _initials_match(n, other) == 0 for other in names))]


def _collect(ctx: _Context, refs: _Refs, values: _CueValues, abbreviations: list[dict],
             lead: Span | None, use_fallback: bool) -> dict[str, list]:
    doc = ctx.doc
    facts: dict[str, list] = {}
    for rule, start, end in ctx.hits:
        if values.in_foreign(ctx.token_starts[start]):
            continue
        sent = ctx.sent(start)
        in_lead = lead is not None and sent.start == lead.start
        subject = rule["subject"]
        if subject == "before":
            nearest = not rule["value"].startswith(("org", "location"))
            if not _about_series(ctx.tokens, refs, sent, start, in_lead, nearest=nearest):
                continue
        elif subject == "first":
            # "... merged with X to form Y": the sentence's subject did the forming.
            if not refs.nearest_before(sent, start, first=True):
                continue
        elif subject == "nominal":
            if not _nominal_about_series(ctx, refs, sent, start, end):
                continue
        elif subject == "after":
            j = end
            if refs.ours_at(j) is None:
                while j < sent.end and doc[j].lower_ in _cues()["determiners"]:
                    j += 1
                if refs.ours_at(j) is None:
                    continue
        value = rule["value"]
        fact = None
        if value == "year_after":
            fact = _year_after(doc, end, sent, values.dates, last=rule["relation"] == "folded",
                               fronted=rule.get("fronted_year", False))
        elif value == "name_after":
            fact = _name_after(doc, end, sent.end, ctx.series_by_start)
            if fact and rule.get("until"):
                # "was known as X until 2005": a name with an end is a former one.
                after = next((s.end for s in ctx.series_spans
                              if fact in (s.text, s.kb_id_) and s.start >= end), sent.end)
                if after >= sent.end or doc[after].lower_ not in _cues()["until_words"]:
                    fact = None
        elif value == "org_after":
            fact = _body_after(ctx.tokens, end, sent.end, values.bodies_by_start, use_fallback)
            facts.setdefault(rule["relation"], []).extend(
                _expand(f, abbreviations) for f in fact
                if _norm(f) not in ctx.series_names)
            continue
        elif value == "org_before":
            # The pattern may hold the body itself ("under ACO rules"): look inside it first.
            inside = [t for t in doc[start:end] if t.is_upper and t.is_alpha and len(t) > 1]
            fact = inside[0].text if inside else _body_before(
                ctx.tokens, start, sent.start, values.bodies_by_end, use_fallback)
            if inside and not use_fallback and inside[0].i not in values.bodies_by_start:
                fact = None
        elif value == "location_after":
            fact = next(iter(_body_after(ctx.tokens, end, sent.end, values.places_by_start,
                                         use_fallback)), None)
        if not fact or (value not in ("name_after", "year_after")
                        and _norm(fact) in ctx.series_names):
            continue
        if value.startswith("org"):
            fact = _expand(fact, abbreviations)
        facts.setdefault(rule["relation"], []).append(fact)
    return facts


def _category_country(document: SourceDocument, places, use_fallback: bool) -> str | None:
    """"Auto racing series in Japan": a category naming where the series ran."""
    known = {span.text for span, _ in places}
    for category in document.categories:
        m = re.search(r"\bseries in (?:the )?(?P<place>[A-Z][\w' -]+)$", category.text)
        if m and (m.group("place") in known or use_fallback):
            return m.group("place")
    return None
