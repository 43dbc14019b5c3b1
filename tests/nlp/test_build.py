"""The pipeline is built through the registered tokenizer and factories, which another project
reaches by entry points alone; the configuration fingerprint follows config and user files."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import entry_points

import pytest
from spacy.language import Language

from pipeline.nlp import COMPONENTS, build_nlp, config_fingerprint, pipeline_config
from pipeline.nlp.tokenizer import TOKENIZER, create_tokenizer


def test_entry_points_name_every_component_and_the_tokenizer():
    factories = {ep.name: ep for ep in entry_points(group="spacy_factories")}
    assert set(factories) >= {*COMPONENTS, "line_boundaries"}
    for name in (*COMPONENTS, "line_boundaries"):
        assert factories[name].value.startswith("pipeline.nlp.")
        assert callable(factories[name].load())
        assert Language.has_factory(name)
    (tokenizer,) = [ep for ep in entry_points(group="spacy_tokenizers") if ep.name == TOKENIZER]
    assert tokenizer.load() is create_tokenizer


# Run by a fresh interpreter: spaCy finds everything by entry points, nothing imports pipeline.
OTHER_PROJECT = """
import json, sys
import spacy
assert not any(m == "pipeline" or m.startswith("pipeline.") for m in sys.modules)
nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "motorsport.Tokenizer.v1"}}})
nlp.add_pipe("sentencizer")
nlp.add_pipe("line_boundaries")
for name in ("abbreviation_detector", "motorsport_entities", "racing_classes", "date_matcher"):
    nlp.add_pipe(name)
doc = nlp("The FIA World Endurance Championship (WEC) ran LMP1 cars from 1983–1992.")
print(json.dumps({
    "ents": [[e.text, e.label_, e._.canonical] for e in doc.ents],
    "dates": [[s.text, s._.date_value] for s in doc.spans["dates"]],
    "classes": [s.text for s in doc.spans["classes"]],
}))
"""


def test_another_project_uses_the_components_without_importing_the_package(tmp_path):
    result = subprocess.run([sys.executable, "-I", "-c", OTHER_PROJECT], check=False,
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert ["WEC", "SERIES", "World Endurance Championship"] in found["ents"]
    assert found["dates"] == [["1983–1992", {"kind": "range", "value_start": "1983",
                                             "value_end": "1992", "granularity": "year"}]]
    assert found["classes"] == ["LMP1"]


def test_build_nlp_uses_the_registered_tokenizer_and_factories():
    nlp = build_nlp()
    assert nlp.config["nlp"]["tokenizer"] == {"@tokenizers": TOKENIZER}
    assert nlp.pipe_names == ["sentencizer", "line_boundaries", *COMPONENTS]
    assert [nlp.get_pipe_meta(name).factory for name in COMPONENTS] == list(COMPONENTS)
    assert all(nlp.get_pipe(name).data is not None for name in COMPONENTS)  # read when built


def test_unknown_component_is_refused():
    with pytest.raises(ValueError, match="unknown components"):
        build_nlp(["entity_ruler"])


# --- the configuration fingerprint -------------------------------------------------------


def test_fingerprint_of_the_projects_pipeline_is_stable_and_needs_no_build():
    assert config_fingerprint() == config_fingerprint(pipeline_config())
    assert config_fingerprint() == config_fingerprint(build_nlp().config)


def test_fingerprint_follows_the_config(tmp_path):
    default = config_fingerprint()
    assert config_fingerprint(pipeline_config(COMPONENTS[:-1])) != default
    other_packaged = {"racing_classes": {"patterns": "packaged:entity_patterns.jsonl"}}
    assert config_fingerprint(pipeline_config(config=other_packaged)) != default


def test_fingerprint_hashes_the_contents_of_a_users_file(tmp_path):
    gazetteer = tmp_path / "gazetteer.jsonl"
    gazetteer.write_text('{"label": "CIRCUIT", "name": "Quillon Motor Park"}\n', encoding="utf-8")
    config = pipeline_config(config={"motorsport_entities": {"gazetteer": str(gazetteer)}})
    first = config_fingerprint(config)
    assert first != config_fingerprint()
    assert config_fingerprint(config) == first
    gazetteer.write_text('{"label": "CIRCUIT", "name": "Quillon Park"}\n', encoding="utf-8")
    assert config_fingerprint(config) != first
    gazetteer.unlink()
    with pytest.raises(FileNotFoundError):
        config_fingerprint(config)


def test_get_nlp_moves_the_built_pipeline_out_of_the_cyclic_collector():
    import gc

    from pipeline.nlp import build

    gc.unfreeze()
    settings = {"date_matcher": {}}  # a settings key of its own: built here
    build._BUILT.pop(build._settings_key(settings), None)
    try:
        nlp = build.get_nlp(settings)
        assert gc.get_freeze_count() > 0
        assert not gc.is_tracked(nlp) or all(nlp is not o for o in gc.get_objects(2))
    finally:
        build._BUILT.pop(build._settings_key(settings), None)
