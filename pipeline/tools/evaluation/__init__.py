"""Score the pipeline's JSON output against hand-made gold annotations.

* :mod:`.gold`: the gold format, and loading and checking gold files;
* :mod:`.compare`: the comparison rules, one document and one key at a time;
* :mod:`.scores`: totals over a folder, the report and the ``--min`` thresholds;
* :mod:`.command`: ``python -m pipeline evaluate``.
"""

__all__: list[str] = []
