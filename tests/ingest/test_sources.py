"""Listing and opening sources: only regular files under the input folder are read."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest

from pipeline.ingest.sources import (
    SourceRejected,
    fingerprint,
    list_sources,
    name_problem,
    open_source,
    read_source,
    rejected_fingerprint,
    source_name,
)

ARTICLE = b"= Nordic Touring Cup =\n\nThe Nordic Touring Cup ran from 1996 to 2001.\n"


@pytest.fixture()
def folder(tmp_path):
    """An input folder with every kind of entry, and a secret file outside it."""
    root = tmp_path / "in"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.txt").write_bytes(ARTICLE)
    (root / "sub" / "b.txt").write_bytes(ARTICLE)
    (root / "sub" / "deeper" / "c.md").write_bytes(ARTICLE)
    (root / ".hidden.txt").write_bytes(ARTICLE)
    (root / ".git").mkdir()
    (root / ".git" / "config").write_bytes(b"[core]")
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "passwords.txt").write_bytes(b"hunter2")
    (root / "link_out.txt").symlink_to(outside / "passwords.txt")
    (root / "folder_out").symlink_to(outside, target_is_directory=True)
    (root / "link_in.txt").symlink_to(root / "sub" / "b.txt")
    (root / "folder_in").symlink_to(root / "sub", target_is_directory=True)
    (root / "broken.txt").symlink_to(root / "missing.txt")
    (root / "loop_a.txt").symlink_to(root / "loop_b.txt")
    (root / "loop_b.txt").symlink_to(root / "loop_a.txt")
    os.mkfifo(root / "pipe.txt")
    return root


def names(root):
    return [source_name(p, root) for p in list_sources(root)]


def test_listing_keeps_every_suspect_entry_for_a_report_and_skips_hidden_ones(folder):
    assert names(folder) == [
        "a.txt", "broken.txt", "folder_out", "link_in.txt", "link_out.txt",
        "loop_a.txt", "loop_b.txt", "pipe.txt", "sub/b.txt", "sub/deeper/c.md",
    ]


def reason(path, root):
    with pytest.raises(SourceRejected) as info, open_source(path, root):
        pass
    return info.value.reason


def test_links_out_of_the_folder_are_rejected_and_links_inside_are_read(folder):
    assert "outside the input folder" in reason(folder / "link_out.txt", folder)
    assert "outside the input folder" in reason(folder / "folder_out", folder)
    with open_source(folder / "link_in.txt", folder) as handle:
        assert handle.read() == ARTICLE


def test_broken_links_loops_pipes_and_folders_are_named(folder):
    assert reason(folder / "broken.txt", folder).startswith("broken symlink")
    assert reason(folder / "loop_a.txt", folder).startswith("broken symlink")
    assert reason(folder / "pipe.txt", folder) == "a named pipe, not a regular file: not read"
    assert reason(folder / "sub", folder) == "a folder, not a regular file: not read"


def test_a_named_pipe_never_blocks_even_with_no_writer(folder):
    done = threading.Event()

    def attempt():
        with pytest.raises(SourceRejected):
            read_source(folder / "pipe.txt", folder, max_bytes=100)
        done.set()

    threading.Thread(target=attempt, daemon=True).start()
    assert done.wait(timeout=10), "opening a named pipe blocked"


def test_a_path_that_escapes_the_folder_is_rejected_even_without_links(folder):
    assert "outside the input folder" in reason(folder / ".." / "secret" / "passwords.txt",
                                                folder)


def test_reading_keeps_at_most_the_limit_but_hashes_everything(folder):
    big = folder / "big.txt"
    big.write_bytes(ARTICLE * 1000)
    whole = read_source(big, folder, max_bytes=len(ARTICLE) * 1000)
    assert whole.data == ARTICLE * 1000
    cut = read_source(big, folder, max_bytes=100)
    assert cut.data is None and cut.size == len(ARTICLE) * 1000
    assert cut.sha256 == whole.sha256 == hashlib.sha256(ARTICLE * 1000).hexdigest()
    assert fingerprint(big, folder) == whole.sha256


def test_a_rejected_path_has_a_stable_fingerprint_that_follows_its_reason(folder):
    first = fingerprint(folder / "link_out.txt", folder)
    assert first == fingerprint(folder / "link_out.txt", folder)
    assert first == rejected_fingerprint(reason(folder / "link_out.txt", folder))
    assert first != fingerprint(folder / "pipe.txt", folder)


def test_a_file_name_that_is_not_utf8_is_named_escaped_and_has_a_problem(tmp_path):
    path = tmp_path / os.fsdecode(b"caf\xe9.txt")
    path.write_bytes(ARTICLE)
    assert source_name(path, tmp_path) == "caf\\xe9.txt"
    assert "not valid UTF-8" in name_problem(path)
    assert name_problem(tmp_path / "café.txt") is None
    assert source_name(tmp_path / "sub" / "café.txt", tmp_path) == "sub/café.txt"


def test_a_folder_that_cannot_be_listed_is_reported_not_skipped(folder, monkeypatch):
    locked = folder / "sub" / "deeper"

    def refusing(real):
        def call(path=".", *args):
            if os.fspath(path) == os.fspath(locked):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real(path, *args)
        return call

    # Root can list any folder, so the refusal is simulated where os.walk and open_source ask.
    monkeypatch.setattr(os, "scandir", refusing(os.scandir))
    monkeypatch.setattr(os, "listdir", refusing(os.listdir))
    listed = names(folder)
    assert "sub/deeper" in listed and "sub/deeper/c.md" not in listed
    assert reason(locked, folder) == (
        "a folder that cannot be listed (Permission denied): its files are not read")


def test_an_output_folder_inside_the_input_folder_is_not_read(folder):
    (folder / "out" / "json").mkdir(parents=True)
    (folder / "out" / "json" / "a.json").write_text("{}")
    assert "out/json/a.json" in names(folder)
    listed = [source_name(p, folder) for p in list_sources(folder, exclude=folder / "out")]
    assert not any(n.startswith("out/") for n in listed) and "a.txt" in listed


def test_an_input_folder_that_cannot_be_listed_fails_the_listing(folder, monkeypatch):
    real = os.scandir

    def refuse(path=".", *args):
        if os.fspath(path) == os.fspath(folder):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path, *args)

    monkeypatch.setattr(os, "scandir", refuse)
    with pytest.raises(PermissionError):
        list_sources(folder)
