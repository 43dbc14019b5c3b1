"""Beside the flow: evaluation against gold, the HTML report, the benchmark and the synthetic
and pathological corpora it runs on."""
