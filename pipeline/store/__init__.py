"""Where results are kept: per-document result store and pipeline version (incremental
runs), and the deterministic JSON and Parquet writers."""
