"""The rule components, one per module, each registered as a spaCy factory."""

__all__: list[str] = []
