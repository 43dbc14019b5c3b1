"""The rule components, one per module, each registered as a spaCy factory."""
