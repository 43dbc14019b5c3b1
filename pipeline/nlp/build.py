"""The one spaCy pipeline: ``spacy.blank("en")``, our tokenizer rules and rule components.

It is built as another project would build it, through the registered tokenizer
(``motorsport.Tokenizer.v1``) and the registered component factories; built once per process
(``get_nlp``); a statistical model is never loaded.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import spacy
from spacy.language import Language

from .data_files import RuleComponent
from .tokenizer import TOKENIZER

__all__ = [
    "COMPONENTS",
    "build_nlp",
    "get_nlp",
]

# Order matters: entities link short forms found by the abbreviation detector; classes and dates
# skip tokens already claimed by entities.
COMPONENTS = (
    "abbreviation_detector",
    "motorsport_entities",
    "racing_classes",
    "date_matcher",
)


def _register() -> None:
    """Import the component modules, which registers their factories and data settings. An
    installed package registers them by entry points too; this covers a source checkout."""
    from . import extensions, sentences  # noqa: F401
    from .components import abbreviations, classes, dates, entities  # noqa: F401


def _assemble(
    components: Sequence[str], config: Mapping[str, Mapping[str, Any]] | None
) -> Language:
    """The pipeline with its components constructed, their data files not read yet."""
    _register()
    unknown = (set(components) | set(config or ())) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown components {sorted(unknown)}; known: {COMPONENTS}")
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    # spaCy's 1,000,000-character cap protects the memory of parsers and NER models, which this
    # pipeline has none of. Sources are bounded before decoding instead (``InputLimits``), and a
    # run may raise that bound, so the cap must not reject what the run accepted.
    nlp.max_length = sys.maxsize
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("line_boundaries", after="sentencizer")
    for name in COMPONENTS:
        if name in components:
            nlp.add_pipe(name, config=dict((config or {}).get(name, {})))
    return nlp


def build_nlp(
    components: Sequence[str] = COMPONENTS,
    config: Mapping[str, Mapping[str, Any]] | None = None,
) -> Language:
    """The pipeline with ``components`` (a subset, in order, for testing one of them alone);
    ``config``: settings by component name, e.g. ``{"motorsport_entities": {"gazetteer":
    path}}``. The components read their data files here, not at their first document."""
    nlp = _assemble(components, config)
    for _, pipe in nlp.pipeline:
        if isinstance(pipe, RuleComponent):
            pipe.initialize()
    return nlp


@cache
def get_nlp() -> Language:
    return build_nlp()
