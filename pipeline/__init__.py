"""Wiki-style motorsport series articles to validated records (spaCy rules, no models)."""

__all__ = ["__version__"]

__version__ = "0.1.0"
