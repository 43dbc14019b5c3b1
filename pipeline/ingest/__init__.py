"""Reading sources: finding and opening files (sources), bytes to text (decoding), text to a
:class:`~pipeline.ingest.document.SourceDocument` with offsets (reader, document)."""

__all__: list[str] = []
