"""The spaCy side: the one pipeline, its tokenizer, sentence boundaries and rule components."""

from .build import COMPONENTS, build_nlp, get_nlp

__all__ = ["COMPONENTS", "build_nlp", "get_nlp"]
