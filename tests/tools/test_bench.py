"""The synthetic corpus and the benchmark's figures. No speed is asserted anywhere."""

from __future__ import annotations

import json
import math
import random
import re

import pytest

from pipeline.cli import main
from pipeline.ingest.reader import read_bytes
from pipeline.tools.synthetic import (
    _shuffle_paragraphs,
    load_templates,
    synthetic_texts,
    vary,
    write_corpus,
)

TEMPLATE_TEXT = (
    "= Korrin Endurance Challenge =\n\n"
    "Infobox\n- Inaugural: 1994\n- Folded: 2001\n\n"
    "The Korrin Endurance Challenge was a series in Japan for LMP1 and GT2 cars, run by Toyota.\n\n"
    "A second lead paragraph about Nissan.\n\n"
    "A third lead paragraph from 1996.\n\n"
    "==History==\n"
    "First history paragraph, 1997.\n\n"
    "Second history paragraph.\n\n"
    "Third history paragraph.\n"
)


@pytest.fixture()
def template_dir(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "korrin.txt").write_text(TEMPLATE_TEXT, encoding="utf-8")
    return folder


def test_corpus_is_deterministic_for_a_seed(raw_dir):
    first = list(synthetic_texts(raw_dir, 12, seed=3))
    again = list(synthetic_texts(raw_dir, 12, seed=3))
    other = list(synthetic_texts(raw_dir, 12, seed=4))
    assert first == again
    assert [t for _, t in first] != [t for _, t in other]
    # A larger corpus starts with the smaller one, so sizes can be compared.
    assert list(synthetic_texts(raw_dir, 24, seed=3))[:12] == first


def test_corpus_documents_are_distinct_readable_and_named_by_content(raw_dir, tmp_path):
    paths = write_corpus(raw_dir, tmp_path / "corpus", 20, seed=1)
    assert len(paths) == 20
    texts = [p.read_bytes() for p in paths]
    assert len(set(texts)) == 20
    for path, data in zip(paths, texts):
        document = read_bytes(data, source=path.name)
        assert path.stem.split("_")[1] == document.doc_id[:16]
        assert document.paragraphs()


def test_variant_keeps_structure_and_shifts_years_together(template_dir):
    (template,) = load_templates(template_dir)
    for seed in range(20):
        text = vary(template, random.Random(seed))
        document = read_bytes(text.encode(), source="x.txt")
        assert [s.heading for s in document.sections] == ["History"]
        inaugural = int(document.infobox_value("Inaugural").value)
        folded = int(document.infobox_value("Folded").value)
        assert folded - inaugural == 2001 - 1994
        # Names are swapped within their family, never dropped.
        lead = document.paragraphs()[0]
        sentence = text[lead.start_char:lead.end_char]
        assert re.search(r"for LMP\d and GT\d cars", sentence)
        assert "Korrin" in sentence


def test_paragraphs_shuffle_within_their_section_after_the_first(template_dir):
    (template,) = load_templates(template_dir)
    orders = set()
    for seed in range(30):
        text = _shuffle_paragraphs(template, random.Random(seed))
        paragraphs = [b for b in read_bytes(text.encode(), source="x.txt").paragraphs()]
        lead = [text[b.start_char:b.end_char] for b in paragraphs if b.section is None]
        history = [text[b.start_char:b.end_char] for b in paragraphs if b.section == 0]
        assert lead[0].startswith("The Korrin Endurance Challenge")
        assert history[0] == "First history paragraph, 1997."
        assert sorted(history[1:]) == ["Second history paragraph.", "Third history paragraph."]
        orders.add((tuple(lead), tuple(history)))
    assert len(orders) > 1


def _positive(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


def test_bench_command_produces_every_figure(raw_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    # A fresh Prefect home migrates its database at the first start: slower than the default
    # 20 s wait on a 2-core machine.
    monkeypatch.setenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    json_path = tmp_path / "bench.json"
    code = main(["bench", "--docs", "4", "--repeat", "1", "--memory-scale", "3",
                 "--naive-docs", "2", "--input", str(raw_dir), "--json", str(json_path)])
    assert code == 0
    printed = capsys.readouterr().out
    figures = json.loads(json_path.read_text())

    assert figures["corpus"]["docs"] == 4 and figures["corpus"]["words"] > 0
    for key in ("a_tokenizer", "b_extraction", "c_flow", "d_rerun", "read", "write", "ship"):
        timing = figures[key]
        assert len(timing["seconds"]) == 1
        for name in ("median_s", "words_per_s", "docs_per_s"):
            assert _positive(timing[name]), (key, name, timing[name])
    assert figures["b_extraction"]["documents_ok"] == 4
    assert figures["c_flow"]["documents_written"] == 4
    assert figures["c_flow"]["exit_codes"] == [0] and figures["d_rerun"]["exit_codes"] == [0]
    assert _positive(figures["flow_startup"]["first_flow_run_s"])
    assert all(v >= 0 for k, v in figures["b_breakdown_s"].items() if k != "records_and_validation")
    assert {"tokenizer", "date_matcher"} <= set(figures["b_breakdown_s"])
    profile = figures["b_profile"]
    assert profile["documents"] == 4 and _positive(profile["profiled_seconds"])
    shares = profile["share_by_direct_callee"]
    assert set(shares) >= {"parse: tokenizer and components", "facts: records from the Doc"}
    assert 0 < sum(shares.values()) <= 1.01
    assert profile["matcher_seconds"] and all(v >= 0 for v in profile["matcher_seconds"].values())

    memory = figures["e_memory"]
    assert memory["n"]["docs"] == 4 and memory["scaled"]["docs"] == 12
    for size in ("n", "scaled"):
        assert memory[size]["exit_code"] == 0
        # A Python process with spaCy and Prefect loaded is tens of MB at least.
        assert memory[size]["peak_rss_bytes"] >= memory[size]["baseline_rss_bytes"] > 20 * 2**20

    for name in ("b_over_a", "c_over_a", "c_per_doc_over_b", "d_over_c", "memory_10n_over_n"):
        assert _positive(figures["ratios"][name]), name
    assert set(figures["targets"]) == {"b_over_a", "c_per_doc_over_b", "d_over_c",
                                       "memory_10n_over_n"}
    assert all(isinstance(t["met"], bool) for t in figures["targets"].values())
    assert figures["machine"]["cpus"] >= 1

    naive = figures["naive"]
    assert naive["entity_ruler"]["docs"] == 4 and naive["dateparser_search_dates"]["docs"] == 2
    assert naive["entity_ruler"]["patterns"] > 100
    assert naive["dateparser_search_dates"]["dates_found"] > 0  # the seeds are full of years
    assert all(_positive(r) for r in figures["naive_ratios"].values())

    for label in ("(a) tokenizer floor", "(b) extraction", "(c) run end to end",
                  "(d) unchanged re-run", "start-up", "(e) peak memory", "b_over_a",
                  "EntityRuler", "search_dates"):
        assert label in printed


def test_naive_entity_ruler_reads_the_gazetteer():
    from pipeline.tools.bench.naive import entity_ruler

    doc = entity_ruler()("Entries were sanctioned by the FIA and included two Ferrari cars.")
    assert {(e.text, e.label_) for e in doc.ents} >= {("FIA", "ORG"), ("Ferrari", "MANUFACTURER")}


def test_bench_largest_builds_one_article_shaped_document_at_the_limit(raw_dir, capsys):
    from pipeline.cli import main
    from pipeline.tools.bench.sizes import largest_input_figures

    figures = largest_input_figures(raw_dir, max_bytes=30_000)
    assert 29_000 < figures["bytes"] <= 30_000 and figures["written"]
    assert figures["error_rows"] == 0 and figures["entities"] > 100 and figures["dates"] > 20
    assert main(["bench", "largest", "--max-bytes", "20000"]) == 0
    assert "largest accepted input:" in capsys.readouterr().out
