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
  Token classes (capitalised word, head words, class codes) are lexeme flags, which this
  component's code reads too; the optional edges of a name are added in code (see the file's
  header);
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

import re
from collections.abc import Mapping
from typing import NamedTuple

import numpy
from spacy.attrs import IS_ALPHA, IS_LOWER, IS_PUNCT, IS_SPACE, IS_UPPER, LIKE_NUM
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ...data import parse_json, parse_jsonl, parse_lines
from ..data_files import RuleComponent, data_file_config
from ..extensions import register_extensions
from ..lexeme_flags import flag_specs, lexeme_flag
from ..matching import WindowedMatcher
from ..tokens import TokenTable

__all__ = [
    "DATA_FILES",
    "LABELS",
    "MotorsportEntities",
    "expand_pattern",
    "fold",
    "make_motorsport_entities",
    "parse_lexicon",
]

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

# Priorities on equal spans: lower wins.
DOCUMENT_PRIORITY = 0
GAZETTEER_PRIORITY = 1
PATTERN_PRIORITY = 2
CAR_PRIORITY = 3

_SPACES = re.compile(r"\s+")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_MACRO = re.compile(r"^@([A-Z]+)([*+?]|\{\d*,?\d*\})?$")


def parse_lexicon(lexicon_text: str, given_names_text: str) -> dict:
    """The lexicon (``entity_lexicon.json``) with the given names (``entity_given_names.txt``)
    and the sets and look-ups made from them."""
    lexicon = dict(parse_json(lexicon_text))
    lexicon["given_names"] = list(parse_lines(given_names_text))
    # Which lexicon list gives which label to a name ending (or opening) with one of its words.
    head_lists = list(lexicon["head_list_labels"].items())
    prefix_lists = list(lexicon["prefix_list_labels"].items())
    lexicon["function_set"] = frozenset(lexicon["function_words"])
    lexicon["generic_set"] = frozenset(lexicon["generic_name_words"])
    lexicon["team_head_set"] = frozenset(h for h in lexicon["team_heads"] if " " not in h)
    lexicon["model_re"] = re.compile(lexicon["car_model_regex"])
    lexicon["model_words"] = frozenset(lexicon["car_model_words"])
    lexicon["model_continuations"] = frozenset(lexicon["car_model_continuations"])
    lexicon["not_models"] = frozenset(
        lexicon["car_company_words"]
        + [w for name, _ in head_lists + prefix_lists for w in lexicon[name]]
    )
    lexicon["class_re"] = re.compile(lexicon["token_macros"]["CLASSTOKEN"]["TEXT"]["REGEX"])
    lexicon["label_of_head"] = {
        word: label for list_name, label in head_lists for word in lexicon[list_name]
    }
    lexicon["label_of_prefix"] = {
        word: label for list_name, label in prefix_lists for word in lexicon[list_name]
    }
    lexicon["duration_set"] = frozenset(u.lower() for u in lexicon["duration_units"])
    lexicon["unit_set"] = frozenset(u.lower() for u in lexicon["event_units"])
    lexicon["group_word_set"] = frozenset(lexicon["group_words"])
    lexicon["pro_am_set"] = frozenset(lexicon["pro_am"])
    lexicon["person_suffixes"] = frozenset(lexicon["person_name_suffixes"])
    lexicon["given_name_set"] = frozenset(lexicon["given_names"])
    lexicon["possessive_suffix_tuple"] = tuple(lexicon["possessive_suffixes"])
    lexicon["possessive_suffix_set"] = frozenset(lexicon["possessive_suffixes"])
    lexicon["group_abbreviation_set"] = frozenset(lexicon["group_word_abbreviations"])
    return lexicon


def _resolve_lists(value, lexicon: dict):
    """Replace "@list" references inside a token spec by the lexicon's word list; a list of
    references is their union."""
    if isinstance(value, str) and value.startswith("@"):
        return [w for w in lexicon[value[1:]] if " " not in w]
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, str) and v.startswith("@") for v in value)
    ):
        return sorted({w for v in value for w in _resolve_lists(v, lexicon)})
    if isinstance(value, dict):
        return {k: _resolve_lists(v, lexicon) for k, v in value.items()}
    return value


def expand_pattern(pattern: list, lexicon: dict) -> list[dict]:
    """Token specs of a Matcher pattern: "@MACRO" tokens (with an optional operator suffix,
    "@NAME*") become the lexicon's macro specs; "@list" values become word lists."""
    tokens = []
    for token in pattern:
        if isinstance(token, str):
            name, op = _MACRO.match(token).groups()
            spec = _resolve_lists(dict(lexicon["token_macros"][name]), lexicon)
            if op:
                spec["OP"] = op
            tokens.append(spec)
        elif "ANY" in token:
            # Alternatives of one token: macros ("@CLASSTOKEN") or specs.
            alternatives = [
                dict(lexicon["token_macros"][a[1:]]) if isinstance(a, str) else a
                for a in token["ANY"]
            ]
            spec = {k: v for k, v in token.items() if k != "ANY"}
            spec["ANY"] = [_resolve_lists(a, lexicon) for a in alternatives]
            tokens.append(spec)
        else:
            tokens.append(_resolve_lists(token, lexicon))
    return tokens


def fold(text: str) -> str:
    return _SPACES.sub(" ", text.replace("’", "'")).strip().casefold()


class Candidate(NamedTuple):
    """A candidate entity: token offsets, label, canonical name and rank on equal spans
    (lower wins). ``start``/``end`` as on a Span, so ``filter_spans`` takes candidates."""

    start: int
    end: int
    label: str
    canonical: str
    priority: tuple[int, int]


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
        self.lexicon = lexicon = parse_lexicon(data["lexicon"], data["given_names"])
        vocab = nlp.vocab
        self.exact = PhraseMatcher(vocab, attr="ORTH")
        self.folded = PhraseMatcher(vocab, attr="LOWER")
        # Gazetteer entries by match key; canonical names by folded alias, for patterns and
        # long forms that spell a known name.
        self.entries: dict[str, tuple[str, str]] = {}
        self.known: dict[str, tuple[str, str]] = {}
        exact_patterns: dict[str, list[Doc]] = {}
        folded_patterns: dict[str, list[Doc]] = {}
        for i, entry in enumerate(parse_jsonl(data["gazetteer"])):
            key = f"G{i}"
            label, canonical = entry["label"], entry["name"]
            self.entries[key] = (label, canonical)
            for alias in (canonical, *entry.get("aliases", ())):
                self.known.setdefault(fold(alias), (label, canonical))
                pattern = nlp.make_doc(alias)
                target = exact_patterns if len(pattern) == 1 else folded_patterns
                target.setdefault(key, []).append(pattern)
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
        # Word classes read in code, as lexeme flag bits: the macros' flags (the edges of
        # names added in code) and built-in lexeme attributes.
        bit = {
            name: 1 << next(iter(flag_specs(expand_pattern(["@" + name], lexicon), vocab)[0]))
            for name in ("NAME", "NAMEJ", "CONN", "YEAR", "CLASSTOKEN")
        }
        self.NAME, self.NAMEJ, self.CONN = bit["NAME"], bit["NAMEJ"], bit["CONN"]
        self.YEAR, self.CLASSTOKEN = bit["YEAR"], bit["CLASSTOKEN"]
        self.LOWER, self.PUNCT, self.SPACE = 1 << IS_LOWER, 1 << IS_PUNCT, 1 << IS_SPACE
        self.UPPER, self.ALPHA, self.NUM = 1 << IS_UPPER, 1 << IS_ALPHA, 1 << LIKE_NUM
        self.HYPHEN = 1 << lexeme_flag(vocab, "ORTH=-", "-".__eq__)
        self.class_bodies = frozenset(lexicon["class_body_prefixes"])
        self.series_heads = frozenset(lexicon["series_heads"])
        self.team_opener = lexicon["team_names_opener"]

    # ------------------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        tokens = TokenTable(doc)
        hyphens = self._modifier_hyphens(tokens)
        words = tokens.texts
        candidates: list[Candidate] = []
        strings = doc.vocab.strings
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                key = strings[match_id]
                label, canonical = self.entries[key]
                if end in hyphens:
                    continue  # "Le Mans-based": a modifier, not a mention of the entity
                if matcher is self.folded and words[start][:1].islower():
                    continue  # "a grand touring car": a description, not the name
                if label == "LOCATION" and self._inside_unknown_name(tokens, start):
                    continue  # "Bill France Sr.": a place name as part of a person's name
                candidates.append(Candidate(start, end, label, canonical, (GAZETTEER_PRIORITY, 0)))
                if key in self.makers:
                    car = self._car(tokens, start, end, canonical)
                    if car is not None:
                        candidates.append(car)
        for match_id, start, end in self.matcher(tokens):
            found = self._from_rule(tokens, hyphens, self.rules[strings[match_id]], start, end)
            if found is not None:
                candidates.append(found)

        candidates = self._after_people(tokens, candidates)
        candidates.extend(self._document_names(tokens, hyphens, candidates))
        # The canonical name rides as the span's kb_id, which spaCy keeps per token, so
        # doc.ents and the span group carry it (read as span._.canonical, see extensions).
        spans = [Span(doc, c.start, c.end, label=c.label, kb_id=c.canonical) for c in candidates]
        doc.spans["entities"] = sorted(spans, key=lambda s: (s.start, -s.end))
        doc.set_ents(self._resolve(candidates, spans))
        return doc

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

    @staticmethod
    def _resolve(candidates: list[Candidate], spans: list[Span]) -> list[Span]:
        """Longest span wins; on equal spans the better priority (filter_spans keeps the first
        of equal spans, and Python's sort is stable)."""
        # On the candidate tuples (cheaper attributes than a Span's), then their Spans.
        kept = filter_spans(sorted(candidates, key=lambda c: c.priority))
        position = {id(c): i for i, c in enumerate(candidates)}
        return [spans[position[id(c)]] for c in kept]

    # ------------------------------------------------------------------------------------
    def _modifier_hyphens(self, tokens: TokenTable) -> frozenset[int]:
        """Ends of names glued by a hyphen to a lower-case word ("Le Mans-based",
        "Asian-based"), which are modifiers, not mentions of the entity: positions of hyphens
        glued to the word before and followed by a lower-case word."""
        if tokens.length < 3:
            return frozenset()
        flags = tokens.flag_array
        space = numpy.asarray(tokens.space[:-2])
        glued = ((flags[1:-1] & self.HYPHEN) != 0) & (space == 0) & ((flags[2:] & self.LOWER) != 0)
        return frozenset((numpy.nonzero(glued)[0] + 1).tolist())

    def _inside_unknown_name(self, tokens: TokenTable, start: int) -> bool:
        """The word before is capitalised mid-sentence and no known name: the place name is
        part of a longer proper name the lists do not know."""
        if start == 0 or tokens.doc[start].is_sent_start:
            return False
        previous = tokens.texts[start - 1]
        return bool(
            tokens.flags[start - 1] & self.NAME
            and previous.lower() not in self.lexicon["function_set"]
            and fold(previous) not in self.known
        )

    def _trim(self, tokens: TokenTable, start: int, end: int) -> int:
        """Skip function words a capitalised sentence start added ("The", "During"), keeping
        "All" when a place follows ("All Japan ... Championship")."""
        lexicon = self.lexicon
        words, flags = tokens.texts, tokens.flags
        skip = self.PUNCT | self.SPACE
        while start < end:
            word = words[start]
            lower = word.lower()
            if word == lexicon["all_prefix"] and start + 1 < end:
                nxt = (
                    words[start + 2]
                    if words[start + 1] == "-" and start + 2 < end
                    else words[start + 1]
                )
                if self.known.get(fold(nxt), ("",))[0] == "LOCATION":
                    break
            if lower in lexicon["function_set"] or flags[start] & skip:
                start += 1
                continue
            break
        return start

    def _from_rule(
        self, tokens: TokenTable, hyphens: frozenset[int], rule: dict, start: int, end: int
    ) -> Candidate | None:
        lexicon = self.lexicon
        words = tokens.texts
        label = rule.get("label")
        if rule.get("label_by") == "last":
            head = words[end - 1]
            if head.lower() in lexicon["unit_set"]:
                label = "EVENT"  # "Spa 24 Hours", "Suzuka 1000 km"
                if not self._length_fits(tokens, start, end):
                    return None
            else:
                label = lexicon["label_of_head"].get(head)
                required = lexicon["head_requires"].get(head)
                if required is not None and words[end - 2] not in required:
                    return None  # "Park" alone is no circuit head; "Motorsport Park" is
                if (
                    label == "EVENT"
                    and end - start == 3
                    and tokens.flags[start] & self.UPPER
                    and tokens.flags[start] & self.ALPHA
                    and fold(words[start]) not in self.known
                ):
                    label = "TEAM"  # "ART Grand Prix": a race is named after a place
        elif rule.get("label_by") == "first":
            opener = words[start]
            label = lexicon["label_of_prefix"].get(opener)
            required = lexicon["opener_requires"].get(opener)
            if required is not None and words[start + 1] not in required:
                return None  # "Grand" opens a race name only in "Grand Prix of ..."
        if label is None:
            return None
        if rule["id"] == "length_of_place" and not self._length_fits(tokens, start, end):
            return None
        if rule["id"] == "class":
            end = self._class_end(tokens, start, end)
            if end is None:
                return None
        start, end = self._extend(tokens, rule.get("extend", ()), label, start, end)
        trim_from = start + rule.get("trim_left", 0)
        trimmed = self._trim(tokens, trim_from, end)
        if trimmed > trim_from and end - trimmed < 2:
            return None  # only the head word is left ("The Series")
        start = trimmed
        if start >= end or end in hyphens:
            return None
        if rule.get("label_by") and self._generic(tokens, start, end, rule["label_by"]):
            return None
        canonical = self._canonical(tokens, start, end, label)
        return Candidate(start, end, label, canonical, (PATTERN_PRIORITY, rule["order"]))

    def _extend(self, tokens: TokenTable, how, label: str, start: int, end: int) -> tuple[int, int]:
        """Optional edges of a name, added here rather than as optional pattern tokens (which
        would make the Matcher try them at every token)."""
        words, flags, space = tokens.texts, tokens.flags, tokens.space
        n = tokens.length
        if "org_tail" in how and label == "ORG":
            # "Sports Car Club" + "of America", "Automobile Club" + "de l'Ouest"
            i = end
            while i < n and i - end < 2 and flags[i] & self.CONN:
                i += 1
            if i > end:
                j = i
                while j < n and flags[j] & self.NAMEJ:
                    j += 1
                while j > i and not flags[j - 1] & self.NAME:
                    j -= 1
                if j > i:
                    end = j
        if "team_names" in how and label == "TEAM" and words[start] == self.team_opener:
            # "Audi Sport" + "Team Joest", "Toyota" + "Team Europe": known names and team
            # words only, so a driver's name before a team in a table row stays out.
            while start > 0 and (
                words[start - 1] in self.lexicon["team_head_set"]
                or fold(words[start - 1]) in self.known
            ):
                start -= 1
        if label == "PERSON":
            end = self._person_end(tokens, start, end)
        if "names" in how:
            # "Japanese" + "Formula 3"
            while start > 0 and flags[start - 1] & self.NAME:
                start -= 1
        if "series_tail" in how:
            # "Formula 3000" + "Championship", "Formula One" + "World Championship",
            # "Formula Renault" + "3.5 Series"
            j = end
            while j < n and j - end < 4 and flags[j] & (self.NAMEJ | self.NUM):
                j += 1
            while j > end and words[j - 1] not in self.series_heads:
                j -= 1
            end = j
        if "class_body" in how and start > 0 and words[start - 1] in self.class_bodies:
            start -= 1  # "IMSA" + "GTP"
        elif (
            "class_body" in how
            and start > 1
            and words[start - 1] == "-"
            and not space[start - 2]
            and not space[start - 1]
            and flags[start - 2] & self.UPPER
            and len(words[start - 2]) <= 4
        ):
            start -= 2  # "ST-" + "TCR": a series' own prefix glued to the class code
        if (
            "class_pair" in how
            and end + 1 < n
            and words[end] == "/"
            and flags[end + 1] & self.CLASSTOKEN
        ):
            end += 2  # "C1" + "/GTP"
        if (
            "person_suffix" in how
            and label == "PERSON"
            and end < n
            and words[end] in self.lexicon["person_suffixes"]
        ):
            end += 1  # "Bill France" + "Sr."
        if "year" in how and label == "EVENT" and start > 0 and flags[start - 1] & self.YEAR:
            start -= 1  # "2010" + "24 Hours of Le Mans"
        return start, end

    def _person_end(self, tokens: TokenTable, start: int, end: int) -> int:
        """A given name, particles ("de la"), and one surname; two names when the first is also
        a given name ("Juan Manuel Fangio") or joined by a hyphen ("Jean-Pierre Jarier"). A
        head word ("Team", "Racing") ends the name."""
        lexicon = self.lexicon
        words, flags = tokens.texts, tokens.flags
        names_left = 1
        i = start + 1
        last_name = None
        while i < end:
            text = words[i]
            if text in lexicon["label_of_prefix"] and text not in lexicon["given_name_set"]:
                break
            if text in lexicon["label_of_head"]:
                break
            if text == "-" or flags[i] & self.CONN:
                i += 1
                continue
            if names_left == 0:
                break
            last_name = i
            names_left -= 1
            if text in lexicon["given_name_set"] or words[i - 1] == "-":
                names_left += 1
            i += 1
        return last_name + 1 if last_name is not None else end

    def _class_end(self, tokens: TokenTable, start: int, end: int) -> int | None:
        """Check the parts of a class match: "Group"/"Class"/"Gr." take a letter or code
        ("Group C", "Gr. C", "Group GT3"); a class code takes "-Am"/"Pro" ("GTE-Am") or
        nothing."""
        lexicon = self.lexicon
        first = tokens.texts[start]
        tail = tokens.texts[start + 1 : end]
        if first in lexicon["group_word_set"]:
            if not tail or tail[-1] in lexicon["pro_am_set"]:
                return None
            if tail[0] == "-" or (
                tail[0] == "." and first not in lexicon["group_abbreviation_set"]
            ):
                return None
            return end
        if tail and tail[-1] in lexicon["pro_am_set"] and tail[:-1] in ([], ["-"]):
            return end
        return start + 1

    def _generic(self, tokens: TokenTable, start: int, end: int, head_side: str) -> bool:
        """ "Drivers Championship", "International Circuit", "Team Manager": capitalised common
        words around the head, no name."""
        words, flags = tokens.texts, tokens.flags
        first, last = (start, end - 1) if head_side == "last" else (start + 1, end)
        generic = self.lexicon["generic_set"]
        return all(words[i] in generic or flags[i] & self.PUNCT for i in range(first, last))

    def _length_fits(self, tokens: TokenTable, start: int, end: int) -> bool:
        """Hours go with 1 to 24, distances with 100 and more: "Spa 24 Hours", "Suzuka 1000 km",
        never "12 km"."""
        words = tokens.texts
        for i in range(start, end):
            unit = words[i].lower()
            if unit in self.lexicon["unit_set"]:
                digits = words[i - 1].replace(",", "") if i > start else ""
                if not digits.isdigit():
                    return False  # a unit with no number before it ("Le Mans km")
                number = int(digits)
                return number <= 24 if unit in self.lexicon["duration_set"] else number >= 100
        return False

    def _canonical(self, tokens: TokenTable, start: int, end: int, label: str) -> str:
        """The span's text, white space and a possessive folded; class plurals made singular
        ("LMP1s" -> "LMP1"); a known name's canonical form; a season year kept in front."""
        text = tokens.text(start, end)
        if "  " in text or "\n" in text:
            text = _SPACES.sub(" ", text)
        suffixes = self.lexicon["possessive_suffix_tuple"]
        if text.endswith(suffixes):
            text = text[: -len(next(s for s in suffixes if text.endswith(s)))]
        if label == "CLASS":
            first, last = tokens.texts[start], tokens.texts[end - 1]
            if first in self.lexicon["group_word_set"]:  # "Gr. C" -> "Group C"
                word = self.lexicon["group_word_canonical"].get(first, first)
                return f"{word} {last}"
            if text.endswith("s") and self.lexicon["class_re"].match(last[:-1]):
                text = text[:-1]
        year = ""
        first, _, rest = text.partition(" ")
        if rest and _YEAR.match(first):
            year, text = first + " ", rest
        known = self.known.get(fold(text))
        if known is not None and known[0] == label:
            text = known[1]
        return year + text

    def _car(self, tokens: TokenTable, start: int, end: int, maker: str) -> Candidate | None:
        """A maker followed by model tokens: "Ferrari 550 Maranello", "Dallara F3s"."""
        lexicon = self.lexicon
        words, space, n = tokens.texts, tokens.space, tokens.length
        i = end
        if i >= n or not space[end - 1]:
            return None
        first = words[i]
        if _YEAR.match(first) or lexicon["class_re"].match(first):
            return None
        if not (
            lexicon["model_re"].match(first)
            or first in lexicon["model_words"]
            or (
                tokens.flags[i] & self.NAME
                and first.lower() not in lexicon["function_set"]
                and first not in lexicon["not_models"]
                and fold(first) not in self.known
            )
        ):
            return None
        i += 1
        while i < n and i - end < 4 and space[i - 1]:
            text = words[i]
            if (
                lexicon["model_re"].match(text)
                and not _YEAR.match(text)
                or text in lexicon["model_continuations"]
            ):
                i += 1
            else:
                break
        # "GT-R", "RX-7": a hyphen inside the model.
        while (
            i + 1 < n
            and words[i] == "-"
            and not space[i - 1]
            and (
                lexicon["model_re"].match(words[i + 1])
                or words[i + 1] in lexicon["model_continuations"]
            )
        ):
            i += 2
        parts = words[end:i]
        # The tokenizer leaves a sentence's full stop on "962C."; the name has none.
        last = parts[-1] = parts[-1].rstrip(".")
        if len(last) > 1 and last.endswith("s") and (last[-2].isdigit() or last[-2].isupper()):
            parts[-1] = last[:-1]  # plural: "Dallara F3s" -> "Dallara F3"
        model_text = "".join(
            part + (" " if space[j] else "") for j, part in enumerate(parts, end)
        ).strip()
        return Candidate(start, i, "CAR", f"{maker} {model_text}", (CAR_PRIORITY, 0))

    # ------------------------------------------------------------------------------------
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
