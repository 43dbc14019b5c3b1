"""Where results are kept: per-document result store and pipeline version (incremental\nruns), and the deterministic JSON and Parquet writers."""
