"""``python -m pipeline bench``: how fast the extraction is, against spaCy's bare tokenizer.

* :mod:`.corpus`: figures (a) to (e) over a synthetic corpus, their ratios and targets;
* :mod:`.sizes`: ``bench scaling`` (pathological inputs at growing sizes) and ``bench largest``
  (one document at the input size limit);
* :mod:`.dump`: ``bench dump`` (peak memory of a dump streamed through reading and
  extraction, at N and 10xN pages);
* :mod:`.measure`: the timers, memory probes and profiles they measure with;
* :mod:`.formatting`: the figures as text; :mod:`.command`: the command line.

Latest figures and their history: ``docs/benchmark.md``.
"""

__all__: list[str] = []
