"""The one spaCy pipeline: ``spacy.blank("en")``, our tokenizer rules and rule components.

It is built as another project would build it, through the registered tokenizer
(``motorsport.Tokenizer.v1``) and the registered component factories; built once per process
(``get_nlp``); a statistical model is never loaded.
"""

from __future__ import annotations

import gc
import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from thinc.api import Config

from .data_files import DATA_FILES, RuleComponent, is_packaged, packaged
from .tokenizer import TOKENIZER

__all__ = [
    "COMPONENTS",
    "build_nlp",
    "config_fingerprint",
    "get_nlp",
    "is_built",
    "pipeline_config",
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


_BUILT: dict[str, Language] = {}


def _settings_key(settings: Mapping[str, Mapping[str, Any]] | None) -> str:
    return json.dumps(settings or {}, sort_keys=True, default=str)


def get_nlp(settings: Mapping[str, Mapping[str, Any]] | None = None) -> Language:
    """The project's pipeline with the components' ``settings`` (default: the packaged data),
    built once per process and settings."""
    key = _settings_key(settings)
    nlp = _BUILT.get(key)
    if nlp is None:
        nlp = _BUILT[key] = build_nlp(config=settings)
        # The pipeline (vocabulary, gazetteers, matchers, dateparser's data) lives as long as
        # the process: moved out of the cyclic collector's generations, the oldest of which it
        # would otherwise traverse at every full collection, several times a document
        # (docs/benchmark.md, stop 23). Everything alive at this point is frozen with it: only
        # its cyclic garbage would stay uncollected; objects are still freed by their
        # reference counts.
        gc.collect()
        gc.freeze()
    return nlp


def is_built(settings: Mapping[str, Mapping[str, Any]] | None = None) -> bool:
    """Whether this process has built the pipeline for ``settings``."""
    return _settings_key(settings) in _BUILT


def pipeline_config(
    components: Sequence[str] = COMPONENTS,
    config: Mapping[str, Mapping[str, Any]] | None = None,
) -> Config:
    """The spaCy config of ``build_nlp(components, config)``, without reading any data file."""
    return _assemble(components, config).config


def config_fingerprint(config: Config | Mapping | None = None) -> str:
    """A hash of a pipeline's configuration, for the pipeline version: its ``[nlp]`` and
    ``[components]`` sections (tokenizer, component order, every setting) and the bytes of each
    data file a component setting names outside the package. Packaged files are left to
    :func:`pipeline.data.data_fingerprint`. Default: the project's pipeline
    (``pipeline_config()``).

    The files are read where the config points, as the components read them; a missing file
    raises ``FileNotFoundError``.
    """
    _register()
    config = Config(pipeline_config() if config is None else config).interpolate()
    digest = hashlib.sha256()
    sections = {"nlp": config["nlp"], "components": config["components"]}
    digest.update(json.dumps(sections, sort_keys=True, default=str).encode())
    for name, section in sorted(config["components"].items()):
        files = DATA_FILES.get(section.get("factory"), {})
        for setting, file_name in sorted(files.items()):
            value = section.get(setting, packaged(file_name))
            if not is_packaged(value):
                digest.update(f"\0{name}.{setting}\0".encode())
                digest.update(Path(value).read_bytes())
    return digest.hexdigest()
