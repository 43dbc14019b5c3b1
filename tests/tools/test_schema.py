"""``python -m pipeline schema``: the checked-in reference under docs/schema/ is what the
command writes from the models now."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from pipeline.cli import main
from pipeline.contract.items import DocumentRecord
from pipeline.contract.tables import TABLES, arrow_schema
from pipeline.tools.schema import SCHEMA_FILES, schema_files, tables_markdown
from tests.conftest import FIXTURES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_checked_in_schema_files_are_current():
    for name, text in schema_files().items():
        assert (DOCS / name).read_text(encoding="utf-8") == text, (
            f"docs/{name} is out of date: run `python -m pipeline schema`")


def test_the_command_writes_both_files(tmp_path, capsys):
    assert main(["schema", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for name in SCHEMA_FILES:
        assert (tmp_path / name).read_text(encoding="utf-8") == schema_files()[name]
        assert f"wrote {tmp_path / name}" in out


def test_the_json_schema_describes_every_field_and_accepts_a_document():
    schema = json.loads(schema_files()["schema/document.schema.json"])
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["properties"]) == set(DocumentRecord.model_fields)
    assert "article_id" in schema["required"]
    for definition in [schema, *schema["$defs"].values()]:
        for name, prop in definition.get("properties", {}).items():
            assert prop.get("description"), name


def test_the_tables_reference_lists_every_column_with_type_and_description():
    markdown = tables_markdown()
    for name, model in TABLES.items():
        assert f"\n## {name}\n" in markdown
        section = markdown.split(f"\n## {name}\n")[1].split("\n## ")[0]
        for field in arrow_schema(model):
            row = next(line for line in section.splitlines()
                       if line.startswith(f"| `{field.name}` |"))
            cells = [c.strip() for c in row.strip("|").split("|")]
            assert cells[2] == ("yes" if field.nullable else "no")
            assert cells[3], f"{name}.{field.name} has no description"
    assert "| `sections[].heading` | `string` | no |" in markdown
    assert "| `start_date` | `date32[day]` | yes |" in markdown
    assert "| `roles` | `list<string>` | no |" in markdown
    assert pa.int64() == arrow_schema(TABLES["series"]).field("inaugural_year").type


def test_the_seed_documents_are_valid_under_the_json_schema():
    # jsonschema comes with Prefect; the expected seed outputs are real documents.
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(schema_files()["schema/document.schema.json"])
    validator = jsonschema.Draft202012Validator(schema)
    documents = sorted((FIXTURES / "expected" / "json").glob("*.json"))
    assert documents
    for path in documents:
        document = json.loads(path.read_text(encoding="utf-8"))
        assert not list(validator.iter_errors(document)), path.name
    assert list(validator.iter_errors({**document, "article_id": "not hex"}))
