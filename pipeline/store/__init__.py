"""Keeping results: the per-document result store and change detection (incremental), and the
JSON and Parquet files written from it (writer)."""

__all__: list[str] = []
