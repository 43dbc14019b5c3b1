"""The output contract (``shared/spec/output.md``): the items of a document, the Parquet rows
that are those items plus the document key, and the validation at the boundary."""

__all__: list[str] = []
