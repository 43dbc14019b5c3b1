"""Reference data read from installed packages, loaded once per process.

Given names come from ``gender-guesser``, which ships the name dictionary of Jörg Michael's
"gender" program (about 45,000 given names of some fifty countries, GNU FDL): a list kept by
others and far larger than any hand list, read from the installed package, never downloaded.
The package's ``Detector`` is not used: it builds a per-country table the rules do not need,
so the file is read directly (about 0.1 s, once). See docs/entities.md for sizes and timings.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["GIVEN_NAMES_PACKAGE", "parse_name_dictionary", "reference_given_names"]

# The distribution whose data the names come from; its version is part of the pipeline version
# (pipeline.store.incremental.RESULT_LIBRARIES).
GIVEN_NAMES_PACKAGE = "gender-guesser"
_NAME_DICTIONARY = ("gender_guesser", "data/nam_dict.txt")


def parse_name_dictionary(text: str) -> frozenset[str]:
    """The names of a ``nam_dict.txt`` text: lines "<sex> <name> <frequencies>"; "#" starts a
    comment, "=" an equivalence of two spellings; "+" joins the parts of a compound name
    ("Jean+Pierre"), written with a hyphen."""
    names = set()
    for line in text.splitlines():
        if not line or line[0] in "#=":
            continue
        parts = line.split(None, 2)
        if len(parts) >= 2:
            names.add(parts[1].replace("+", "-"))
    return frozenset(names)


@cache
def reference_given_names() -> frozenset[str]:
    """The given names of the installed ``gender-guesser`` package."""
    package, path = _NAME_DICTIONARY
    text = resources.files(package).joinpath(path).read_text(encoding="utf-8")
    return parse_name_dictionary(text)
