"""The whole extraction on the seeds, scored against their gold with the issues' thresholds.

Runs reader -> rules -> validation -> writer (no Prefect) into a temporary folder and scores it
with the same code as ``python -m pipeline evaluate``.
"""

from __future__ import annotations

import json

import pytest

from pipeline.extract import process_source
from pipeline.store.writer import write_outputs
from pipeline.tools.evaluation.scores import check_thresholds, evaluate
from tests.conftest import GOLD, RAW

EXACT = ["title", "inaugural_year", "folded_year", "see_also", "categories", "interlanguage",
         "dates", "dates.values"]
AT_LEAST_0_9 = ["abbreviations", "classes", "class_parents", "class_equivalents",
                "sanctioning_bodies", "rule_bodies", "entities"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("gold-run")
    results = [process_source(p.read_bytes(), p.name) for p in sorted(RAW.glob("*.txt"))]
    write_outputs(results, out)
    return evaluate(GOLD, out)


def test_fields_meet_the_thresholds(report):
    mins = {field: 1.0 for field in EXACT} | {field: 0.9 for field in AT_LEAST_0_9}
    assert check_thresholds(report, mins) == []


def test_no_entity_label_with_two_gold_entries_is_below_0_8(report):
    gold_counts: dict[str, int] = {}
    for path in GOLD.glob("*.json"):
        for label, names in json.loads(path.read_text(encoding="utf-8"))["entities"].items():
            gold_counts[label] = gold_counts.get(label, 0) + len(names)
    weak = {label: report.entity_labels[label]["f1"] for label, n in gold_counts.items()
            if n >= 2 and report.entity_labels[label]["f1"] < 0.8}
    assert weak == {}


def test_dates_have_no_false_positive_and_relative_dates_resolve(report):
    assert report.fields["dates"]["fp"] == 0
    relative = report.date_value_accuracy["relative_dates"]
    assert relative["correct"] >= 2
