"""Commands and inputs around the pipeline, never part of a run: evaluation against gold files,
the HTML review report, the benchmarks and the corpora they use (synthetic, pathological)."""

__all__: list[str] = []
