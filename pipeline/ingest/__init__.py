"""Reading sources: listing and opening files, decoding bytes, splitting text into the
reader's :class:`~pipeline.ingest.document.SourceDocument`."""
