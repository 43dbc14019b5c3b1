"""Plain pieces of a run that the flow wires together: listing sources, batching, summary."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from pydantic import BaseModel


def list_sources(input_dir: Path) -> list[Path]:
    """Every regular, non-hidden file below ``input_dir``, in a stable order.

    Files are not filtered by extension: a stray binary file is reported as an error row rather
    than silently skipped.
    """
    root = Path(input_dir)
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def batches(items: Sequence, size: int) -> Iterator[list]:
    if size < 1:
        raise ValueError("batch size must be at least 1")
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


class RunSummary(BaseModel):
    input_dir: str
    output_dir: str
    documents_read: int
    documents_written: int
    documents_failed: int
    error_rows: int
    rows: dict[str, int]

    @property
    def exit_code(self) -> int:
        return 1 if self.documents_failed else 0

    def format(self) -> str:
        lines = [
            f"documents read:    {self.documents_read}",
            f"documents written: {self.documents_written}",
            f"documents failed:  {self.documents_failed}",
            f"output:            {self.output_dir}",
            "rows per table:",
        ]
        lines += [f"  {name:<14}{count:>8}" for name, count in self.rows.items()]
        return "\n".join(lines)
