"""``bench dump``: the synthetic dump and the measurement of its streaming (nothing is timed)."""

from __future__ import annotations

import mwxml

from pipeline.cli import main
from pipeline.tools.bench.dump import dump_figures, dump_pages, write_synthetic_dump
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
