"""The evaluation against a hand-made fixture whose scores are worked out below, by hand.

Fixture (tests/fixtures/evaluation/, invented series): three gold files; outputs for 101 and
102; 103 has no output, so every one of its gold items is a miss.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.tools.evaluation.compare import fold_name, fold_text, fold_title
from pipeline.tools.evaluation.gold import EvaluationError, load_gold
from pipeline.tools.evaluation.scores import check_thresholds, evaluate
from tests.conftest import FIXTURES

FIXTURE = FIXTURES / "evaluation"
GOLD = FIXTURE / "gold"
OUTPUT = FIXTURE / "output"
SEED_GOLD = FIXTURES / "gold"

A, B, C = "101_harbour_endurance.txt", "102_northern_formula.txt", "103_eastern_touring.txt"


@pytest.fixture(scope="module")
def report():
    return evaluate(GOLD, OUTPUT)


def counts(scores):
    return scores["tp"], scores["fp"], scores["fn"]


# (tp, fp, fn) summed over the three documents, with the reason for each count.
EXPECTED_FIELDS = {
    # A: "The  Harbour GT Trophy" is the alias with "The" and a double space -> tp;
    # B: exact -> tp; C: no output -> fn.
    "title": (2, 0, 1),
    # A: HEC tp, HMA tp (long form differs only in case), HEC repeated counts once,
    # HP spurious; B: NFS tp; C: ETC missed.
    "abbreviations": (3, 1, 1),
    # A: 2001 == 2001; B: 1995 == 1995; C: 2010 missed.
    "inaugural_year": (2, 0, 1),
    # A: null/null -> nothing; B: 2003 vs 2002 -> fp + fn; C: null and no output -> nothing.
    "folded_year": (0, 1, 1),
    # A: HP1 HP2 HGT; B: "Formula N" spurious; C: "Super Touring" missed.
    "classes": (3, 1, 1),
    # A: HP1 -> HP found, HP2 -> HP missed (output parent null); B, C: none.
    "class_parents": (1, 0, 1),
    # A: HGT = Group GTX; B: none; C: key absent, not scored.
    "class_equivalents": (1, 0, 0),
    "sanctioning_bodies": (2, 0, 0),
    # A: output has a rule body the gold does not; B: the gold's rule body is missing.
    "rule_bodies": (0, 1, 1),
    # A: "Harbour GT Trophy" missed.
    "former_names": (0, 0, 1),
    # A: tp 7 (ORG 1 — "HMA" shares the canonical, so counts once — SERIES 2, EVENT 1,
    #    TEAM 1, CIRCUIT 1, LOCATION 1), fp 1 (TEAM "Bayview"), fn 2 (EVENT "Lakeside 6 Hours",
    #    CAR "Vireo V8"); MANUFACTURER "Vireo" is not scored: A's gold has no MANUFACTURER.
    # B: tp 7 (ORG, SERIES, EVENT via leading year, MANUFACTURER, CIRCUIT, PERSON, LOCATION),
    #    fp 2 (CAR "Halvard NF3", PERSON "Tarnvik").
    # C: fn 2 (SERIES, CIRCUIT).
    "entities": (14, 3, 4),
    # A: 2001, 2004 (twice in the output: counts once), "June 3-4, 2004" ~ "June 3–4, 2004";
    #    "1999" spurious. B: 1995, 2003, "12–13 August 1999". C: 2010 missed.
    "dates": (6, 1, 1),
    # A: "the following year" found; B: "the next season" (kind relative) spurious;
    # C: key absent, not scored.
    "relative_dates": (1, 1, 0),
    # A: "Harbour 500" found, "Lakeside 6 Hours" spurious.
    "see_also": (1, 1, 0),
    # A: found; B: one found, one spurious; C: missed.
    "categories": (2, 1, 1),
    # A: "Coupe d’Endurance du Port" == "Coupe d'Endurance du Port".
    "interlanguage": (1, 0, 0),
}

EXPECTED_LABELS = {
    "ORG": (2, 0, 0),
    "SERIES": (3, 0, 1),
    "EVENT": (2, 0, 1),  # A: "2004 Harbour 500" ~ "Harbour 500"; B: "1999 Grand Prix ..."
    "TEAM": (1, 1, 0),
    "MANUFACTURER": (1, 0, 0),  # only B annotates MANUFACTURER
    "CAR": (0, 1, 1),
    "CIRCUIT": (2, 0, 1),
    "PERSON": (1, 1, 0),
    "LOCATION": (2, 0, 0),
    "CLASS": (0, 0, 0),
}


def test_field_counts(report):
    assert list(report.fields) == list(EXPECTED_FIELDS)  # stable report order
    assert {name: counts(s) for name, s in report.fields.items()} == EXPECTED_FIELDS


def test_entity_label_counts(report):
    assert list(report.entity_labels) == list(EXPECTED_LABELS)
    assert {k: counts(s) for k, s in report.entity_labels.items()} == EXPECTED_LABELS
    total = [sum(c[i] for c in EXPECTED_LABELS.values()) for i in range(3)]
    assert tuple(total) == counts(report.fields["entities"])  # micro over labels


def test_scores_from_counts(report):
    entities = report.fields["entities"]
    assert entities["precision"] == pytest.approx(14 / 17, abs=1e-4)
    assert entities["recall"] == pytest.approx(14 / 18, abs=1e-4)
    assert entities["f1"] == pytest.approx(2 * 14 / (2 * 14 + 3 + 4), abs=1e-4)
    title = report.fields["title"]
    assert (title["precision"], title["recall"]) == (1.0, pytest.approx(2 / 3, abs=1e-4))
    assert title["f1"] == pytest.approx(0.8, abs=1e-4)
    # Nothing predicted, something missed: precision and F1 are 0, not undefined.
    assert report.fields["former_names"]["precision"] == 0.0
    assert report.fields["former_names"]["f1"] == 0.0
    # Nothing to find and nothing found.
    assert report.entity_labels["CLASS"]["f1"] == 1.0


def test_date_values(report):
    # A: "June 3–4, 2004" detected with end 2004-06-05 instead of 2004-06-04; 5 of 6 right.
    assert report.date_value_accuracy["dates"] == {
        "correct": 5, "detected": 6, "accuracy": round(5 / 6, 4)}
    assert report.date_value_accuracy["relative_dates"]["correct"] == 1
    wrong = report.misses[A]["dates"]["wrong_values"]
    assert wrong == [{"text": "June 3–4, 2004", "gold": ["2004-06-03", "2004-06-04"],
                      "output": [["2004-06-03", "2004-06-05"]]}]


def test_misses_and_spurious_per_document(report):
    assert report.misses[A]["entities.EVENT"] == {"missed": ["Lakeside 6 Hours"]}
    assert report.misses[A]["entities.TEAM"] == {"spurious": ["Bayview"]}
    assert report.misses[A]["class_parents"] == {"missed": [["HP2", "HP"]]}
    assert report.misses[B]["folded_year"] == {"missed": [2003], "spurious": [2002]}
    assert report.misses[B]["entities.PERSON"] == {"spurious": ["Tarnvik"]}
    assert "entities.MANUFACTURER" not in report.misses[A]  # label not annotated in A
    assert "title" not in report.misses[A]
    assert "interlanguage" not in report.misses[A]


def test_missing_output_is_listed_and_all_missed(report):
    assert [m["doc"] for m in report.missing_outputs] == [C]
    assert report.missing_outputs[0]["reason"] == "missing"
    assert report.misses[C]["title"] == {"missed": ["Eastern Touring Championship"]}
    assert report.misses[C]["entities.CIRCUIT"] == {"missed": ["Redcliff Park"]}
    assert report.documents == [A, B, C]


def test_unreadable_output_counts_as_missing(tmp_path):
    out = tmp_path / "out"
    shutil.copytree(OUTPUT, out)
    (out / "json" / "102_northern_formula.json").write_text("{not json", encoding="utf-8")
    broken = evaluate(GOLD, out)
    assert [m["doc"] for m in broken.missing_outputs] == [B, C]
    assert broken.missing_outputs[0]["reason"].startswith("unreadable")
    assert counts(broken.fields["title"]) == (1, 0, 2)


def test_folding():
    assert fold_text("Automobile Club de l’Ouest") == fold_text("automobile club de l'Ouest")
    assert fold_text("November 1–2,\u00a0 2008") == "november 1-2, 2008"
    assert fold_text("A — B") == "a - b"
    assert fold_title("The Harbour  Cup") == fold_title("harbour cup")
    assert fold_title("Theodore Cup") == "theodore cup"  # only the word "The"
    assert fold_name("2010 24 Hours of Le Mans") == fold_name("24 Hours of Le Mans")
    assert fold_name("1000 km of Harbour") == "1000 km of harbour"  # not a season year


def test_to_dict_is_json_and_stable(report):
    data = report.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert json.dumps(data) == json.dumps(evaluate(GOLD, OUTPUT).to_dict())
    assert list(data["fields"]) == list(EXPECTED_FIELDS)


def test_format_table(report):
    table = report.format_table(show_misses=False)
    lines = table.splitlines()
    assert lines[0].split() == ["field", "tp", "fp", "fn", "precision", "recall", "f1"]
    entities_row = next(line for line in lines if line.startswith("entities "))
    assert entities_row.split()[1:4] == ["14", "3", "4"]
    assert any(line.startswith("  CAR ") for line in lines)  # labels indented under entities
    assert len({len(line) for line in lines[2:8]}) == 1  # aligned columns
    assert "Lakeside 6 Hours" not in table
    assert "Lakeside 6 Hours" in report.format_table(show_misses=True)


def test_check_thresholds(report):
    assert check_thresholds(report, {"entities": 0.80, "title": 0.8}) == []
    failures = check_thresholds(report, {"entities": 0.9, "entities.CAR": 0.5,
                                         "dates.values": 0.9})
    assert failures == ["entities F1 0.800 < 0.900", "entities.CAR F1 0.000 < 0.500",
                        "dates.values value accuracy 0.833 < 0.900"]
    assert check_thresholds(report, {"entities.NOPE": 0.1}) == [
        "entities.NOPE F1 n/a (not evaluated) < 0.100"]


def test_load_gold_reads_seed_gold_and_skips_readme():
    golds = load_gold(SEED_GOLD)
    assert [g["doc"] for g in golds] == ["000_a130407e5d50b46e.txt", "001_76cd40ea1d91c0ad.txt"]
    assert golds[1]["class_equivalents"]["Class D"] == ["C1", "GTP"]


@pytest.mark.parametrize(("content", "message"), [
    ('{"title": "X"}', "x.json: key 'doc' is missing"),
    ('{"doc": "x.txt", "title": "X", "entities": {"ORG": ["A", 3]}}', "'entities.ORG[1]'"),
    ('{"doc": "x.txt", "title": "X", "inaugural_year": "early"}', "'inaugural_year'"),
    ('{"doc": "x.txt", "title": "X", "dates": [{"start": "2001"}]}', "'dates[0].text'"),
    ('{"doc": "x.txt", "title": "X", "abbreviations": ["ACO"]}', "'abbreviations'"),
    ('{"doc": "x.txt", ', "x.json: not valid JSON"),
    ('["x.txt"]', "x.json: must hold a JSON object"),
])
def test_malformed_gold_names_file_and_key(tmp_path, content, message):
    (tmp_path / "x.json").write_text(content, encoding="utf-8")
    with pytest.raises(EvaluationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_gold(tmp_path)


def test_duplicate_and_empty_gold(tmp_path):
    with pytest.raises(EvaluationError, match="no gold"):
        load_gold(tmp_path)
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text('{"doc": "same.txt", "title": "X"}', encoding="utf-8")
    with pytest.raises(EvaluationError, match="b.json: key 'doc' names the same document"):
        load_gold(tmp_path)


# ---- command line -------------------------------------------------------------------------

def run(capsys, *argv):
    code = main(["evaluate", str(GOLD), "--out", str(OUTPUT), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_table_passes(capsys):
    code, out, _ = run(capsys, "--min", "entities=0.8", "--min", "title=0.8")
    assert code == 0
    assert out.splitlines()[0].split()[0] == "field"


def test_cli_threshold_failure_exits_1(capsys):
    code, _, err = run(capsys, "--min", "entities=0.9")
    assert code == 1
    assert "entities F1 0.800 < 0.900" in err


def test_cli_json_parses(capsys):
    code, out, _ = run(capsys, "--json", "--min", "entities.CAR=0.5")
    assert code == 1
    data = json.loads(out)
    assert data["fields"]["entities"]["tp"] == 14
    assert data["threshold_failures"] == ["entities.CAR F1 0.000 < 0.500"]
    assert data["misses"][A]["entities.TEAM"] == {"spurious": ["Bayview"]}


def test_cli_misses_listed(capsys):
    _, out, _ = run(capsys, "--misses")
    assert "- Lakeside 6 Hours" in out and "+ Bayview" in out


@pytest.mark.parametrize("bad", ["entities=high", "entities", "nonsense=0.5", "entities=1.5"])
def test_cli_bad_min_exits_2(capsys, bad):
    code, _, err = run(capsys, "--min", bad)
    assert code == 2
    assert "--min" in err or "FIELD" in err or "error" in err


def test_cli_missing_gold_dir_exits_2(capsys, tmp_path):
    assert main(["evaluate", str(tmp_path / "nowhere"), "--out", str(OUTPUT)]) == 2
    assert "gold folder not found" in capsys.readouterr().err
    assert main(["evaluate"]) == 2  # GOLD_DIR is required


def _output_from_gold(gold):
    """The output record a perfect pipeline would write for a gold file."""
    parents, equivalents = gold.get("class_parents", {}), gold.get("class_equivalents", {})
    dates = [{"text": d["text"], "kind": "date", "value_start": d["start"], "value_end": d["end"]}
             for d in gold.get("dates", [])]
    dates += [{"text": d["text"], "kind": "relative", "value_start": d["start"],
               "value_end": d["end"]} for d in gold.get("relative_dates", [])]
    return {
        "title": gold["title"],
        "abbreviations": [{"short": s, "long": lf} for s, lf in gold["abbreviations"].items()],
        "series": {
            "inaugural_year": gold["inaugural_year"], "folded_year": gold["folded_year"],
            "sanctioning_bodies": gold["sanctioning_bodies"], "rule_bodies": gold["rule_bodies"],
            "former_names": gold["former_names"],
            "classes": [{"name": c, "parent": parents.get(c), "equivalents": equivalents.get(c, [])}
                        for c in gold["classes"]],
        },
        "entities": [{"text": name, "label": label, "canonical": None}
                     for label, names in gold["entities"].items() for name in names],
        "dates": dates,
        "see_also": gold["see_also"], "categories": gold["categories"],
        "interlanguage": gold["interlanguage"],
    }


def test_output_made_from_the_gold_scores_perfectly(tmp_path):
    # Guards the symmetry of the comparisons: the gold, written as output, matches itself.
    (tmp_path / "json").mkdir()
    for gold in load_gold(SEED_GOLD):
        path = tmp_path / "json" / f"{Path(gold['doc']).stem}.json"
        path.write_text(json.dumps(_output_from_gold(gold)), encoding="utf-8")
    perfect = evaluate(SEED_GOLD, tmp_path)
    assert perfect.missing_outputs == [] and perfect.misses == {}
    assert {name: s["f1"] for name, s in perfect.fields.items()} == dict.fromkeys(
        perfect.fields, 1.0)
    assert perfect.date_value_accuracy["dates"]["accuracy"] == 1.0
