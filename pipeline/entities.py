"""Named entities of motorsport articles by rules: gazetteers, name shapes and the document's
own short forms.

Three sources of candidates, each a spaCy matcher built once in the factory:

* the gazetteer (``entity_gazetteer.jsonl``): names true of the field in general, with their
  canonical form, matched by ``PhraseMatcher`` (one-token names by ORTH, so "Courage" the maker
  is not "courage"; longer names by LOWER, so "Asian Le Mans series" is found);
* structural patterns (``entity_patterns.jsonl``, spaCy ``Matcher``): the shapes names take in
  these articles ("... International Circuit", "... Racing", "... Championship",
  "N Hours of Place", "Group C"), which reach names no list holds;
* the document itself: short forms defined or used beside their long form (from the
  ``abbreviation_detector``) take the label and canonical name of that long form, and a team
  written in full ("Hitotsuyama Racing") is recognised when later named by its first word.

A car is a known maker followed by a model token ("Ferrari 550 Maranello", "Porsche 956/962C");
that step is code, because a ``Matcher`` cannot anchor on another matcher's output.

Overlaps are resolved to the longest span (``spacy.util.filter_spans``); on equal spans the
document's short forms beat the gazetteer, which beats the patterns (in file order), which beat
cars. All candidates stay in ``doc.spans["entities"]``; the resolved set is ``doc.ents``.
"""

from __future__ import annotations

import re
from functools import cache

import numpy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .extensions import flag_specs, register_extensions
from .resources import load_json, load_jsonl

LEXICON_FILE = "entity_lexicon.json"
GAZETTEER_FILE = "entity_gazetteer.jsonl"
PATTERNS_FILE = "entity_patterns.jsonl"

LABELS = (
    "ORG", "SERIES", "EVENT", "TEAM", "MANUFACTURER", "CAR", "CIRCUIT", "PERSON", "LOCATION",
    "CLASS",
)

# Which lexicon list gives which label to a name ending (or opening) with one of its words.
HEAD_LISTS = (
    ("series_heads", "SERIES"), ("team_heads", "TEAM"), ("circuit_heads", "CIRCUIT"),
    ("org_heads", "ORG"), ("event_heads", "EVENT"),
)
PREFIX_LISTS = (
    ("team_prefixes", "TEAM"), ("circuit_prefixes", "CIRCUIT"), ("org_prefixes", "ORG"),
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


@cache
def _lexicon() -> dict:
    lexicon = dict(load_json(LEXICON_FILE))
    lexicon["function_set"] = frozenset(lexicon["function_words"])
    lexicon["team_head_set"] = frozenset(h for h in lexicon["team_heads"] if " " not in h)
    lexicon["model_re"] = re.compile(lexicon["car_model_regex"])
    lexicon["model_words"] = frozenset(lexicon["car_model_words"])
    lexicon["model_continuations"] = frozenset(lexicon["car_model_continuations"])
    lexicon["class_re"] = re.compile(lexicon["token_macros"]["CLASSTOKEN"]["TEXT"]["REGEX"])
    lexicon["label_of_head"] = {
        word: label
        for list_name, label in HEAD_LISTS
        for word in lexicon[list_name]
    }
    lexicon["label_of_prefix"] = {
        word: label
        for list_name, label in PREFIX_LISTS
        for word in lexicon[list_name]
    }
    lexicon["duration_set"] = frozenset(u.lower() for u in lexicon["duration_units"])
    lexicon["unit_set"] = frozenset(u.lower() for u in lexicon["event_units"])
    return lexicon


def _resolve_lists(value, lexicon: dict):
    """Replace "@list" references inside a token spec by the lexicon's word list; a list of
    references is their union."""
    if isinstance(value, str) and value.startswith("@"):
        return [w for w in lexicon[value[1:]] if " " not in w]
    if isinstance(value, list) and value and all(
        isinstance(v, str) and v.startswith("@") for v in value
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
            body = token[1:]
            name = body.rstrip("*+?")
            spec = _resolve_lists(dict(lexicon["token_macros"][name]), lexicon)
            if body[len(name):]:
                spec["OP"] = body[len(name):]
            tokens.append(spec)
        else:
            tokens.append(_resolve_lists(token, lexicon))
    return tokens


def fold(text: str) -> str:
    return _SPACES.sub(" ", text.replace("’", "'")).strip().casefold()


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
        self.makers = {key for key, (label, _) in self.entries.items() if label == "MANUFACTURER"}

        # validate=False: the flag specs are integer attribute ids, which the pattern schema
        # does not know; the patterns were checked in their JSON form by the tests.
        self.matcher = Matcher(vocab, validate=False)
        self.rules: dict[str, dict] = {}
        for i, rule in enumerate(load_jsonl(PATTERNS_FILE)):
            key = f"P{i:03d}"
            self.rules[key] = {**rule, "order": i}
            pattern = flag_specs(expand_pattern(rule["pattern"], lexicon), vocab)
            self.matcher.add(key, [pattern], greedy="LONGEST")
        # The macros' flags, for the edges of names added in code.
        self.flag = {
            name: next(iter(flag_specs(expand_pattern(["@" + name], lexicon), vocab)[0]))
            for name in ("NAME", "NAMEJ", "CONN", "YEAR", "CLASSTOKEN")
        }
        self.class_bodies = frozenset(lexicon["class_body_prefixes"])

    # ------------------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        candidates: list[tuple[tuple, Span, str]] = []
        strings = doc.vocab.strings
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                key = strings[match_id]
                label, canonical = self.entries[key]
                if self._is_compound_modifier(doc, end):
                    continue
                span = Span(doc, start, end, label=label)
                candidates.append(((GAZETTEER_PRIORITY, 0), span, canonical))
                if key in self.makers:
                    car = self._car(doc, start, end, canonical)
                    if car is not None:
                        candidates.append(((CAR_PRIORITY, 0), *car))
        for match_id, start, end in self.matcher(doc):
            rule = self.rules[strings[match_id]]
            found = self._from_rule(doc, rule, start, end)
            if found is not None:
                candidates.append(((PATTERN_PRIORITY, rule["order"]), *found))

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
    def _resolve(candidates: list[tuple[tuple, Span, str]]) -> list[Span]:
        """Longest span wins; on equal spans the better priority (filter_spans keeps the first
        of equal spans, and Python's sort is stable)."""
        ranked = sorted(candidates, key=lambda c: c[0])
        return filter_spans([span for _, span, _ in ranked])

    # ------------------------------------------------------------------------------------
    def _is_compound_modifier(self, doc: Doc, end: int) -> bool:
        """ "Le Mans-based", "Asian-based": a name glued by a hyphen to a lower-case word is a
        modifier, not a mention of the entity."""
        return (
            end + 1 < len(doc)
            and doc[end].text == "-"
            and not doc[end - 1].whitespace_
            and doc[end + 1].text[:1].islower()
        )

    def _trim(self, doc: Doc, start: int, end: int) -> int:
        """Skip function words a capitalised sentence start added ("The", "During"), keeping
        "All" when a place follows ("All Japan ... Championship")."""
        lexicon = self.lexicon
        while start < end:
            token = doc[start]
            lower = token.lower_
            if lower == "all" and token.text == lexicon["all_prefix"] and start + 1 < end:
                nxt = doc[start + 2] if doc[start + 1].text == "-" and start + 2 < end else doc[start + 1]
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
            label = lexicon["label_of_head"].get(head)
            required = lexicon["head_requires"].get(head)
            if required is not None and doc[end - 2].text not in required:
                return None  # "Park" alone is no circuit head; "Motorsport Park" is
        elif rule.get("label_by") == "first":
            opener = doc[start].text
            label = lexicon["label_of_prefix"].get(opener)
            required = lexicon["head_requires"].get(opener)
            if required is not None and doc[start + 1].text not in required:
                return None  # "Grand" opens a race name only in "Grand Prix of ..."
        if label is None:
            return None
        if rule["id"] in {"length_of_place", "place_length"} and not self._length_fits(doc, start, end):
            return None
        while end > start and doc[end - 1].text == "-":
            end -= 1  # "GT3-" left by the optional "-Am" of a class
        start, end = self._extend(doc, rule.get("extend", ()), label, start, end)
        trim_from = start + rule.get("trim_left", 0)
        trimmed = self._trim(doc, trim_from, end)
        if trimmed > trim_from and end - trimmed < 2:
            return None  # only the head word is left ("The Series")
        start = trimmed
        if start >= end or self._is_compound_modifier(doc, end):
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
        if "team_names" in how and label == "TEAM":
            # "Audi Sport" + "Team Joest"
            while start > 0 and doc[start - 1].check_flag(flag["NAME"]) and not doc[start - 1].is_sent_start:
                start -= 1
        if "names" in how:
            # "Japanese" + "Formula 3"
            while start > 0 and doc[start - 1].check_flag(flag["NAME"]):
                start -= 1
        if "class_body" in how and start > 0 and doc[start - 1].text in self.class_bodies:
            start -= 1  # "IMSA" + "GTP"
        if (
            "class_pair" in how
            and end + 1 < n
            and doc[end].text == "/"
            and doc[end + 1].check_flag(flag["CLASSTOKEN"])
        ):
            end += 2  # "C1" + "/GTP"
        if "year" in how and label == "EVENT" and start > 0 and doc[start - 1].check_flag(flag["YEAR"]):
            start -= 1  # "2010" + "24 Hours of Le Mans"
        return start, end

    @staticmethod
    def _name_word(token) -> bool:
        return token.text[:1].isupper() and not token.is_sent_start

    def _length_fits(self, doc: Doc, start: int, end: int) -> bool:
        """Hours go with 1 to 24, distances with 100 and more: "Spa 24 Hours", "Suzuka 1000 km",
        never "12 km"."""
        for i in range(start, end):
            unit = doc[i].lower_
            if unit in self.lexicon["unit_set"]:
                number = int(doc[i - 1].text.replace(",", ""))
                return number <= 24 if unit in self.lexicon["duration_set"] else number >= 100
        return False

    def _canonical(self, span: Span, rule: dict) -> str:
        text = _POSSESSIVE.sub("", _SPACES.sub(" ", span.text)).strip()
        if rule.get("id") == "class_letter":
            word = self.lexicon["group_word_canonical"].get(span[0].text, span[0].text)
            return f"{word} {span[-1].text}"
        if span.label_ == "CLASS":
            # "LMP1s" -> "LMP1"
            parts = [
                t.text[:-1] if t.text.endswith("s") and self.lexicon["class_re"].match(t.text[:-1])
                else t.text
                for t in span
            ]
            text = "".join(p + t.whitespace_ for p, t in zip(parts, span)).strip()
        year = ""
        first = span[0].text
        if _YEAR.match(first) and len(span) > 1:
            year, text = first + " ", text[len(first):].strip()
        known = self.known.get(fold(text))
        if known is not None and known[0] == span.label_:
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
        if not (lexicon["model_re"].match(first) or first in lexicon["model_words"]):
            return None
        i += 1
        while i < len(doc) and i - end < 4 and doc[i - 1].whitespace_:
            text = doc[i].text
            if lexicon["model_re"].match(text) and not _YEAR.match(text) or text in lexicon["model_continuations"]:
                i += 1
            else:
                break
        # "GT-R", "RX-7": a hyphen inside the model.
        while i + 1 < len(doc) and doc[i].text == "-" and not doc[i - 1].whitespace_ and (
            lexicon["model_re"].match(doc[i + 1].text) or doc[i + 1].text in lexicon["model_continuations"]
        ):
            i += 2
        span = Span(doc, start, i, label="CAR")
        model = doc[end:i]
        parts = [t.text for t in model]
        last = parts[-1]
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
        "Hitotsuyama Racing") unless the word is a known name of its own."""
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
        for _, span, canonical in candidates:
            if span.label == team and len(span) == 2 and span[1].text in heads:
                alias = span[0].text
                if (
                    alias[:1].isupper()
                    and fold(alias) not in self.known
                    and alias.lower() not in self.lexicon["function_set"]
                ):
                    names.setdefault(alias, ("TEAM", canonical))
        if not names:
            return []
        # Vectorised lookup of the names' token ids instead of a Python loop over tokens.
        orths = doc.to_array(ORTH)
        ids = {doc.vocab.strings.add(text): text for text in names}
        found = []
        for i in numpy.nonzero(numpy.isin(orths, list(ids)))[0].tolist():
            if self._is_compound_modifier(doc, i + 1):
                continue
            label, canonical = names[ids[int(orths[i])]]
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
