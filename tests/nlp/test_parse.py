"""parse_document: the reader's structure rides on the Doc, before the components run."""

import pytest
from spacy.language import Language

from pipeline.ingest.reader import read_text
from pipeline.nlp import build_nlp
from pipeline.nlp.parse import parse_document

TEXT = ("= Harbour Cup =\n\nInfobox\n- Inaugural: 1999\n\nThe Harbour Cup is a club series.\n\n"
        "==History==\nIt began in 1999.\n- first round\n- second round\n\n"
        "==Classes==\nIt runs GT3 cars.\n")


@pytest.fixture(scope="module")
def document():
    return read_text(TEXT, source="harbour.txt", doc_id="x")


def test_sections_and_blocks_are_span_groups_parallel_to_the_reader(document):
    doc = parse_document(document, build_nlp([]))
    assert doc._.source_document is document
    assert [(s.label_, s.start_char, s.end_char) for s in doc.spans["sections"]] == [
        (s.heading, s.start_char, s.end_char) for s in document.sections]
    assert [(b.label_, b.start_char, b.end_char) for b in doc.spans["blocks"]] == [
        (b.kind, b.start_char, b.end_char) for b in document.blocks]
    assert [b.text for b in doc.spans["blocks"]] == [
        "The Harbour Cup is a club series.", "It began in 1999.",
        "- first round\n- second round", "It runs GT3 cars."]


def test_components_see_the_structure(document):
    seen = []

    @Language.component("test_structure_probe")
    def probe(doc):
        seen.append((doc._.source_document, len(doc.spans["sections"])))
        return doc

    nlp = build_nlp([])
    nlp.add_pipe("test_structure_probe")
    parse_document(document, nlp)
    assert seen == [(document, 2)]


@pytest.mark.parametrize("blank", ["\t", "\u3000", "\u00a0", "\r", " \u2009 "])
def test_blocks_indented_by_any_blank_keep_the_reader_offsets(blank):
    document = read_text(f"Alpha is a cup.\n{blank}Beta is a cup.{blank}\n", source="x.txt",
                         doc_id="x")
    doc = parse_document(document, build_nlp([]))
    assert [(b.start_char, b.end_char) for b in doc.spans["blocks"]] == [
        (b.start_char, b.end_char) for b in document.blocks]
