"""Ownership: one answer to "is this about the subject", for series cues and class lists."""

import pytest

from pipeline.facts.context import FactContext
from pipeline.facts.ownership import Ownership, foreign_sections, in_ranges
from pipeline.nlp import build_nlp
from tests.conftest import parse

TEXT = ("= Valley Endurance Series =\n\nThe Valley Endurance Series had four classes: LMP1, LMP2, "
        "GT1 and GT2. The rival Eastern Sprint Cup had two classes: GT3 and GT4. Since 2015, the "
        "series has run LMP3 and GT4 classes. Teams from the Eastern Sprint Cup brought GTD and "
        "TCR classes.\n")


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(["racing_classes"])


@pytest.fixture(scope="module")
def ownership(nlp):
    doc, _ = parse(nlp, TEXT)
    return Ownership(FactContext(doc))


def token(ownership, word, occurrence=0):
    hits = [t.i for t in ownership.ctx.doc if t.text == word]
    return hits[occurrence]


def test_a_list_is_the_subject_s_unless_another_series_is_named_last(ownership):
    refs = ownership.references(["Valley Endurance Series"])
    assert ownership.owns_class_list(refs, token(ownership, "LMP1"), opened=True)
    assert not ownership.owns_class_list(refs, token(ownership, "GT3"), opened=True)


def test_a_list_closed_by_its_noun_needs_the_subject_first(ownership):
    refs = ownership.references(["Valley Endurance Series"])
    assert ownership.owns_class_list(refs, token(ownership, "LMP3"), opened=False)
    assert not ownership.owns_class_list(refs, token(ownership, "GTD"), opened=False)


def test_the_nearest_reference_before_a_position_decides(ownership):
    refs = ownership.references(["Valley Endurance Series"])
    ctx = ownership.ctx
    gt3 = token(ownership, "GT3")
    assert refs.nearest_before(ctx.sent(gt3).start, gt3) is False  # the Eastern Sprint Cup
    lmp3 = token(ownership, "LMP3")
    assert refs.nearest_before(ctx.sent(lmp3).start, lmp3) is True  # "the series"
    assert refs.nearest_before(0, 0) is None


def test_without_its_names_the_subject_is_only_the_generic_references(ownership):
    refs = ownership.references([])
    lmp1 = token(ownership, "LMP1")
    assert refs.nearest_before(0, lmp1, series=True) is False  # "Valley Endurance Series": a series
    lmp3 = token(ownership, "LMP3")
    assert refs.nearest_before(ownership.ctx.sent(lmp3).start, lmp3, series=True) is True


def test_sections_titled_with_another_series_are_foreign(nlp):
    _, document = parse(nlp, "= Valley Cup =\n\nIt ran GT3 cars.\n\n==Eastern Sprint Cup==\nIt "
                               "ran GT4 cars.\n\n==Valley Cup history==\nIt ran GT2 cars.\n")
    ranges = foreign_sections(document)
    assert [document.text[a:b].split("\n")[0] for a, b in ranges] == ["==Eastern Sprint Cup=="]
    inside = in_ranges(ranges + [(0, 0)])
    assert inside(document.text.index("GT4")) and not inside(document.text.index("GT2"))
