"""racing_classes: mentions, class structure and the series' own classes, on invented text."""

import pytest
from spacy.tokens import Span

from pipeline.facts.classes import class_records, class_structure
from pipeline.nlp import build_nlp
from pipeline.nlp.components.classes import class_name_at, split_class_names
from pipeline.nlp.tokens import TokenTable
from tests.conftest import parse


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(["racing_classes"])


def mentions(doc):
    return [s._.class_name for s in doc.spans["classes"]]


def by_name(records):
    return {r["name"]: r for r in records}


def test_enumeration_gives_own_classes_with_normalised_names(nlp):
    doc, _ = parse(nlp, "= Northland Endurance Cup =\n\nThe Northland Endurance Cup ran "
                          "four classes: LMP1, LMP2, GTE-Pro and GTE-Am.\n")
    records = by_name(class_records(doc))
    assert set(records) == {"LMP1", "LMP2", "GTE-Pro", "GTE-Am"}
    assert records["GTE-Am"]["category"] == "grand touring"
    assert records["LMP2"]["category"] == "prototype"


def test_long_forms_with_codes_become_parents_not_classes(nlp):
    text = ("= Ridgeway Sports Car Trophy =\n\nCars were split into two general classes, known "
            "as Le Mans Prototypes (LMP) and Grand Touring (GT). These were further divided, "
            "which created three classes: LMP2, GT3, and GT4.\n")
    doc, _document = parse(nlp, text)
    records = by_name(class_records(doc))
    assert set(records) == {"LMP2", "GT3", "GT4"}
    assert {n: r["parent"] for n, r in records.items()} == {"LMP2": "LMP", "GT3": "GT",
                                                            "GT4": "GT"}
    assert class_structure(doc)["aliases"] == {"LMP": "Le Mans Prototypes", "GT": "Grand Touring"}


def test_definitions_pair_parallel_lists_and_read_possessives(nlp):
    text = ("The Valdoria Cup had Class 1 and Class 2 for production cars homologated by the "
            "FIA (Group N and Group A) and the top category, Class 3 would be for cars similar "
            "to the WEC's C2 and IMSA's Camel Lights, whereas Class 4 was for C1/GTP cars.\n")
    doc, _document = parse(nlp, text)
    records = by_name(class_records(doc))
    assert set(records) == {"Class 1", "Class 2", "Class 3", "Class 4"}
    assert records["Class 1"]["equivalents"] == ["Group N"]
    assert records["Class 2"]["equivalents"] == ["Group A"]
    assert records["Class 3"]["equivalents"] == ["C2", "Camel Lights"]
    assert records["Class 4"]["equivalents"] == ["C1", "GTP"]
    assert records["Class 1"]["category"] == "production"
    assert records["Class 4"]["category"] == "prototype"
    assert records["Class 3"]["description"].startswith("cars similar to")
    assert "top category" not in records["Class 2"]["description"]


def test_gt_inside_car_and_series_names_is_no_class(nlp):
    doc, _ = parse(nlp, "Weston Racing entered a Ford GT and a Porsche 911 GT3 RS in the "
                   "Coastal Touring Car Championship (now Super GT), and a GT1 car.\n")
    assert mentions(doc) == ["GT1"]


def test_bare_codes_need_class_context(nlp):
    doc, _ = parse(nlp, "Only two cars met the LMP and GT regulations. The GT was late, and "
                   "Marlow's DP retired.\n")
    assert mentions(doc) == ["LMP", "GT"]


def test_long_form_inside_a_series_name_is_no_class(nlp):
    doc, _ = parse(nlp, "It was replaced by the Eastern Grand Touring Car Championship.\n")
    assert mentions(doc) == []


def test_classes_in_passing_are_not_the_series_own(nlp):
    text = ("= Harbour GT Series =\n\nThe Harbour GT Series had three classes: GT1, GT2 and "
            "GT3. Its grids resembled IMSA's lower GTS and GTU classes, with additional classes "
            "for Group GT3 and GT300 cars.\n\n==Pacific Prototype Challenge==\nThe Pacific "
            "Prototype Challenge later ran two classes: LMP1 and LMP2.\n")
    doc, _document = parse(nlp, text)
    assert {"GTS", "GTU", "Group GT3", "GT300", "LMP1"} <= set(mentions(doc))
    assert set(by_name(class_records(doc))) == {"GT1", "GT2", "GT3"}


def test_infobox_class_groups_give_parents(nlp):
    text = ("= Ridgeway Sports Car Trophy =\n\nInfobox\n- Inaugural: 2001\n- Lmp Classes: LMP1, "
            "LMP2\n- Gt Classes: GT1 and GT2\n- Classes: Invitational\n\nThe trophy ran for cars "
            "of every kind.\n")
    doc, _document = parse(nlp, text)
    records = by_name(class_records(doc))
    assert {n: r["parent"] for n, r in records.items()} == {
        "LMP1": "LMP", "LMP2": "LMP", "GT1": "GT", "GT2": "GT", "Invitational": None}
    assert records["LMP1"]["category"] == "prototype"


def test_a_season_after_for_is_no_definition(nlp):
    doc, _document = parse(nlp, "Teams moved up to GT1 for 2008, and Class B for 2009.\n")
    assert class_structure(doc)["definitions"] == []
    # Class B stays an own class: a lettered class belongs to the series that names it.
    assert [r["name"] for r in class_records(doc)] == ["Class B"]


def test_class_name_normalisation(nlp):
    doc, _ = parse(nlp, "Two LMP1s and a Gr. C car beat the GTE - Am field and the TCR class.\n")
    assert mentions(doc) == ["LMP1", "Group C", "GTE-Am", "TCR"]
    assert [s.label_ for s in doc.spans["classes"]] == ["prototype", "prototype",
                                                        "grand touring", "touring"]
    span = doc.spans["classes"][0]
    assert class_name_at(TokenTable(doc), span.start, span.end) == "LMP1"


def test_code_that_needs_its_continuation(nlp):
    doc, _ = parse(nlp, "Group N cars and N-GT cars raced, but N was not a class.\n")
    assert mentions(doc) == ["Group N", "N-GT"]


def test_pro_am_splits_of_a_numbered_class(nlp):
    doc, _document = parse(nlp, "The cup has three classes: GT3, GT3 Pro-Am and GT4 Am.\n")
    records = by_name(class_records(doc))
    assert set(records) == {"GT3", "GT3 Pro-Am", "GT4 Am"}
    assert records["GT3 Pro-Am"]["parent"] == "GT3"
    assert records["GT4 Am"]["parent"] is None  # GT4 itself is not one of the cup's classes


def test_list_closed_by_its_noun_counts_when_the_series_is_the_subject(nlp):
    text = ("= Valley Endurance Series =\n\nSince 2015, the series has run LMP3, GT3 and GT4 "
            "classes. Its grids resembled IMSA's GTS and GTU classes. Teams from the rival "
            "Coastal Cup brought GTD and TCR classes.\n")
    doc, _document = parse(nlp, text)
    assert set(by_name(class_records(doc))) == {"LMP3", "GT3", "GT4"}


def test_names_in_an_opened_list_are_classes(nlp):
    text = ("= Baltic Saloon Cup =\n\nCars are divided into three classes: Super 2000, TCR and "
            "Production. Entries came in two categories, Pro-Am and Am. The cup has two "
            "classes, known as Gold and Silver.\n")
    doc, _document = parse(nlp, text)
    records = by_name(class_records(doc))
    # "two categories, Pro-Am and Am": as many names as the count, so classes too.
    assert set(records) == {"Super 2000", "TCR", "Production", "Pro-Am", "Am", "Gold", "Silver"}
    assert records["Production"]["category"] == "production"


def test_weak_opener_needs_a_class_mention(nlp):
    doc, _document = parse(nlp, "The classes were Sunday and Monday races, held at Oulton.\n")
    assert class_records(doc) == []


def test_named_classes_with_codes_in_a_list_and_another_series_classes(nlp):
    text = ("= Atlantic Sports Car Championship =\n\nThe series features three classes: Daytona "
            "Prototypes (DP), GT Le Mans (GTLM) and GT Daytona (GTD). The series grew out of "
            "the Eastern GT Championship, whose GTO and GTU classes raced until 1998.\n")
    doc, _document = parse(nlp, text)
    records = by_name(class_records(doc))
    # The gold convention: long names where the text writes "Long Name (CODE)".
    assert set(records) == {"Daytona Prototypes", "GT Le Mans", "GT Daytona"}
    assert class_structure(doc)["enumerations"][0]["items"][1]["code"] == "GTLM"


def test_a_list_opened_about_another_series_is_not_ours(nlp):
    text = ("= Valley Endurance Series =\n\nThe Valley Endurance Series had four classes: LMP1, "
            "LMP2, GT1 and GT2. The rival Eastern Sprint Cup had two classes: GT3 and GT4.\n")
    doc, _document = parse(nlp, text)
    assert set(by_name(class_records(doc))) == {"LMP1", "LMP2", "GT1", "GT2"}


def test_infobox_and_text_spellings_of_one_class_merge(nlp):
    text = ("= Valley Endurance Series =\n\nInfobox\n- Classes: LMP2, GTE Pro\n\nIt has two "
            "classes: LMP2 and GTE-Pro.\n")
    doc, _document = parse(nlp, text)
    assert [r["name"] for r in class_records(doc)] == ["LMP2", "GTE Pro"]


def test_single_seater_formulas_need_class_context(nlp):
    doc, _ = parse(nlp, "Some entries were Dallara F3s from the national series. A class for "
                   "older Formula 3 cars and F4 cars was added. Formula Ford became popular.\n")
    assert mentions(doc) == ["Formula 3", "F4"]
    assert {s.label_ for s in doc.spans["classes"]} == {"single-seater"}


def test_an_empty_infobox_class_field_names_no_class(nlp):
    # Found by tests/test_properties.py: an empty grouped field raised IndexError.
    doc, _document = parse(nlp, "Racing took place.\nInfobox\n- Name:\n- Lmp Classes:\n"
                               "- Gt Classes: GT1, GT2\n")
    records = by_name(class_records(doc))
    assert set(records) == {"GT1", "GT2"}


def test_position_codes_are_classes_only_in_brackets_after_a_class_noun(nlp):
    doc, _ = parse(nlp, "She started from P1. The Prototype classes (P1 and P2) raced apart.\n")
    assert mentions(doc) == ["P1", "P2"]
    assert doc.spans["classes"][0].start > 5  # not the grid position


def test_spelled_out_and_numbered_class_names(nlp):
    doc, _ = parse(nlp, "Le Mans Prototype 3 cars, Le Mans Grand Touring Endurance Amateur "
                   "crews, big Division 2 saloons, Next Generation Touring Car rules and "
                   "Formula 2000 cars.\n")
    assert mentions(doc) == ["Le Mans Prototype 3", "Le Mans Grand Touring Endurance Amateur",
                             "Division 2", "Next Generation Touring Car", "Formula 2000"]


def test_prefix_digit_codes_and_a_sentence_final_letter(nlp):
    doc, _ = parse(nlp, "The ST-1 and ST-GT3 cars raced with one labelled ST-X.\n")
    assert mentions(doc) == ["ST-1", "ST-GT3", "ST-X"]


def test_a_series_short_form_as_a_class_prefix_is_still_a_class(nlp):
    # "ST" is the series' short form (claimed by the entity component); "ST-2" is a class,
    # while a class code the entity covers whole ("Super GT") is not.
    doc = nlp.make_doc("ST runs an ST-2 class beside the Super GT grid.")
    doc.ents = [Span(doc, 0, 1, "SERIES"), Span(doc, 3, 4, "SERIES"), Span(doc, 9, 11, "SERIES")]
    doc = nlp.get_pipe("racing_classes")(doc)
    assert mentions(doc) == ["ST-2"]


def test_infobox_values_run_together_are_split_where_known_names_cover_them(nlp):
    assert split_class_names(nlp.vocab, "LMP2 LMGTE Pro") == ["LMP2", "LMGTE Pro"]
    assert split_class_names(nlp.vocab, "GT3 Invitational") == ["GT3 Invitational"]
    assert split_class_names(nlp.vocab, "GTE Am") == ["GTE Am"]
