"""The series' own classes (pipeline.facts.classes), on invented articles run through the whole
pipeline: how articles name their classes, and which named classes are not the subject's."""

import pytest

from pipeline.facts.classes import class_records, class_structure
from pipeline.nlp import build_nlp
from tests.conftest import parse


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def records(nlp, text, own_names=()):
    doc, _document = parse(nlp, text)
    return {r["name"]: r for r in class_records(doc, own_names=list(own_names))}


def test_infobox_long_names_with_codes_are_the_classes(nlp):
    text = ("= Coastal Sports Car Series =\n\nInfobox\n- Prototype Classes: Prototype (P), "
            "Prototype Lights (PL)\n- Gt Classes: GT Sprint (GTS), GT Club (GTC)\n\nThe "
            "Coastal Sports Car Series is a sports car series.\n")
    found = records(nlp, text)
    assert set(found) == {"Prototype", "Prototype Lights", "GT Sprint", "GT Club"}
    # The key's group is no parent of names that do not extend it by a number or a split.
    assert {r["parent"] for r in found.values()} == {None}


def test_infobox_values_run_together_or_joined_by_ampersand_are_split(nlp):
    text = ("= Coastal Endurance Cup =\n\nInfobox\n- Classes: LMP3, GT3 GTE Am, Pro & Am\n\nThe "
            "Coastal Endurance Cup is a sports car series.\n")
    assert set(records(nlp, text)) == {"LMP3", "GT3", "GTE Am", "Pro", "Am"}


def test_a_bracketed_list_after_a_class_noun_names_its_group(nlp):
    text = ("= Northern Sports Car Trophy =\n\nThe Northern Sports Car Trophy runs the Grand "
            "Touring classes (GT1 and GT2) beside the Prototype classes (P1 and P2).\n")
    found = records(nlp, text)
    assert {n: r["parent"] for n, r in found.items()} == {
        "GT1": "Grand Touring", "GT2": "Grand Touring", "P1": "Prototype", "P2": "Prototype"}


def test_a_count_before_the_bracket_is_no_group(nlp):
    text = ("= Northern Sports Car Trophy =\n\nThe winners of the three categories (LMP2, LMP3 "
            "and GT3) were invited to the final.\n")
    found = records(nlp, text)
    assert set(found) == {"LMP2", "LMP3", "GT3"}
    assert {r["parent"] for r in found.values()} == {None}


def test_a_class_divided_into_splits_is_their_parent(nlp):
    text = ("= Valley Endurance Cup =\n\nThere are three categories: LMP2 and the GTE class, "
            "split into GTE Pro for professional crews and GTE Am for gentlemen drivers.\n")
    found = records(nlp, text)
    assert set(found) == {"LMP2", "GTE Pro", "GTE Am"}
    assert found["GTE Am"]["parent"] == "GTE"


def test_ranges_appositions_and_renames(nlp):
    text = ("= Kanto Saloon Series =\n\nThe original TC-1 to TC-3 classes are the oldest, with a "
            "fourth class, TC-4, added in 2012. In 2014, the series took in cars built to the "
            "Group GT3 rules, first called TC-GT3 but now labelled TC-X.\n")
    text = text.replace("TC-", "ST-")  # the patterns' prefix-digit family
    found = records(nlp, text)
    assert set(found) == {"ST-1", "ST-2", "ST-3", "ST-4", "ST-GT3", "ST-X"}
    assert found["ST-X"]["equivalents"] == ["Group GT3"]
    assert found["ST-GT3"]["equivalents"] == []


def test_regulations_a_championship_was_run_to(nlp):
    text = ("= Island Saloon Championship =\n\nThe championship has been run to several sets "
            "of regulations including FIA Group 1, FIA Group A and FIA Super Touring. In 1990, "
            "Group N cars were admitted into the championship. Entries such as GT4 and TCR cars "
            "were refused. Its rules were based on the FIA Group 5 regulations.\n")
    assert set(records(nlp, text)) == {"Group 1", "Group A", "Super Touring", "Group N"}


def test_lettered_classes_belong_to_the_series_that_names_them(nlp):
    text = ("= Island Saloon Championship =\n\nRaces were split between big Division 1 cars and "
            "small Division 2 cars. One driver took the title in a Class B saloon.\n")
    assert set(records(nlp, text)) == {"Division 1", "Division 2", "Class B"}


def test_classes_defined_by_what_they_admit_keep_other_groups_as_equivalents(nlp):
    text = ("= Harbour Sports Car Championship =\n\nThe championship was held for Group C "
            "prototype cars. Class A would be for Group C cars and Class B for Group A cars.\n")
    found = records(nlp, text)
    assert set(found) == {"Class A", "Class B"}
    assert found["Class B"]["equivalents"] == ["Group A"]


def test_a_compound_code_is_no_class_of_its_own(nlp):
    text = ("= Kanto Sprint Trophy =\n\nThe Kanto Sprint Trophy is a race for JAF-GT cars, "
            "and for LMP3 cars since 2019.\n")
    assert set(records(nlp, text)) == {"LMP3"}


def test_an_article_about_a_class_names_no_own_classes(nlp):
    text = ("= Group B =\n\nGroup B was a set of rules for rally cars, beside Group A cars "
            "for touring cars and Group N cars.\n")
    assert records(nlp, text) == {}


def test_era_headings_name_the_classes_the_series_ran(nlp):
    text = ("= Nippon Formula Series =\n\nThe Nippon Formula Series is a single-seater series."
            "\n\n==Formula 2000 (1975–1979)==\nThe first years.\n\n==Formula Two (1980–1988)==\n"
            "Later years.\n\n==Sprint Cup (1990–1995)==\nA support series.\n")
    assert set(records(nlp, text)) == {"Formula 2000", "Formula Two"}


def test_a_long_numbered_code_is_no_child_of_a_shorter_one(nlp):
    text = ("= Pacific GT Series =\n\nThe Pacific GT Series has two classes: GT3 and GT4. "
            "Its races took in GT300 cars too.\n")
    found = records(nlp, text)
    assert found["GT3"]["parent"] is None and "GT300" in found
    assert found["GT300"]["parent"] is None


def test_spelled_out_codes_in_a_list_closed_by_a_class_noun(nlp):
    text = ("= Atlantic Endurance Cup =\n\nTitles were awarded for Le Mans Prototype 2 (LMP2) "
            "and Le Mans Grand Touring Endurance Amateur (LMGTE Am) category cars.\n")
    doc, _ = parse(nlp, text)
    assert [r["name"] for r in class_records(doc)] == [
        "Le Mans Prototype 2", "Le Mans Grand Touring Endurance Amateur"]
    assert class_structure(doc)["aliases"] == {
        "LMP2": "Le Mans Prototype 2", "LMGTE Am": "Le Mans Grand Touring Endurance Amateur"}


def test_a_closed_list_in_a_sentence_about_another_series_is_not_ours(nlp):
    text = ("= Atlantic Endurance Cup =\n\nThe Atlantic Endurance Cup is a sports car series. "
            "The LMP2 and GT3 classes of the Eastern Sprint Championship raced at Dover.\n")
    assert records(nlp, text) == {}


def test_a_class_named_with_another_series_right_after_it_is_not_ours(nlp):
    text = ("= Atlantic Endurance Cup =\n\nThe Atlantic Endurance Cup is a sports car series. "
            "Group N cars of the Eastern Sprint Championship raced at Dover. In 2004, Group A "
            "cars were admitted into the series.\n")
    assert set(records(nlp, text)) == {"Group A"}


def test_a_long_name_going_on_before_its_code_and_a_comma_opened_list(nlp):
    text = ("= Prairie Sports Car Series =\n\nThe series features two classes: Daytona "
            "Prototype international (DPi) and GT Sprint (GTS). Cars also compete in two "
            "categories, LMP3 and GT4.\n")
    assert set(records(nlp, text)) == {"Daytona Prototype international", "GT Sprint", "LMP3",
                                         "GT4"}


def test_one_car_of_a_class_is_no_class_of_the_series(nlp):
    text = ("= Prairie Sports Car Series =\n\nHanson, who had won a race in a GT1 car, joined "
            "the series in 2004. The series began as a Group 1 saloon car and Group 3 GT racing "
            "series.\n")
    assert set(records(nlp, text)) == {"Group 1"}


def test_a_pro_am_split_is_no_child_of_the_pro_split(nlp):
    text = ("= Prairie GT Cup =\n\nThe cup has three classes: GT3 Pro, GT3 Pro-Am and GT3 Am."
            "\n")
    assert {r["parent"] for r in records(nlp, text).values()} == {None}


def test_a_move_from_one_class_to_another_is_no_range(nlp):
    text = ("= Prairie GT Cup =\n\nThe cup has GT1 to GT3 classes. Its teams moved from GT4 to "
            "GT6 cars.\n")
    assert set(records(nlp, text)) == {"GT1", "GT2", "GT3", "GT6"}  # no GT5


def test_a_list_in_the_sentence_after_its_noun(nlp):
    text = ("= Prairie GT Cup =\n\nThe cup has three classes. These are LMP3, GT3 and TCR. The "
            "cup had many sponsors. They were Acme and Borealis.\n")
    assert set(records(nlp, text)) == {"LMP3", "GT3", "TCR"}


def test_as_many_names_as_the_count_are_classes(nlp):
    text = ("= Prairie GT Cup =\n\nDrivers are graded into two categories, Gold and Silver, "
            "by the stewards. Teams came in three colours, Red and Blue.\n")
    assert set(records(nlp, text)) == {"Gold", "Silver"}


def test_former_names_of_classes(nlp):
    text = ("= Prairie GT Cup =\n\nThe cup runs two classes, GTX and GTD (formerly GT2 and "
            "GT1).\n")
    found = records(nlp, text)
    assert set(found) == {"GTX", "GTD", "GT2", "GT1"}
    assert all(r["equivalents"] == [] for r in found.values())


def test_a_singular_class_noun_names_one_class_outright(nlp):
    text = ("= Omega GT Championship =\n\nThe Omega GT Championship is a sports car series. In "
            "1977, the series introduced a new category: GTX. In 1981 it added a class called "
            "Supersport.\n")
    assert set(records(nlp, text)) == {"GTX", "Supersport"}
    # A weak opener with one name is no list: "the class was Sprint" names no class here.
    weak = ("= Omega GT Championship =\n\nThe Omega GT Championship is a sports car series. "
            "Its best class was Sprint in 1977.\n")
    assert records(nlp, weak) == {}


def test_a_class_in_apposition_after_the_noun_and_its_series(nlp):
    text = ("= Kestrel GT =\n\nKestrel GT is a grand touring series. The top class in Kestrel "
            "GT, GT500, is made up of works teams.\n")
    assert set(records(nlp, text)) == {"GT500"}
    # Another series named in the noun's phrase owns the class.
    other = ("= Kestrel GT =\n\nKestrel GT is a grand touring series. The top class in the "
             "Ostra Touring Championship, GT500, is made up of works teams.\n")
    assert records(nlp, other) == {}


def test_a_formula_and_a_classification_name_what_the_cars_race_to(nlp):
    text = ("= Coastal Sports Car Series =\n\nThe Coastal Sports Car Series is a sports car "
            "series. Initially the series used the Group 7 formula. Today the cars run fall "
            "under the GT3 and GT4 classifications.\n")
    assert set(records(nlp, text)) == {"Group 7", "GT3", "GT4"}


def test_a_list_item_may_carry_a_description_in_brackets(nlp):
    text = ("= Coastal Sports Car Series =\n\nThe Coastal Sports Car Series is a sports car "
            "series. Its classes were split into GT (closed bodywork) and Sports (open "
            "bodywork), and further divided by engine size.\n")
    assert set(records(nlp, text)) == {"GT", "Sports"}


def test_words_before_a_known_long_form_with_the_whole_name_s_code(nlp):
    text = ("= Coastal Sports Car Series =\n\nThe Coastal Sports Car Series is a sports car "
            "series. In 1975 it introduced a new category: Pacific Coast Grand Touring (PCGT).\n")
    assert set(records(nlp, text)) == {"Pacific Coast Grand Touring"}


@pytest.mark.parametrize("phrase", [
    "GT1 Grand Touring and GT2 Grand Touring cars",
    "GT1, or Grand Touring Cars, and GT2, or Series Grand Touring Cars",
])
def test_a_long_name_after_a_code_spells_the_code_out(nlp, phrase):
    text = (f"= Northern GT Trophy =\n\nThe Northern GT Trophy was a series of races for "
            f"{phrase}.\n")
    found = records(nlp, text)
    assert "Grand Touring" not in found
    assert {"GT1", "GT2"} <= set(found)


def test_a_long_name_listed_beside_a_code_stays_a_class(nlp):
    text = ("= Northern GT Trophy =\n\nThe Northern GT Trophy has two classes: GT3 and Grand "
            "Touring.\n")
    assert set(records(nlp, text)) == {"GT3", "Grand Touring"}


def test_a_family_before_regulations_is_no_class_and_no_group(nlp):
    text = ("= Northern GT Trophy =\n\nThe Northern GT Trophy has two classes: GT3 and GT4. "
            "A move to GT regulations in 2004 brought makers to the series.\n")
    found = records(nlp, text)
    assert set(found) == {"GT3", "GT4"}
    assert {r["parent"] for r in found.values()} == {None}
    # A numbered class before the word still is one: cars raced to it.
    text = ("= Northern GT Trophy =\n\nThe Northern GT Trophy was run to Group 5 regulations "
            "from 1976.\n")
    assert set(records(nlp, text)) == {"Group 5"}


def test_a_class_name_opening_a_series_name_is_no_class(nlp):
    text = ("= Northern Saloon Cup =\n\nThe Northern Saloon Cup replaced the former Division 2 "
            "championship in 1985.\n")
    assert records(nlp, text) == {}


def test_listed_codes_take_the_long_names_the_text_gives_them(nlp):
    text = ("= 2004 Northern Endurance Cup =\n\nThe 2004 Northern Endurance Cup was a series "
            "for Le Mans Prototypes (LMP) and Grand Touring (GT) cars, in three classes: LMP, "
            "GTS and GT.\n")
    found = records(nlp, text)
    assert set(found) == {"Le Mans Prototypes", "GTS", "Grand Touring"}


def test_champions_given_class_by_class_name_the_classes(nlp):
    text = ("= Coastal Touring Series =\n\nInfobox\n- Drivers' champion: TS: Ann Driver Bo Racer "
            "TL: Cy Pilot; Sprint 2: Di Wheel\n- Teams' champion: Kestrel Racing\n\nThe Coastal "
            "Touring Series is a touring car series with classes for Touring Sport (TS) cars.\n")
    found = records(nlp, text)
    # A code the text spells out is its long name; codes listed side by side are no parents.
    assert set(found) == {"Touring Sport", "TL", "Sprint 2"}
    assert {r["parent"] for r in found.values()} == {None}
    # One label is no class-by-class list: a champion's name with a colon in it says nothing.
    text = ("= Coastal Touring Series =\n\nInfobox\n- Drivers' champion: TS: Ann Driver\n\nThe "
            "Coastal Touring Series is a touring car series.\n")
    assert records(nlp, text) == {}


def test_an_infobox_category_listing_classes_names_them(nlp):
    text = ("= Northern Rally Trophy =\n\nInfobox\n- Category: R4, Super 1600 (2001–2010), "
            "Group N\n\nThe Northern Rally Trophy is a rally series.\n")
    assert set(records(nlp, text)) == {"R4", "Super 1600", "Group N"}
    # A kind of racing, plural or a discipline's, is no class.
    for value in ("Touring cars", "Sports prototypes, Grand tourers",
                  "Sportscar & touring car racing", "Super Touring"):
        text = (f"= Northern Rally Trophy =\n\nInfobox\n- Category: {value}\n\nThe Northern "
                "Rally Trophy is a series.\n")
        assert records(nlp, text) == {}, value


def test_a_list_named_after_the_description_of_its_classes(nlp):
    text = ("= Kestrel GT Cup =\n\nThe Kestrel GT Cup is a series for sports cars split into "
            "two classes based on power and factory support, called GT1 and GT2.\n")
    assert set(records(nlp, text)) == {"GT1", "GT2"}


def test_a_class_noun_names_a_class_the_patterns_do_not_know(nlp):
    text = ("= Coastal Sports Challenge =\n\nThe Coastal Sports Challenge runs two classes in each "
            "race:\n- The Road Sport (RS) class is for large sports cars.\n- The City Runner (CR) "
            "class features small saloons.\nIn the B3 class, older cars race alongside new ones.\n")
    found = records(nlp, text)
    assert set(found) == {"Road Sport", "City Runner", "B3"}
    # A code whose letters the words before it do not spell names no class of that name.
    text = ("= Coastal Sports Challenge =\n\nThe Coastal Sports Challenge admits cars of the "
            "Kestrel Motor Club (RS) class.\n")
    assert "Kestrel Motor Club" not in records(nlp, text)
