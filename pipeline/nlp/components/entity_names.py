"""What a match becomes as a candidate entity: the lexicon, and the name shapes read in code.

The structural patterns of ``motorsport_entities`` find where a name may stand; the rules here
decide what it is: its label from its head or opening word, its edges ("Sports Car Club" + "of
America", "Japanese" + "Formula 3"), a person's given name and surname, a class's parts, an
event's length, a car as a maker followed by a model ("Ferrari 550 Maranello"), and its
canonical name. Word classes are the lexicon's token macros as lexeme flag bits, read from the
token table.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import NamedTuple

import numpy
from spacy.attrs import IS_ALPHA, IS_LOWER, IS_PUNCT, IS_SPACE, IS_UPPER, LIKE_NUM
from spacy.lang.en.stop_words import STOP_WORDS

from ...data import parse_json, parse_lines
from ...data.reference import reference_given_names
from ..lexeme_flags import flag_specs, lexeme_flag
from ..tokens import TokenTable

__all__ = [
    "CAR_PRIORITY",
    "DOCUMENT_PRIORITY",
    "GAZETTEER_PRIORITY",
    "PATTERN_PRIORITY",
    "Candidate",
    "CarNames",
    "InfoboxFields",
    "NameShapes",
    "Neighbours",
    "expand_pattern",
    "fold",
    "parse_lexicon",
]

# Priorities on equal spans: lower wins.
DOCUMENT_PRIORITY = 0
GAZETTEER_PRIORITY = 1
PATTERN_PRIORITY = 2
CAR_PRIORITY = 3

_SPACES = re.compile(r"\s+")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_CLAUSE_ENDS = frozenset({".", "!", "?", ":", ";", "\n"})
_KEY_WORD = re.compile(r"[^\W\d_]+")
_MACRO = re.compile(r"^@([A-Z]+)([*+?]|\{\d*,?\d*\})?$")


def parse_lexicon(
    lexicon_text: str, given_names_text: str, not_given: frozenset[str] = frozenset()
) -> dict:
    """The lexicon (``entity_lexicon.json``) with the given names and the sets and look-ups
    made from them. Given names are the reference list (:mod:`pipeline.data.reference`) and
    the supplement ``entity_given_names.txt``, less the words that are more often something
    else: ``not_given`` (the caller's known names: "Austin", "Victoria"), English stop words
    ("Will", "May"), the lexicon's function words and ``not_given_names`` (months, titles)."""
    lexicon = dict(parse_json(lexicon_text))
    excluded = not_given | frozenset(lexicon["not_given_names"])
    lowered = (
        STOP_WORDS
        | frozenset(lexicon["function_words"])
        | frozenset(lexicon["name_connectors"])
    )
    lexicon["given_names"] = sorted(
        name
        for name in reference_given_names() | frozenset(parse_lines(given_names_text))
        if name[:1].isupper()
        and not name.isupper()
        and name not in excluded
        and name.lower() not in lowered
    )
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


class NameShapes:
    """The name rules of one lexicon and gazetteer (``known``: canonical names by folded
    alias), with the word classes they read as lexeme flag bits of ``vocab``."""

    def __init__(self, lexicon: dict, known: dict[str, tuple[str, str]], vocab) -> None:
        self.lexicon = lexicon
        self.known = known
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

    def modifier_hyphens(self, tokens: TokenTable) -> frozenset[int]:
        """Ends of names glued by a hyphen to a lower-case word ("Le Mans-based",
        "Asian-based"), which are modifiers, not mentions of the entity: positions of hyphens
        glued to the word before and followed by a lower-case word."""
        if tokens.length < 3:
            return frozenset()
        flags = tokens.flag_array
        space = numpy.asarray(tokens.space[:-2])
        glued = ((flags[1:-1] & self.HYPHEN) != 0) & (space == 0) & ((flags[2:] & self.LOWER) != 0)
        return frozenset((numpy.nonzero(glued)[0] + 1).tolist())

    def inside_unknown_name(self, tokens: TokenTable, start: int) -> bool:
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

    def from_rule(
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
        if rule.get("check_length") and not self._length_fits(tokens, start, end):
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
        if label == "EVENT" and not any(
            tokens.flags[i] & self.NAME and words[i].lower() not in lexicon["unit_set"]
            for i in range(start, end)
        ):
            return None  # a length and nothing else ("The 1000 km", "to 700 km")
        canonical = self._canonical(tokens, start, end, label)
        return Candidate(start, end, label, canonical, (PATTERN_PRIORITY, rule["order"]))

    def _extend(self, tokens: TokenTable, how, label: str, start: int, end: int) -> tuple[int, int]:
        """Optional edges of a name, added here rather than as optional pattern tokens (which
        would make the Matcher try them at every token)."""
        words, flags, space = tokens.texts, tokens.flags, tokens.space
        n = tokens.length
        if "org_tail" in how and (
            label == "ORG" or (label == "SERIES" and end < n and words[end] == "of")
        ):
            # "Sports Car Club" + "of America", "Automobile Club" + "de l'Ouest",
            # "World Championship" + "of Makes"
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
        if (
            "sponsor" in how
            and start > 0
            and space[start - 1]
            and flags[start - 1] & self.NAME
            and not flags[start - 1] & self.YEAR
            and words[start - 1].lower() not in self.lexicon["function_set"]
            and fold(words[start - 1]) not in self.known
            and not (start > 1 and flags[start - 2] & self.NAME)
        ):
            start -= 1  # "Rolex" + "24 Hours of Daytona": a title sponsor's name
        if "year" in how and label == "EVENT" and start > 0 and flags[start - 1] & self.YEAR:
            start -= 1  # "2010" + "24 Hours of Le Mans"
        return start, end

    def _person_end(self, tokens: TokenTable, start: int, end: int) -> int:
        """A given name, particles ("de la"), and one surname; two names when the first is also
        a given name ("Juan Manuel Fangio") or joined by a hyphen ("Jean-Pierre Jarier"). A
        head word ("Team", "Racing", "Park") ends the name; with no surname before it, or a
        surname without a small letter ("Mark IV", "Max GT3"), there is no person (``start``)."""
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
        if last_name is None or words[last_name] == words[last_name].upper():
            return start
        return last_name + 1

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


class CarNames:
    """A car: a known maker followed by model tokens ("Ferrari 550 Maranello", "Porsche
    956/962C"), read in code because a ``Matcher`` cannot anchor on another matcher's output."""

    def __init__(self, shapes: NameShapes) -> None:
        self.lexicon, self.known, self.NAME = shapes.lexicon, shapes.known, shapes.NAME

    def car(self, tokens: TokenTable, start: int, end: int, maker: str) -> Candidate | None:
        """A maker followed by model tokens: "Ferrari 550 Maranello", "Dallara F3s"."""
        lexicon = self.lexicon
        words, space, n = tokens.texts, tokens.space, tokens.length
        i = end
        if i >= n or not space[end - 1]:
            return None
        first = words[i]
        if _YEAR.match(first) or lexicon["class_re"].match(first):
            return None
        if first.rstrip(".") in lexicon["not_models"]:
            return None  # "Porsche AG", "Lola Cars": a company
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
                or text in lexicon["model_words"]
            ):
                i += 1
            elif (
                i + 1 < n
                and space[i]
                and tokens.flags[i] & self.NAME
                and lexicon["model_re"].match(words[i + 1])
                and not _YEAR.match(words[i + 1])
                and not lexicon["class_re"].match(words[i + 1])
            ):
                i += 2  # "Ford Sierra" + "Cosworth RS500": a name and its code
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
        if (
            i < n
            and space[i - 1]
            and tokens.flags[i] & self.NAME
            and words[i].lower() not in lexicon["function_set"]
            and not any(c.isdigit() for c in first)
        ):
            return None  # "Porsche Mobil 1" + "Supercup": part of a longer name
        parts = words[end:i]
        # The tokenizer leaves a sentence's full stop on "962C."; the name has none.
        last = parts[-1] = parts[-1].rstrip(".")
        if len(last) > 1 and last.endswith("s") and (last[-2].isdigit() or last[-2].isupper()):
            parts[-1] = last[:-1]  # plural: "Dallara F3s" -> "Dallara F3"
        model_text = "".join(
            part + (" " if space[j] else "") for j, part in enumerate(parts, end)
        ).strip()
        return Candidate(start, i, "CAR", f"{maker} {model_text}", (CAR_PRIORITY, 0))


class InfoboxFields:
    """Infobox fields: which are read at all, and the names a field lists when its key says
    what they are ("Tyre suppliers: Michelin, Dunlop", "Teams' champion: P: Action Racing GT:
    Brenner Motorsport", "Drivers' champion: P: Ann Lee Bo Smith", people run together)."""

    def __init__(self, shapes: NameShapes, known: dict[str, tuple[str, str]]) -> None:
        lexicon = shapes.lexicon
        self.shapes, self.known, self.lexicon = shapes, known, lexicon
        self.skipped = frozenset(lexicon["infobox_skipped_key_words"])
        self.key_labels = lexicon["infobox_key_labels"]
        self.separators = frozenset(lexicon["infobox_list_separators"])

    @staticmethod
    def _key_words(key: str) -> list[str]:
        return _KEY_WORD.findall(key.casefold())

    def read(self, key: str) -> bool:
        """Whether a field's value is read for entities: not a logo, a website, a class list
        (the classes are read from the infobox apart)."""
        return not any(word in self.skipped for word in self._key_words(key))

    def label(self, key: str) -> str | None:
        """The label of the names a field lists, by the first word of its key that says it."""
        return next((self.key_labels[w] for w in self._key_words(key) if w in self.key_labels),
                    None)

    def listed(self, tokens: TokenTable, fields: list[tuple[str, int]]) -> list[Candidate]:
        """The names listed in the fields with a labelling key; ``fields`` are (key, character
        offset of the value in the doc) in order."""
        found: list[Candidate] = []
        token_starts = tokens.starts
        for n, (key, begin) in enumerate(fields):
            label = self.label(key)
            if label is None:
                continue
            finish = fields[n + 1][1] if n + 1 < len(fields) else len(tokens.doc.text) + 1
            first = bisect_left(token_starts, begin)
            last = bisect_left(token_starts, finish)
            for start, end in self._segments(tokens, first, last):
                known = self.known.get(fold(tokens.text(start, end)))
                if known is not None and known[0] != label and not (
                    label == "TEAM" and known[0] == "MANUFACTURER"
                ):
                    continue  # a known name keeps its label ("Engines: ... Europe"); a maker
                    # may enter as a team
                if label == "PERSON":
                    found.extend(self._people(tokens, start, end))
                else:
                    found.append(self._candidate(tokens, start, end, label))
        return found

    def _candidate(self, tokens: TokenTable, start: int, end: int, label: str) -> Candidate:
        text = tokens.text(start, end)
        known = self.known.get(fold(text))
        canonical = known[1] if known is not None and known[0] == label else text
        return Candidate(start, end, label, canonical, (DOCUMENT_PRIORITY, 0))

    def _segments(self, tokens: TokenTable, first: int, last: int) -> list[tuple[int, int]]:
        """The items of a list value: runs between separators ("," "|" "and" a line break)
        and sub-labels ("GTLM:"), kept when they have the shape of a name."""
        words, flags = tokens.texts, tokens.flags
        shapes = self.shapes
        items: list[tuple[int, int]] = []
        run: list[int] = []

        def close() -> None:
            if run:
                item = self._item(tokens, run[0], run[-1] + 1)
                if item is not None:
                    items.append(item)
                run.clear()

        i = first
        while i < last:
            word = words[i]
            if i + 1 < last and words[i + 1] == ":":
                close()  # a sub-label: "P:", "GTLM:", "Note:"
                i += 2
                continue
            if word in self.separators or flags[i] & shapes.SPACE:
                close()
            else:
                run.append(i)
            i += 1
        close()
        return items

    def _item(self, tokens: TokenTable, start: int, end: int) -> tuple[int, int] | None:
        """A run of name words (capitalised, or connectors inside), no digits, at most six
        tokens, not only generic words ("About 20", "The constructors in bold" are no names)."""
        shapes = self.shapes
        words, flags = tokens.texts, tokens.flags
        start = shapes._trim(tokens, start, end)
        if start >= end or end - start > 6:
            return None
        if not flags[start] & shapes.NAME or not flags[end - 1] & shapes.NAME:
            return None
        for i in range(start, end):
            if not flags[i] & (shapes.NAMEJ | shapes.CONN) or any(c.isdigit() for c in words[i]):
                return None
        if all(words[i] in self.lexicon["generic_set"] for i in range(start, end)):
            return None
        return start, end

    def _people(self, tokens: TokenTable, start: int, end: int) -> list[Candidate]:
        """People run together in one item ("Ann Lee Bo Smith"): the item cut into names of
        two or three words, preferring names that open with a given name and two words."""
        words, flags = tokens.texts, tokens.flags
        given = self.lexicon["given_name_set"]
        # Name words as token ranges: connectors ("van der") join the word after them, a
        # hyphen ("Jean-Pierre") the words on either side.
        spans: list[list[int]] = []
        pending: int | None = None
        i = start
        while i < end:
            if words[i] == "-" and spans:
                spans[-1][1] = min(i + 2, end)
                i += 2
                continue
            if flags[i] & self.shapes.CONN:
                pending = i if pending is None else pending
                i += 1
                continue
            spans.append([i if pending is None else pending, i + 1])
            pending = None
            i += 1
        m = len(spans)
        # best[k]: (score, cuts) of the first k words cut into names.
        best: list[tuple[float, tuple[int, ...]] | None] = [None] * (m + 1)
        best[0] = (0.0, ())
        for k in range(2, m + 1):
            for size in (2, 3):
                before = best[k - size] if k - size >= 0 else None
                if before is None:
                    continue
                opener = words[spans[k - size][0]]
                score = before[0] + (2 if opener in given else 0) - (1 if size == 3 else 0)
                if best[k] is None or score > best[k][0]:
                    best[k] = (score, (*before[1], k))
        if best[m] is None:
            return []
        people, previous = [], 0
        for cut in best[m][1]:
            people.append(
                Candidate(spans[previous][0], spans[cut - 1][1], "PERSON",
                          tokens.text(spans[previous][0], spans[cut - 1][1]),
                          (DOCUMENT_PRIORITY, 0))
            )
            previous = cut
        return people


class Neighbours:
    """Names known by the names around them: an unknown name in a list of known names of one
    label ("at Brands Hatch, Kestrel Hill, Zolder and Zandvoort"), and a place before its
    country or region ("Vallar, Japan")."""

    # Labels a list passes on; people and classes are known by their own shapes.
    LIST_LABELS = frozenset({"SERIES", "EVENT", "TEAM", "MANUFACTURER", "CIRCUIT", "LOCATION",
                             "ORG"})

    def __init__(self, shapes: NameShapes) -> None:
        self.shapes, self.lexicon = shapes, shapes.lexicon

    def found(self, tokens: TokenTable, kept: list[Candidate]) -> list[Candidate]:
        """New candidates from the non-overlapping ``kept`` ones (in any order)."""
        if not kept:
            return []
        # The commas by their word id, in numpy (no Python loop over the tokens).
        comma = tokens.doc.vocab.strings[","]
        commas = numpy.flatnonzero(tokens.orth == comma).tolist()
        if not commas:
            return []
        words = tokens.texts
        by_start = {c.start: c for c in kept}
        by_end = {c.end: c for c in kept}
        covered = {i for c in kept for i in range(c.start, c.end)}
        found: list[Candidate] = []
        used: set[int] = set()
        for position in commas:
            if position in used:
                continue
            first = self._item_before(tokens, position, by_end, covered)
            if first is None:
                continue
            items, at = [first], position
            while True:
                j = at
                if j < tokens.length and words[j] == ",":
                    used.add(j)
                    j += 1
                if j < tokens.length and words[j] in ("and", "or"):
                    j += 1
                if j == at:
                    break
                item = self._item_after(tokens, j, by_start, covered)
                if item is None:
                    break
                items.append(item)
                at = item[1]
            found.extend(self._alike(tokens, items))
            if len(items) == 2 and items[0][2] is None and items[1][2] is not None:
                found.extend(self._place(tokens, items[0], items[1][2]))
        return found

    def _alike(self, tokens: TokenTable, items) -> list[Candidate]:
        known = [c for _, _, c in items if c is not None]
        unknown = [(s, e) for s, e, c in items if c is None]
        labels = {c.label for c in known}
        if len(known) < 2 or len(labels) != 1 or not unknown or len(unknown) > len(known):
            return []
        label = labels.pop()
        if label not in self.LIST_LABELS:
            return []
        return [Candidate(s, e, label, tokens.text(s, e), (PATTERN_PRIORITY, 1000))
                for s, e in unknown]

    def _place(self, tokens: TokenTable, item, region: Candidate) -> list[Candidate]:
        """"Vallar, Japan": a name before a known country or region, not itself in a list."""
        start, end, _ = item
        if region.label != "LOCATION" or end + 1 != region.start:
            return []
        if start > 0 and tokens.texts[start - 1] in (",", "and", "or"):
            return []
        return [Candidate(start, end, "LOCATION", tokens.text(start, end),
                          (PATTERN_PRIORITY, 1000))]

    def _unknown_run_ok(self, tokens: TokenTable, start: int, end: int) -> bool:
        shapes, words, flags = self.shapes, tokens.texts, tokens.flags
        if end - start > 3 or start >= end:
            return False
        if not flags[start] & shapes.NAME or not flags[end - 1] & shapes.NAME:
            return False
        if words[start].lower() in self.lexicon["function_set"]:
            return False
        if start == 0 or tokens.doc[start].is_sent_start or words[start - 1] in _CLAUSE_ENDS:
            return False  # "Today, Porsche and Audi": a capital of the sentence's first word
        if any(c.isdigit() for i in range(start, end) for c in words[i]):
            return False
        return not all(words[i] in self.lexicon["generic_set"] for i in range(start, end))

    def _item_before(self, tokens: TokenTable, comma: int, by_end, covered):
        """The item ending at ``comma``: a kept candidate, or an unknown capitalised run."""
        if comma in by_end:
            c = by_end[comma]
            return c.start, c.end, c
        flags = tokens.flags
        shapes = self.shapes
        j = comma
        while j > 0 and comma - j < 4 and flags[j - 1] & (shapes.NAMEJ | shapes.CONN) \
                and j - 1 not in covered:
            j -= 1
        if j > 0 and flags[j - 1] & shapes.NAME:
            return None  # the run goes on: part of a longer name
        while j < comma and flags[j] & shapes.CONN:
            j += 1
        if not self._unknown_run_ok(tokens, j, comma):
            return None
        return j, comma, None

    def _item_after(self, tokens: TokenTable, j: int, by_start, covered):
        """The item starting at ``j``: a kept candidate, or an unknown capitalised run."""
        if j in by_start:
            c = by_start[j]
            return c.start, c.end, c
        flags = tokens.flags
        shapes = self.shapes
        k = j
        while k < tokens.length and k - j < 4 and flags[k] & (shapes.NAMEJ | shapes.CONN) \
                and k not in covered:
            k += 1
        if k < tokens.length and (flags[k] & shapes.NAME or tokens.texts[k] == ":"):
            return None  # the run goes on, runs into a known name, or is a label ("Note:")
        while k > j and not flags[k - 1] & shapes.NAME:
            k -= 1
        if not self._unknown_run_ok(tokens, j, k):
            return None
        return j, k, None
