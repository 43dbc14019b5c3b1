"""Tokenizer rules shared by every component.

spaCy's English infixes split hyphens only between letters. Date ranges ("1–2", "30–November",
"1983–1992") and class names ("GTE-Pro") need dashes split between digits and letters too, so
that ``Matcher`` patterns see the dash as its own token. A slash between digits stays inside the
token ("956/962C" is one car-model token).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.util import compile_infix_regex

DASH_INFIXES = (
    r"(?<=[0-9])[-–—](?=[0-9A-Za-z])",
    r"(?<=[A-Za-z])[–—](?=[0-9A-Za-z])",
    r"(?<=[A-Za-z])-(?=[0-9])",
)


def customize_tokenizer(nlp: Language) -> Language:
    infixes = list(nlp.Defaults.infixes) + list(DASH_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    return nlp
