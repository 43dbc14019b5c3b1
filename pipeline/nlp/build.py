"""The one spaCy pipeline: ``spacy.blank("en")``, our tokenizer rules and rule components.

Built once per process (``get_nlp``); a statistical model is never loaded.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import cache

import spacy
from spacy.language import Language

from .tokenizer import customize_tokenizer

# Order matters: entities link short forms found by the abbreviation detector; classes and dates
# skip tokens already claimed by entities.
COMPONENTS = (
    "abbreviation_detector",
    "motorsport_entities",
    "racing_classes",
    "date_matcher",
)


def build_nlp(components: Sequence[str] = COMPONENTS) -> Language:
    """The pipeline with ``components`` (a subset, in order, for testing one of them alone)."""
    # Importing the modules registers their factories.
    from . import extensions, sentences  # noqa: F401
    from .components import abbreviations, classes, dates, entities  # noqa: F401

    unknown = set(components) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown components {sorted(unknown)}; known: {COMPONENTS}")
    nlp = customize_tokenizer(spacy.blank("en"))
    # spaCy's 1,000,000-character cap protects the memory of parsers and NER models, which this
    # pipeline has none of. Sources are bounded before decoding instead (``InputLimits``), and a
    # run may raise that bound, so the cap must not reject what the run accepted.
    nlp.max_length = sys.maxsize
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("line_boundaries", after="sentencizer")
    for name in COMPONENTS:
        if name in components:
            nlp.add_pipe(name)
    return nlp


@cache
def get_nlp() -> Language:
    return build_nlp()
