from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests (tests/test_properties.py). ``ci``, the default, is bounded and reproducible:
# a fixed number of examples derived from each test's name, no example database. ``sweep`` is
# the larger randomised run on demand: HYPOTHESIS_PROFILE=sweep python -m pytest
# tests/test_properties.py. No deadline in either: the first example of a session builds the
# spaCy pipeline and loads dateparser's language data, which takes seconds.
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True, database=None,
                          print_blob=True)
settings.register_profile("sweep", max_examples=2_500, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
RAW = ROOT / "raw"
GOLD = FIXTURES / "gold"


def parse(nlp, text: str):
    """(doc, document) for a test text, read and run as the pipeline does (over the body, with
    the reader's structure on the doc)."""
    from pipeline.ingest.reader import read_text
    from pipeline.nlp.parse import parse_document

    document = read_text(text, source="test.txt", doc_id="test")
    return parse_document(document, nlp), document


def with_upstream(doc, abbreviations=(), entities=()):
    """``doc`` with hand-made upstream outputs, shaped like the components': entity dicts as
    ``doc.ents`` (overlaps resolved to the longest, as the entity component does) and
    abbreviation dicts as ``doc._.short_forms``."""
    from spacy.util import filter_spans

    spans = [doc.char_span(e["start_char"], e["end_char"], label=e["label"],
                           kb_id=e.get("canonical") or "", alignment_mode="expand")
             for e in entities]
    doc.set_ents(filter_spans([s for s in spans if s is not None]))
    doc._.short_forms = {a["short"]: a["long"] for a in abbreviations}
    return doc


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW


@pytest.fixture(scope="session")
def gold() -> dict[str, dict]:
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))
    }


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """Sources that went through extraction, in order (a counter that is not timing)."""
    import pipeline.extract

    calls: list[str] = []
    real = pipeline.extract.extract_document

    def counting(document, nlp=None):
        calls.append(document.source)
        return real(document, nlp)

    monkeypatch.setattr(pipeline.extract, "extract_document", counting)
    return calls
