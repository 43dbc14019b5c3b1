"""Tokenizer rules shared by every component.

spaCy's English infixes split hyphens only between letters. Date ranges ("1–2", "30–November",
"1983–1992") and class names ("GTE-Pro") need dashes split between digits and letters too, so
that ``Matcher`` patterns see the dash as its own token. A slash between digits stays inside the
token ("956/962C" is one car-model token).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

try:  # the regex parser moved in Python 3.11
    from re import _parser as regex_parser
except ImportError:  # pragma: no cover
    import sre_parse as regex_parser  # type: ignore[no-redef]

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
    nlp.tokenizer.suffix_search = bounded_suffix_search(suffixes)
    nlp.tokenizer = ChunkedTokenizer(nlp.tokenizer)
    return nlp


# No word, number or address in an article is this long; a longer run of non-blank characters
# is a run of brackets, dashes or glued words.
MAX_CHUNK_CHARS = 1000
LONG_CHUNK = re.compile(rf"\S{{{MAX_CHUNK_CHARS + 1},}}")


class ChunkedTokenizer:
    """spaCy's tokenizer, fed runs of non-blank characters of at most ``MAX_CHUNK_CHARS``.

    spaCy strips a chunk's prefixes and suffixes one at a time, copying and hashing the rest of
    the chunk each time: a chunk of n brackets costs n^2 (100k brackets: 2 s). A longer chunk is
    cut into pieces of ``MAX_CHUNK_CHARS``, tokenized apart and joined with ``Doc.from_docs``;
    a token may then end at a cut, but no real word is that long. Texts without such a chunk
    (every article) go straight to the tokenizer. Other attributes are the tokenizer's.
    """

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def __getattr__(self, name: str):
        return getattr(self.tokenizer, name)

    def __call__(self, text: str) -> Doc:
        long_chunk = LONG_CHUNK.search(text)
        if long_chunk is None:
            return self.tokenizer(text)
        cuts = [0]
        while long_chunk is not None:
            cuts.extend(range(long_chunk.start() + MAX_CHUNK_CHARS, long_chunk.end(),
                              MAX_CHUNK_CHARS))
            long_chunk = LONG_CHUNK.search(text, long_chunk.end())
        cuts.append(len(text))
        pieces = [self.tokenizer(text[a:b]) for a, b in pairwise(cuts)]
        return Doc.from_docs(pieces, ensure_whitespace=False)


def bounded_suffix_search(suffixes: Sequence[str]) -> Callable[[str], re.Match | None]:
    """``compile_suffix_regex(suffixes).search``, in time bounded by the longest suffix.

    The suffix regex is an alternation of ``piece$``; ``re.search`` tries it at every position
    of the string, and the tokenizer calls it once per suffix it strips, so a chunk of n closing
    brackets costs n^2 (spaCy's bare tokenizer too: 50 s for 10k brackets). Every piece but
    runs of one character ("\\.\\.+") matches at most ``width`` characters, so the search may
    start ``width + 1`` characters before the end: a bounded piece cannot start earlier, and a
    run that does also matches at the window's start, the one case searched in full (once: the
    whole run is then stripped). Lookbehinds still see the text before the window.
    """
    regex = compile_suffix_regex(suffixes)
    bounded = [
        width for piece in suffixes
        if (width := regex_parser.parse(piece).getwidth()[1]) < regex_parser.MAXREPEAT
    ]
    window = max(bounded, default=0) + 1
    search = regex.search

    def suffix_search(text: str) -> re.Match | None:
        start = len(text) - window
        if start <= 0:
            return search(text)
        match = search(text, start)
        if match is not None and match.start() == start:
            return search(text)  # an unbounded run may begin before the window
        return match

    return suffix_search
