"""The scratch file publishing spills to (pipeline/store/spill.py)."""

from __future__ import annotations

import errno

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


def test_a_full_disk_under_the_spill_is_told_as_a_full_disk(tmp_path):
    # A spill that cannot grow (a database of one page, as on a full disk) raises what a full
    # disk raises elsewhere in a run, which the run command reports as such.
    with pytest.raises(OSError, match="No space left on device") as raised, \
            Spill(tmp_path) as spill:
        spill.connection.execute("PRAGMA max_page_count = 1")
        files = JsonFiles(spill)
        for number in range(10_000):
            files.add(f"page{number}.json", staged=True)
    assert raised.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []
