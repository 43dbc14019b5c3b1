"""``python -m pipeline schema``: the reference of the outputs, written from the models.

* ``schema/document.schema.json``: the JSON Schema (draft 2020-12) of the per-document JSON,
  from the pydantic model :class:`~pipeline.contract.items.DocumentRecord`, with every field's
  description;
* ``schema/tables.md``: every Parquet table with every column (nested fields too), its Arrow
  type, whether it may be null and its description, from the row models of
  :mod:`pipeline.contract.tables`.

Both are checked in under ``docs/`` and a test keeps them equal to what this writes, so the
reference cannot drift from the code.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pyarrow as pa

from ..contract import ids
from ..contract.items import SCHEMA_VERSION, DocumentRecord
from ..contract.tables import TABLES, arrow_schema

__all__ = ["SCHEMA_FILES", "define_schema", "document_json_schema", "schema_files",
           "tables_markdown", "write_schema"]

SCHEMA_FILES = ("schema/document.schema.json", "schema/tables.md")


def document_json_schema() -> str:
    """The JSON Schema of a document's JSON file, as text."""
    schema = DocumentRecord.model_json_schema(mode="serialization")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$id": f"motorsport-pipeline/document/v{SCHEMA_VERSION}", **schema}
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def _type_name(arrow_type: pa.DataType) -> str:
    """A short name of an Arrow type: nested structs are listed field by field instead."""
    if isinstance(arrow_type, pa.StructType):
        return "struct"
    if isinstance(arrow_type, pa.MapType):
        return f"map<{_type_name(arrow_type.key_type)}, {_type_name(arrow_type.item_type)}>"
    if isinstance(arrow_type, pa.ListType):
        return f"list<{_type_name(arrow_type.value_type)}>"
    return str(arrow_type)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _column_rows(fields: list[pa.Field], prefix: str = "") -> list[str]:
    rows = []
    for field in fields:
        description = (field.metadata or {}).get(b"description", b"").decode("utf-8")
        rows.append(f"| `{prefix}{field.name}` | `{_type_name(field.type)}` | "
                    f"{'yes' if field.nullable else 'no'} | {_cell(description)} |")
        nested, suffix = field.type, ""
        while isinstance(nested, pa.ListType):
            nested, suffix = nested.value_type, suffix + "[]"
        if isinstance(nested, pa.StructType):
            rows += _column_rows(list(nested), f"{prefix}{field.name}{suffix}.")
    return rows


def _first_paragraph(text: str | None) -> str:
    paragraph = (text or "").strip().split("\n\n")[0]
    return " ".join(paragraph.split())


def tables_markdown() -> str:
    """The Markdown reference of every Parquet table and column."""
    generated = ("<!-- Written by `python -m pipeline schema` from pipeline/contract/tables.py; "
                 "do not edit (tests/tools/test_schema.py checks it is current). -->")
    about = (f"Schema version {SCHEMA_VERSION}. One file per table, "
             "`OUTPUT_DIR/parquet/<table>.parquet`. Every column's description is also in the "
             "Parquet schema (the Arrow field metadata key `description`), and every file's "
             "metadata holds `schema_version` and `pipeline_version` "
             "(`pyarrow.parquet.read_schema(path).metadata`). A nested field is listed under "
             "its column (`sections[].heading`: the `heading` of each element of `sections`).")
    keys = (f"Ids are the first {ids.ID_LENGTH} hex digits of a sha256 "
            "(`pipeline/contract/ids.py`): `article_id` of the source name (and page id), "
            "`series_id` and `entity_id` of the normalised name (NFKC, case folded, quotes and "
            "dashes folded, spaces collapsed), `class_id` of the series_id and the normalised "
            "class name. The JSON Schema of the per-document JSON is "
            "[`document.schema.json`](document.schema.json).")
    integers = ("Nullable integer columns are Arrow `int64` with nulls: read them with "
                "`pd.read_parquet(path, dtype_backend=\"pyarrow\")` to keep them integers in "
                "pandas (see the README, \"Querying the tables\").")
    lines = [
        "# Parquet tables: every column",
        "",
        generated,
        "",
        about,
        "",
        keys,
        "",
        integers,
        "",
        "| table | rows |",
        "| --- | --- |",
    ]
    for name, model in TABLES.items():
        lines.append(f"| [`{name}`](#{name}) | {_cell(_first_paragraph(model.__doc__))} |")
    for name, model in TABLES.items():
        lines += ["", f"## {name}", "", _first_paragraph(model.__doc__), "",
                  "| column | Arrow type | nullable | description |",
                  "| --- | --- | --- | --- |",
                  *_column_rows(list(arrow_schema(model)))]
    return "\n".join(lines) + "\n"


def schema_files() -> dict[str, str]:
    """Path under the docs folder -> content."""
    return dict(zip(SCHEMA_FILES, (document_json_schema(), tables_markdown()), strict=True))


def write_schema(out_dir: Path) -> list[Path]:
    """Write the schema files under ``out_dir``; return their paths."""
    written = []
    for name, text in schema_files().items():
        path = Path(out_dir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def define_schema(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write DOCS_DIR/schema/document.schema.json (the JSON Schema of the per-document JSON) "
        "and DOCS_DIR/schema/tables.md (every Parquet table's columns: Arrow type, nullable, "
        "description), from the pydantic models."
    )
    parser.add_argument("--out", dest="docs_dir", default="docs", metavar="DOCS_DIR",
                        help="folder to write schema/ into (default: docs/)")
    parser.set_defaults(handler=_schema)


def _schema(args: argparse.Namespace) -> int:
    for path in write_schema(Path(args.docs_dir)):
        print(f"wrote {path}")
    return 0
