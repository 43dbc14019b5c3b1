"""The scratch file publishing spills to (pipeline/store/spill.py)."""

from __future__ import annotations

import pytest

from pipeline.store.spill import JsonFiles, Spill


def test_the_spill_is_a_temporary_file_of_its_folder_deleted_when_closed(tmp_path):
    with Spill(tmp_path / "state") as spill:
        (path,) = (tmp_path / "state").iterdir()
        # The name of a temporary file, which the next run removes if this one is killed.
        assert path.name.startswith(".publishing.") and path.name.endswith(".tmp")
        assert spill.path == path
    assert not path.exists()


def test_the_spill_is_deleted_when_publishing_fails(tmp_path):
    with pytest.raises(RuntimeError), Spill(tmp_path) as spill:
        JsonFiles(spill).add("a.json", staged=True)
        raise RuntimeError("publishing failed")
    assert list(tmp_path.iterdir()) == []


def test_json_files_know_what_was_written_and_what_is_still_staged(tmp_path):
    with Spill(tmp_path) as spill:
        files = JsonFiles(spill)
        for name, staged in [("b.json", True), ("a.json", False), ("sub/c#1.json", True),
                             ("é.json", True)]:
            files.add(name, staged=staged)
        assert "a.json" in files and "sub/c#1.json" in files
        assert "c#1.json" not in files and "A.json" not in files
        assert list(files.staged()) == ["b.json", "sub/c#1.json", "é.json"]


def test_json_files_in_memory_without_a_folder():
    with Spill() as spill:
        files = JsonFiles(spill)
        files.add("a.json", staged=False)
        assert "a.json" in files and list(files.staged()) == []
        assert spill.path is None
