"""Motorsport entities: structural patterns on invented names, gazetteer names, short forms and
team names the document defines, the traps, and the seeds against gold (per-label P/R/F1).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest

from pipeline.facts.entities import entity_records
from pipeline.ingest.reader import read_file
from pipeline.nlp import build_nlp
from pipeline.nlp.components.entities import LABELS
from tests.conftest import GOLD, ROOT


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(["abbreviation_detector", "motorsport_entities"])


def ents(nlp, text) -> set[tuple[str, str]]:
    return {(r["label"], r["text"]) for r in entity_records(nlp(text))}


def canon(nlp, text) -> dict[str, tuple[str, str]]:
    return {r["text"]: (r["label"], r["canonical"]) for r in entity_records(nlp(text))}


# --- structural patterns reach invented names -------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "The Valdoria Touring Car Championship began in 1990.",
            {("SERIES", "Valdoria Touring Car Championship")},
        ),
        (
            "It supported the Korvath Long Distance Series and the Brenner Cup.",
            {("SERIES", "Korvath Long Distance Series"), ("SERIES", "Brenner Cup")},
        ),
        ("Entrants came from the domestic QX9 Championship.", {("SERIES", "QX9 Championship")}),
        ("The All Korea Sprint Challenge replaced it.", {("SERIES", "All Korea Sprint Challenge")}),
        (
            "Races were held at Korvath International Circuit and Melbrook Raceway.",
            {("CIRCUIT", "Korvath International Circuit"), ("CIRCUIT", "Melbrook Raceway")},
        ),
        ("The finale was at Zanthor Motor Speedway.", {("CIRCUIT", "Zanthor Motor Speedway")}),
        ("It moved to the Circuit de la Vallée in 1999.", {("CIRCUIT", "Circuit de la Vallée")}),
        (
            "Brenner Motorsport and Team Kaito entered.",
            {("TEAM", "Brenner Motorsport"), ("TEAM", "Team Kaito")},
        ),
        ("Kowalski Racing won twice.", {("TEAM", "Kowalski Racing")}),
        ("The 6 Hours of Valdoria opened the season.", {("EVENT", "6 Hours of Valdoria")}),
        ("It ended with the 2015 Korvath 1000 km.", {("EVENT", "2015 Korvath 1000 km")}),
        (
            "The 1000 km of Melbrook and the Zanthor 12 Hours followed.",
            {("EVENT", "1000 km of Melbrook"), ("EVENT", "Zanthor 12 Hours")},
        ),
        ("The Valdorian Grand Prix was run on the streets.", {("EVENT", "Valdorian Grand Prix")}),
        (
            "It replaced the Valdorian Formula 2000 Championship in 1996.",
            {("SERIES", "Valdorian Formula 2000 Championship")},
        ),
        ("Its rival was the Formula Vexar 3.5 Series.", {("SERIES", "Formula Vexar 3.5 Series")}),
        (
            "The series was formed by the Valdoria Motor Sport Federation.",
            {("ORG", "Valdoria Motor Sport Federation")},
        ),
        (
            "It was run by the Automobile Club de la Vallée.",
            {("ORG", "Automobile Club de la Vallée")},
        ),
        (
            "It was sanctioned by the Northern Sprint Promotions Bureau.",
            {("ORG", "Northern Sprint Promotions Bureau")},
        ),
    ],
)
def test_structural_patterns(nlp, text, expected):
    assert expected <= ents(nlp, text)


def test_capitalised_common_phrases_are_no_names(nlp):
    found = ents(
        nlp,
        "He was second in the Drivers Championship and won the Rookie Cup. "
        "The National Championship went to Brenner. The International Circuit "
        "opened in 1962. Each Championship round had two races.",
    )
    assert not any(label in {"SERIES", "CIRCUIT"} for label, _ in found)


def test_grand_prix_of_an_acronym_is_a_team(nlp):
    found = ents(nlp, "VXR Grand Prix won the Valdorian Grand Prix and the USA Grand Prix.")
    assert ("TEAM", "VXR Grand Prix") in found
    assert ("EVENT", "Valdorian Grand Prix") in found
    assert ("EVENT", "USA Grand Prix") in found


def test_leading_sentence_words_are_trimmed(nlp):
    found = ents(nlp, "During the year the Korvath Cup ran. The Valdoria Championship folded.")
    assert ("SERIES", "Korvath Cup") in found
    assert ("SERIES", "Valdoria Championship") in found
    assert not any(text.startswith(("The ", "During ")) for _, text in found)


# --- classes --------------------------------------------------------------------------------


def test_class_patterns(nlp):
    found = ents(
        nlp,
        "Cars ran in LMP3, GT4, GTE-Am, Group N, Class E, Gr. B and C1/GTP, and the GT500 "
        "class; two LMP2s retired.",
    )
    for name in (
        "LMP3",
        "GT4",
        "GTE-Am",
        "Group N",
        "Class E",
        "Gr. B",
        "C1/GTP",
        "GT500",
        "LMP2s",
    ):
        assert ("CLASS", name) in found
    assert ("CLASS", "VX-TCR") in ents(nlp, "Touring cars ran in VX-TCR.")
    c = canon(nlp, "Two LMP2s and a Gr. B car retired.")
    assert c["LMP2s"] == ("CLASS", "LMP2")
    assert c["Gr. B"] == ("CLASS", "Group B")


def test_body_and_class_next_to_each_other(nlp):
    found = ents(nlp, "Class C was for cars similar to IMSA's Camel Lights and the WEC's C2.")
    assert {
        ("ORG", "IMSA"),
        ("CLASS", "Camel Lights"),
        ("SERIES", "WEC"),
        ("CLASS", "C2"),
        ("CLASS", "Class C"),
    } <= found
    assert ("CLASS", "IMSA GTP") in ents(nlp, "It was open to IMSA GTP cars.")


# --- makers and cars --------------------------------------------------------------------------


def test_cars_are_maker_and_model(nlp):
    c = canon(
        nlp,
        "Kowalski Racing entered a Ferrari 488 Evo and two Oreca 07s against a "
        "Porsche 956/962C in 1990.",
    )
    assert c["Ferrari 488 Evo"] == ("CAR", "Ferrari 488 Evo")
    assert c["Oreca 07s"] == ("CAR", "Oreca 07")
    assert c["Porsche 956/962C"] == ("CAR", "Porsche 956/962C")


def test_car_at_sentence_end(nlp):
    # The tokenizer keeps the full stop on "962C."; the canonical name drops it.
    c = canon(nlp, "It was a Porsche 962C. Then it rained.")
    assert [v for v in c.values() if v[0] == "CAR"] == [("CAR", "Porsche 962C")]


def test_gt_inside_a_car_name_is_no_class(nlp):
    found = ents(nlp, "A Ford GT and a Nissan GT-R raced against a Ford GT40.")
    assert ("CAR", "Ford GT") in found
    assert ("CAR", "Nissan GT-R") in found
    assert ("CAR", "Ford GT40") in found
    assert not any(label == "CLASS" for label, _ in found)


def test_possessive_and_class_after_maker(nlp):
    # The class token after the maker is no model: the maker stays a maker.
    found = ents(nlp, "In 2011, Brennan's Zytek LMP2 won.")
    assert ("MANUFACTURER", "Zytek") in found
    assert ("CLASS", "LMP2") in found


def test_makers_listed(nlp):
    found = ents(nlp, "Works teams of Toyota, Nissan and Mazda competed against Lola.")
    assert {("MANUFACTURER", m) for m in ("Toyota", "Nissan", "Mazda", "Lola")} <= found


def test_maker_and_model_word(nlp):
    c = canon(nlp, "He won in a Chevrolet Vexar, while Lola Cars built the chassis.")
    assert c["Chevrolet Vexar"] == ("CAR", "Chevrolet Vexar")
    assert "Lola Cars" not in c  # a company word is no model


# --- people and places --------------------------------------------------------------------------


def test_people(nlp):
    found = ents(
        nlp,
        "The series was founded by John Kestrel and Jean-Pierre Vallard. "
        "Pedro de la Vargas raced. "
        "Tom Brenner Racing entered.",
    )
    assert ("PERSON", "John Kestrel") in found
    assert ("PERSON", "Jean-Pierre Vallard") in found
    assert ("PERSON", "Pedro de la Vargas") in found
    assert ("TEAM", "Tom Brenner Racing") in found
    assert ("PERSON", "Tom Brenner") not in found


def test_table_rows_keep_drivers_and_teams_apart(nlp):
    found = ents(
        nlp,
        "Season Driver Team\n1995 Keiichi Vallar Team Kestrel\n"
        "1996 Juan Manuel Ortega Brenner Racing Team",
    )
    assert ("PERSON", "Keiichi Vallar") in found
    assert ("TEAM", "Team Kestrel") in found
    assert ("PERSON", "Juan Manuel Ortega") in found
    assert ("TEAM", "Brenner Racing Team") in found


def test_place_name_inside_a_person_name(nlp):
    found = ents(nlp, "It was backed by Walter Germany and raced in Germany.")
    assert [t for label, t in found if label == "LOCATION"] == ["Germany"]
    assert (
        len(
            [
                r
                for r in entity_records(nlp("It was backed by Walter Germany."))
                if r["label"] == "LOCATION"
            ]
        )
        == 0
    )


# --- the document's own names -----------------------------------------------------------------


def test_short_forms_take_label_and_canonical_of_long_form(nlp):
    c = canon(
        nlp,
        "It was run by the Valdoria Motor Sport Federation (VMSF). "
        "In 1999 the VMSF cancelled the Korvath Sprint Challenge (KSC). "
        "The KSC never returned.",
    )
    assert c["VMSF"] == ("ORG", "Valdoria Motor Sport Federation")
    assert c["KSC"] == ("SERIES", "Korvath Sprint Challenge")


def test_known_short_forms_fold_to_canonical(nlp):
    c = canon(nlp, "The ACO and the FIA agreed.")
    assert c["ACO"] == ("ORG", "Automobile Club de l'Ouest")
    assert c["FIA"][0] == "ORG"


def test_team_named_by_its_first_word(nlp):
    c = canon(
        nlp,
        "Kestrel Racing entered two cars. A Kestrel Porsche 962C won; "
        "Kestrel's second car retired.",
    )
    assert c["Kestrel Racing"] == ("TEAM", "Kestrel Racing")
    assert c["Kestrel"] == ("TEAM", "Kestrel Racing")
    assert c["Porsche 962C"][0] == "CAR"


def test_team_named_by_a_maker_word_only_as_owner(nlp):
    # "Mugen" is an engine maker; after "Mugen Motorsports" it names the team as the owner of
    # an entry ("Mugen's LMP"), and stays the maker elsewhere.
    doc = nlp("Mugen Motorsports entered. Mugen's LMP won, with engines by Mugen.")
    records = [(r["text"], r["label"], r["canonical"]) for r in entity_records(doc)]
    assert ("Mugen", "TEAM", "Mugen Motorsports") in records
    assert ("Mugen", "MANUFACTURER", "Mugen") in records


# --- traps -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The season was short. During it, Points were awarded. However, nothing changed.",
        "Unlike the other Le Mans-based series, it allowed any car.",
        "The ACO announced a new Korvath-based series.",
    ],
)
def test_sentence_starts_and_hyphen_compounds_are_no_entities(nlp, text):
    found = ents(nlp, text)
    assert not any(
        t in {"The", "During", "Points", "However", "Unlike", "Le Mans", "Korvath"}
        for _, t in found
    )


def test_longest_span_wins(nlp):
    found = ents(
        nlp,
        "The Korea Sprint Challenge ran at Shanghai International Circuit; "
        "later it returned to Shanghai.",
    )
    assert ("SERIES", "Korea Sprint Challenge") in found
    assert ("LOCATION", "Korea") not in found
    assert ("CIRCUIT", "Shanghai International Circuit") in found
    assert ("LOCATION", "Shanghai") in found


def test_lower_case_descriptions_are_no_names(nlp):
    found = ents(nlp, "Vortex GT is a grand touring car racing series in north america.")
    assert not any(label in {"CLASS", "LOCATION"} for label, _ in found)
    assert ("CLASS", "Grand Touring") in ents(nlp, "Cars ran as Grand Touring entries.")


def test_places(nlp):
    found = ents(nlp, "Races were held in Europe, North America and Asia, and in France.")
    assert {("LOCATION", p) for p in ("Europe", "North America", "Asia", "France")} <= found


@pytest.mark.parametrize(
    "text", ["", " ", "(", "Grand", "Formula", "24 Hours", "Le Mans km", "Bill - Formula as A"]
)
def test_fragments_do_not_break(nlp, text):
    for r in entity_records(nlp(text)):
        assert text[r["start_char"] : r["end_char"]] == r["text"]


def test_spans_and_offsets(nlp):
    text = "The Valdoria Touring Car Championship (VTCC) ran at Melbrook Raceway. The VTCC ended."
    doc = nlp(text)
    for r in entity_records(doc):
        assert text[r["start_char"] : r["end_char"]] == r["text"]
        assert r["label"] in LABELS
    assert len(doc.spans["entities"]) >= len(doc.ents)
    starts = [e.start for e in doc.ents]
    assert starts == sorted(starts)


# --- seeds against gold ------------------------------------------------------------------------

_LEADING_YEAR = re.compile(r"^(?:1[89]|20)\d\d\s+(?=\S)")


def _fold(text: str) -> str:
    text = text.replace("’", "'").replace("–", "-").replace("—", "-").casefold()
    return _LEADING_YEAR.sub("", " ".join(text.split()))


def score_entities(nlp) -> dict[str, list[int]]:
    """Per label [tp, fp, fn], summed over the seeds: a gold name is found when an output entity
    of its label has it as text or canonical; outputs are deduplicated by canonical, and a group
    matching no gold name is a false positive."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for gold_path in sorted(GOLD.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        document = read_file(ROOT / "raw" / gold["doc"])
        records = entity_records(nlp(document.body))
        for r in records:
            assert document.text[r["start_char"] : r["end_char"]] == r["text"]
        for label, names in gold["entities"].items():
            expected = {_fold(n) for n in names}
            groups: dict[str, set[str]] = defaultdict(set)
            for r in records:
                if r["label"] == label:
                    groups[_fold(r["canonical"])] |= {_fold(r["text"]), _fold(r["canonical"])}
            found = set().union(*groups.values()) if groups else set()
            c = counts[label]
            c[0] += len(expected & found)
            c[2] += len(expected - found)
            c[1] += sum(1 for forms in groups.values() if not forms & expected)
    return counts


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def test_seeds_against_gold(nlp):
    counts = score_entities(nlp)
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    assert _f1(*total)[2] >= 0.9, dict(counts)
    for label, (tp, fp, fn) in counts.items():
        if tp + fn >= 2:
            assert _f1(tp, fp, fn)[2] >= 0.8, (label, tp, fp, fn)


if __name__ == "__main__":  # print the per-label table
    table = score_entities(build_nlp(["abbreviation_detector", "motorsport_entities"]))
    print(f"{'label':13} {'tp':>3} {'fp':>3} {'fn':>3}  {'P':>5} {'R':>5} {'F1':>5}")
    for label in LABELS:
        if label in table:
            p, r, f = _f1(*table[label])
            print(
                f"{label:13} {table[label][0]:3} {table[label][1]:3} {table[label][2]:3}  "
                f"{p:5.2f} {r:5.2f} {f:5.2f}"
            )
    total = [sum(c[i] for c in table.values()) for i in range(3)]
    p, r, f = _f1(*total)
    print(f"{'micro':13} {total[0]:3} {total[1]:3} {total[2]:3}  {p:5.2f} {r:5.2f} {f:5.2f}")


def test_drivers_clubs_are_bodies_not_teams(nlp):
    # "British Racing" alone reads as a team; the club's full name is a body.
    c = canon(nlp, "The trophy was created by the British Racing Drivers' Club in 1971. "
                   "Sprint races were organised by the Automobilclub von Deutschland.")
    assert c["British Racing Drivers' Club"] == ("ORG", "British Racing Drivers' Club")
    assert c["Automobilclub von Deutschland"][0] == "ORG"
    assert "British Racing" not in c
