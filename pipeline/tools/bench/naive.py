"""The naive alternatives a user would reach for, timed in the benchmark's process on its corpus:
``dateparser.search.search_dates`` over each document's text (dates only), and spaCy's
``EntityRuler`` on ``spacy.blank("en")`` with the project's entity gazetteer as phrase patterns
(entities only). Our extraction does both and more (classes, abbreviations, series facts,
validation), so a ratio above 1 means ours is faster although it does more.

Speeds are words per second, so a baseline timed over a sample of the corpus (dateparser takes
about 0.1 s per document) compares with (b) over the whole corpus.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from ...data import load_jsonl
from .measure import speed_figures, timed

__all__ = ["entity_ruler", "format_naive", "naive_figures", "naive_ratios"]


def entity_ruler():
    """``spacy.blank("en")`` with an ``entity_ruler`` holding every name and alias of
    ``data/entity_gazetteer.jsonl`` as a phrase pattern of its label, matched on lower case (the
    gazetteer's longer names ignore case)."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    patterns = [{"label": entry["label"], "pattern": alias}
                for entry in load_jsonl("entity_gazetteer.jsonl")
                for alias in (entry["name"], *entry.get("aliases", ()))]
    ruler.add_patterns(patterns)
    return nlp


def naive_figures(texts: Sequence[str], repeat: int, dateparser_docs: int) -> dict:
    """Times of the two baselines: the EntityRuler over every text (median of ``repeat``), and
    ``search_dates`` over the first ``dateparser_docs`` texts (once)."""
    from dateparser.search import search_dates

    figures: dict = {}
    ruler = entity_ruler()
    list(ruler.pipe(texts[:20]))  # warm-up

    def rule_all():
        for _ in ruler.pipe(texts):
            pass

    words = sum(len(t.split()) for t in texts)
    figures["entity_ruler"] = speed_figures(timed(rule_all, repeat), len(texts), words)
    figures["entity_ruler"]["docs"] = len(texts)
    figures["entity_ruler"]["patterns"] = len(ruler.get_pipe("entity_ruler"))

    sample = list(texts[:dateparser_docs])
    search_dates(sample[0][:500], languages=["en"])  # warm-up: dateparser loads its data
    found = 0
    start = time.perf_counter()
    for text in sample:
        found += len(search_dates(text, languages=["en"]) or [])
    seconds = time.perf_counter() - start
    figures["dateparser_search_dates"] = speed_figures(
        [seconds], len(sample), sum(len(t.split()) for t in sample))
    figures["dateparser_search_dates"]["docs"] = len(sample)
    figures["dateparser_search_dates"]["dates_found"] = found
    return figures


def naive_ratios(figures: dict) -> dict:
    """Our extraction's speed (b, words per second) as a multiple of each baseline's."""
    ours = figures.get("b_extraction", {}).get("words_per_s")
    ratios = {}
    for name, baseline in figures.get("naive", {}).items():
        theirs = baseline.get("words_per_s")
        ratios[name] = ours / theirs if ours and theirs else None
    return ratios


def format_naive(figures: dict) -> str:
    """The baselines' lines of the printed figures."""
    naive, ratios = figures.get("naive", {}), figures.get("naive_ratios", {})
    labels = {"entity_ruler": "EntityRuler, same gazetteer (entities only)",
              "dateparser_search_dates": "dateparser.search_dates (dates only)"}
    lines = ["naive alternatives in the same process, on the same corpus:"]
    for name, f in naive.items():
        ratio = ratios.get(name)
        lines.append(f"  {labels.get(name, name):<44} {f['docs']:>5} docs {f['median_s']:>8.2f} s"
                     f" {f['words_per_s']:>10,.0f} words/s; (b) is "
                     + (f"{ratio:.2f}x as fast" if ratio else "n/a"))
    return "\n".join(lines)
