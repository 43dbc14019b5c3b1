"""Abbreviation detector: definitions, undefined short forms, traps, and the seeds against gold.

The sentences are invented (invented series, bodies and circuits) so that passing proves the
rules, not a memory of the seed articles.
"""

from __future__ import annotations

import json

import pytest

from pipeline.facts.abbreviations import abbreviation_records
from pipeline.ingest.reader import read_file
from pipeline.nlp import build_nlp
from pipeline.nlp.components.abbreviations import match_long_form
from tests.conftest import GOLD, ROOT


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(["abbreviation_detector"])


def pairs(doc) -> set[tuple[str, str]]:
    return {(r["short"], r["long"]) for r in abbreviation_records(doc)}


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "The Borealis Touring Car Series (BTCS) was a sprint series.",
            ("BTCS", "Borealis Touring Car Series"),
        ),
        (
            "It ran under the rules of the Union Automobile de l'Estuaire (UAE) since 1990.",
            ("UAE", "Union Automobile de l'Estuaire"),
        ),
        (
            # A capitalised word may be passed over ("Car" gives no letter of PECO).
            "It was run by the Pacific Endurance Car Operation (PECO) sanctioning body.",
            ("PECO", "Pacific Endurance Car Operation"),
        ),
        (
            "The Valdorian Rally Masters (abbreviated VRM) began in 2001.",
            ("VRM", "Valdorian Rally Masters"),
        ),
        (
            "The Nordic Sprint Cup, abbreviated as NSC, was formed in 1977.",
            ("NSC", "Nordic Sprint Cup"),
        ),
        (
            "Entries were split between Kestrel Prototypes, known as KP, and touring cars.",
            ("KP", "Kestrel Prototypes"),
        ),
        (
            # A gloss after the short form.
            "The Deutsche Vallar Meisterschaft (DVM; Vallar Championship) began in 1984.",
            ("DVM", "Deutsche Vallar Meisterschaft"),
        ),
        (
            # The reverse order: short form first, long form in parentheses.
            "Its rules came from the NRC (Nordic Racing Council) until 1995.",
            ("NRC", "Nordic Racing Council"),
        ),
        (
            # "All" belongs to the name without giving a letter.
            "It began as the All Korea Sprint Car Series (KSCS) in 1990.",
            ("KSCS", "All Korea Sprint Car Series"),
        ),
        (
            "Cars ran as Open Wheelers (OW) and Sports Racers (SR) in 1980.",
            ("SR", "Sports Racers"),
        ),
        (
            "The PEO (short for Pacific Endurance Car Operation) was its organiser.",
            ("PEO", "Pacific Endurance Car Operation"),
        ),
        (
            # A word in capitals gives all its letters.
            "The faster cars ran as GT Harbour (GTH) entries.",
            ("GTH", "GT Harbour"),
        ),
        (
            # A number word gives its digit.
            "Its feeder was the Nordic Formula Four (F4) series until 1990.",
            ("F4", "Formula Four"),
        ),
        (
            # The second word of the short form shortens the long form's last word.
            "Titles went to Harbour Touring Endurance Amateur (HTE Am) cars.",
            ("HTE Am", "Harbour Touring Endurance Amateur"),
        ),
        (
            # A lower-case head noun between the long form and its short form.
            "Similar rules governed the Kestrel Coastal Sports Prototype series (CSP) in Canada.",
            ("CSP", "Coastal Sports Prototype"),
        ),
        (
            # The cue inside a parenthesis glosses the name before it, led by the short form.
            ("The KRT Coastal Sprint Series (later called the KRT Sprint Trophy or simply "
             "abbreviated as KRT) ran for three years."),
            ("KRT", "KRT Coastal Sprint Series"),
        ),
        (
            "The VMS Harbour Cup, usually abbreviated as VMS, was a club series.",
            ("VMS", "VMS Harbour Cup"),
        ),
    ],
)
def test_definitions(nlp, text, expected):
    assert expected in pairs(nlp(text))


def test_record_offsets_point_at_the_short_form(nlp):
    text = "The Borealis Touring Car Series (BTCS) was a sprint series. The BTCS folded."
    (record,) = abbreviation_records(nlp(text))
    assert text[record["start_char"] : record["end_char"]] == "BTCS"
    assert record["start_char"] == text.index("(BTCS)") + 1
    assert text[record["long_start_char"] : record["long_end_char"]] == record["long"]


def test_undefined_short_form_linked_to_long_form_elsewhere(nlp):
    doc = nlp(
        "The series was formed by the Kestrel Motor Federation in 1988. "
        "Ten years later the KMF handed it to the Aurora Sports Car Series. "
        "Teams from ASCS and the Aurora Sports Car Series raced."
    )
    assert ("KMF", "Kestrel Motor Federation") in pairs(doc)
    assert ("ASCS", "Aurora Sports Car Series") in pairs(doc)
    assert doc._.short_forms["KMF"] == "Kestrel Motor Federation"


def test_undefined_numbered_short_form(nlp):
    doc = nlp("Its drivers moved up to Formula Three in 1985. The F3 cars raced at Brenne.")
    assert ("F3", "Formula Three") in pairs(doc)


def test_dotted_short_form_takes_the_long_form_of_its_undotted_one(nlp):
    doc = nlp(
        "The Auto Velo Club de Brenne (AVCB) was founded in 1921. In 1930 the A.V.C.B. ran "
        "its first meeting, with help from the Ulster Sprint club."
    )
    assert ("A.V.C.B.", "Auto Velo Club de Brenne") in pairs(doc)
    # Alone, a dotted form is not linked: "U.S." beside "Ulster Sprint" is no definition.
    doc = nlp("The Ulster Sprint was held in 1930. Drivers from the U.S. took part.")
    assert pairs(doc) == set()


def test_a_code_joined_to_another_is_no_use_of_a_short_form(nlp):
    # "VE-1" names a class of its own; "VE" is never used alone.
    doc = nlp("The Varn Endurance series split its cars into VE-1 and VE-2 classes.")
    assert pairs(doc) == set()


def test_undefined_short_form_of_an_all_name(nlp):
    doc = nlp("It replaced the All Korea Sprint Championship in 1992. The KSC had run ten years.")
    assert ("KSC", "All Korea Sprint Championship") in pairs(doc)


def test_undefined_short_form_needs_the_long_form_standing_alone(nlp):
    # "Japan Sports Prototype Car" is only a piece of a longer name: no pair for "JSPC".
    doc = nlp("The JSPC replaced the All Japan Sports Prototype Car Endurance Championship.")
    assert pairs(doc) == set()


@pytest.mark.parametrize(
    "text",
    [
        "The Pacific Sprint Championship (now Vortex GT) was renamed in 2005.",
        "The cars raced in secondary classes (similar to IMSA's lower GTS and GTU classes).",
        "It followed the Vortex class structure (with additional classes for Group GT3 cars).",
        "Production cars were defined by the FIA (Group A and Group B) at the time.",
        "A logo was shown (logo) in 2004.",
        # A lower-case content word inside the window means the long form has ended.
        "The Kestrel series of motor races (KMR) was short-lived.",
        # The long form must end right before the parenthesis.
        "The Kestrel motor racing team raced in Europe (KMR).",
        # The second word must shorten the long form's last word.
        "Titles went to Harbour Touring Endurance Professional (HTE Am) cars.",
        # A head noun is passed over, but the long form must still end right before it.
        "The Coastal Sports Prototype Racing series (CSP) was adopted.",
        # A cue outside a parenthesis: the name must start with the short form.
        "The Harbour Cup, usually abbreviated as VMS, was a club series.",
    ],
)
def test_traps_are_not_definitions(nlp, text):
    assert pairs(nlp(text)) == set()


def test_definition_with_lost_long_form_records_nothing(nlp):
    # Headless dumps drop the bolded title: "The , abbreviated as QXR, formed by ...".
    doc = nlp("The , abbreviated as QXR, formed by the Quill Auto Federation, was a series.")
    assert all(r["short"] != "QXR" for r in abbreviation_records(doc))
    assert "QXR" not in (doc._.short_forms or {})


def test_window_is_bounded(nlp):
    rules = nlp.get_pipe("abbreviation_detector").rules
    words = list(nlp.make_doc("Kestrel Big Long Winding Highly Decorated Ornate Motor Racing"))
    # KR: window of min(2 + 5, 4) = 4 words; "Kestrel" lies beyond it.
    assert match_long_form(words[-4:], "KR", rules) is None
    assert match_long_form(words[-2:], "MR", rules) == 0


def test_spans_group_and_short_forms(nlp):
    doc = nlp("The Borealis Touring Car Series (BTCS) began. The BTCS ended.")
    labels = [(s.text, s.label_) for s in doc.spans["abbreviations"]]
    assert labels == [("Borealis Touring Car Series", "LONG"), ("BTCS", "SHORT")]
    ((long_span, short_span),) = doc._.abbreviations
    assert short_span.text == "BTCS" and long_span.text == "Borealis Touring Car Series"


def _fold(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("–", "-").casefold().split())


def test_seeds_against_gold(nlp):
    tp = fp = fn = 0
    for gold_path in sorted(GOLD.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        document = read_file(ROOT / "raw" / gold["doc"])
        doc = nlp(document.body)
        for r in abbreviation_records(doc):
            assert document.text[r["start_char"] : r["end_char"]] == r["short"]
        expected = {(_fold(s), _fold(long)) for s, long in gold["abbreviations"].items()}
        found = {(_fold(r["short"]), _fold(r["long"])) for r in abbreviation_records(doc)}
        tp += len(expected & found)
        fp += len(found - expected)
        fn += len(expected - found)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    assert f1 >= 0.9, (tp, fp, fn)


def test_a_word_of_a_longer_name_is_no_use_of_a_short_form(nlp):
    # "KT" is only ever a word of "Kestrel KT Trophy" and "KT Valley Cup": no use of a short
    # form of "Kestrel Touring".
    doc = nlp("The Kestrel KT Trophy is a series for Kestrel Touring cars. It supports the KT "
              "Valley Cup.")
    assert pairs(doc) == set()
    # Used alone once, it is one.
    doc = nlp("The Kestrel KT Trophy is a series for Kestrel Touring cars. The KT cars race.")
    assert ("KT", "Kestrel Touring") in pairs(doc)
    # A capitalised word before it alone names no longer name: "the Kestrel KT cars".
    doc = nlp("The Kestrel KT Trophy is a series for Kestrel Touring cars. Most Kestrel KT cars "
              "race.")
    assert ("KT", "Kestrel Touring") in pairs(doc)
