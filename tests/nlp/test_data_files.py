"""The data settings of the components: packaged files by default, a user's file by config, each
component with its own data (read when first needed), the public helpers with the packaged."""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.language import Language

from pipeline.data import data_path
from pipeline.nlp import COMPONENTS, build_nlp
from pipeline.nlp.components import abbreviations, classes, dates, entities
from pipeline.nlp.components.classes import class_category
from pipeline.nlp.data_files import DATA_FILES, PACKAGED
from pipeline.nlp.tokenizer import TOKENIZER

CONFIG = {"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}}


def _packaged_json(name: str) -> dict:
    return json.loads(data_path(name).read_text(encoding="utf-8"))


def _write_json(path, data) -> str:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_every_data_setting_defaults_to_a_packaged_file():
    modules = {"abbreviation_detector": abbreviations, "motorsport_entities": entities,
               "racing_classes": classes, "date_matcher": dates}
    assert set(modules) == set(COMPONENTS)
    for factory, module in modules.items():
        files = module.DATA_FILES
        assert DATA_FILES[factory] == files
        default = Language.get_factory_meta(factory).default_config
        assert default == {setting: PACKAGED + name for setting, name in files.items()}
        for name in files.values():
            assert data_path(name).is_file(), name


def test_a_users_gazetteer_replaces_the_packaged_one(tmp_path):
    gazetteer = tmp_path / "gazetteer.jsonl"
    gazetteer.write_text(
        "// my circuits\n"
        '{"label": "CIRCUIT", "name": "Quillon Motor Park", "aliases": ["Quillon"]}\n',
        encoding="utf-8",
    )
    text = "The FIA sent a steward to Quillon."
    packaged = build_nlp(["motorsport_entities"])
    own = build_nlp(["motorsport_entities"],
                    config={"motorsport_entities": {"gazetteer": str(gazetteer)}})

    def ents(nlp):
        return {(e.text, e.label_, e._.canonical) for e in nlp(text).ents}

    assert ("Quillon", "CIRCUIT", "Quillon Motor Park") in ents(own)
    assert ("FIA", "ORG", "Fédération Internationale de l'Automobile") not in ents(own)
    assert ("FIA", "ORG", "Fédération Internationale de l'Automobile") in ents(packaged)
    assert not any(e[0] == "Quillon" for e in ents(packaged))


def test_the_component_uses_its_cues_and_the_public_helpers_the_packaged_ones(tmp_path):
    cues = _packaged_json("class_cues.json")
    cues["known_categories"]["LMP1"] = "sports prototype"
    path = _write_json(tmp_path / "cues.json", cues)
    own = build_nlp(["racing_classes"], config={"racing_classes": {"cues": path}})
    packaged = build_nlp(["racing_classes"])
    text = "The series ran two classes: LMP1 and GT3."

    def labels(nlp):
        doc = nlp(text)
        return {s.text: s.label_ for s in doc.spans["classes"]}

    assert labels(own)["LMP1"] == "sports prototype"
    assert labels(packaged)["LMP1"] != "sports prototype"
    assert class_category("LMP1") != "sports prototype"


def test_detectors_with_other_rules_in_one_vocab_keep_their_own_word_classes(tmp_path):
    rules = _packaged_json("abbreviation_rules.json")
    rules["cue_verbs"].append("nicknamed")
    path = _write_json(tmp_path / "rules.json", rules)
    nlp = spacy.blank("en", config=CONFIG)
    # The packaged detector first: its lexeme flags exist when the other one is built.
    nlp.add_pipe("abbreviation_detector", name="packaged").initialize()
    nlp.add_pipe("abbreviation_detector", name="own", config={"rules": path}).initialize()
    # "KMRs": not all capitals, so no undefined short form the packaged rules would link.
    text = "The Kestrel Motor Racing Series, nicknamed KMRs, began in 1990."

    def short_forms(name):
        return nlp.get_pipe(name)(nlp.make_doc(text))._.short_forms

    assert short_forms("own") == {"KMRs": "Kestrel Motor Racing Series"}
    assert short_forms("packaged") == {}


def test_a_users_date_patterns_file(tmp_path):
    patterns = _packaged_json("date_patterns.json")
    patterns["year_range"] = patterns["any_year_range"] = [1950, 2099]
    path = _write_json(tmp_path / "dates.json", patterns)
    own = build_nlp(["date_matcher"], config={"date_matcher": {"patterns": path}})
    text = "It began in 1930 and ended in 1960."

    def dates_of(nlp):
        doc = nlp(text)
        return [s.text for s in doc.spans["dates"]]

    assert dates_of(own) == ["1960"]
    assert dates_of(build_nlp(["date_matcher"])) == ["1930", "1960"]


def test_a_date_patterns_file_written_before_the_later_keys_still_loads(tmp_path):
    """Users' files written before eras, modifiers and named days were added keep working:
    the later keys default to what those files meant (years from ``year_range`` only)."""
    patterns = _packaged_json("date_patterns.json")
    for key in ("any_year_range", "decade_range", "eras", "ambiguous_months", "modifiers",
                "holidays", "holiday_prepositions"):
        del patterns[key]
    patterns["patterns"] = [p for p in patterns["patterns"] if "ERA" not in json.dumps(p)]
    path = _write_json(tmp_path / "dates.json", patterns)
    own = build_nlp(["date_matcher"], config={"date_matcher": {"patterns": path}})
    doc = own("It began in 1850, ran from 1983 to 1992 and folded at the end of 1995.")
    assert [(s.text, s._.date_modifier) for s in doc.spans["dates"]] == [
        ("1983 to 1992", None), ("1995", None)]


def test_files_are_read_at_first_use_and_a_missing_one_is_named(tmp_path):
    missing = tmp_path / "nowhere.jsonl"
    nlp = spacy.blank("en", config=CONFIG)
    entities = nlp.add_pipe("motorsport_entities", config={"gazetteer": str(missing)})
    assert entities.data is None  # constructing reads nothing
    with pytest.raises(ValueError, match=r"motorsport_entities: cannot read the gazetteer file"):
        nlp("Le Mans")
    dates = nlp.add_pipe("date_matcher", config={"patterns": PACKAGED + "nowhere.json"})
    with pytest.raises(ValueError, match=r"patterns file 'packaged:nowhere.json'"):
        dates(nlp.make_doc("1990"))


def test_an_unknown_setting_is_rejected():
    nlp = spacy.blank("en", config=CONFIG)
    with pytest.raises(Exception, match="gazeteer"):
        nlp.add_pipe("motorsport_entities", config={"gazeteer": "my.jsonl"})
