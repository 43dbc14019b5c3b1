"""The extraction on the 24 real articles of the development corpus (copies of
``shared/corpus/articles`` in ``tests/fixtures/articles/``), scored against their hand-checked
gold: what issue 12 reached may not fall back.

Each floor is the issue's target where the articles meet it, else the score measured when the
floor was set, less 0.03 (``docs/quality.md`` has the figures). The held-back third of the
articles is scored in ``docs/quality.md``, not here: a floor is no target.
"""

from __future__ import annotations

import pytest

from pipeline.extract import process_source
from pipeline.store.writer import write_outputs
from pipeline.tools.evaluation.scores import check_thresholds, evaluate
from tests.conftest import FIXTURES

ARTICLES = FIXTURES / "articles"

FLOORS = {
    "title": 0.95,
    "abbreviations": 0.92,
    "inaugural_year": 0.81,  # target 0.90
    "folded_year": 0.85,
    "classes": 0.85,
    "class_parents": 0.54,
    "sanctioning_bodies": 0.80,
    "rule_bodies": 0.90,
    "former_names": 0.63,  # target 0.75
    "entities": 0.88,
    "dates": 0.96,
    "dates.values": 0.96,
}
LABEL_FLOOR = 0.75


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("articles-run")
    results = [process_source(path.read_bytes(), path.name)
               for path in sorted((ARTICLES / "raw").glob("*.txt"))]
    write_outputs(results, out)
    return evaluate(ARTICLES / "gold", out)


def test_every_article_is_scored(report):
    assert len(report.documents) == 24
    assert report.missing_outputs == []


def test_fields_stay_at_their_floors(report):
    assert check_thresholds(report, FLOORS) == []


def test_every_entity_label_stays_at_its_floor(report):
    weak = {label: scores["f1"] for label, scores in report.entity_labels.items()
            if scores["f1"] < LABEL_FLOOR}
    assert weak == {}
