"""``nlp.to_disk`` / ``spacy.load`` (and the bytes round trip) give a pipeline that annotates
like the original, from the data saved with it: no configured file is read again."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from pipeline.data import data_path
from pipeline.ingest.reader import read_file
from pipeline.nlp import build_nlp, data_files
from tests.conftest import RAW

SENTENCES = [
    "The Kestrel Touring Car Championship (KTCC) ran from 1983–1992 with GTE-Pro and LMP2 cars.",
    "Round 3 ran on October 30–November 1, 2009; two years later the KTCC folded.",
    "In the late 1990s the Northland 24 Hours moved to the Valdoria International Circuit.",
    "Group C and Gr. B cars of the Scuderia Velma raced at the end of 1995, the following year.",
]


def texts() -> list[str]:
    return [read_file(path).body for path in sorted(RAW.glob("*.txt"))] + SENTENCES


def annotations(doc) -> dict:
    """Everything the components set, as plain values."""
    groups = {
        key: [(s.start, s.end, s.label_, s.kb_id_) for s in group]
        for key, group in sorted(doc.spans.items())
    }
    return {
        "tokens": [(t.text, t.whitespace_, t.is_sent_start) for t in doc],
        "ents": [(e.start, e.end, e.label_, e.kb_id_, e._.canonical) for e in doc.ents],
        "spans": groups,
        "dates": [(s._.date_value, s._.date_modifier, s._.date_relative)
                  for s in doc.spans["dates"]],
        "classes": [(s._.class_name, s._.class_family, s._.class_long_form)
                    for s in doc.spans["classes"]],
        "short_forms": doc._.short_forms,
    }


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp()


@pytest.fixture(scope="module")
def expected(nlp) -> list[dict]:
    found = [annotations(nlp(text)) for text in texts()]
    # The seeds exercise every component: the comparison below is not of empty results.
    assert all(found[0][key] for key in ("ents", "dates", "classes", "short_forms"))
    return found


def _forbid_reading(monkeypatch) -> None:
    def refuse(value):
        raise AssertionError(f"read {value} again")

    monkeypatch.setattr(data_files, "read_data_file", refuse)


def test_loaded_pipeline_annotates_like_the_original(nlp, expected, tmp_path, monkeypatch):
    nlp.to_disk(tmp_path / "pipeline")
    _forbid_reading(monkeypatch)
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == nlp.pipe_names
    assert [annotations(loaded(text)) for text in texts()] == expected


def test_bytes_round_trip_annotates_like_the_original(nlp, expected, monkeypatch):
    data = nlp.to_bytes()
    _forbid_reading(monkeypatch)
    restored = spacy.util.get_lang_class("en").from_config(nlp.config).from_bytes(data)
    assert [annotations(restored(text)) for text in texts()] == expected


def test_loaded_pipeline_keeps_a_users_file_that_is_gone(tmp_path):
    gazetteer = tmp_path / "gazetteer.jsonl"
    gazetteer.write_text(
        data_path("entity_gazetteer.jsonl").read_text(encoding="utf-8")
        + '{"label": "CIRCUIT", "name": "Quillon Motor Park", "aliases": ["Quillon"]}\n',
        encoding="utf-8",
    )
    nlp = build_nlp(config={"motorsport_entities": {"gazetteer": str(gazetteer)}})
    text = SENTENCES[0] + " The FIA sent a steward to Quillon."
    expected = annotations(nlp(text))
    assert (expected["ents"][-1][2:4]) == ("CIRCUIT", "Quillon Motor Park")
    nlp.to_disk(tmp_path / "pipeline")
    gazetteer.unlink()
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe("motorsport_entities").sources["gazetteer"] == str(gazetteer)
    assert annotations(loaded(text)) == expected
