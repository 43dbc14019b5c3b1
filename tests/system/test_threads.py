"""Documents extracted in several threads at once (the thread runner) give what one thread
gives: the tables learnt per word type (word numbers, the matchers' word classes) grow under a
lock."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from pipeline.extract import process_source
from pipeline.nlp import build_nlp
from pipeline.tools.synthetic import synthetic_texts
from tests.conftest import RAW


@pytest.fixture
def frequent_switches():
    """Threads switch every microsecond, so an unguarded read-then-append races at once."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def _records(nlp, texts: list[tuple[str, str]], threads: int) -> list[str]:
    def one(item: tuple[str, str]) -> str:
        name, text = item
        return process_source(text.encode("utf-8"), name, nlp=nlp).model_dump_json()

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, texts))


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_threads_give_what_one_thread_gives(frequent_switches, seed):
    texts = list(synthetic_texts(RAW, 24, seed=seed))
    # Fresh pipelines: every word type is new to both, so both learn all their tables.
    expected = _records(build_nlp(), texts, threads=1)
    assert _records(build_nlp(), texts, threads=4) == expected
