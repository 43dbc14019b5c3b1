"""``python -m pipeline bench``: how fast the extraction is, against spaCy's bare tokenizer.

* :mod:`.corpus`: figures (a) to (e) over a synthetic corpus, their ratios and targets;
* :mod:`.sizes`: ``bench scaling`` (pathological inputs at growing sizes) and ``bench largest``
  (one document at the input size limit);
* :mod:`.measure`: the timers, memory probes and profiles they measure with;
* :mod:`.formatting`: the figures as text; :mod:`.command`: the command line.

Latest figures and their history: ``docs/benchmark.md``.
"""

__all__: list[str] = []
