"""Reading sources: listing and opening files, decoding bytes, splitting text into the\nreader's :class:`~pipeline.ingest.document.SourceDocument`."""
