from __future__ import annotations

import hashlib
import json
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.contract.ids import article_id, class_id, name_id
from pipeline.contract.items import SCHEMA_VERSION, DocumentRecord
from pipeline.contract.tables import TABLES, DocumentResult, ErrorRow, arrow_schema
from pipeline.store.writer import FILE_MODE, TableWriters, json_names, write_outputs

TEXT = "The Baltic Touring Trophy (BTT) began in 1998 at Vastervik Raceway."
DOC_ID = hashlib.sha256(TEXT.encode()).hexdigest()


def _record() -> DocumentRecord:
    return DocumentRecord.model_validate(
        {
            "doc_id": DOC_ID,
            "source": "sub/btt.txt",
            "title": "Baltic Touring Trophy",
            "title_source": "heading",
            "infobox": {"Inaugural": "1998"},
            "sections": [{"heading": "History", "level": 2, "start_char": 0, "end_char": 10}],
            "abbreviations": [{"short": "BTT", "long": "Baltic Touring Trophy",
                               "start_char": 27, "end_char": 30}],
            "series": {
                "name": "Baltic Touring Trophy", "aliases": ["BTT"], "inaugural_year": 1998,
                "sanctioning_bodies": ["Baltic Motor Federation"],
                "classes": [{"name": "T1", "parent": "T", "equivalents": ["Group A"]}],
            },
            "entities": [{"text": "Vastervik Raceway", "label": "CIRCUIT", "start_char": 49,
                          "end_char": 66, "canonical": "Vastervik Raceway"}],
            "dates": [{"text": "1998", "start_char": 41, "end_char": 45, "kind": "year",
                       "value_start": "1998", "value_end": "1998", "granularity": "year"}],
            "see_also": ["Nordic Endurance Cup"],
            "interlanguage": {"sv": "Baltiska Touringtrofén"},
        },
        context={"source": TEXT},
    )


def _results() -> list[DocumentResult]:
    rejected = DocumentResult(
        source="broken.txt",
        errors=[ErrorRow(doc_id="", source="broken.txt", stage="read", field="encoding",
                         reason="not valid UTF-8")],
    )
    return [DocumentResult(source="sub/btt.txt", doc_id=DOC_ID, record=_record()), rejected]


def test_json_round_trip_and_key_order(tmp_path):
    write_outputs(_results(), tmp_path)
    path = tmp_path / "json" / "sub" / "btt.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data)[:7] == ["schema_version", "doc_id", "source", "article_id", "title",
                              "title_source", "infobox"]
    assert data["article_id"] == article_id("sub/btt.txt")
    assert DocumentRecord.model_validate(data) == _record()
    assert not (tmp_path / "json" / "broken.json").exists()


def test_parquet_tables_read_back_with_declared_types(tmp_path):
    counts = write_outputs(_results(), tmp_path)
    assert counts == {"documents": 1, "series": 1, "classes": 1, "abbreviations": 1,
                      "entities": 1, "dates": 1, "relations": 5, "errors": 1,
                      "series_index": 2}
    for name, model in TABLES.items():
        table = pq.read_table(tmp_path / "parquet" / f"{name}.parquet")
        assert table.schema.equals(arrow_schema(model)), name
        assert table.num_rows == counts[name]
    entities = pq.read_table(tmp_path / "parquet" / "entities.parquet").to_pylist()
    assert entities[0]["canonical"] == "Vastervik Raceway"
    assert entities[0]["source"] == "sub/btt.txt"
    docs = pq.read_table(tmp_path / "parquet" / "documents.parquet").to_pylist()
    assert docs[0]["infobox"] == [("Inaugural", "1998")]
    relations = {(r["subject"], r["relation"], r["object"])
                 for r in pq.read_table(tmp_path / "parquet" / "relations.parquet").to_pylist()}
    assert ("T1", "class_equivalent", "Group A") in relations
    assert ("Baltic Touring Trophy", "sanctioned_by", "Baltic Motor Federation") in relations


def test_empty_tables_keep_their_schema(tmp_path):
    write_outputs([], tmp_path)
    for name, model in TABLES.items():
        table = pq.read_table(tmp_path / "parquet" / f"{name}.parquet")
        assert table.num_rows == 0
        assert table.schema.equals(arrow_schema(model))


def test_outputs_are_deterministic_and_leave_no_temporary_files(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    write_outputs(_results(), first)
    write_outputs(list(reversed(_results())), second)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    assert not [p for p in first.rglob("*.tmp")]


def test_outputs_get_the_usual_file_mode(tmp_path):
    write_outputs(_results(), tmp_path)
    path = tmp_path / "parquet" / "entities.parquet"
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == FILE_MODE == 0o666 & ~umask


def test_json_names_follow_the_contract_and_never_clash():
    names = json_names(["000_abc.txt", "sub/000_abc.txt", "notes", "a.txt", "a.md", "b.txt",
                        "C.txt", "c.txt"])
    assert names["000_abc.txt"] == "000_abc.json"  # output.md: json/<stem>.json
    assert names["sub/000_abc.txt"] == "sub/000_abc.json"  # folders keep equal stems apart
    assert names["notes"] == "notes.json"
    assert names["b.txt"] == "b.json"
    # Same stem in one folder: the whole name is kept.
    assert (names["a.txt"], names["a.md"]) == ("a.txt.json", "a.md.json")
    # Names differing only by case would clash on a case-insensitive file system.
    assert names["C.txt"].startswith("C.txt.") and names["c.txt"].startswith("c.txt.")
    assert len({n.casefold() for n in names.values()}) == len(names)


def test_json_names_resolve_a_clash_left_by_whole_names():
    # The stem name of "x.txt.md" is "x.txt.json", also the whole-name form of "x.txt".
    names = json_names(["x.txt", "x.md", "x.txt.md"])
    assert names["x.md"] == "x.md.json"
    assert len(set(names.values())) == 3
    assert all(n.startswith(f"{s}.") and n.endswith(".json") for s, n in names.items())


@pytest.mark.parametrize("source", ["../escape.txt", "/etc/passwd", "sub/../../x.txt", ""])
def test_json_names_refuse_a_source_name_that_is_a_path_out(source):
    with pytest.raises(ValueError, match="unsafe source name"):
        json_names([source])


def test_outputs_hold_no_executable_and_no_pickle(tmp_path):
    write_outputs(_results(), tmp_path)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert path.stat().st_mode & 0o111 == 0, path
        assert path.suffix in (".json", ".parquet"), path
        assert not path.read_bytes().startswith(b"\x80"), path  # pickle protocol 2+
    for table in (tmp_path / "parquet").glob("*.parquet"):
        metadata = pq.read_schema(table).metadata or {}
        assert b"pandas" not in metadata  # no pandas metadata, let alone pickled objects


def test_every_row_carries_its_ids_and_the_run_columns(tmp_path):
    write_outputs(_results(), tmp_path, pipeline_version="0123456789abcdef")
    tables = {name: pq.read_table(tmp_path / "parquet" / f"{name}.parquet").to_pylist()
              for name in TABLES}
    series_id = name_id("Baltic Touring Trophy")
    assert tables["series"][0]["series_id"] == series_id
    assert tables["documents"][0]["article_id"] == article_id("sub/btt.txt")
    assert tables["errors"][0]["article_id"] == article_id("broken.txt")
    assert tables["classes"][0]["class_id"] == class_id(series_id, "T1")
    assert tables["entities"][0]["entity_id"] == name_id("Vastervik Raceway")
    for name, rows in tables.items():
        assert {(r["pipeline_version"], r["schema_version"]) for r in rows} == {
            ("0123456789abcdef", SCHEMA_VERSION)}, name
        metadata = pq.read_schema(tmp_path / "parquet" / f"{name}.parquet").metadata
        assert metadata[b"pipeline_version"] == b"0123456789abcdef"
        assert metadata[b"schema_version"] == str(SCHEMA_VERSION).encode()


def test_relations_carry_ids_of_both_ends_and_where_the_object_is_named(tmp_path):
    write_outputs(_results(), tmp_path, pipeline_version="v")
    relations = {r["relation"]: r for r in
                 pq.read_table(tmp_path / "parquet" / "relations.parquet").to_pylist()}
    series_id = name_id("Baltic Touring Trophy")
    alias = relations["alias"]
    assert (alias["subject_kind"], alias["subject_id"]) == ("series", series_id)
    assert (alias["object_kind"], alias["object_id"]) == ("series", name_id("BTT"))
    # The alias is named where the abbreviation defines it.
    assert TEXT[alias["object_start_char"]:alias["object_end_char"]] == "BTT"
    body = relations["sanctioned_by"]
    assert (body["object_kind"], body["object_id"]) == ("entity",
                                                        name_id("Baltic Motor Federation"))
    assert body["object_start_char"] is None  # no mention of it in the text
    assert relations["has_class"]["object_id"] == class_id(series_id, "T1")
    parent = relations["class_parent"]
    assert (parent["subject_id"], parent["object_id"]) == (class_id(series_id, "T1"),
                                                           class_id(series_id, "T"))
    assert relations["class_equivalent"]["object_id"] == name_id("Group A")


def test_every_column_has_a_description_in_the_parquet_schema(tmp_path):
    write_outputs([], tmp_path, pipeline_version="v")

    def undescribed(fields, prefix=""):
        for f in fields:
            if not (f.metadata or {}).get(b"description"):
                yield prefix + f.name
            child = f.type
            while isinstance(child, (pa.ListType, pa.MapType)):
                child = child.value_type if isinstance(child, pa.ListType) else child.item_type
            if isinstance(child, pa.StructType):
                yield from undescribed(list(child), f"{prefix}{f.name}.")

    for name in TABLES:
        schema = pq.read_schema(tmp_path / "parquet" / f"{name}.parquet")
        assert not list(undescribed(schema)), name


def test_tables_are_written_in_row_groups_column_by_column(tmp_path, monkeypatch):
    monkeypatch.setattr(TableWriters, "ROW_GROUP_ROWS", 2)
    results = [DocumentResult.rejected(f"bad{i}.txt", None, "read", "size", "empty")
               for i in range(5)]
    write_outputs(results, tmp_path, pipeline_version="v")
    table = pq.ParquetFile(tmp_path / "parquet" / "errors.parquet")
    assert [table.metadata.row_group(i).num_rows for i in range(table.num_row_groups)] == [
        2, 2, 1]
    rows = table.read().to_pylist()
    assert [r["source"] for r in rows] == [f"bad{i}.txt" for i in range(5)]
    assert {r["pipeline_version"] for r in rows} == {"v"}


def test_rows_kept_as_arrow_arrays_before_their_row_group_give_the_same_bytes(
    tmp_path, monkeypatch
):
    # Buffered rows become Arrow arrays every ARROW_BATCH_ROWS rows (memory), and are joined
    # when their row group is written: the files are byte for byte those of rows written at
    # once, row groups included.
    monkeypatch.setattr(TableWriters, "ROW_GROUP_ROWS", 5)
    results = [DocumentResult.rejected(f"bad{i:02}.txt", None, "read", "size", f"empty {i}")
               for i in range(12)]
    results.append(DocumentResult(source="sub/btt.txt", doc_id=DOC_ID, record=_record()))
    files = {}
    for batch_rows in (1_000_000, 2):
        monkeypatch.setattr(TableWriters, "ARROW_BATCH_ROWS", batch_rows)
        out = tmp_path / str(batch_rows)
        write_outputs(results, out, pipeline_version="v")
        files[batch_rows] = {name: (out / "parquet" / f"{name}.parquet").read_bytes()
                             for name in TABLES}
    assert files[2] == files[1_000_000]
    errors = pq.ParquetFile(tmp_path / "2" / "parquet" / "errors.parquet")
    assert [errors.metadata.row_group(i).num_rows for i in range(errors.num_row_groups)] == [
        5, 5, 2]


# --- one serialisation per document, and writes on several threads -------------------------


def test_document_json_is_what_json_dumps_with_an_indent_writes():
    # pydantic's serialiser in place of json.dumps: the same bytes, escapes and all.
    from pipeline.store.writer import document_json

    record = _record().model_copy(update={
        "title": 'Quotes " and \\ back\\slash, tab\t, nul\x00, unit\x1f, del\x7f',
        "see_also": ["Circuit de la Sarthe", "Nürburgring 24 Stunden", "鈴鹿", "🏁", "\u2028"],
        "infobox": {"Länge": "13,6 km", "": "empty key"},
    })
    expected = json.dumps(record.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    assert document_json(record) == expected.encode("utf-8")


def test_concurrent_writes_are_all_done_when_wait_returns(tmp_path):
    from pipeline.store.writer import ConcurrentWrites, atomic_write_bytes

    with ConcurrentWrites() as writes:
        for number in range(3 * ConcurrentWrites.MAX_PENDING):
            writes.submit(atomic_write_bytes, tmp_path / f"{number}.txt", b"%d" % number)
            assert len(writes.pending) <= ConcurrentWrites.MAX_PENDING  # memory is bounded
        writes.wait()
        assert not writes.pending
        assert sorted(int(p.stem) for p in tmp_path.iterdir()) == list(
            range(3 * ConcurrentWrites.MAX_PENDING))


def test_concurrent_writes_raise_the_first_error_once_the_others_have_ended(tmp_path):
    import threading
    import time

    from pipeline.store.writer import ConcurrentWrites

    ended = []
    lock = threading.Lock()

    def write(number: int) -> None:
        if number == 3:
            raise OSError(28, "No space left on device")
        time.sleep(0.01)
        with lock:
            ended.append(number)

    writes = ConcurrentWrites()
    with pytest.raises(OSError, match="No space left"), writes:
        for number in range(10):
            writes.submit(write, number)
    # Nothing is still writing when the error reaches the caller (it cleans up after it).
    assert sorted(ended) == [n for n in range(10) if n != 3]
    assert not writes.pending


def test_concurrent_writes_hand_each_result_back_on_the_submitting_thread(tmp_path):
    # Publishing records which JSON files were staged in an SQLite spill that only its own
    # thread may use: results come back through ``then`` on the thread that submitted, also
    # for the writes that succeeded while another failed.
    import threading

    from pipeline.store.writer import ConcurrentWrites

    def write(number: int) -> int:
        if number == 5:
            raise OSError(28, "No space left on device")
        return number * 10

    seen = []
    writes = ConcurrentWrites()
    with pytest.raises(OSError), writes:
        for number in range(10):
            writes.submit(write, number, then=lambda result: seen.append(
                (result, threading.get_ident())))
    assert sorted(result for result, _ in seen) == [n * 10 for n in range(10) if n != 5]
    assert {thread for _, thread in seen} == {threading.get_ident()}


def test_series_index_row_groups_end_by_the_articles_their_rows_list(tmp_path, monkeypatch):
    # A name's row lists every article naming it: a row group of a few names can hold a whole
    # dump's pages, so it ends once its rows list SERIES_INDEX_GROUP_ARTICLES articles; the
    # rows are the same.
    results = [DocumentResult(source=f"sub/btt{i}.txt", doc_id=DOC_ID,
                              record=_record().model_copy(update={
                                  "source": f"sub/btt{i}.txt",
                                  "article_id": article_id(f"sub/btt{i}.txt")}))
               for i in range(5)]
    rows, groups = {}, {}
    for limit in (1_000_000, 5):
        monkeypatch.setattr(TableWriters, "SERIES_INDEX_GROUP_ARTICLES", limit)
        out = tmp_path / str(limit)
        write_outputs(results, out, pipeline_version="v")
        table = pq.ParquetFile(out / "parquet" / "series_index.parquet")
        groups[limit] = [table.metadata.row_group(i).num_rows
                         for i in range(table.num_row_groups)]
        rows[limit] = table.read().to_pylist()
    assert groups == {1_000_000: [2], 5: [1, 1]}  # each row lists the 5 articles
    assert rows[5] == rows[1_000_000] and len(rows[5][0]["article_ids"]) == 5
