"""A folder of the seeds plus hostile files: the seeds' outputs are unchanged, each hostile file
is one ``errors`` row with a clear reason, and the command exits 3 (partial) with no traceback.

The static hostile files are fixtures (``fixtures/hostile/``); links, a named pipe and an
oversized file are made here, since they cannot live in a repository.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from pipeline.extract import process_source
from pipeline.ingest.decoding import InputLimits
from pipeline.run import EXIT_PARTIAL, SerialExecutor, run_incremental
from pipeline.store.writer import document_json
from tests.conftest import FIXTURES, RAW, ROOT
from tests.store.test_incremental import published

SEEDS = sorted(p.name for p in RAW.glob("*.txt"))
# source -> (field, what its reason must say)
HOSTILE = {
    "hostile/empty.txt": ("size", "empty file: 0 bytes"),
    "hostile/whitespace_only.txt": ("source", "only whitespace"),
    "hostile/nul_byte.txt": ("encoding", "a NUL byte at offset"),
    "hostile/image.png": ("encoding", "binary content (PNG image)"),
    "hostile/article.txt.gz": ("encoding", "binary content (gzip-compressed)"),
    "hostile/document.pdf": ("encoding", "binary content (PDF document)"),
    "hostile/random_bytes.bin": ("encoding", "binary content"),
    "hostile/latin1.txt": ("encoding", "not valid UTF-8: byte 0xd6 at offset 2"),
    "hostile/utf16_without_bom.txt": ("encoding", "UTF-16 text without a byte-order mark"),
    "hostile/truncated_utf8.txt": ("encoding", "truncated: the file ends inside a UTF-8"),
    "hostile/terminal_log.txt": ("encoding", "are control characters"),
    "hostile/headings_only.txt": ("body", "no body text"),
    "hostile/oversized.txt": ("size", "too large: 4,194,305 bytes, the limit is 4,194,304"),
    "hostile/link_outside.txt": ("path", "outside the input folder"),
    "hostile/folder_outside": ("path", "outside the input folder"),
    "hostile/broken_link.txt": ("path", "broken symlink"),
    "hostile/link_loop.txt": ("path", "broken symlink"),
    "hostile/pipe.txt": ("path", "a named pipe, not a regular file"),
    "hostile/caf\\xe9.txt": ("path", "the file name is not valid UTF-8"),
}
VARIANTS = ("variants/crlf.txt", "variants/utf16_with_bom.txt")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-run") / "in"
    (root / "hostile").mkdir(parents=True)
    (root / "variants").mkdir()
    for name in SEEDS:
        shutil.copyfile(RAW / name, root / name)
    for path in (FIXTURES / "hostile").iterdir():
        shutil.copyfile(path, root / "hostile" / path.name)
    hostile = root / "hostile"
    article = (RAW / SEEDS[0]).read_bytes()
    limit = InputLimits.default().max_bytes
    (hostile / "oversized.txt").write_bytes((article * (limit // len(article) + 1))[:limit + 1])
    secret = root.parent / "secret"
    secret.mkdir()
    (secret / "passwords.txt").write_text("hunter2\n")
    (hostile / "link_outside.txt").symlink_to(secret / "passwords.txt")
    (hostile / "folder_outside").symlink_to(secret, target_is_directory=True)
    (hostile / "broken_link.txt").symlink_to(hostile / "gone.txt")
    (hostile / "link_loop.txt").symlink_to(hostile / "link_loop.txt")
    os.mkfifo(hostile / "pipe.txt")
    # A Latin-1 file name: bytes that are not UTF-8 cannot name a source in the outputs.
    (hostile / os.fsdecode(b"caf\xe9.txt")).write_bytes(article)
    text = article.decode("utf-8")
    (root / "variants" / "crlf.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    (root / "variants" / "utf16_with_bom.txt").write_bytes(
        codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert len(HOSTILE) >= 10
    return root


@pytest.fixture(scope="module")
def run_in_process(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile-out")
    summary = run_incremental(folder, out, executor=SerialExecutor())
    return out, summary


def test_each_hostile_file_is_one_error_row_with_a_clear_reason(run_in_process):
    out, summary = run_in_process
    errors = pq.read_table(out / "parquet" / "errors.parquet").to_pylist()
    by_source: dict[str, list[dict]] = {}
    for row in errors:
        by_source.setdefault(row["source"], []).append(row)
    assert set(by_source) == set(HOSTILE)
    for source, (field, reason) in HOSTILE.items():
        [row] = by_source[source]
        assert (row["stage"], row["field"]) == ("read", field), source
        assert reason in row["reason"], (source, row["reason"])
    assert summary.documents_failed == len(HOSTILE)
    assert summary.exit_code == EXIT_PARTIAL


def test_the_seeds_outputs_are_unchanged_by_their_hostile_neighbours(run_in_process):
    out, _ = run_in_process
    for name in SEEDS:
        alone = process_source((RAW / name).read_bytes(), name)
        written = (out / "json" / name.replace(".txt", ".json")).read_bytes()
        assert written == document_json(alone.record), name
    documents = pq.read_table(out / "parquet" / "documents.parquet").column("source")
    assert sorted(documents.to_pylist()) == sorted([*SEEDS, *VARIANTS])
    assert sorted(p.relative_to(out / "json").as_posix()
                  for p in (out / "json").rglob("*.json")) == sorted(
        [n.replace(".txt", ".json") for n in [*SEEDS, *VARIANTS]])


def test_crlf_and_utf16_copies_give_the_same_findings_at_exact_offsets(folder, run_in_process):
    out, _ = run_in_process
    seed = json.loads((out / "json" / SEEDS[0].replace(".txt", ".json")).read_bytes())
    for source, encoding in zip(VARIANTS, ("utf-8", "utf-16")):
        variant = json.loads((out / "json" / source.replace(".txt", ".json")).read_bytes())
        text = (folder / source).read_bytes().decode(encoding).removeprefix("\ufeff")
        for key in ("entities", "dates", "abbreviations"):
            assert [i.get("text", i.get("short")) for i in variant[key]] == [
                i.get("text", i.get("short")) for i in seed[key]], (source, key)
            for item in variant[key]:
                assert text[item["start_char"]:item["end_char"]] == item.get(
                    "text", item.get("short"))
        assert variant["series"] == seed["series"]


def test_an_unchanged_hostile_folder_is_not_read_again(folder, run_in_process, tmp_path):
    out, _ = run_in_process
    before = published(out)
    again = run_incremental(folder, out, executor=SerialExecutor())
    assert (again.extracted, again.documents_failed) == (0, len(HOSTILE))
    assert published(out) == before


def test_the_command_exits_3_without_a_traceback_and_writes_the_same_outputs(
    folder, run_in_process, tmp_path
):
    out = tmp_path / "out"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(folder), "--out", str(out), "--quiet"],
        check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == EXIT_PARTIAL, done.stderr[-3000:]
    assert "Traceback" not in done.stderr + done.stdout
    assert f"documents failed:  {len(HOSTILE)}" in done.stdout
    assert f"what was rejected, and why: {out / 'parquet' / 'errors.parquet'}" in done.stdout
    assert published(out) == published(run_in_process[0])
