"""The benchmarks' figures as text, for the terminal."""

from __future__ import annotations

__all__ = ["format_figures", "format_largest", "format_scaling"]


def _mb(value: int | None) -> str:
    return "n/a" if value is None else f"{value / 1024 ** 2:,.0f} MB"


def _num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def format_figures(figures: dict) -> str:
    m, corpus = figures["machine"], figures["corpus"]
    lines = [
        (f"machine: {m.get('cpu')}, {m.get('cpus_available', m.get('cpus'))} cpus, "
         f"{m.get('memory_gb', '?')} GB, Python {m.get('python')}, spaCy {m.get('spacy')}, "
         f"Prefect {m.get('prefect')}"),
        (f"corpus:  {corpus['docs']} documents, {corpus['words']:,} words "
         f"(seed {corpus['seed']}); median of {figures['repeat']}"),
        "",
        f"{'':34}{'median s':>10}{'words/s':>12}{'docs/s':>10}",
    ]
    rows = [
        ("(a) tokenizer floor", "a_tokenizer"),
        ("(b) extraction in-process", "b_extraction"),
        ("(c) run end to end", "c_flow"),
        ("(d) unchanged re-run", "d_rerun"),
        ("    reading (outside b)", "read"),
        ("    writing (outside b)", "write"),
        ("    shipping results (outside b)", "ship"),
    ]
    for label, key in rows:
        f = figures[key]
        lines.append(f"{label:<34}{f['median_s']:>10.3f}{_num(f['words_per_s'], 0):>12}"
                     f"{_num(f['docs_per_s'], 1):>10}")
    startup = figures["flow_startup"]
    lines.append(f"flow engine start-up (first run of a trivial flow, not in c): "
                 f"{startup['first_flow_run_s']:.2f} s; later trivial run "
                 f"{startup['later_flow_run_s']:.2f} s")
    lines.append("")
    lines.append("(b) breakdown, seconds: " + ", ".join(
        f"{name} {seconds:.2f}" for name, seconds in figures["b_breakdown_s"].items()))
    profile = figures.get("b_profile")
    if profile:
        lines.append(f"(b) profile over {profile['documents']} documents, share of "
                     "extract_document by direct callee: " + ", ".join(
                         f"{name} {share:.0%}"
                         for name, share in profile["share_by_direct_callee"].items()))
        lines.append(f"    matchers over the same documents (tokenizer floor "
                     f"{profile['tokenizer_floor_seconds']:.2f} s): " + ", ".join(
                         f"{name} {seconds:.2f} s"
                         for name, seconds in profile["matcher_seconds"].items()))
    memory = figures["e_memory"]
    lines.append("")
    for key in ("n", "scaled"):
        e = memory[key]
        lines.append(
            f"(e) peak memory at {e['docs']:>6} docs: process tree "
            f"{_mb(e.get('tree_peak_rss_bytes'))}; run process {_mb(e['peak_rss_bytes'])} "
            f"(ready to run: {_mb(e['baseline_rss_bytes'])}); {e['seconds']:.1f} s"
        )
    lines.append("")
    r = figures["ratios"]
    lines.append(f"c/a speed: {_num(r['c_over_a'], 3)}; memory 10xN/N of the run process alone: "
                 f"{_num(r['memory_run_process_10n_over_n'], 2)}")
    for name, t in figures["targets"].items():
        status = {True: "met", False: "MISSED", None: "n/a"}[t["met"]]
        lines.append(f"  {name:<18} {_num(t['value'], 3):>8}  target {t['target']:<8} {status}"
                     f"  ({t['description']})")
    lines += [f"note: {n}" for n in figures.get("notes", [])]
    return "\n".join(lines)


def format_scaling(figures: dict) -> str:
    labels = [f"{f}n s" if f > 1 else "n s" for f in figures["factors"]]
    header = f"{'kind':<16} {'chars (n)':>10} " + " ".join(f"{x:>8}" for x in labels)
    lines = [
        (f"process_source on pathological inputs, best of {figures['repeat']}; "
         f"growth = log2(t(4n) / t(2n)): 1 is linear, 2 quadratic"),
        header + f" {'growth':>7}  outcome",
    ]
    for row in figures["kinds"]:
        lines.append(
            f"{row['kind']:<16} {row['chars'][0]:>10,} "
            + " ".join(f"{t:>8.3f}" for t in row["seconds"])
            + f" {_num(row['growth']):>7}  {row['outcome']}"
        )
    return "\n".join(lines)


def format_largest(figures: dict) -> str:
    return (
        f"largest accepted input: {figures['bytes']:,} bytes (limit {figures['max_bytes']:,}) "
        f"in {figures['seconds']:.2f} s ({figures['mb_per_second']:.2f} MB/s); "
        f"{figures['entities']:,} entities, {figures['dates']:,} dates, "
        f"{figures['error_rows']} error rows, written: {figures['written']}; peak RSS "
        f"{_mb(figures['peak_rss_before'])} before, {_mb(figures['peak_rss_after'])} after"
    )
