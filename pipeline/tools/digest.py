"""Digests of everything the pipeline writes for a corpus, to show that a change which is meant
to be a pure speed-up leaves every output byte-identical.

    python -m pipeline.tools.digest raw /work/other/raw --synthetic 300 --save /tmp/before.json
    python -m pipeline.tools.digest raw /work/other/raw --synthetic 300 --check /tmp/before.json

Each corpus (a folder of sources, or ``synthetic:N[:DIR]`` for the first N documents of the
benchmark's synthetic corpus, seed 0, grown from ``raw/`` or from the articles in DIR) is
extracted in-process, its results written with the run's writers to a temporary folder, and
every JSON and Parquet file hashed (SHA-256 of the bytes). ``--check`` names each file whose
digest differs from a saved set.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

from ..extract import process_file
from ..store.writer import write_outputs
from .synthetic import synthetic_texts

__all__ = ["corpus_digests"]

RAW = Path(__file__).resolve().parents[2] / "raw"
DIGEST_VERSION = "digest"


def _sources(corpus: str) -> list[tuple[str, bytes]]:
    if corpus.startswith("synthetic:"):
        _, n_docs, *templates = corpus.split(":", 2)
        raw_dir = Path(templates[0]) if templates else RAW
        return [(name, text.encode("utf-8"))
                for name, text in synthetic_texts(raw_dir, int(n_docs), 0)]
    return [(p.name, p.read_bytes()) for p in sorted(Path(corpus).iterdir()) if p.is_file()]


def corpus_digests(corpus: str) -> dict[str, str]:
    """``relative output path -> SHA-256`` of every file written for ``corpus``."""
    results = []
    for name, data in _sources(corpus):
        results.extend(process_file(data, name))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        # One fixed version for every digest: the tables carry the pipeline version, which
        # any code change moves, and the outputs are compared here on their content.
        write_outputs(results, out, pipeline_version=DIGEST_VERSION)
        return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(out.rglob("*")) if p.is_file()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.tools.digest")
    parser.add_argument("corpora", nargs="*", default=[str(RAW)])
    parser.add_argument("--synthetic", type=int, default=0,
                        help="also the first N documents of the synthetic corpus (seed 0)")
    parser.add_argument("--save", help="write the digests to this JSON file")
    parser.add_argument("--check", help="compare with the digests saved in this JSON file")
    args = parser.parse_args(argv)
    corpora = list(args.corpora) + ([f"synthetic:{args.synthetic}"] if args.synthetic else [])
    digests = {corpus: corpus_digests(corpus) for corpus in corpora}
    for corpus, files in digests.items():
        whole = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
        print(f"{corpus}: {len(files)} files, {whole[:16]}")
    if args.save:
        Path(args.save).write_text(json.dumps(digests, indent=1, sort_keys=True), "utf-8")
    if args.check:
        saved = json.loads(Path(args.check).read_text("utf-8"))
        differing = [f"{corpus}: {name}" for corpus in corpora
                     for name in sorted(set(saved.get(corpus, {})) | set(digests[corpus]))
                     if saved.get(corpus, {}).get(name) != digests[corpus].get(name)]
        for line in differing:
            print(f"differs: {line}")
        print("identical" if not differing else f"{len(differing)} files differ")
        return 1 if differing else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
