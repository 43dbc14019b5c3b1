"""Wiki-style motorsport series articles to validated records (spaCy rules, no models)."""

__version__ = "0.1.0"
