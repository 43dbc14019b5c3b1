"""The spaCy side: the one pipeline, its tokenizer, sentence boundaries and rule components."""

from .build import COMPONENTS, build_nlp, config_fingerprint, get_nlp, is_built, pipeline_config

__all__ = ["COMPONENTS", "build_nlp", "config_fingerprint", "get_nlp", "is_built",
           "pipeline_config"]
