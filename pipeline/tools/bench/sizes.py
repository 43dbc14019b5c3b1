"""How the extraction's time grows with the size of one input.

``python -m pipeline bench scaling`` times ``process_source`` on each pathological input
(:mod:`pipeline.tools.pathological`) at n, 2n and 4n characters: time linear in the size shows
as a growth exponent log2(t(4n) / t(2n)) near 1, quadratic time near 2. ``python -m pipeline
bench largest`` times one article-shaped document as large as a run accepts.
"""

from __future__ import annotations

import gc
import math
import time
from pathlib import Path

from .measure import log, machine, peak_rss_bytes

__all__ = ["largest_input_figures", "scaling_figures"]

SCALING_FACTORS = (1, 2, 4)


def scaling_figures(size: int = 25_000, repeat: int = 3) -> dict:
    """Best of ``repeat`` times of ``process_source`` per pathological kind, at each of
    ``SCALING_FACTORS`` times ``size`` characters (the best, not the median: a slower repetition
    measures the machine's other load, not the input)."""
    from ...extract import process_source
    from ...nlp import get_nlp
    from ..pathological import PATHOLOGICAL

    get_nlp()
    process_source(b"The series began in 2009.", "warm-up")  # builds lexemes and caches once
    kinds = []
    for kind, generate in PATHOLOGICAL.items():
        chars, seconds, outcome = [], [], "ok"
        for factor in SCALING_FACTORS:
            data = generate(size * factor).encode("utf-8")
            times = []
            for _ in range(repeat):
                gc.collect()  # the previous input's garbage is not this one's time
                start = time.perf_counter()
                result = process_source(data, f"{kind}.txt")
                times.append(time.perf_counter() - start)
            chars.append(len(data.decode("utf-8")))
            seconds.append(min(times))
            if result.record is None:
                outcome = "rejected: " + "; ".join(f"{e.stage} {e.field}" for e in result.errors)
        growth = math.log2(seconds[-1] / seconds[-2]) if seconds[-2] > 0 else None
        kinds.append({"kind": kind, "chars": chars, "seconds": seconds, "growth": growth,
                      "outcome": outcome})
        log(f"{kind}: " + ", ".join(f"{t:.3f} s" for t in seconds))
    return {"machine": machine(), "size": size, "factors": list(SCALING_FACTORS),
            "repeat": repeat, "kinds": kinds}


def largest_input_figures(raw_dir: Path, max_bytes: int | None = None) -> dict:
    """``process_source`` on one article-shaped document as large as a run accepts: the
    readable articles of ``raw_dir`` repeated up to the size limit (cut at a line end)."""
    from ...extract import process_source
    from ...ingest.decoding import InputLimits
    from ...nlp import get_nlp
    from ..synthetic import load_templates

    limits = InputLimits.from_options(max_bytes)
    articles = [t.text.rstrip("\n").encode("utf-8") for t in load_templates(raw_dir)]
    unit = b"\n\n".join(articles) + b"\n\n"
    data = (unit * (limits.max_bytes // len(unit) + 1))[:limits.max_bytes]
    data = data[:data.rfind(b"\n") + 1]
    get_nlp()
    process_source(articles[0], "warm-up")  # builds lexemes and caches once, as a run would
    rss_before = peak_rss_bytes()
    gc.collect()
    start = time.perf_counter()
    result = process_source(data, "largest.txt", limits)
    seconds = time.perf_counter() - start
    record = result.record
    return {
        "machine": machine(), "max_bytes": limits.max_bytes, "bytes": len(data),
        "seconds": round(seconds, 2), "mb_per_second": round(len(data) / seconds / 1e6, 3),
        "peak_rss_before": rss_before, "peak_rss_after": peak_rss_bytes(),
        "entities": len(record.entities) if record else 0,
        "dates": len(record.dates) if record else 0,
        "error_rows": len(result.errors), "written": record is not None,
    }
