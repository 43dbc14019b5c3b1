"""Abbreviation definitions and the later uses of their short forms.

The ``abbreviation_detector`` component finds

* definitions written beside their long form: "Long Form (LF)", "LF (Long Form)",
  "Long Form (abbreviated LF)", "Long Form, abbreviated as LF", "Long Form, known as LF";
* short forms the text uses without defining them, when their long form stands alone elsewhere
  in the same document ("the JAF" after "the Japan Automobile Federation").

The matching of a short form against the words before it adapts the algorithm of Schwartz &
Hearst (2003), "A simple algorithm for identifying abbreviation definitions in biomedical text",
as implemented in scispaCy's ``abbreviation.py``: the short form's letters are looked for right
to left within a window of ``min(|SF| + 5, 2 * |SF|)`` words. Unlike scispaCy, which matches
characters anywhere in the words, a letter here must start a word (after an elided article,
"l'Ouest" -> O): names of bodies and series are acronyms of their words, and the stricter test
keeps "FIA (Group A and Group B)" from reading as a definition. Lower-case function words
("de", "of") may be passed over, as may a capitalised word when the letters still fit
("Sports Car Endurance Race Operation" -> SERO).
"""

from __future__ import annotations

import re
from functools import cache

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from .extensions import register_extensions
from .resources import load_json

RULES_FILE = "abbreviation_rules.json"


@cache
def _rules() -> dict:
    rules = dict(load_json(RULES_FILE))
    rules["short_form_re"] = re.compile(rules["short_form_regex"])
    rules["undefined_re"] = re.compile(rules["undefined_short_form_regex"])
    rules["skippable"] = frozenset(rules["skippable_words"])
    rules["leading"] = frozenset(rules["leading_function_words"])
    rules["connectors"] = frozenset(rules["name_connectors"])
    rules["stops"] = frozenset(rules["window_stop_tokens"])
    return rules


def _expand(pattern: list, rules: dict) -> list[dict]:
    """Replace the macros ``@SHORT`` and ``@CUE*`` of the rule file by token specs."""
    macros = {
        "SHORT": {"TEXT": {"REGEX": rules["short_form_regex"]}},
        "CUE": {"LOWER": {"IN": rules["definition_cues"]}},
    }
    out = []
    for token in pattern:
        if isinstance(token, str):
            name, op = token[1:].rstrip("*+?"), token[1:][len(token[1:].rstrip("*+?")):]
            spec = dict(macros[name])
            if op:
                spec["OP"] = op
            out.append(spec)
        else:
            out.append(token)
    return out


def _initial(token: Token, elisions: tuple[str, ...]) -> str:
    """The letter a word contributes to an acronym ("l'Ouest" -> "o", "1000" -> "1")."""
    text = token.text
    for prefix in elisions:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):]
            break
    return text[:1].lower()


def _letters(short: str) -> list[str]:
    return [c.lower() for c in short if c.isalnum()]


def match_long_form(words: list[Token], short: str, anchored_start: bool = False) -> int | None:
    """Index in ``words`` where the long form of ``short`` starts, or None.

    Right to left: the last word must give the last letter; each further letter is the initial of
    some earlier word; skipped words must be function words or capitalised words (never a
    lower-case content word, which would mean the long form has ended). With
    ``anchored_start`` the long form must take every word from the first one (the text in
    parentheses of "SF (Long Form)"), leading function words aside.
    """
    rules = _rules()
    elisions = tuple(rules["elision_prefixes"])
    letters = _letters(short)
    if not letters or not words:
        return None
    j = len(letters) - 1
    i = len(words) - 1
    if _initial(words[i], elisions) != letters[j]:
        return None
    start = None
    while i >= 0 and j >= 0:
        word = words[i]
        initial = _initial(word, elisions)
        if initial == letters[j]:
            j -= 1
            start = i
            # A capitalised word may give two letters in a row when it begins with both
            # ("Le Mans" never does; "SportsCar" would) -- kept simple: one letter per word.
        elif word.text in rules["skippable"] or word.is_punct:
            pass
        elif not (word.text[:1].isupper() or word.text[:1].isdigit()):
            return None
        i -= 1
    if j >= 0 or start is None:
        return None
    if anchored_start:
        leading = [w for w in words[:start] if w.lower_ not in rules["skippable"]]
        if leading:
            return None
    if not (words[start].text[:1].isupper() or words[start].text[:1].isdigit()):
        return None
    return start


def _window(doc: Doc, end: int, short: str) -> list[Token]:
    """The words before token ``end`` that may hold the long form: same sentence, no clause
    punctuation, at most min(|SF| + 5, 2 * |SF|) words."""
    rules = _rules()
    n = len(_letters(short))
    size = min(n + rules["window_extra_words"], n * rules["window_factor"])
    words: list[Token] = []
    i = end - 1
    while i >= 0 and len(words) < size:
        token = doc[i]
        if token.text in rules["stops"] or "\n" in token.text or token.is_space:
            break
        words.append(token)
        if token.is_sent_start:
            break
        i -= 1
    words.reverse()
    return words


class AbbreviationDetector:
    def __init__(self, nlp: Language, name: str = "abbreviation_detector") -> None:
        register_extensions()
        rules = _rules()
        self.matcher = Matcher(nlp.vocab)
        for rule in rules["patterns"]:
            self.matcher.add(rule["id"], [_expand(rule["pattern"], rules)])

    def __call__(self, doc: Doc) -> Doc:
        rules = _rules()
        pairs: list[tuple[Span, Span]] = []
        seen_short: set[str] = set()
        for match_id, start, end in sorted(self.matcher(doc), key=lambda m: (m[1], -m[2])):
            pair = self._definition(doc, doc.vocab.strings[match_id], start, end)
            if pair is None:
                continue
            long_span, short_span = pair
            if short_span.text in seen_short:
                continue
            seen_short.add(short_span.text)
            pairs.append(pair)
        pairs.extend(self._undefined(doc, seen_short, rules))
        pairs.sort(key=lambda p: p[1].start)
        doc._.abbreviations = pairs
        doc._.short_forms = {short.text: long.text for long, short in pairs}
        group = []
        for long_span, short_span in pairs:
            group.append(Span(doc, long_span.start, long_span.end, label="LONG"))
            group.append(Span(doc, short_span.start, short_span.end, label="SHORT"))
        doc.spans["abbreviations"] = group
        return doc

    def _definition(self, doc: Doc, kind: str, start: int, end: int) -> tuple[Span, Span] | None:
        rules = _rules()
        if kind == "LONG_IN_PARENS":
            short = doc[start : start + 1]
            inner = [t for t in doc[start + 2 : end - 1] if not t.is_space]
            # Only names go in parentheses as a long form: mostly capitalised words.
            named = sum(1 for t in inner if t.text[:1].isupper())
            if not inner or named * 2 < len(inner):
                return None
            first = match_long_form(inner, short.text, anchored_start=True)
            if first is None:
                return None
            return doc[inner[first].i : inner[-1].i + 1], short
        short = doc[end - 2 : end - 1] if kind == "SHORT_IN_PARENS" else doc[end - 1 : end]
        # Skip back over "(", a comma and cue words ("also known as") to where the long form ends.
        long_end = start
        while long_end > 0 and (
            doc[long_end - 1].lower_ in rules["definition_cues"]
            or doc[long_end - 1].text in {",", "("}
        ):
            long_end -= 1
        words = _window(doc, long_end, short.text)
        first = match_long_form(words, short.text)
        if first is None:
            return None
        return doc[words[first].i : words[-1].i + 1], short

    def _undefined(self, doc: Doc, defined: set[str], rules: dict) -> list[tuple[Span, Span]]:
        """Short forms used without a definition, linked to a long form standing alone in the
        document whose capitalised words give exactly its letters."""
        candidates: dict[str, Span] = {}
        for token in doc:
            # One pass over the tokens; a dict lookup each, nothing per pattern.
            if token.text not in defined and rules["undefined_re"].match(token.text):
                candidates.setdefault(token.text, doc[token.i : token.i + 1])
        if not candidates:
            return []
        by_letters: dict[str, Span] = {}
        for run in _name_runs(doc, rules):
            key = "".join(
                _initial(t, tuple(rules["elision_prefixes"]))
                for t in run
                if t.text not in rules["skippable"] and not t.is_punct
            )
            by_letters.setdefault(key, run)
        pairs = []
        for short, span in candidates.items():
            run = by_letters.get(short.lower())
            if run is not None and run.text != short:
                pairs.append((run, span))
        return pairs


def _name_runs(doc: Doc, rules: dict):
    """Maximal runs of capitalised words (with lower-case function words inside), leading
    sentence words such as "The" or "During" trimmed: the names the text writes in full."""
    run_start = None
    for token in doc:
        capitalised = token.text[:1].isupper() or token.text[:2].lower() in {"l'", "d'"}
        inside = run_start is not None and token.lower_ in rules["connectors"]
        if capitalised or inside:
            if run_start is None:
                run_start = token.i
            continue
        if run_start is not None:
            yield from _trimmed(doc, run_start, token.i, rules)
            run_start = None
    if run_start is not None:
        yield from _trimmed(doc, run_start, len(doc), rules)


def _trimmed(doc: Doc, start: int, end: int, rules: dict):
    while start < end and (doc[start].lower_ in rules["leading"] or doc[start].is_punct):
        start += 1
    while end > start and doc[end - 1].text in rules["connectors"]:
        end -= 1
    if end - start >= 2:
        yield doc[start:end]


@Language.factory("abbreviation_detector")
def make_abbreviation_detector(nlp: Language, name: str) -> AbbreviationDetector:
    return AbbreviationDetector(nlp, name)


def abbreviation_records(doc: Doc) -> list[dict]:
    """One record per distinct (short, long) pair, in document order of the short form."""
    records, seen = [], set()
    for long_span, short_span in doc._.abbreviations or ():
        key = (short_span.text, long_span.text)
        if key in seen:
            continue
        seen.add(key)
        records.append(
            {
                "short": short_span.text,
                "long": long_span.text,
                "start_char": short_span.start_char,
                "end_char": short_span.end_char,
                "long_start_char": long_span.start_char,
                "long_end_char": long_span.end_char,
            }
        )
    return records
