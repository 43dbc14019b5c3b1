"""Abbreviation definitions and the later uses of their short forms.

The ``abbreviation_detector`` component finds

* definitions written beside their long form: "Long Form (LF)", "LF (Long Form)",
  "Long Form (abbreviated LF)", "Long Form, abbreviated as LF", "Long Form, known as LF",
  "Long Form Professional (LF Pro)", "the Long Form series (LF)"; a cue inside a parenthesis
  glosses the name before it, which may start with the short form ("The BPR Global GT Series
  (... or simply abbreviated as BPR)");
* short forms the text uses without defining them ("JAF", "F2", "A.C.O."), when their long
  form stands alone elsewhere in the same document ("the JAF" after "the Japan Automobile
  Federation"); a code joined to another by a hyphen ("ST-1") is no such use.

The infobox, which the body leaves out, is read by :mod:`pipeline.facts.abbreviations`.

A short form is matched against the words before it by the Schwartz & Hearst matcher of
:mod:`pipeline.nlp.acronyms`, within a window of ``min(|SF| + 5, 2 * |SF|)`` words, as
scispaCy's ``abbreviation.py`` does. Lower-case function words ("de", "of") may be passed over,
as may a capitalised word when the letters still fit ("Sports Car Endurance Race Operation" ->
SERO).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import numpy
from spacy.attrs import IS_PUNCT
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ...data import parse_json
from ..acronyms import AcronymRules, initial, letters, long_form_start
from ..data_files import RuleComponent, data_file_config
from ..extensions import register_extensions
from ..lexeme_flags import lexeme_flag
from ..tokens import TokenTable

__all__ = ["DATA_FILES", "AbbreviationDetector", "make_abbreviation_detector", "match_long_form",
           "parse_rules"]

FACTORY = "abbreviation_detector"
# The data settings of the component and the packaged files they default to.
DATA_FILES = {"rules": "abbreviation_rules.json"}


def parse_rules(text: str) -> dict:
    """The rules of an ``abbreviation_rules.json``, word lists as sets, regexes compiled."""
    rules = dict(parse_json(text))
    rules["short_form_re"] = re.compile(rules["short_form_regex"])
    rules["undefined_re"] = re.compile(rules["undefined_short_form_regex"])
    rules["skippable"] = frozenset(rules["skippable_words"])
    rules["leading"] = frozenset(rules["leading_function_words"])
    rules["connectors"] = frozenset(rules["name_connectors"])
    rules["stops"] = frozenset(rules["window_stop_tokens"])
    rules["long_form_end_set"] = frozenset(rules["long_form_end_punctuation"])
    rules["head_nouns"] = frozenset(rules["head_nouns"])
    rules["long_form_glosses"] = frozenset(rules["long_form_glosses"])
    rules["acronyms"] = AcronymRules.from_data(rules)
    return rules


def _name_word_test(elisions: tuple[str, ...]) -> Callable[[str], bool]:
    """Capitalised, or an elided article before a capital ("l'Ouest")."""

    def is_name_word(text: str) -> bool:
        for prefix in elisions:
            if text.startswith(prefix):
                text = text[len(prefix):]
                break
        return text[:1].isupper()

    return is_name_word


def match_long_form(
    words: list[Token], short: str, rules: dict, anchored_start: bool = False
) -> int | None:
    """Index in ``words`` where the long form of ``short`` starts, or None: the acronym
    matcher (:func:`~pipeline.nlp.acronyms.long_form_start`) over the tokens' texts.
    ``rules``: see ``parse_rules``."""
    return long_form_start([w.text for w in words], [w.is_punct for w in words], short,
                           rules["acronyms"], anchored_start)


def _window(doc: Doc, end: int, short: str, rules: dict) -> list[Token]:
    """The words before token ``end`` that may hold the long form: same sentence, no clause
    punctuation, at most min(|SF| + 5, 2 * |SF|) words."""
    n = len(letters(short))
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


def _clipped_word(text: str, rules: dict) -> bool:
    """A capitalised word short enough to shorten a long form's last word ("Pro", "Am")."""
    return text.isalpha() and text.istitle() and 2 <= len(text) <= rules["clipped_word_max"]


def _long_form(
    doc: Doc, end: int, short: str, clipped: str | None, rules: dict
) -> tuple[int, int] | None:
    """(start, end) of the long form of ``short`` ending at token ``end``, or None. With
    ``clipped`` (the second word of "LMGTE Pro"), the last word must begin with it and the
    code spells the words before. A lower-case head noun may stand between the long form and
    the short form ("the Grand Touring Prototype series (GTP)")."""
    words = _window(doc, end, short, rules)
    if not words:
        return None
    if clipped is not None:
        last = words[-1].text
        if not (last.lower().startswith(clipped.lower()) and len(last) > len(clipped)):
            return None
        first = match_long_form(words[:-1], short, rules)
    else:
        first = match_long_form(words, short, rules)
        if first is None and len(words) > 1 and words[-1].lower_ in rules["head_nouns"] and (
            words[-1].is_lower
        ):
            words = words[:-1]
            first = match_long_form(words, short, rules)
    if first is None:
        return None
    start = words[first].i
    # "All" + "Japan Grand Touring Car Championship (JGTC)", also "All-Japan".
    if (
        start >= 2
        and doc[start - 1].text == "-"
        and doc[start - 2].text in rules["long_form_prefixes"]
    ):
        start -= 2
    elif start >= 1 and doc[start - 1].text in rules["long_form_prefixes"]:
        start -= 1
    return start, words[-1].i + 1


def _open_parenthesis(doc: Doc, i: int) -> int | None:
    """Index of the parenthesis token ``i`` stands in (opened before it in its sentence and
    line, not closed before it), or None."""
    k = i - 1
    while k >= 0 and "\n" not in doc[k].text:
        if doc[k].text == ")":
            return None
        if doc[k].text == "(":
            return k
        if doc[k].is_sent_start:
            return None
        k -= 1
    return None


def _named_after(doc: Doc, end: int, short: str, rules: dict) -> tuple[int, int] | None:
    """(start, end) of a name ending at token ``end`` whose first word is the short form ("the
    BPR Global GT Series, abbreviated as BPR": the founders' initials lead the name), or None.
    The name is the run of capitalised words (connectors such as "de" inside) before ``end``."""
    start = end
    while start > 0 and len(doc[start - 1].text) and (
        doc[start - 1].text[:1].isupper() or doc[start - 1].text[:1].isdigit()
        or doc[start - 1].text in rules["connectors"]
    ) and not doc[start - 1].is_punct:
        start -= 1
    while start < end and (
        doc[start].lower_ in rules["leading"] or doc[start].text in rules["connectors"]
    ):
        start += 1
    if end - start >= 2 and doc[start].text == short:
        return start, end
    return None


class AbbreviationDetector(RuleComponent):
    """The component; ``rules``: the setting naming its rules file (see ``data_files``)."""

    factory = FACTORY

    def __init__(self, nlp: Language, name: str = FACTORY, *, rules: str) -> None:
        register_extensions()
        super().__init__(name, {"rules": rules})
        self.vocab = nlp.vocab

    def _load(self, data: Mapping[str, str]) -> None:
        self.rules = rules = parse_rules(data["rules"])
        vocab = self.vocab
        short_re, undefined_re = rules["short_form_re"], rules["undefined_re"]
        connectors = rules["connectors"]
        # Word classes as lexeme flags, computed once per word type and read for a whole doc
        # with Doc.to_array. No Matcher: definitions hang on two rare triggers (an opening
        # parenthesis, a cue verb), and a Matcher call alone costs a tenth of the tokenizer's
        # time (it builds a Token for every position). A flag is named by the words it tests,
        # so components with other rules in one vocab do not share it.
        self.short_flag = lexeme_flag(
            vocab, f"abbreviation:short:{short_re.pattern}", lambda t: short_re.match(t) is not None
        )
        cue_verbs = frozenset(rules["cue_verbs"])
        self.trigger_flag = lexeme_flag(
            vocab, f"abbreviation:trigger:{_key(cue_verbs)}",
            lambda t: t == "(" or t.lower() in cue_verbs,
        )
        self.undefined_flag = lexeme_flag(
            vocab, f"abbreviation:undefined:{undefined_re.pattern}",
            lambda t: undefined_re.match(t) is not None,
        )
        elisions = tuple(rules["elision_prefixes"])
        self.name_flag = lexeme_flag(
            vocab, f"abbreviation:name:{'|'.join(elisions)}", _name_word_test(elisions)
        )
        self.connector_flag = lexeme_flag(
            vocab, f"abbreviation:connector:{_key(connectors)}", lambda t: t in connectors
        )
        self.flag_ids = (
            self.trigger_flag,
            self.undefined_flag,
            self.name_flag,
            self.connector_flag,
        )
        self.open_orth, self.close_orth = vocab.strings.add("("), vocab.strings.add(")")

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        rules = self.rules
        # The columns ORTH, trigger, undefined short form, name word, connector: the flags are
        # read from the lexemes once per word type (one to_array pass per flag costs more), as
        # columns of the doc's token table, which the later components read too.
        tokens = TokenTable.of(doc)
        orths = tokens.orth
        orth_list = tokens.orth_list
        lexeme_flags = tokens.flag_array
        flags = numpy.empty((len(orths), 5), dtype=numpy.uint64)
        flags[:, 0] = orths
        for column, flag in enumerate(self.flag_ids, 1):
            flags[:, column] = (lexeme_flags >> numpy.uint64(flag)) & numpy.uint64(1)
        pairs: list[tuple[Span, Span]] = []
        seen_short: set[str] = set()
        for i in numpy.nonzero(flags[:, 1])[0].tolist():
            pair = self._definition_at(doc, orth_list, i, rules)
            if pair is None:
                continue
            long_span, short_span = pair
            if short_span.text in seen_short:
                continue
            seen_short.add(short_span.text)
            pairs.append(pair)
        punct = (lexeme_flags & numpy.uint64(1 << IS_PUNCT)) != 0
        defined = {short.text: long for long, short in pairs}
        pairs.extend(self._undefined(doc, flags, punct, defined, rules))
        pairs.sort(key=lambda p: p[1].start)
        doc._.abbreviations = pairs
        doc._.short_forms = {short.text: long.text for long, short in pairs}
        group = []
        for long_span, short_span in pairs:
            group.append(Span(doc, long_span.start, long_span.end, label="LONG"))
            group.append(Span(doc, short_span.start, short_span.end, label="SHORT"))
        doc.spans["abbreviations"] = group
        return doc

    def _definition_at(
        self, doc: Doc, orths: list[int], i: int, rules: dict
    ) -> tuple[Span, Span] | None:
        """The definition a trigger token opens, if any: the parenthesis up to its closing one
        (read on the ORTH list), or a cue verb with its particles and the short form."""
        n = len(doc)
        if orths[i] == self.open_orth:
            brackets = (self.open_orth, self.close_orth)
            for j in range(i + 1, min(n, i + rules["parenthesis_max_tokens"] + 2)):
                if orths[j] in brackets:
                    if orths[j] == self.close_orth and j > i + 1:
                        return self._definition(doc, "PARENS", i, j + 1)
                    return None
            return None
        k = i + 1
        while k < n and doc[k].lower_ in rules["cue_particles"]:
            k += 1
        if k >= n or not doc[k].check_flag(self.short_flag):
            return None
        if (
            doc[i].lower_ in rules["cue_verbs_needing_particle"]
            and doc[i + 1].lower_ not in rules["needed_particles"]
        ):
            return None  # "known as SF", never "known SF"
        return self._definition(doc, "CUE", i, k + 1)

    def _definition(self, doc: Doc, kind: str, start: int, end: int) -> tuple[Span, Span] | None:
        rules = self.rules
        # The word of a two-word short form that shortens the long form's last word ("LMGTE Pro"
        # of "... Endurance Professional").
        clipped = None
        if kind == "PARENS":
            inner = [t for t in doc[start + 1 : end - 1] if not t.is_space]
            if not inner:
                return None
            if all(t.lower_ in rules["definition_cues"] for t in inner[:-1]) and (
                inner[-1].check_flag(self.short_flag)
            ):
                short = doc[inner[-1].i : inner[-1].i + 1]  # "Long Form (abbreviated SF)"
            elif (
                len(inner) > 2
                and inner[0].check_flag(self.short_flag)
                and inner[1].text in rules["parenthesis_separators"]
            ):
                short = doc[inner[0].i : inner[0].i + 1]  # "Long Form (SF; a translation)"
            elif (
                len(inner) == 2
                and inner[0].check_flag(self.short_flag)
                and _clipped_word(inner[1].text, rules)
            ):
                short = doc[inner[0].i : inner[1].i + 1]  # "Long Form Professional (LFP Pro)"
                clipped = inner[1].text
            elif start > 0 and doc[start - 1].check_flag(self.short_flag) and len(inner) >= 2:
                return self._long_in_parens(doc, doc[start - 1 : start], inner, rules)
            else:
                return None
        else:
            short = doc[end - 1 : end]
        # Skip back over "(", a comma and cue words ("also known as") to where the long form ends.
        long_end = start
        while long_end > 0 and (
            doc[long_end - 1].lower_ in rules["definition_cues"]
            or doc[long_end - 1].text in rules["long_form_end_set"]
        ):
            long_end -= 1
        code = short[0].text
        found = _long_form(doc, long_end, code, clipped, rules)
        if found is None and kind == "CUE":
            opening = _open_parenthesis(doc, start)
            if opening is not None:
                # "The Long Form (sometimes ..., abbreviated as SF)": the parenthesis glosses
                # the name before it.
                found = _long_form(doc, opening, code, None, rules) or _named_after(
                    doc, opening, code, rules)
            else:
                found = _named_after(doc, long_end, code, rules)
        if found is None:
            return None
        long_span = doc[found[0] : found[1]]
        return (long_span, short) if long_span.text != short.text else None

    @staticmethod
    def _long_in_parens(
        doc: Doc, short: Span, inner: list, rules: dict
    ) -> tuple[Span, Span] | None:
        """ "SF (Long Form)", "SF (short for Long Form)": only names go in parentheses as a
        long form, so the text inside (after a gloss such as "short for") must be mostly
        capitalised and give the letters from its first word."""
        glosses = rules["long_form_glosses"]
        while len(inner) > 2 and inner[0].lower_ in glosses:
            inner = inner[1:]
        named = sum(1 for t in inner if t.text[:1].isupper())
        if named * 2 < len(inner):
            return None
        first = match_long_form(inner, short.text, rules, anchored_start=True)
        if first is None:
            return None
        return doc[inner[first].i : inner[-1].i + 1], short

    def _undefined(
        self,
        doc: Doc,
        flags: numpy.ndarray,
        punct: numpy.ndarray,
        defined: dict[str, Span],
        rules: dict,
    ) -> list[tuple[Span, Span]]:
        """Short forms used without a definition, linked to a long form standing alone in the
        document whose capitalised words give exactly its letters; a dotted one ("A.C.O.") only
        to the long form of its undotted short form ("ACO"): "U.S." and "D.C." are written
        with dots beside many names with the same initials. ``defined``: short form -> long
        form of the definitions found. ``flags``: the columns ORTH, trigger,
        undefined-short-form shape, name word, connector; ``punct``: IS_PUNCT per token (no
        Python loop over tokens; words are read as strings, not Token objects)."""
        strings = doc.vocab.strings
        orths = flags[:, 0].tolist()
        hyphen = strings.add("-")
        candidates: dict[str, int] = {}
        dotted: dict[str, int] = {}
        for i in numpy.nonzero(flags[:, 2])[0].tolist():
            text = strings[orths[i]]
            # "ST-1", "ST-X": a code joined to another is a name of its own, no use of "ST".
            joined = (i + 1 < len(orths) and orths[i + 1] == hyphen and not doc[i].whitespace_) or (
                i > 0 and orths[i - 1] == hyphen and not doc[i - 1].whitespace_)
            if text not in defined and not joined and not _inside_name(doc, i):
                (dotted if "." in text else candidates).setdefault(text, i)
        pairs = self._linked_to_names(doc, strings, orths, flags, punct, candidates, rules)
        known = {**{short.text: long for long, short in pairs}, **defined}
        for short, i in dotted.items():
            long_span = known.get("".join(letters(short)).upper())
            if long_span is not None:
                pairs.append((long_span, Span(doc, i, i + 1)))
        return pairs

    @staticmethod
    def _linked_to_names(
        doc: Doc,
        strings,
        orths: list[int],
        flags: numpy.ndarray,
        punct: numpy.ndarray,
        candidates: dict[str, int],
        rules: dict,
    ) -> list[tuple[Span, Span]]:
        """The candidates (short form -> first token) whose letters a name standing alone in
        the document gives, with that name."""
        if not candidates:
            return []
        acronyms = rules["acronyms"]
        # What each candidate spells ("F2" spells "f2").
        spelled = {short: "".join(letters(short)) for short in candidates}
        lengths = {len(key) for key in spelled.values()}
        # Every beginning of a wanted acronym: a run stops being read at the first letter that
        # leads to none.
        beginnings = {key[:k] for key in spelled.values() for k in range(1, len(key) + 1)}
        by_letters: dict[str, tuple[int, int]] = {}
        for start, end in _name_runs(
            strings, orths, punct, flags[:, 3], flags[:, 4], rules, lengths
        ):
            texts = [strings[orth] for orth in orths[start:end]]
            # "All" of "All Japan ..." gives no letter (as in definitions).
            first = 1 if texts[0] in rules["long_form_prefixes"] else 0
            key = ""
            for k in range(first, len(texts)):
                if texts[k] in rules["skippable"] or punct[start + k]:
                    continue
                letter = initial(texts[k], acronyms)
                digit = acronyms.digits.get(texts[k].lower())
                if key + letter not in beginnings and digit is not None:
                    letter = digit  # "Formula Two" spells F2
                key += letter
                if key not in beginnings:
                    break
            else:
                by_letters.setdefault(key, (start, end))
        pairs = []
        for short, i in candidates.items():
            run = by_letters.get(spelled[short])
            if run is not None:
                long_span = Span(doc, *run)
                if long_span.text != short:
                    pairs.append((long_span, Span(doc, i, i + 1)))
        return pairs


def _inside_name(doc: Doc, i: int) -> bool:
    """Whether the token at ``i`` opens or goes on into a longer capitalised name ("the FIA
    GT Championship", "the F3 European Cup", "WC Vision"): a word of a name is no use of a
    short form of its own, as a code joined by a hyphen is not ("ST-1"). A word before it
    alone ("the European F2 series") leaves it a use: the name is the short form's."""
    after = doc[i + 1] if i + 1 < len(doc) else None
    return bool(after is not None and doc[i].whitespace_ and after.is_title and after.is_alpha)


def _name_runs(
    strings,
    orths: list[int],
    punct: numpy.ndarray,
    name: numpy.ndarray,
    connector: numpy.ndarray,
    rules: dict,
    lengths: set[int],
):
    """Maximal runs of capitalised words (with lower-case connectors such as "de" inside),
    leading sentence words such as "The" or "During" trimmed: the names the text writes in
    full, as (start, end)."""
    inside = numpy.concatenate(([0], (name | connector).astype(numpy.int8), [0]))
    edges = numpy.diff(inside)
    starts = numpy.nonzero(edges == 1)[0]
    ends = numpy.nonzero(edges == -1)[0]
    # Capitalised words per run, to look only at runs that may give a short form's letters
    # (a leading "The" or "During" may still be trimmed: up to two more words).
    names = numpy.concatenate(([0], numpy.cumsum(name)))
    low, high = min(lengths), max(lengths) + 2
    for start, end in zip(starts.tolist(), ends.tolist()):
        if low <= names[end] - names[start] <= high:
            yield from _trimmed(strings, orths, punct, start, end, rules)


def _trimmed(strings, orths: list[int], punct: numpy.ndarray, start: int, end: int, rules: dict):
    while start < end and (
        strings[orths[start]].lower() in rules["leading"]
        or punct[start]
        or strings[orths[start]] in rules["connectors"]
    ):
        start += 1
    while end > start and strings[orths[end - 1]] in rules["connectors"]:
        end -= 1
    if end - start >= 2:
        yield start, end


def _key(words) -> str:
    return "|".join(sorted(words))


@Language.factory(FACTORY, default_config=data_file_config(FACTORY, DATA_FILES))
def make_abbreviation_detector(nlp: Language, name: str, rules: str) -> AbbreviationDetector:
    return AbbreviationDetector(nlp, name, rules=rules)
