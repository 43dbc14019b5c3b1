"""A deterministic synthetic corpus for the benchmark, grown from the articles in ``raw/``.

Each synthetic document is one of the source articles with, drawn from ``random.Random(seed)``:
its years shifted by a common offset (so inaugural < folded still holds), names of countries,
places, makers, teams and series words swapped within their family, class names swapped within
their family (LMP1 <-> LMP3, GT1 <-> GT4...), and the paragraphs of each section after the first
shuffled. The same seed gives byte-identical files; the first N documents of a larger corpus are
the corpus of N, so sizes can be compared.

The vocabulary below is benchmark tooling, not extraction knowledge, so it lives here rather
than in ``pipeline/data/`` (whose fingerprint invalidates cached extraction results).
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..ingest.reader import InputLimits, ReaderError, read_bytes
from ..ingest.sources import SourceRejected, list_sources, read_source, source_name

__all__ = ["Template", "load_templates", "synthetic_texts", "vary", "write_corpus"]

# Families of interchangeable names. An entry is a tuple of forms (name, adjective...); a swap maps
# every form of one entry to the same form of another, so "Japan"/"Japanese" move together.
FAMILIES: dict[str, list[tuple[str, ...]]] = {
    "country": [
        ("Japan", "Japanese"), ("France", "French"), ("Germany", "German"),
        ("Italy", "Italian"), ("Brazil", "Brazilian"), ("Australia", "Australian"),
        ("Spain", "Spanish"), ("Sweden", "Swedish"), ("Argentina", "Argentine"),
        ("Mexico", "Mexican"), ("Canada", "Canadian"), ("China", "Chinese"),
        ("Belgium", "Belgian"), ("Austria", "Austrian"), ("Portugal", "Portuguese"),
    ],
    "place": [
        ("Okayama",), ("Shanghai",), ("Fuji",), ("Suzuka",), ("Sepang",), ("Zhuhai",),
        ("Monza",), ("Interlagos",), ("Hockenheim",), ("Zolder",), ("Jarama",), ("Estoril",),
    ],
    "maker": [
        ("Toyota",), ("Nissan",), ("Mazda",), ("Honda",), ("Porsche",), ("Ferrari",),
        ("Zytek",), ("Dallara",), ("Audi",), ("Lola",), ("Courage",), ("Oreca",),
    ],
    "team": [
        ("Hitotsuyama",), ("Mugen",), ("Cerumo",), ("Kondo",), ("Nakajima",), ("Tsuchiya",),
        ("Impul",), ("Kunimitsu",), ("Dome",), ("Tom's",),
    ],
    "series_word": [("Challenge",), ("Cup",), ("Trophy",), ("Series",)],
    "prototype_class": [("LMP1",), ("LMP2",), ("LMP3",)],
    "gt_class": [("GT1",), ("GT2",), ("GT3",), ("GT4",)],
    "group": [("Group A",), ("Group B",), ("Group C",), ("Group N",)],
}

YEAR = re.compile(r"(?<![\w.])(19\d\d|20[0-2]\d)(?![\w])")
YEAR_SHIFT = (-20, 10)
MAX_REDRAWS = 50


@dataclass(frozen=True)
class Template:
    """A source article and its paragraph slots, grouped by section (the lead is one group)."""

    name: str
    text: str
    sections: tuple[tuple[tuple[int, int], ...], ...]


def load_templates(raw_dir: Path) -> list[Template]:
    """Every readable article below ``raw_dir``; unreadable files are skipped."""
    templates = []
    root = Path(raw_dir)
    limits = InputLimits.default()
    for path in list_sources(root):
        try:
            content = read_source(path, root, limits.max_bytes)
            if content.data is None:
                continue
            document = read_bytes(content.data, source=source_name(path, root), limits=limits)
        except (ReaderError, SourceRejected):
            continue
        groups: dict[int | None, list[tuple[int, int]]] = {}
        for block in document.paragraphs():
            groups.setdefault(block.section, []).append((block.start_char, block.end_char))
        templates.append(Template(path.stem, document.text, tuple(map(tuple, groups.values()))))
    if not templates:
        raise ValueError(f"no readable article in {raw_dir}")
    return templates


_NAME_PATTERN = re.compile(
    r"(?<![\w])(?:"
    + "|".join(
        re.escape(form)
        for form in sorted(
            {f for entries in FAMILIES.values() for entry in entries for f in entry},
            key=len, reverse=True,
        )
    )
    + r")(?![\w])"
)


def _name_swaps(rng: random.Random) -> dict[str, str]:
    swaps = {}
    for entries in FAMILIES.values():
        shuffled = list(entries)
        rng.shuffle(shuffled)
        for old, new in zip(entries, shuffled, strict=True):
            swaps.update(zip(old, new, strict=True))
    return swaps


def _shuffle_paragraphs(template: Template, rng: random.Random) -> str:
    """Shuffle each section's paragraphs after its first (which carries the topic sentence)."""
    replacements: list[tuple[int, int, str]] = []
    for slots in template.sections:
        movable = list(slots[1:])
        order = list(movable)
        rng.shuffle(order)
        replacements += [(s, e, template.text[ns:ne]) for (s, e), (ns, ne) in zip(movable, order)]
    out, pos = [], 0
    for start, end, paragraph in sorted(replacements):
        out += [template.text[pos:start], paragraph]
        pos = end
    out.append(template.text[pos:])
    return "".join(out)


def vary(template: Template, rng: random.Random) -> str:
    """One synthetic variant of ``template``."""
    text = _shuffle_paragraphs(template, rng)
    swaps = _name_swaps(rng)
    text = _NAME_PATTERN.sub(lambda m: swaps[m.group(0)], text)
    shift = rng.randint(*YEAR_SHIFT)
    return YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)


def synthetic_texts(raw_dir: Path, n_docs: int, seed: int) -> Iterator[tuple[str, str]]:
    """``(file name, text)`` of ``n_docs`` distinct documents, the same for the same seed."""
    templates = load_templates(raw_dir)
    rng = random.Random(seed)
    seen: set[str] = set()
    for index in range(n_docs):
        template = templates[index % len(templates)]
        for _ in range(MAX_REDRAWS):
            text = vary(template, rng)
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if digest not in seen:
                break
        seen.add(digest)
        yield f"{index:06d}_{digest[:16]}.txt", text


def write_corpus(raw_dir: Path, out_dir: Path, n_docs: int, seed: int) -> list[Path]:
    """Write the corpus to ``out_dir`` (created); return the paths in order."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in synthetic_texts(raw_dir, n_docs, seed):
        path = out / name
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    return paths
