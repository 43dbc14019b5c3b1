"""Tokenizer rules shared by every component, registered as ``motorsport.Tokenizer.v1``.

spaCy's English infixes split hyphens only between letters. Date ranges ("1–2", "30–November",
"1983–1992") and class names ("GTE-Pro") need dashes split between digits and letters too, so
that ``Matcher`` patterns see the dash as its own token. A slash between digits stays inside the
token ("956/962C" is one car-model token).

Another project uses the rules through the registered function (an entry point, so nothing
needs importing by hand)::

    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise

from spacy import util
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import (
    compile_infix_regex,
    compile_prefix_regex,
    compile_suffix_regex,
    registry,
)

try:  # the regex parser moved in Python 3.11
    from re import _parser as regex_parser
except ImportError:  # pragma: no cover
    import sre_parse as regex_parser  # type: ignore[no-redef]

__all__ = [
    "DASH_INFIXES",
    "HEADING_MARKS",
    "MAX_CHUNK_CHARS",
    "TOKENIZER",
    "ChunkedTokenizer",
    "bounded_suffix_search",
    "create_tokenizer",
    "customize_tokenizer",
]

DASH_INFIXES = (
    r"(?<=[0-9])[-–—](?=[0-9A-Za-z])",
    r"(?<=[A-Za-z])[–—](?=[0-9A-Za-z])",
    r"(?<=[A-Za-z])-(?=[0-9])",
)


# Heading markup glued to a word ("==2009 season==") is split off, so the word is matched.
HEADING_MARKS = (r"={2,6}",)

TOKENIZER = "motorsport.Tokenizer.v1"


@registry.tokenizers(TOKENIZER)
def create_tokenizer() -> Callable[[Language], ChunkedTokenizer]:
    """The tokenizer factory of the config (``[nlp.tokenizer] @tokenizers = TOKENIZER``), as
    spaCy's ``spacy.Tokenizer.v1``: the language's defaults plus the rules above."""

    def make_tokenizer(nlp: Language) -> ChunkedTokenizer:
        defaults = nlp.Defaults
        infixes = list(defaults.infixes) + list(DASH_INFIXES)
        prefixes = list(HEADING_MARKS) + list(defaults.prefixes)
        suffixes = list(HEADING_MARKS) + list(defaults.suffixes)
        tokenizer = Tokenizer(
            nlp.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=compile_prefix_regex(prefixes).search,
            suffix_search=bounded_suffix_search(suffixes),
            infix_finditer=compile_infix_regex(infixes).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )
        return ChunkedTokenizer(tokenizer)

    return make_tokenizer


def customize_tokenizer(nlp: Language) -> Language:
    """``nlp`` with the registered tokenizer (for a pipeline made without the config entry)."""
    nlp.tokenizer = create_tokenizer()(nlp)
    return nlp


# Tokenizer fields that ``create_tokenizer`` builds: neither saved nor loaded.
REBUILT_BY_FACTORY = ("prefix_search", "suffix_search", "infix_finditer", "token_match",
                      "url_match")

# No word, number or address in an article is this long; a longer run of non-blank characters
# is a run of brackets, dashes or glued words.
MAX_CHUNK_CHARS = 1000
LONG_CHUNK = re.compile(rf"\S{{{MAX_CHUNK_CHARS + 1},}}")


class ChunkedTokenizer:
    """spaCy's tokenizer, fed runs of non-blank characters of at most ``MAX_CHUNK_CHARS``.

    spaCy strips a chunk's prefixes and suffixes one at a time, copying and hashing the rest of
    the chunk each time: a chunk of n brackets costs n^2 (docs/benchmark.md). A longer chunk is
    cut into pieces of ``MAX_CHUNK_CHARS``, tokenized apart and joined with ``Doc.from_docs``;
    a token may then end at a cut, but no real word is that long. Texts without such a chunk
    (every article) go straight to the tokenizer. Other attributes are the tokenizer's.
    """

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer

    def __getattr__(self, name: str):
        if name == "tokenizer":  # not set yet (unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.tokenizer, name)

    # Serialisation: spaCy's, minus what ``create_tokenizer`` builds from code. The suffix
    # search is a function, not a compiled regex, so spaCy cannot save it; the prefix, infix,
    # token and URL rules are rebuilt with it, not read back. What a user may change and spaCy
    # can save, the special cases and ``faster_heuristics``, is saved.

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return self.tokenizer.to_bytes(exclude=[*exclude, *REBUILT_BY_FACTORY])

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = ()) -> ChunkedTokenizer:
        # Not Tokenizer.from_bytes: it resets the affix rules before reading, excluded or not.
        tokenizer = self.tokenizer
        data: dict = {}
        deserializers = {
            "vocab": lambda b: tokenizer.vocab.from_bytes(b, exclude=exclude),
            "exceptions": lambda b: data.setdefault("rules", b),
            "faster_heuristics": lambda b: data.setdefault("faster_heuristics", b),
        }
        util.from_bytes(bytes_data, deserializers, [*exclude, *REBUILT_BY_FACTORY])
        if "faster_heuristics" in data:
            tokenizer.faster_heuristics = data["faster_heuristics"]
        if isinstance(data.get("rules"), dict):
            tokenizer.rules = data["rules"]
        return self

    def to_disk(self, path, *, exclude: Iterable[str] = ()) -> None:
        with util.ensure_path(path).open("wb") as file:
            file.write(self.to_bytes(exclude=exclude))

    def from_disk(self, path, *, exclude: Iterable[str] = ()) -> ChunkedTokenizer:
        with util.ensure_path(path).open("rb") as file:
            return self.from_bytes(file.read(), exclude=exclude)

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
    brackets costs n^2 (spaCy's bare tokenizer too; docs/benchmark.md). Every piece but
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
