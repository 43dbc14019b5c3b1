from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
RAW = ROOT / "raw"
GOLD = FIXTURES / "gold"


def parse(nlp, text: str):
    """(doc, document) for a test text, read and run as the pipeline does (over the body)."""
    from pipeline.reader import read_text

    document = read_text(text, source="test.txt", doc_id="test")
    return nlp(document.body), document


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW


@pytest.fixture(scope="session")
def gold() -> dict[str, dict]:
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))
    }
