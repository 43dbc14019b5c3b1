"""Named entities of motorsport articles by rules: gazetteers, name shapes and the document's
own short forms.

Three sources of candidates, the matchers built once, when the component reads its data files
(its config settings; see :mod:`pipeline.nlp.data_files`):

* the gazetteer (``entity_gazetteer.jsonl``): names true of the field in general, with their
  canonical form, matched by ``PhraseMatcher`` (one-token names by ORTH, so "Courage" the maker
  is not "courage"; longer names by LOWER, so "Asian Le Mans series" is found, but only when the
  text capitalises the name's first word);
* structural patterns (``entity_patterns.jsonl``, spaCy ``Matcher`` patterns): the shapes names
  take in these articles ("... International Circuit", "... Racing", "... Championship",
  "N Hours of Place", "Group C", a given name and a surname), which reach names no list holds.
  Token classes (capitalised word, head words, class codes) are lexeme flags, which the name
  rules read too: a match's label, its optional edges, people, classes and its canonical name
  are decided in code (:mod:`~pipeline.nlp.components.entity_names`);
* the document itself: short forms defined or used beside their long form (from the
  ``abbreviation_detector``) take the label and canonical name of that long form, and a team
  written in full ("Hitotsuyama Racing") is recognised when later named by its first word.

A car is a known maker followed by a model token ("Ferrari 550 Maranello", "Porsche 956/962C");
that step is code, because a ``Matcher`` cannot anchor on another matcher's output.

Overlaps are resolved to the longest span (``spacy.util.filter_spans``); on equal spans the
document's short forms beat the gazetteer, which beats the patterns (in file order), which beat
cars. All candidates stay in ``doc.spans["entities"]``; the resolved set is ``doc.ents``. The
canonical name is each span's ``kb_id`` (read as ``span._.canonical``).

Speed: a Token object costs more than most rule tests, so the component reads a doc's tokens
once as lists (:class:`~pipeline.nlp.tokens.TokenTable`: words, trailing spaces and lexeme flag
bits), matches the patterns only around each one's rarest required token
(:class:`~pipeline.nlp.matching.WindowedMatcher`; the matches of a whole-doc ``Matcher`` call),
keeps candidates as tuples and makes each Span once.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping

import numpy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ...data import parse_jsonl
from ..data_files import RuleComponent, data_file_config
from ..extensions import register_extensions
from ..lexeme_flags import flag_specs
from ..matching import WindowedMatcher
from ..tokens import TokenTable
from .entity_names import (
    DOCUMENT_PRIORITY,
    GAZETTEER_PRIORITY,
    PATTERN_PRIORITY,
    Candidate,
    CarNames,
    InfoboxFields,
    NameShapes,
    Neighbours,
    expand_pattern,
    fold,
    parse_lexicon,
)

__all__ = ["DATA_FILES", "LABELS", "MotorsportEntities", "make_motorsport_entities"]

FACTORY = "motorsport_entities"
# The data settings of the component and the packaged files they default to.
DATA_FILES = {
    "gazetteer": "entity_gazetteer.jsonl",
    "patterns": "entity_patterns.jsonl",
    "lexicon": "entity_lexicon.json",
    "given_names": "entity_given_names.txt",
}

LABELS = (
    "ORG",
    "SERIES",
    "EVENT",
    "TEAM",
    "MANUFACTURER",
    "CAR",
    "CIRCUIT",
    "PERSON",
    "LOCATION",
    "CLASS",
)


class MotorsportEntities(RuleComponent):
    """The component; its data settings (``gazetteer``, ``patterns``, ``lexicon``,
    ``given_names``) name its files (see ``data_files``)."""

    factory = FACTORY

    def __init__(
        self,
        nlp: Language,
        name: str = FACTORY,
        *,
        gazetteer: str,
        patterns: str,
        lexicon: str,
        given_names: str,
    ) -> None:
        register_extensions()
        super().__init__(name, {"gazetteer": gazetteer, "patterns": patterns, "lexicon": lexicon,
                                "given_names": given_names})
        self.nlp = nlp

    def _load(self, data: Mapping[str, str]) -> None:
        nlp = self.nlp
        vocab = nlp.vocab
        self.exact = PhraseMatcher(vocab, attr="ORTH")
        self.folded = PhraseMatcher(vocab, attr="LOWER")
        # Gazetteer entries by match key; canonical names by folded alias, for patterns and
        # long forms that spell a known name.
        self.entries: dict[str, tuple[str, str]] = {}
        self.known: dict[str, tuple[str, str]] = {}
        exact_patterns: dict[str, list[Doc]] = {}
        folded_patterns: dict[str, list[Doc]] = {}
        single_words: set[str] = set()
        for i, entry in enumerate(parse_jsonl(data["gazetteer"])):
            key = f"G{i}"
            label, canonical = entry["label"], entry["name"]
            self.entries[key] = (label, canonical)
            for alias in (canonical, *entry.get("aliases", ())):
                self.known.setdefault(fold(alias), (label, canonical))
                pattern = nlp.make_doc(alias)
                target = exact_patterns if len(pattern) == 1 else folded_patterns
                target.setdefault(key, []).append(pattern)
                if len(pattern) == 1:
                    single_words.add(alias)
                    if label == "MANUFACTURER" and alias[-1:].islower() and alias[-1] != "s":
                        # A maker's cars in the plural: "the Ferraris", "two Porsches".
                        plural = alias + ("es" if alias.endswith(("ch", "sh", "x", "z")) else "s")
                        self.known.setdefault(fold(plural), (label, canonical))
                        exact_patterns.setdefault(key, []).append(nlp.make_doc(plural))
        # A one-word known name is no given name here ("Austin", "Victoria", "Nissan").
        self.lexicon = lexicon = parse_lexicon(
            data["lexicon"], data["given_names"], frozenset(single_words)
        )
        for key, patterns in exact_patterns.items():
            self.exact.add(key, patterns)
        for key, patterns in folded_patterns.items():
            self.folded.add(key, patterns)
        self.makers = {key for key, (label, _) in self.entries.items() if label == "MANUFACTURER"}

        # Token classes as lexeme flag specs (flag_specs), so a word's classes are bits the
        # component's own code reads too; the patterns were checked in their JSON form by the
        # tests.
        self.matcher = WindowedMatcher(vocab)
        self.rules: dict[str, dict] = {}
        for i, rule in enumerate(parse_jsonl(data["patterns"])):
            key = f"P{i:03d}"
            self.rules[key] = {**rule, "order": i}
            pattern = flag_specs(expand_pattern(rule["pattern"], lexicon), vocab)
            self.matcher.add(key, [pattern], greedy="LONGEST")
        self.shapes = NameShapes(lexicon, self.known, vocab)
        self.cars = CarNames(self.shapes)
        self.fields = InfoboxFields(self.shapes, self.known)
        self.neighbours = Neighbours(self.shapes)

    # ------------------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        tokens = TokenTable.of(doc)
        candidates = self._candidates(tokens)
        # The canonical name rides as the span's kb_id, which spaCy keeps per token, so
        # doc.ents and the span group carry it (read as span._.canonical, see extensions).
        spans = [Span(doc, c.start, c.end, label=c.label, kb_id=c.canonical) for c in candidates]
        doc.spans["entities"] = sorted(spans, key=lambda s: (s.start, -s.end))
        doc.set_ents(self._resolve(candidates, spans))
        doc._.infobox_entities = self._infobox_entities(doc)
        return doc

    def _candidates(self, tokens: TokenTable) -> list[Candidate]:
        """Every candidate of a doc: gazetteer names, cars, patterns, the document's names."""
        doc = tokens.doc
        hyphens = self.shapes.modifier_hyphens(tokens)
        words, space, n = tokens.texts, tokens.space, tokens.length
        candidates: list[Candidate] = []
        strings = doc.vocab.strings
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                key = strings[match_id]
                label, canonical = self.entries[key]
                if end in hyphens:
                    continue  # "Le Mans-based": a modifier, not a mention of the entity
                if (
                    end - start == 1
                    and end + 1 < n
                    and words[end] == "-"
                    and words[start].isupper()
                    and not space[start]
                    and not space[end]
                    and words[end + 1][:1].isupper()
                ):
                    continue  # "JAF-GT": an acronym as the first part of a compound name
                if matcher is self.folded and words[start][:1].islower():
                    continue  # "a grand touring car": a description, not the name
                if label == "LOCATION" and self.shapes.inside_unknown_name(tokens, start):
                    continue  # "Bill France Sr.": a place name as part of a person's name
                candidates.append(Candidate(start, end, label, canonical, (GAZETTEER_PRIORITY, 0)))
                if key in self.makers:
                    car = self.cars.car(tokens, start, end, canonical)
                    if car is not None:
                        candidates.append(car)
        for match_id, start, end in self.matcher(tokens):
            rule = self.rules[strings[match_id]]
            found = self.shapes.from_rule(tokens, hyphens, rule, start, end)
            if found is not None:
                candidates.append(found)

        candidates = self._after_people(tokens, candidates)
        candidates.extend(self._document_names(tokens, hyphens, candidates))
        candidates.extend(self._body_and_series(tokens, candidates))
        if candidates:
            kept = filter_spans(sorted(candidates, key=lambda c: c.priority))
            candidates.extend(self.neighbours.found(tokens, kept))
        return candidates

    def _infobox_entities(self, doc: Doc) -> tuple[tuple[int, int, str, str], ...]:
        """Entities of the infobox values, which the body leaves out: (start_char, end_char,
        label, canonical) with offsets into the source. The values are read as one small doc
        (a line each) by the same rules; a field whose key names what its values are
        ("Tyre suppliers", "Drivers' champion", "Constructors") makes each listed name an
        entity of that label (see :class:`~.entity_names.InfoboxFields`)."""
        document = doc._.source_document
        if document is None or not document.infobox:
            return ()
        fields = [f for f in document.infobox if self.fields.read(f.key) and f.value.strip()]
        if not fields:
            return ()
        # The values joined by line breaks; a value's characters keep their source offsets
        # by one shift each.
        starts, parts, at = [], [], 0
        for field in fields:
            starts.append(at)
            parts.append(field.value)
            at += len(field.value) + 1
        values = self.nlp.make_doc("\n".join(parts))
        values._.short_forms = doc._.short_forms
        tokens = TokenTable(values)
        candidates = self._candidates(tokens)
        listed = self.fields.listed(tokens, [(f.key, s) for f, s in zip(fields, starts)])
        if listed:
            # The key says what the listed names are: other readings of them give way.
            covered = {i for c in listed for i in range(c.start, c.end)}
            candidates = [c for c in candidates
                          if not any(i in covered for i in range(c.start, c.end))] + listed
        found = []
        token_starts, token_ends = tokens.starts, tokens.ends
        for c in filter_spans(sorted(candidates, key=lambda c: c.priority)):
            begin, finish = token_starts[c.start], token_ends[c.end - 1]
            n = bisect_right(starts, begin) - 1
            shift = fields[n].value_start - starts[n]
            found.append((begin + shift, finish + shift, c.label, c.canonical))
        return tuple(sorted(found))

    @staticmethod
    def _after_people(tokens: TokenTable, candidates: list[Candidate]) -> list[Candidate]:
        """A name that runs on from a person's name starts after it ("Juan Ortega" + "Brenner
        Racing Team" in a flattened table row): a given name is stronger evidence than the
        capitalisation that let the other name reach back."""
        people = [c for c in candidates if c.label == "PERSON"]
        if not people:
            return candidates
        # The people covering each token, in candidate order: a name is a few tokens, so this
        # is a short list per start (a scan of every person per candidate was quadratic).
        covering: dict[int, list[Candidate]] = {}
        for p in people:
            for i in range(p.start, p.end):
                covering.setdefault(i, []).append(p)
        out = []
        for c in candidates:
            person = next((p for p in covering.get(c.start, ()) if p.end < c.end - 1), None)
            if person is not None and c.priority[0] == PATTERN_PRIORITY:
                c = c._replace(start=person.end, canonical=tokens.text(person.end, c.end))
            out.append(c)
        return out

    def _body_and_series(self, tokens: TokenTable, candidates: list[Candidate]) -> list[Candidate]:
        """A body's acronym before a series' short form names the series with it: "FIA" +
        "WTCC", "IMSA" + "WSC"."""
        words = tokens.texts
        bodies = self.shapes.class_bodies
        return [
            c._replace(start=c.start - 1, canonical=tokens.text(c.start - 1, c.end))
            for c in candidates
            if c.label == "SERIES"
            and c.end - c.start == 1
            and c.start > 0
            and words[c.start].isupper()
            and words[c.start - 1] in bodies
            and tokens.space[c.start - 1]
        ]

    @staticmethod
    def _resolve(candidates: list[Candidate], spans: list[Span]) -> list[Span]:
        """Longest span wins; on equal spans the better priority (filter_spans keeps the first
        of equal spans, and Python's sort is stable)."""
        # On the candidate tuples (cheaper attributes than a Span's), then their Spans.
        kept = filter_spans(sorted(candidates, key=lambda c: c.priority))
        position = {id(c): i for i, c in enumerate(candidates)}
        return [spans[position[id(c)]] for c in kept]

    def _document_names(
        self, tokens: TokenTable, hyphens: frozenset[int], candidates: list[Candidate]
    ) -> list[Candidate]:
        """Names the document itself defines: short forms take the label and canonical name of
        their long form; a team's first word names the team ("Hitotsuyama" after
        "Hitotsuyama Racing")."""
        doc, words = tokens.doc, tokens.texts
        short_forms = doc._.short_forms or {}
        heads = self.lexicon["team_head_set"]
        names: dict[str, tuple[str, str]] = {}
        if short_forms:
            # The best candidate spelling each long form: the longest, then the best priority.
            wanted = set(short_forms.values())
            initials = {long[:1] for long in wanted}
            best: dict[str, tuple] = {}
            for c in candidates:
                if words[c.start][:1] not in initials:
                    continue  # the text starts with its first word: no long form
                text = tokens.text(c.start, c.end)
                if text in wanted:
                    rank = (c.start - c.end, c.priority)
                    if text not in best or rank < best[text][0]:
                        best[text] = (rank, c.label, c.canonical)
            for short, long in short_forms.items():
                if long in best:
                    names[short] = best[long][1:]
                elif (known := self.known.get(fold(long))) is not None:
                    names[short] = known
        # A team's first word that is also a known name (a maker: "Mugen" of "Mugen
        # Motorsports") names the team only as the owner of an entry: "Mugen's LMP".
        possessive_only: set[str] = set()
        for c in candidates:
            if c.label == "TEAM" and c.end - c.start == 2 and words[c.start + 1] in heads:
                alias = words[c.start]
                if alias[:1].isupper() and alias.lower() not in self.lexicon["function_set"]:
                    if fold(alias) in self.known:
                        possessive_only.add(alias)
                    names.setdefault(alias, ("TEAM", c.canonical))
        if not names:
            return []
        # Vectorised lookup of the names' token ids instead of a Python loop over tokens (a
        # comparison with each of the few ids: numpy.isin sorts, which costs more here).
        ids = numpy.array([doc.vocab.strings.add(text) for text in names], dtype=numpy.uint64)
        found = []
        n = tokens.length
        if len(ids) <= 32:
            named = (tokens.orth[:, None] == ids).any(axis=1)
        else:  # the comparison table is tokens x names: a document defining many short forms
            named = numpy.isin(tokens.orth, ids)
        for i in numpy.nonzero(named)[0].tolist():
            text = words[i]
            if i + 1 in hyphens:
                continue
            if text in possessive_only and not (
                i + 1 < n and words[i + 1].lower() in self.lexicon["possessive_suffix_set"]
            ):
                continue
            label, canonical = names[text]
            found.append(Candidate(i, i + 1, label, canonical, (DOCUMENT_PRIORITY, 0)))
        return found


@Language.factory(FACTORY, default_config=data_file_config(FACTORY, DATA_FILES))
def make_motorsport_entities(
    nlp: Language, name: str, gazetteer: str, patterns: str, lexicon: str, given_names: str
) -> MotorsportEntities:
    return MotorsportEntities(nlp, name, gazetteer=gazetteer, patterns=patterns,
                              lexicon=lexicon, given_names=given_names)
