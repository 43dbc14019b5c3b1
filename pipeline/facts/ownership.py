"""Who a sentence is about: the one answer to "is this about the article's subject", for the
series facts and the own classes alike.

A fact or a class list counts only where the text speaks of the subject. A section titled with
another series' name is about that series (:func:`foreign_sections`). Within a sentence, the
references before a position decide (:class:`References`): the subject's own names and aliases,
generic references ("the series", "this championship", a clause-initial "It"), other series'
names and other named things that can be a sentence's subject (bodies, teams, makers, people,
events, circuits). Which reference counts depends on the construction:

* a cue with its subject before it ("The series was cancelled in 2007"): the nearest reference
  ("the demise of the X Championship in 1992" and "SERO was founded in 1999" are about something
  else); with none, only the lead's definition sentence is about the subject;
* a predicate coordinated with "and" ("... and was renamed the X"): the sentence's first;
* a body as the object of its relation ("run by X and ran under the rules of Y"): the last own
  reference, unless something that takes the subject (not a body) is named after it;
* a nominal cue ("the last season was held in 2004"): the phrase's "of X", else the clause;
* a possessive reference owns a noun, not the clause: "the series' largest event, held from
  1994" is about the event (for year and name cues), "the series' sanctioning body is X" is the
  series' (for bodies);
* the subject of a race ("X is an endurance race") is also "the race", "the 1000 km event"; of
  a category ("X is a class of racing"), "the class", "this formula";
* a class list a noun opens ("The rival Eastern Cup had two classes: GT1 and GT2"): the nearest
  series reference before it, if another series, makes it that series' list;
* a class list a noun closes ("It runs LMP3, GT3 and GT4 classes"): the sentence's opening must
  be the subject, or name nothing, with no other series after the list;
* a class named in passing ("Group 5 cars were admitted"): no other series the nearest before
  it nor starting right after it ("the GT1 class of the X Championship").
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import cache

import numpy as np
from spacy.tokens import Span

from ..ingest.document import SourceDocument
from ..nlp.components.classes import class_cues
from ..nlp.tokens import FirstWords
from .context import (
    BODY_LABELS,
    OTHER_SUBJECT_LABELS,
    SERIES_LABELS,
    FactContext,
    cue_word_ids,
    first_by_start,
    norm,
    series_cues,
    word_ids,
)

__all__ = ["Ownership", "References", "foreign_sections", "in_ranges"]


def foreign_sections(document: SourceDocument,
                     own_names: list[str] = ()) -> list[tuple[int, int]]:
    """Character ranges of sections titled with another series' name ("==Asian Le Mans
    Series=="): what they say is not about this series. A heading counts as a name when its
    words are capitalised and it ends in a series noun ("Series history" does not)."""
    cues = class_cues()
    keywords, connectors = cues["series_keywords"], frozenset(cues["heading_connectors"])
    own = {n.casefold() for n in own_names if n}
    if document.title:
        own.add(document.title.text.casefold())
    ranges = []
    for section in document.sections:
        words = section.heading.split()
        heading = section.heading.casefold()
        is_name = (
            len(words) >= 2 and words[-1].casefold() in keywords
            and all(w[:1].isupper() or w[:1].isdigit() or w in connectors for w in words)
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


class References:
    """The references of one document to its subject (``ours``) and to other named things,
    indexed by start so that a query reads only the references of one sentence."""

    def __init__(self, ours: list[Span], others: list[Span],
                 possessors: frozenset[int] = frozenset()) -> None:
        self.ours, self.others = ours, others
        # Starts of the subject's references that own a noun ("the series' largest event").
        self.possessors = possessors
        # (start, end, is ours, takes the subject, names a series): a body does not take the
        # subject; the subject's own references all name it.
        refs = [(s.start, s.end, True, True, True) for s in ours]
        refs += [(s.start, s.end, False, s.label_ not in BODY_LABELS,
                  s.label_ in SERIES_LABELS) for s in others]
        refs.sort(key=lambda r: (r[0], -r[1]))
        self.index = refs
        self.starts = [r[0] for r in refs]
        self.longest = max((r[1] - r[0] for r in refs), default=0)
        self.other_starts = sorted(s.start for s in others)
        self.ours_by_start: dict[int, Span] = first_by_start(ours)
        self.own = [r for r in refs if r[2]]
        self.own_starts = [r[0] for r in self.own]
        # Named things other than the subject that take the subject, counted up to each index.
        self.takers_before = [0]
        for r in refs:
            self.takers_before.append(self.takers_before[-1] + (not r[2] and r[3]))

    def last_own_end(self, sent: Span, i: int) -> int | None:
        """The latest end of the subject's references before token ``i`` in ``sent``."""
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

    def nearest_before(self, start: int, i: int, first: bool = False,
                       series: bool = False, possessors: bool = True) -> bool | None:
        """Is the nearest (or, with ``first``, the first) reference in tokens [start, i) the
        subject? None when there is none. With ``series`` only references to series count;
        without ``possessors`` a possessive reference is not the subject: "the series' largest
        event, held from 1994" is about the event."""
        lo, hi = bisect_left(self.starts, start), bisect_left(self.starts, i)
        if first:
            found = next((r for r in self.index[lo:hi] if r[1] <= i and (r[4] or not series)),
                         None)
            return None if found is None else self._verdict(found, possessors)
        # The nearest: the latest end (then start), read backwards from ``i``. References are
        # at most ``longest`` tokens, so one starting before best end - longest cannot beat the
        # best.
        best = None
        for k in range(hi - 1, lo - 1, -1):
            r = self.index[k]
            if best is not None and r[0] + self.longest < best[1]:
                break
            if (r[4] or not series) and r[1] <= i and (
                    best is None or (r[1], r[0]) >= (best[1], best[0])):
                best = r
        return None if best is None else self._verdict(best, possessors)

    def _verdict(self, ref: tuple, possessors: bool) -> bool:
        return ref[2] and (possessors or ref[0] not in self.possessors)

    def others_between(self, start: int, end: int) -> bool:
        """Whether another named thing starts in tokens [start, end)."""
        return bisect_left(self.other_starts, start) < bisect_left(self.other_starts, end)

    def ours_at(self, i: int) -> Span | None:
        return self.ours_by_start.get(i)


@cache
def _generic_heads(vocab) -> FirstWords:
    """The nouns of generic references ("the series": "series")."""
    return FirstWords(vocab, {words[-1] for words in series_cues()["generic_refs"]})


@cache
def _kind_heads(vocab, key: str) -> FirstWords:
    """The nouns of a kind's generic references ("the race", "the 1000 km event")."""
    return FirstWords(vocab, set(series_cues()[key]))


class Ownership:
    """Who the sentences of one document are about: the references for a set of the
    subject's names, and the tests on them. What does not depend on the names (generic
    references, other named things, clause breaks) is read once per document."""

    def __init__(self, ctx: FactContext) -> None:
        self.ctx = ctx
        # What is read once per document lives on the context, so that every Ownership of the
        # document (the series facts', the classes', the title's) shares it.
        self._once = ctx.once

    def _read_once(self, key, build):
        value = self._once.get(key)
        if value is None:
            value = self._once[key] = build()
        return value

    # --- references -------------------------------------------------------------------

    def references(self, own_names: list[str]) -> References:
        """The subject's references (its names, "the series", "It") and other named things:
        built once per document and set of names (the passes of the series facts and the own
        classes ask for the same sets)."""
        return self._read_once(("references", tuple(own_names)),
                               lambda: self._references(own_names))

    def _references(self, own_names: list[str]) -> References:
        ctx = self.ctx
        doc = ctx.doc
        own = {norm(n) for n in own_names if n}
        ours, others = [], []
        for span, name in zip(ctx.series_spans, ctx.series_norms):
            (ours if name in own else others).append(span)
        # Own names and aliases written without being found as series names ("JLMC").
        found = {(s.start, s.end) for s in ours}
        lower_ids, lower = ctx.tokens.lower, ctx.tokens.lower_list
        for name in filter(None, own_names):
            words = list(word_ids(doc.vocab, *(w.casefold() for w in name.split())))
            if not words:  # a name of spaces only matches nothing
                continue
            n = len(words)
            for i in np.flatnonzero(lower_ids == words[0]).tolist():
                if lower[i:i + n] == words and (i, i + n) not in found:
                    ours.append(doc[i:i + n])
                    found.add((i, i + n))
        ours += self._generic_references()
        # "the ST-5 class": a class code, not a reference to the series.
        ours = [o for o in ours if not self._class_code_at(o.end)]
        covered = {i for o in ours for i in range(o.start, o.end)}
        others += [span for span in self._others() if span.start not in covered]
        possessors = frozenset(o.start for o in ours if self._possessive_at(o.end))
        return References(ours, others, possessors)

    def _possessive_at(self, end: int) -> bool:
        words = self.ctx.tokens.words
        return end < len(words) and words[end].text in ("'", "'s", "’", "’s")

    def _class_code_at(self, end: int) -> bool:
        words = self.ctx.tokens.words
        return (end + 1 < len(words) and words[end].text in ("-", "–")
                and words[end + 1].text[:1].isdigit())

    def _generic_references(self) -> list[Span]:
        """Generic references: "the series", "this championship", a clause-initial "It"; for a
        race, "the race", "the current 1000 km event" (a determiner within a few words)."""
        return self._read_once("generic references", self._find_generic_references)

    def _find_generic_references(self) -> list[Span]:
        ctx = self.ctx
        doc = ctx.doc
        cues = series_cues()
        generic = {word_ids(doc.vocab, *words) for words in cues["generic_refs"]}
        lower = ctx.tokens.lower_list
        found = []
        for i in _generic_heads(doc.vocab).positions(ctx.tokens):
            if (lower[i],) in generic:
                # "it" after a noun refers to too much; opening the sentence, or the main
                # clause after a fronted one, it is the subject.
                if self.opens_clause(i) or self.after_fronted_clause(i):
                    found.append(doc[i:i + 1])
            elif i > 0 and (lower[i - 1], lower[i]) in generic:
                found.append(doc[i - 1:i + 1])
        heads = {"race": "race_generic_heads",
                 "category": "category_generic_heads"}.get(ctx.lead_kind)
        if heads is not None:
            found += self._kind_references(heads)
            found.sort(key=lambda s: s.start)
        return found

    def _kind_references(self, heads: str) -> list[Span]:
        """"the race", "the current 1000 km event", "this class": a head noun of the subject's
        kind (a list of the cue data) after "the"/"this" within a few words."""
        ctx = self.ctx
        doc, words = ctx.doc, ctx.tokens.words
        found = []
        for i in _kind_heads(doc.vocab, heads).positions(ctx.tokens):
            for j in range(i - 1, max(ctx.sents.bounds(i)[0], i - 4) - 1, -1):
                if words[j].lower_ in ("the", "this"):
                    found.append(doc[j:i + 1])
                    break
                if words[j].capital or words[j].is_punct:
                    break
        return found

    def subject_after(self, refs: References, sent: Span, end: int) -> bool:
        """"Run since 1923, it is ...": the clause after the cue's phrase has the subject (the
        first reference after it, or an "it" after its comma). The phrase may run over several
        commas ("Originally titled X, generally called Y, the series was ..."): the first comma
        followed by a reference or "it" decides."""
        lower = self.ctx.tokens.lower_list
        comma, it = word_ids(self.ctx.doc.vocab, ",", "it")
        for i in range(end, sent.end - 1):
            if lower[i] != comma:
                continue
            if lower[i + 1] == it or refs.ours_at(i + 1) is not None:
                return True
            if refs.others_between(i + 1, i + 2):
                return False
        return False

    def _others(self) -> list[Span]:
        """Named things other than series that can be a sentence's subject."""
        return self._read_once("other subjects", lambda: [
            span for span in self.ctx.entities_of(OTHER_SUBJECT_LABELS)
            if span.label_ not in SERIES_LABELS])

    def opens_clause(self, i: int) -> bool:
        """Token ``i`` is the sentence's subject position: only an opening adverbial ("Since
        2012", "In 1987,") comes before it."""
        openers = series_cues()["sentence_openers"]
        start = self.ctx.sents.bounds(i)[0]
        return all(t.lower_ in openers or t.like_num or t.is_punct or t.is_space
                   for t in self.ctx.tokens.words[start:i])

    def after_fronted_clause(self, i: int) -> bool:
        """Token ``i`` follows the comma that closes a fronted clause or phrase: "Before it
        was sanctioned by X, it was known as Y", "At the height of its popularity, it ..."."""
        words = self.ctx.tokens.words
        start = self.ctx.sents.bounds(i)[0]
        return (i - 1 > start and words[i - 1].text == ","
                and words[start].lower_ in series_cues()["fronted_clause_openers"]
                and "," not in {t.text for t in words[start:i - 1]})

    def clause_breaks(self) -> list[int]:
        """Positions of the clause-breaking words (",", "and", "while"...), read once: the
        clause of a cue is found by bisection, not by walking back through a long sentence."""
        def find() -> list[int]:
            lower_ids = self.ctx.tokens.lower
            wanted = np.array(sorted(cue_word_ids(self.ctx.doc.vocab, "clause_breaks")),
                              dtype=lower_ids.dtype)
            return np.flatnonzero(np.isin(lower_ids, wanted)).tolist()

        return self._read_once("clause breaks", find)

    # --- the series facts ---------------------------------------------------------------

    def coordinated(self, start: int, sent: Span) -> bool:
        """The cue's predicate is coordinated with the sentence's main one: "... and was
        renamed"."""
        vocab, lower = self.ctx.doc.vocab, self.ctx.tokens.lower_list
        auxiliaries = cue_word_ids(vocab, "auxiliaries")
        i = start - 1
        while i >= sent.start and lower[i] in auxiliaries:
            i -= 1
        return i >= sent.start and lower[i] == word_ids(vocab, "and")[0]

    def about_subject(self, refs: References, sent: Span, start: int, lead_sentence: bool,
                      nearest: bool = True) -> bool:
        """Whether the cue at ``start`` speaks of the subject (see the module docstring); with
        no reference before it, only the lead's definition sentence does."""
        if self.coordinated(start, sent):
            verdict = refs.nearest_before(sent.start, start, first=True, possessors=False)
        elif nearest:
            verdict = refs.nearest_before(sent.start, start, possessors=False)
        else:
            # Bodies are objects of their relation: a body named in between keeps the subject,
            # anything else named there (a series, a team, a maker) takes it.
            last = refs.last_own_end(sent, start)
            if last is None:
                return lead_sentence
            return not refs.subject_taken(last, start)
        return verdict if verdict is not None else lead_sentence

    def nominal_about_subject(self, refs: References, sent: Span, start: int,
                              end: int) -> bool:
        """"the last season was held in 2004": the subject's own season unless the phrase names
        another series ("the first season of the X Cup") or its clause does."""
        doc, cues = self.ctx.doc, series_cues()
        if start == 0 or doc[start - 1].lower_ not in cues["nominal_determiners"]:
            return False
        if end < sent.end and doc[end].lower_ == "of":
            j = end + 1
            while j < sent.end and doc[j].lower_ in cues["determiners"]:
                j += 1
            return refs.ours_at(j) is not None or refs.ours_at(end + 1) is not None
        breaks = self.clause_breaks()
        k = bisect_right(breaks, start - 1) - 1
        clause_start = breaks[k] + 1 if k >= 0 and breaks[k] >= sent.start else sent.start
        return not refs.others_between(clause_start, start)

    # --- class lists --------------------------------------------------------------------

    def owns_class_list(self, refs: References, start: int, opened: bool,
                        end: int | None = None) -> bool:
        """Whether the class list starting at token ``start`` is the subject's. A list a class
        noun opens is, unless the nearest series named before it (within the lead-in bound)
        is another one; a list a class noun closes needs the subject as the sentence's first
        reference, or none before it and no other series after it (from ``end``, the list's
        end, when given)."""
        sent = self.ctx.sent(start)
        if opened:
            lo = max(sent.start, start - class_cues()["lead_in_max_tokens"])
            return refs.nearest_before(lo, start, series=True) is not False
        first = refs.nearest_before(sent.start, start, first=True)
        # A sentence that names nothing before the list ("The original A and B classes are
        # ...") is about the subject unless it names another series after the list.
        return first is True or first is None and not self._other_series_after(
            refs, start if end is None else end)

    def owns_class_mention(self, refs: References, start: int, end: int) -> bool:
        """Whether a class named in passing at tokens [start, end) ("Group 5 cars were admitted
        into the series") is the subject's: no other series is the nearest named before it in
        its sentence (within the lead-in bound), and none starts right after it ("the GT1
        class of the X Championship")."""
        sent = self.ctx.sent(start)
        lo = max(sent.start, start - class_cues()["lead_in_max_tokens"])
        if refs.nearest_before(lo, start, series=True) is False:
            return False
        after = min(sent.end, end + class_cues()["owner_after_max_tokens"])
        following = refs.index[bisect_left(refs.starts, end):bisect_left(refs.starts, after)]
        return not any(not ours and series for _, _, ours, _, series in following)

    def _other_series_after(self, refs: References, end: int) -> bool:
        """Whether the first series named in tokens [end, sentence end) is another one."""
        sent = self.ctx.sent(end - 1)
        return refs.nearest_before(end, sent.end, first=True, series=True) is False
