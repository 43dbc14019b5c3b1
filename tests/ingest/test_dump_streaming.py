"""A MediaWiki dump is streamed, page by page: a dump larger than ``--max-bytes`` is read (from
the file, compressed or not), the limit applies to each page, and documents come one at a time."""

from __future__ import annotations

import bz2
import functools
import io
from contextlib import contextmanager

import pyarrow.parquet as pq
import pytest

from pipeline.extract import iter_file_results
from pipeline.ingest.decoding import InputLimits, ReaderError
from pipeline.ingest.formats import LargeFile, read_source_documents
from pipeline.ingest.sources import open_source, read_source
from pipeline.run import SerialExecutor, run_incremental
from pipeline.tools.wikitext_dump import WikiPage, dump_bytes

LIMIT = 2_000


def _page(page_id: int, words: int) -> WikiPage:
    sentence = f"The Valdoria Cup {page_id} is a touring car series founded in 1990. "
    text = "'''Valdoria Cup'''\n\n" + sentence * max(1, words // 12)
    return WikiPage(page_id, f"Valdoria Cup {page_id}", text)


def _dump(big_page: int | None = None, pages: int = 12) -> bytes:
    """A dump of small pages (about 800 bytes of text each), larger than LIMIT in all;
    ``big_page``'s text is beyond LIMIT."""
    return dump_bytes([_page(n, 800 if n == big_page else 100) for n in range(1, pages + 1)])


def _limits(max_bytes: int = LIMIT) -> InputLimits:
    return InputLimits(**{**InputLimits.default().model_dump(), "max_bytes": max_bytes})


def _large_file(path, root) -> LargeFile:
    """The file as a run hands over one beyond the limit (a compressed dump may fit; it is read
    from the file all the same)."""
    content = read_source(path, root, LIMIT)
    return LargeFile(size=content.size, sha256=content.sha256,
                     open=functools.partial(open_source, path, root))


@pytest.mark.parametrize("compress", [False, True], ids=["xml", "bz2"])
def test_a_dump_larger_than_the_limit_is_read_page_by_page(tmp_path, compress):
    data = _dump(big_page=5)
    if compress:
        data = bz2.compress(data)
    path = tmp_path / ("dump.xml.bz2" if compress else "dump.xml")
    path.write_bytes(data)
    assert len(_dump(big_page=5)) > LIMIT
    large = _large_file(path, tmp_path)
    # Both ways of holding a dump: read from its file, or from the bytes a run loaded (a
    # compressed dump within the limit that expands beyond it).
    for held in (large, data) if compress else (large,):
        _assert_pages_with_one_rejected(read_source_documents(held, path.name, _limits()),
                                        path.name)


def _assert_pages_with_one_rejected(read, name):
    assert read.format == "mediawiki-xml" and read.warnings == []
    parts = list(read.documents)
    assert len(parts) == 12
    kept = [p for p in parts if p.document is not None]
    assert len(kept) == 11 and all(p.error is None for p in kept)
    (rejected,) = [p for p in parts if p.error is not None]
    assert rejected.source == f"{name}#5" and rejected.error.field == "size"
    assert rejected.error.reason.startswith("too large: the page's text is")
    assert "(--max-bytes)" in rejected.error.reason
    assert kept[0].document.title.text == "Valdoria Cup 1"


def test_a_large_file_that_is_no_dump_is_still_rejected_as_too_large(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("= Valdoria Cup =\n\n" + "The cup is a series. " * 200, encoding="utf-8")
    with pytest.raises(ReaderError, match="too large"):
        read_source_documents(_large_file(path, tmp_path), path.name, _limits())


def test_documents_are_read_lazily_as_they_are_iterated():
    data = _dump(pages=200)
    consumed: list[int] = []

    class Counting(io.BytesIO):
        def read(self, size=-1):
            chunk = super().read(size)
            consumed.append(len(chunk))
            return chunk

    @contextmanager
    def opened():
        consumed.clear()
        yield Counting(data)

    large = LargeFile(size=len(data), sha256="x", open=opened)
    read = read_source_documents(large, "dump.xml", _limits(len(data) - 1))
    first = next(iter(read.documents))
    assert first.document.title.text == "Valdoria Cup 1"
    # Only the start of the stream has been read for the first page.
    assert sum(consumed) < len(data) / 4


def test_a_run_over_a_dump_beyond_the_limit_keeps_its_pages_and_rejects_the_large_one(
        tmp_path, counted):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "dump.xml").write_bytes(_dump(big_page=3, pages=4))
    out = tmp_path / "out"
    summary = run_incremental(corpus, out, executor=SerialExecutor(), limits=_limits())
    assert (summary.documents_read, summary.documents_written, summary.documents_failed) == (
        4, 3, 1)
    assert summary.exit_code == 3
    assert counted == ["dump.xml#1", "dump.xml#2", "dump.xml#4"]
    errors = pq.read_table(out / "parquet" / "errors.parquet").to_pylist()
    assert [(e["source"], e["stage"], e["field"]) for e in errors] == [
        ("dump.xml#3", "read", "size")]
    assert sorted(p.name for p in (out / "json").iterdir()) == [
        "dump#1.json", "dump#2.json", "dump#4.json"]


def test_a_dump_cut_short_is_rejected_before_any_page_is_extracted():
    data = _dump(pages=4)
    cut = data[:data.index(b"<page>", len(data) // 2) + 20]
    results = list(iter_file_results(cut, "dump.xml", _limits(10 * len(data))))
    assert len(results) == 1
    assert results[0].source == "dump.xml" and results[0].errors[0].field == "format"
