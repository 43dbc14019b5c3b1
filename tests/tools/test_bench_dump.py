"""``bench dump``: the synthetic dump and the measurement of its streaming (nothing is timed)."""

from __future__ import annotations

import mwxml

from pipeline.cli import main
from pipeline.contract.ids import article_id
from pipeline.store import incremental
from pipeline.store.incremental import ResultStore
from pipeline.tools.bench.dump import (
    dump_figures,
    dump_pages,
    write_page_store,
    write_synthetic_dump,
    write_template_store,
)
from tests.conftest import RAW


def test_the_pages_are_small_varied_and_the_same_for_a_seed():
    pages = list(dump_pages(RAW, 6, seed=3))
    assert [p.page_id for p in pages] == [1, 2, 3, 4, 5, 6]
    assert pages == list(dump_pages(RAW, 6, seed=3))
    assert pages[:4] == list(dump_pages(RAW, 4, seed=3))  # the first N of a larger dump
    assert len({p.wikitext for p in pages}) == 6
    for page in pages:
        assert page.title and "'''" in page.wikitext and "{{Infobox" in page.wikitext
        assert "==" not in page.wikitext  # the lead only: no section
        assert len(page.wikitext) < 4_000


def test_the_dump_is_a_mediawiki_export(tmp_path):
    path = write_synthetic_dump(tmp_path / "d.xml", RAW, 5)
    with path.open("rb") as handle:
        assert [p.id for p in mwxml.Dump.from_file(handle)] == [1, 2, 3, 4, 5]


def test_the_figures_of_both_sizes_come_from_a_child_process(tmp_path):
    figures = dump_figures(RAW, pages=3, scale=2, modes=("read",))
    small, large = figures["sizes"]
    assert (small["pages"], large["pages"]) == (3, 6)
    assert (small["read"]["documents"], large["read"]["documents"]) == (3, 6)
    assert small["read"]["failed"] == 0 and small["read"]["peak_rss"] > 0
    assert figures["ratios"]["read"] == large["read"]["peak_rss"] / small["read"]["peak_rss"]


def test_the_bench_dump_command(capsys):
    assert main(["bench", "dump", "--pages", "2", "--scale", "2", "--read-only"]) == 0
    out = capsys.readouterr().out
    assert "peak memory ratio (read):" in out and "| 4 |" in out


def test_the_run_row_runs_the_command_over_the_dump(tmp_path):
    figures = dump_figures(RAW, pages=2, scale=2, modes=("run",))
    small, large = figures["sizes"]
    assert (small["run"]["documents"], large["run"]["documents"]) == (2, 4)
    assert (small["run"]["json_files"], large["run"]["exit_code"]) == (2, 0)
    assert small["run"]["peak_rss"] > 0 and small["run"]["tree_peak_rss"] > 0


def test_a_page_store_repeats_a_runs_page_results_under_new_page_ids(tmp_path, monkeypatch):
    monkeypatch.setattr(incremental, "CHUNK_DOCUMENTS", 2)
    template = write_template_store(RAW, tmp_path / "template", pages=3)
    write_page_store(template, tmp_path / "store", 7)
    store = ResultStore(tmp_path / "store")
    stored = store.load("dump.xml")
    assert (stored.paged.chunks, stored.paged.documents) == (4, 7)
    results = list(store.iter_results(stored))  # each validates: ids match the new sources
    assert [r.source for r in results] == [f"dump.xml#{n}" for n in range(1, 8)]
    assert stored.paged.written == [r.source for r in results]
    assert [r.record.title for r in results[3:6]] == [r.record.title for r in results[:3]]
    assert results[3].record.article_id == article_id("dump.xml#4")
    assert not (tmp_path / "store" / "json").exists()  # nothing published yet


def test_the_publish_row_publishes_a_store_of_each_size(tmp_path, monkeypatch):
    monkeypatch.setattr(incremental, "CHUNK_DOCUMENTS", 2)  # the template run's
    figures = dump_figures(RAW, pages=3, scale=2, modes=("publish",), template_pages=3)
    small, large = figures["sizes"]
    assert (small["publish"]["documents"], large["publish"]["documents"]) == (3, 6)
    assert (small["publish"]["json_files"], large["publish"]["failed"]) == (3, 0)
    assert small["publish"]["peak_rss"] > 0


def test_the_bench_dump_command_measures_one_mode(capsys):
    assert main(["bench", "dump", "--pages", "2", "--scale", "2", "--only", "read"]) == 0
    out = capsys.readouterr().out
    assert "peak memory ratio (read):" in out and "(extract)" not in out
