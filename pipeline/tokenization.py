"""Tokenizer rules shared by every component.

spaCy's English infixes split hyphens only between letters. Date ranges ("1–2", "30–November",
"1983–1992") and class names ("GTE-Pro") need dashes split between digits and letters too, so
that ``Matcher`` patterns see the dash as its own token. A slash between digits stays inside the
token ("956/962C" is one car-model token).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

DASH_INFIXES = (
    r"(?<=[0-9])[-–—](?=[0-9A-Za-z])",
    r"(?<=[A-Za-z])[–—](?=[0-9A-Za-z])",
    r"(?<=[A-Za-z])-(?=[0-9])",
)


# Heading markup glued to a word ("==2009 season==") is split off, so the word is matched.
HEADING_MARKS = (r"={2,6}",)


def customize_tokenizer(nlp: Language) -> Language:
    infixes = list(nlp.Defaults.infixes) + list(DASH_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    prefixes = list(HEADING_MARKS) + list(nlp.Defaults.prefixes)
    suffixes = list(HEADING_MARKS) + list(nlp.Defaults.suffixes)
    nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    return nlp
