"""Named entities of motorsport articles by rules: gazetteers, name shapes and the document's
own short forms.

Three sources of candidates, the matchers built once in the factory:

* the gazetteer (``entity_gazetteer.jsonl``): names true of the field in general, with their
  canonical form, matched by ``PhraseMatcher`` (one-token names by ORTH, so "Courage" the maker
  is not "courage"; longer names by LOWER, so "Asian Le Mans series" is found, but only when the
  text capitalises the name's first word);
* structural patterns (``entity_patterns.jsonl``, spaCy ``Matcher``): the shapes names take in
  these articles ("... International Circuit", "... Racing", "... Championship",
  "N Hours of Place", "Group C", a given name and a surname), which reach names no list holds.
  Token classes (capitalised word, head words, class codes) are lexeme flags, so the Matcher
  tests bits; the optional edges of a name are added in code (see the file's header);
* the document itself: short forms defined or used beside their long form (from the
  ``abbreviation_detector``) take the label and canonical name of that long form, and a team
  written in full ("Hitotsuyama Racing") is recognised when later named by its first word.

A car is a known maker followed by a model token ("Ferrari 550 Maranello", "Porsche 956/962C");
that step is code, because a ``Matcher`` cannot anchor on another matcher's output.

Overlaps are resolved to the longest span (``spacy.util.filter_spans``); on equal spans the
document's short forms beat the gazetteer, which beats the patterns (in file order), which beat
cars. All candidates stay in ``doc.spans["entities"]``; the resolved set is ``doc.ents``. The
canonical name is each span's ``kb_id`` (read as ``span._.canonical``).
"""

from __future__ import annotations

import re
from functools import cache

import numpy
from spacy.attrs import IDS, IS_LOWER, ORTH, SPACY
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .extensions import flag_specs, register_extensions
from .resources import load_json, load_jsonl, load_lines

LEXICON_FILE = "entity_lexicon.json"
GAZETTEER_FILE = "entity_gazetteer.jsonl"
GIVEN_NAMES_FILE = "entity_given_names.txt"
PATTERNS_FILE = "entity_patterns.jsonl"

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

# Which lexicon list gives which label to a name ending (or opening) with one of its words.
HEAD_LISTS = (
    ("series_heads", "SERIES"),
    ("team_heads", "TEAM"),
    ("circuit_heads", "CIRCUIT"),
    ("org_heads", "ORG"),
    ("event_heads", "EVENT"),
)
PREFIX_LISTS = (
    ("team_prefixes", "TEAM"),
    ("circuit_prefixes", "CIRCUIT"),
    ("org_prefixes", "ORG"),
    ("event_prefixes", "EVENT"),
)

# Priorities on equal spans: lower wins.
DOCUMENT_PRIORITY = 0
GAZETTEER_PRIORITY = 1
PATTERN_PRIORITY = 2
CAR_PRIORITY = 3

_SPACES = re.compile(r"\s+")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_POSSESSIVE = re.compile(r"['’]s$")
_MACRO = re.compile(r"^@([A-Z]+)([*+?]|\{\d*,?\d*\})?$")


@cache
def _lexicon() -> dict:
    lexicon = dict(load_json(LEXICON_FILE))
    lexicon["given_names"] = list(load_lines(GIVEN_NAMES_FILE))
    lexicon["function_set"] = frozenset(lexicon["function_words"])
    lexicon["generic_set"] = frozenset(lexicon["generic_name_words"])
    lexicon["team_head_set"] = frozenset(h for h in lexicon["team_heads"] if " " not in h)
    lexicon["model_re"] = re.compile(lexicon["car_model_regex"])
    lexicon["model_words"] = frozenset(lexicon["car_model_words"])
    lexicon["model_continuations"] = frozenset(lexicon["car_model_continuations"])
    lexicon["not_models"] = frozenset(
        lexicon["car_company_words"]
        + [w for name, _ in HEAD_LISTS + PREFIX_LISTS for w in lexicon[name]]
    )
    lexicon["class_re"] = re.compile(lexicon["token_macros"]["CLASSTOKEN"]["TEXT"]["REGEX"])
    lexicon["label_of_head"] = {
        word: label for list_name, label in HEAD_LISTS for word in lexicon[list_name]
    }
    lexicon["label_of_prefix"] = {
        word: label for list_name, label in PREFIX_LISTS for word in lexicon[list_name]
    }
    lexicon["duration_set"] = frozenset(u.lower() for u in lexicon["duration_units"])
    lexicon["unit_set"] = frozenset(u.lower() for u in lexicon["event_units"])
    lexicon["group_word_set"] = frozenset(lexicon["group_words"])
    lexicon["pro_am_set"] = frozenset(lexicon["pro_am"])
    lexicon["person_suffixes"] = frozenset(lexicon["person_name_suffixes"])
    lexicon["given_name_set"] = frozenset(lexicon["given_names"])
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


class MatchWindows:
    """The token windows of a doc where a Matcher's patterns can match, found on token arrays.

    The Matcher builds a Token for every position it visits, which costs more than the
    tokenizer itself on a whole article; but a match is a run of tokens that each satisfy one
    of its pattern's token specs and that holds every required spec. Such runs, read with
    ``Doc.to_array`` and numpy, cover a small part of an article, and the Matcher runs on those
    spans only. Whole runs are kept, so the matches (and greedy filtering, which compares only
    overlapping matches) are exactly those of a call on the whole doc.
    """

    def __init__(self, patterns: list[list[dict]], vocab) -> None:
        attrs: list[int] = []
        conditions: dict[tuple[int, int], int] = {}  # (attr id, value) -> column of `hits`
        specs: dict[tuple, int] = {}  # conditions of a token spec -> its index
        self.patterns: list[tuple[list[int], list[int]]] = []  # (spec indices, required ones)
        self.anywhere = False  # a spec the windows cannot test: match on the whole doc
        for pattern in patterns:
            indices, required = [], []
            for spec in pattern:
                op = spec.get("OP")
                key = []
                for attr, value in spec.items():
                    if attr == "OP":
                        continue
                    attr_id = attr if isinstance(attr, int) else IDS.get(attr)
                    if value is True and isinstance(attr, int):
                        value = 1  # a lexeme flag
                    elif isinstance(value, str) and attr in ("ORTH", "LOWER", "NORM"):
                        value = vocab.strings.add(value)
                    else:
                        self.anywhere = True
                        continue
                    if attr_id not in attrs:
                        attrs.append(attr_id)
                    key.append(conditions.setdefault((attr_id, value), len(conditions)))
                if op == "!":
                    self.anywhere = True
                index = specs.setdefault(tuple(sorted(key)), len(specs))
                indices.append(index)
                if op in (None, "+") or (
                    op.startswith("{") and not re.match(r"\{0?,|\{0\}", op)
                ):
                    required.append(index)
            self.patterns.append((sorted(set(indices)), sorted(set(required))))
        self.attrs = attrs
        self.columns = numpy.array([attrs.index(a) for a, _ in conditions], dtype=numpy.intp)
        self.values = numpy.array([v for _, v in conditions], dtype=numpy.uint64)
        self.specs = [list(key) for key, _ in sorted(specs.items(), key=lambda kv: kv[1])]

    def spans(self, doc: Doc) -> list[tuple[int, int]]:
        """(start, end) of the windows, in order, none overlapping or touching."""
        n = len(doc)
        if self.anywhere:
            return [(0, n)] if n else []
        if n == 0:
            return []
        array = doc.to_array(self.attrs).reshape(n, -1)
        hits = array[:, self.columns] == self.values
        spec_hits = numpy.empty((n, len(self.specs)), dtype=bool)
        for i, key in enumerate(self.specs):
            spec_hits[:, i] = hits[:, key].all(axis=1) if len(key) != 1 else hits[:, key[0]]
        starts, ends = [], []
        for indices, required in self.patterns:
            inside = numpy.zeros(n + 2, dtype=numpy.int8)
            inside[1:-1] = spec_hits[:, indices].any(axis=1)
            edges = numpy.diff(inside)
            run_starts = numpy.nonzero(edges == 1)[0]
            run_ends = numpy.nonzero(edges == -1)[0]
            keep = numpy.ones(len(run_starts), dtype=bool)
            for index in required:
                counts = numpy.concatenate(([0], numpy.cumsum(spec_hits[:, index])))
                keep &= counts[run_ends] > counts[run_starts]
            starts.append(run_starts[keep])
            ends.append(run_ends[keep])
        # Union of the runs, as an inside/outside array, then its runs.
        depth = numpy.zeros(n + 1, dtype=numpy.int32)
        numpy.add.at(depth, numpy.concatenate(starts), 1)
        numpy.add.at(depth, numpy.concatenate(ends), -1)
        inside = numpy.zeros(n + 2, dtype=numpy.int8)
        inside[1:-1] = numpy.cumsum(depth[:-1]) > 0
        edges = numpy.diff(inside)
        return list(
            zip(numpy.nonzero(edges == 1)[0].tolist(), numpy.nonzero(edges == -1)[0].tolist())
        )

    def matches(self, matcher: Matcher, doc: Doc) -> list[tuple[int, int, int]]:
        """The matcher's (match_id, start, end) on the whole doc, found window by window; in
        window order."""
        found = []
        for start, end in self.spans(doc):
            found.extend((m, s + start, e + start) for m, s, e in matcher(doc[start:end]))
        return found


class MotorsportEntities:
    def __init__(self, nlp: Language, name: str = "motorsport_entities") -> None:
        register_extensions()
        self.lexicon = lexicon = _lexicon()
        vocab = nlp.vocab
        self.exact = PhraseMatcher(vocab, attr="ORTH")
        self.folded = PhraseMatcher(vocab, attr="LOWER")
        # Gazetteer entries by match key; canonical names by folded alias, for patterns and
        # long forms that spell a known name.
        self.entries: dict[str, tuple[str, str]] = {}
        self.known: dict[str, tuple[str, str]] = {}
        exact_patterns: dict[str, list[Doc]] = {}
        folded_patterns: dict[str, list[Doc]] = {}
        for i, entry in enumerate(load_jsonl(GAZETTEER_FILE)):
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
        self._modifier_hyphens: frozenset[int] = frozenset()
        self.makers = {key for key, (label, _) in self.entries.items() if label == "MANUFACTURER"}

        # validate=False: the flag specs are integer attribute ids, which the pattern schema
        # does not know; the patterns were checked in their JSON form by the tests.
        self.matcher = Matcher(vocab, validate=False)
        self.rules: dict[str, dict] = {}
        compiled = []
        for i, rule in enumerate(load_jsonl(PATTERNS_FILE)):
            key = f"P{i:03d}"
            self.rules[key] = {**rule, "order": i}
            pattern = flag_specs(expand_pattern(rule["pattern"], lexicon), vocab)
            self.matcher.add(key, [pattern], greedy="LONGEST")
            compiled.append(pattern)
        self.windows = MatchWindows(compiled, vocab)
        # The macros' flags, for the edges of names added in code.
        self.flag = {
            name: next(iter(flag_specs(expand_pattern(["@" + name], lexicon), vocab)[0]))
            for name in ("NAME", "NAMEJ", "CONN", "YEAR", "CLASSTOKEN")
        }
        self.class_bodies = frozenset(lexicon["class_body_prefixes"])
        self.series_heads = frozenset(lexicon["series_heads"])

    # ------------------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        self._modifier_hyphens = self._find_modifier_hyphens(doc)
        candidates: list[tuple[tuple, Span, str]] = []
        strings = doc.vocab.strings
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                key = strings[match_id]
                label, canonical = self.entries[key]
                if self._is_compound_modifier(doc, end):
                    continue
                if matcher is self.folded and doc[start].text[:1].islower():
                    continue  # "a grand touring car": a description, not the name
                if label == "LOCATION" and self._inside_unknown_name(doc, start):
                    continue  # "Bill France Sr.": a place name as part of a person's name
                span = Span(doc, start, end, label=label)
                candidates.append(((GAZETTEER_PRIORITY, 0), span, canonical))
                if key in self.makers:
                    car = self._car(doc, start, end, canonical)
                    if car is not None:
                        candidates.append(((CAR_PRIORITY, 0), *car))
        for match_id, start, end in self.windows.matches(self.matcher, doc):
            rule = self.rules[strings[match_id]]
            found = self._from_rule(doc, rule, start, end)
            if found is not None:
                candidates.append(((PATTERN_PRIORITY, rule["order"]), *found))

        candidates = self._after_people(candidates)
        candidates.extend(self._document_names(doc, candidates))
        for _, span, canonical in candidates:
            # The canonical name rides as the span's kb_id, which spaCy keeps per token, so
            # doc.ents and the span group carry it (read as span._.canonical, see extensions).
            span.kb_id_ = canonical
        resolved = self._resolve(candidates)

        doc.spans["entities"] = sorted(
            (span for _, span, _ in candidates), key=lambda s: (s.start, -s.end)
        )
        doc.ents = resolved
        return doc

    @staticmethod
    def _after_people(candidates: list[tuple[tuple, Span, str]]) -> list[tuple[tuple, Span, str]]:
        """A name that runs on from a person's name starts after it ("Juan Ortega" + "Brenner
        Racing Team" in a flattened table row): a given name is stronger evidence than the
        capitalisation that let the other name reach back."""
        people = [span for _, span, _ in candidates if span.label_ == "PERSON"]
        if not people:
            return candidates
        out = []
        for priority, span, canonical in candidates:
            person = next((p for p in people if p.start <= span.start < p.end < span.end - 1), None)
            if person is not None and priority[0] == PATTERN_PRIORITY:
                rest = span.doc[person.end : span.end]
                span = Span(span.doc, rest.start, rest.end, label=span.label_)
                canonical = rest.text
            out.append((priority, span, canonical))
        return out

    @staticmethod
    def _resolve(candidates: list[tuple[tuple, Span, str]]) -> list[Span]:
        """Longest span wins; on equal spans the better priority (filter_spans keeps the first
        of equal spans, and Python's sort is stable)."""
        ranked = sorted(candidates, key=lambda c: c[0])
        return filter_spans([span for _, span, _ in ranked])

    # ------------------------------------------------------------------------------------
    def _is_compound_modifier(self, doc: Doc, end: int) -> bool:
        """ "Le Mans-based", "Asian-based": a name glued by a hyphen to a lower-case word is a
        modifier, not a mention of the entity."""
        return end in self._modifier_hyphens

    def _find_modifier_hyphens(self, doc: Doc) -> frozenset[int]:
        """Positions of hyphens glued to the word before and followed by a lower-case word,
        read from token arrays once per doc."""
        if len(doc) < 3:
            return frozenset()
        orth, space, lower = doc.to_array([ORTH, SPACY, IS_LOWER]).T
        hyphen = doc.vocab.strings["-"]
        glued = (orth[1:-1] == hyphen) & (space[:-2] == 0) & (lower[2:] == 1)
        return frozenset((numpy.nonzero(glued)[0] + 1).tolist())

    def _inside_unknown_name(self, doc: Doc, start: int) -> bool:
        """The word before is capitalised mid-sentence and no known name: the place name is
        part of a longer proper name the lists do not know."""
        if start == 0 or doc[start].is_sent_start:
            return False
        previous = doc[start - 1]
        return (
            previous.check_flag(self.flag["NAME"])
            and previous.lower_ not in self.lexicon["function_set"]
            and fold(previous.text) not in self.known
        )

    def _trim(self, doc: Doc, start: int, end: int) -> int:
        """Skip function words a capitalised sentence start added ("The", "During"), keeping
        "All" when a place follows ("All Japan ... Championship")."""
        lexicon = self.lexicon
        while start < end:
            token = doc[start]
            lower = token.lower_
            if lower == "all" and token.text == lexicon["all_prefix"] and start + 1 < end:
                nxt = (
                    doc[start + 2]
                    if doc[start + 1].text == "-" and start + 2 < end
                    else doc[start + 1]
                )
                if self.known.get(fold(nxt.text), ("",))[0] == "LOCATION":
                    break
            if lower in lexicon["function_set"] or token.is_punct or token.is_space:
                start += 1
                continue
            break
        return start

    def _from_rule(self, doc: Doc, rule: dict, start: int, end: int) -> tuple[Span, str] | None:
        lexicon = self.lexicon
        label = rule.get("label")
        if rule.get("label_by") == "last":
            head = doc[end - 1].text
            if head.lower() in lexicon["unit_set"]:
                label = "EVENT"  # "Spa 24 Hours", "Suzuka 1000 km"
                if not self._length_fits(doc, start, end):
                    return None
            else:
                label = lexicon["label_of_head"].get(head)
                required = lexicon["head_requires"].get(head)
                if required is not None and doc[end - 2].text not in required:
                    return None  # "Park" alone is no circuit head; "Motorsport Park" is
                if (
                    label == "EVENT"
                    and end - start == 3
                    and doc[start].is_upper
                    and doc[start].is_alpha
                    and fold(doc[start].text) not in self.known
                ):
                    label = "TEAM"  # "ART Grand Prix": a race is named after a place
        elif rule.get("label_by") == "first":
            opener = doc[start].text
            label = lexicon["label_of_prefix"].get(opener)
            required = lexicon["opener_requires"].get(opener)
            if required is not None and doc[start + 1].text not in required:
                return None  # "Grand" opens a race name only in "Grand Prix of ..."
        if label is None:
            return None
        if rule["id"] == "length_of_place" and not self._length_fits(doc, start, end):
            return None
        if rule["id"] == "class":
            end = self._class_end(doc, start, end)
            if end is None:
                return None
        start, end = self._extend(doc, rule.get("extend", ()), label, start, end)
        trim_from = start + rule.get("trim_left", 0)
        trimmed = self._trim(doc, trim_from, end)
        if trimmed > trim_from and end - trimmed < 2:
            return None  # only the head word is left ("The Series")
        start = trimmed
        if start >= end or self._is_compound_modifier(doc, end):
            return None
        if rule.get("label_by") and self._generic(doc, start, end, rule["label_by"]):
            return None
        span = Span(doc, start, end, label=label)
        return span, self._canonical(span, rule)

    def _extend(self, doc: Doc, how, label: str, start: int, end: int) -> tuple[int, int]:
        """Optional edges of a name, added here rather than as optional pattern tokens (which
        would make the Matcher try them at every token)."""
        flag = self.flag
        n = len(doc)
        if "org_tail" in how and label == "ORG":
            # "Sports Car Club" + "of America", "Automobile Club" + "de l'Ouest"
            i = end
            while i < n and i - end < 2 and doc[i].check_flag(flag["CONN"]):
                i += 1
            if i > end:
                j = i
                while j < n and doc[j].check_flag(flag["NAMEJ"]):
                    j += 1
                while j > i and not doc[j - 1].check_flag(flag["NAME"]):
                    j -= 1
                if j > i:
                    end = j
        if "team_names" in how and label == "TEAM" and doc[start].text == "Team":
            # "Audi Sport" + "Team Joest", "Toyota" + "Team Europe": known names and team
            # words only, so a driver's name before a team in a table row stays out.
            while start > 0 and (
                doc[start - 1].text in self.lexicon["team_head_set"]
                or fold(doc[start - 1].text) in self.known
            ):
                start -= 1
        if label == "PERSON":
            end = self._person_end(doc, start, end)
        if "names" in how:
            # "Japanese" + "Formula 3"
            while start > 0 and doc[start - 1].check_flag(flag["NAME"]):
                start -= 1
        if "series_tail" in how:
            # "Formula 3000" + "Championship", "Formula One" + "World Championship",
            # "Formula Renault" + "3.5 Series"
            j = end
            while j < n and j - end < 4 and (doc[j].check_flag(flag["NAMEJ"]) or doc[j].like_num):
                j += 1
            while j > end and doc[j - 1].text not in self.series_heads:
                j -= 1
            end = j
        if "class_body" in how and start > 0 and doc[start - 1].text in self.class_bodies:
            start -= 1  # "IMSA" + "GTP"
        elif (
            "class_body" in how
            and start > 1
            and doc[start - 1].text == "-"
            and not doc[start - 2].whitespace_
            and not doc[start - 1].whitespace_
            and doc[start - 2].is_upper
            and len(doc[start - 2]) <= 4
        ):
            start -= 2  # "ST-" + "TCR": a series' own prefix glued to the class code
        if (
            "class_pair" in how
            and end + 1 < n
            and doc[end].text == "/"
            and doc[end + 1].check_flag(flag["CLASSTOKEN"])
        ):
            end += 2  # "C1" + "/GTP"
        if (
            "person_suffix" in how
            and label == "PERSON"
            and end < n
            and doc[end].text in self.lexicon["person_suffixes"]
        ):
            end += 1  # "Bill France" + "Sr."
        if (
            "year" in how
            and label == "EVENT"
            and start > 0
            and doc[start - 1].check_flag(flag["YEAR"])
        ):
            start -= 1  # "2010" + "24 Hours of Le Mans"
        return start, end

    @staticmethod
    def _name_word(token) -> bool:
        return token.text[:1].isupper() and not token.is_sent_start

    def _person_end(self, doc: Doc, start: int, end: int) -> int:
        """A given name, particles ("de la"), and one surname; two names when the first is also
        a given name ("Juan Manuel Fangio") or joined by a hyphen ("Jean-Pierre Jarier"). A
        head word ("Team", "Racing") ends the name."""
        lexicon = self.lexicon
        names_left = 1
        i = start + 1
        last_name = None
        while i < end:
            token = doc[i]
            text = token.text
            if text in lexicon["label_of_prefix"] and text not in lexicon["given_name_set"]:
                break
            if text in lexicon["label_of_head"]:
                break
            if text == "-" or token.check_flag(self.flag["CONN"]):
                i += 1
                continue
            if names_left == 0:
                break
            last_name = i
            names_left -= 1
            if text in lexicon["given_name_set"] or doc[i - 1].text == "-":
                names_left += 1
            i += 1
        return last_name + 1 if last_name is not None else end

    def _class_end(self, doc: Doc, start: int, end: int) -> int | None:
        """Check the parts of a class match: "Group"/"Class"/"Gr." take a letter or code
        ("Group C", "Gr. C", "Group GT3"); a class code takes "-Am"/"Pro" ("GTE-Am") or
        nothing."""
        lexicon = self.lexicon
        first = doc[start].text
        tail = [t.text for t in doc[start + 1 : end]]
        if first in lexicon["group_word_set"]:
            if not tail or tail[-1] in lexicon["pro_am_set"]:
                return None
            if tail[0] == "-" or (tail[0] == "." and first != "Gr"):
                return None
            return end
        if tail and tail[-1] in lexicon["pro_am_set"] and tail[:-1] in ([], ["-"]):
            return end
        return start + 1

    def _generic(self, doc: Doc, start: int, end: int, head_side: str) -> bool:
        """ "Drivers Championship", "International Circuit", "Team Manager": capitalised common
        words around the head, no name."""
        words = doc[start : end - 1] if head_side == "last" else doc[start + 1 : end]
        generic = self.lexicon["generic_set"]
        return all(t.text in generic or t.is_punct for t in words)

    def _length_fits(self, doc: Doc, start: int, end: int) -> bool:
        """Hours go with 1 to 24, distances with 100 and more: "Spa 24 Hours", "Suzuka 1000 km",
        never "12 km"."""
        for i in range(start, end):
            unit = doc[i].lower_
            if unit in self.lexicon["unit_set"]:
                digits = doc[i - 1].text.replace(",", "") if i > start else ""
                if not digits.isdigit():
                    return False  # a unit with no number before it ("Le Mans km")
                number = int(digits)
                return number <= 24 if unit in self.lexicon["duration_set"] else number >= 100
        return False

    def _canonical(self, span: Span, rule: dict) -> str:
        """The span's text, white space and a possessive folded; class plurals made singular
        ("LMP1s" -> "LMP1"); a known name's canonical form; a season year kept in front."""
        text = span.text
        if "  " in text or "\n" in text:
            text = _SPACES.sub(" ", text)
        if text.endswith(("'s", "’s")):
            text = text[:-2]
        label = span.label_
        if label == "CLASS":
            first = span[0].text
            if first in self.lexicon["group_word_set"]:  # "Gr. C" -> "Group C"
                word = self.lexicon["group_word_canonical"].get(first, first)
                return f"{word} {span[-1].text}"
            if text.endswith("s") and self.lexicon["class_re"].match(span[-1].text[:-1]):
                text = text[:-1]
        year = ""
        first, _, rest = text.partition(" ")
        if rest and _YEAR.match(first):
            year, text = first + " ", rest
        known = self.known.get(fold(text))
        if known is not None and known[0] == label:
            text = known[1]
        return year + text

    def _car(self, doc: Doc, start: int, end: int, maker: str) -> tuple[Span, str] | None:
        """A maker followed by model tokens: "Ferrari 550 Maranello", "Dallara F3s"."""
        lexicon = self.lexicon
        i = end
        if i >= len(doc) or doc[end - 1].whitespace_ == "":
            return None
        first = doc[i].text
        if _YEAR.match(first) or lexicon["class_re"].match(first):
            return None
        if not (
            lexicon["model_re"].match(first)
            or first in lexicon["model_words"]
            or (
                doc[i].check_flag(self.flag["NAME"])
                and first.lower() not in lexicon["function_set"]
                and first not in lexicon["not_models"]
                and fold(first) not in self.known
            )
        ):
            return None
        i += 1
        while i < len(doc) and i - end < 4 and doc[i - 1].whitespace_:
            text = doc[i].text
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
            i + 1 < len(doc)
            and doc[i].text == "-"
            and not doc[i - 1].whitespace_
            and (
                lexicon["model_re"].match(doc[i + 1].text)
                or doc[i + 1].text in lexicon["model_continuations"]
            )
        ):
            i += 2
        span = Span(doc, start, i, label="CAR")
        model = doc[end:i]
        parts = [t.text for t in model]
        # The tokenizer leaves a sentence's full stop on "962C."; the name has none.
        last = parts[-1] = parts[-1].rstrip(".")
        if len(last) > 1 and last.endswith("s") and (last[-2].isdigit() or last[-2].isupper()):
            parts[-1] = last[:-1]  # plural: "Dallara F3s" -> "Dallara F3"
        model_text = "".join(p + t.whitespace_ for p, t in zip(parts, model)).strip()
        return span, f"{maker} {model_text}"

    # ------------------------------------------------------------------------------------
    def _document_names(
        self, doc: Doc, candidates: list[tuple[tuple, Span, str]]
    ) -> list[tuple[tuple, Span, str]]:
        """Names the document itself defines: short forms take the label and canonical name of
        their long form; a team's first word names the team ("Hitotsuyama" after
        "Hitotsuyama Racing")."""
        short_forms = doc._.short_forms or {}
        heads = self.lexicon["team_head_set"]
        names: dict[str, tuple[str, str]] = {}
        if short_forms:
            # The best candidate spelling each long form: the longest, then the best priority.
            wanted = set(short_forms.values())
            sizes = {len(text) for text in wanted}
            best: dict[str, tuple] = {}
            for priority, span, canonical in candidates:
                if span.end_char - span.start_char not in sizes:
                    continue  # Span.text joins tokens: only for spans of a long form's length
                text = span.text
                if text in wanted:
                    rank = (-len(span), priority)
                    if text not in best or rank < best[text][0]:
                        best[text] = (rank, span.label_, canonical)
            for short, long in short_forms.items():
                if long in best:
                    names[short] = best[long][1:]
                elif (known := self.known.get(fold(long))) is not None:
                    names[short] = known
        team = doc.vocab.strings["TEAM"]
        # A team's first word that is also a known name (a maker: "Mugen" of "Mugen
        # Motorsports") names the team only as the owner of an entry: "Mugen's LMP".
        possessive_only: set[str] = set()
        for _, span, canonical in candidates:
            if span.label == team and len(span) == 2 and span[1].text in heads:
                alias = span[0].text
                if alias[:1].isupper() and alias.lower() not in self.lexicon["function_set"]:
                    if fold(alias) in self.known:
                        possessive_only.add(alias)
                    names.setdefault(alias, ("TEAM", canonical))
        if not names:
            return []
        # Vectorised lookup of the names' token ids instead of a Python loop over tokens.
        orths = doc.to_array(ORTH)
        ids = {doc.vocab.strings.add(text): text for text in names}
        found = []
        n = len(doc)
        for i in numpy.nonzero(numpy.isin(orths, list(ids)))[0].tolist():
            text = ids[int(orths[i])]
            if self._is_compound_modifier(doc, i + 1):
                continue
            if text in possessive_only and not (i + 1 < n and doc[i + 1].lower_ in {"'s", "’s"}):
                continue
            label, canonical = names[text]
            found.append(((DOCUMENT_PRIORITY, 0), Span(doc, i, i + 1, label=label), canonical))
        return found


@Language.factory("motorsport_entities")
def make_motorsport_entities(nlp: Language, name: str) -> MotorsportEntities:
    return MotorsportEntities(nlp, name)


def entity_records(doc: Doc) -> list[dict]:
    """The resolved entities, in document order."""
    return [
        {
            "text": ent.text,
            "label": ent.label_,
            "start_char": ent.start_char,
            "end_char": ent.end_char,
            "canonical": ent._.canonical or ent.text,
        }
        for ent in doc.ents
    ]
