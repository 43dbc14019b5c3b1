"""The output digests: the same corpus gives the same digests, and --check names a changed file."""

from __future__ import annotations

import json

from pipeline.tools.digest import corpus_digests, main
from tests.conftest import RAW


def test_check_passes_on_the_same_outputs_and_names_a_changed_file(tmp_path, capsys):
    saved = tmp_path / "digests.json"
    assert main([str(RAW), "--save", str(saved)]) == 0
    digests = json.loads(saved.read_text())[str(RAW)]
    assert any(name.startswith("json/") for name in digests)
    assert any(name.startswith("parquet/") for name in digests)
    assert main([str(RAW), "--check", str(saved)]) == 0
    assert "identical" in capsys.readouterr().out

    name = min(digests)
    digests[name] = "0" * 64
    saved.write_text(json.dumps({str(RAW): digests}))
    assert main([str(RAW), "--check", str(saved)]) == 1
    assert f"differs: {RAW}: {name}" in capsys.readouterr().out


def test_digests_do_not_move_with_the_pipeline_version(monkeypatch):
    # The tables carry the pipeline version; a speed-up changes the code, not the outputs.
    from pipeline.store import writer

    before = corpus_digests(str(RAW))
    monkeypatch.setattr(writer, "current_pipeline_version", lambda: "0123456789abcdef")
    assert corpus_digests(str(RAW)) == before
