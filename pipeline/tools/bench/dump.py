"""``python -m pipeline bench dump``: peak memory of a MediaWiki dump streamed through the
reader and the extraction, at N and 10xN pages.

A dump of small synthetic pages is written (each page is one of the articles of ``raw/``,
varied as the benchmark's corpus is, cut to its title, infobox and lead paragraph and written as
wikitext by :mod:`pipeline.tools.wikitext_dump`), then read and extracted in a fresh interpreter
with ``iter_file_results``, the path a run takes for a dump beyond ``--max-bytes``: the file is
opened as a stream, surveyed, then read and extracted page by page, each result written to a
JSON-lines file as soon as it is made and not kept. The child reports its peak RSS (``VmHWM``),
its time and its counts. Pages are small so that 100,000 of them extract in minutes; their size
does not change what is measured: whether memory grows with the number of pages.

``run`` measures the ``run`` command end to end over a folder holding only the dump (``python
-m pipeline run FOLDER --out OUT --runner thread --quiet``, in the child's own process: the
thread runner extracts in the process that stores and publishes, so its peak RSS is the whole
run's but for Prefect's temporary API server, which is sampled apart with the process tree):
listing, hashing, reading and extracting, storing the results (a dump's in chunks of
``CHUNK_DOCUMENTS`` pages), and publishing a JSON file per page and the tables.

``publish`` measures publishing alone (``pipeline.run._publish``: a JSON file per page, the
tables, the manifest) from a result store of N pages, which takes minutes where extracting N
pages takes hours: the page results of a real run over a dump of ``TEMPLATE_PAGES`` pages,
repeated under new page ids (``dump.xml#1`` ... ``#N``) and stored in chunks as a run stores
them, in a process of its own; then the child publishes it into a fresh output folder.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .measure import REPO_ROOT, log, machine, peak_rss_bytes

__all__ = ["dump_figures", "dump_pages", "measure_dump", "write_synthetic_dump"]

PROGRESS_EVERY = 5_000
# Pages of the dump whose stored results ``publish`` repeats (its template run extracts them).
TEMPLATE_PAGES = 300
DUMP_NAME = "dump.xml"


def _small_templates(raw_dir: Path):
    """Each article of ``raw_dir`` cut to its title, infobox and lead paragraph, as a template
    of :mod:`pipeline.tools.synthetic` (its variations apply)."""
    from ...ingest.reader import read_text
    from ..synthetic import Template, load_templates

    small = []
    for template in load_templates(raw_dir):
        document = read_text(template.text, source=template.name, doc_id=template.name)
        lead = next((b for b in document.paragraphs() if b.section is None), None)
        if lead is None or document.title is None:
            continue
        lines = [f"= {document.title.text} =", ""]
        if document.infobox:
            lines += ["Infobox", *(f"- {f.key}: {f.value}" for f in document.infobox), ""]
        paragraph = document.text[lead.start_char:lead.end_char]
        lines += [paragraph, ""]
        lines += [f"Category:{c.text}" for c in document.categories]
        text = "\n".join(lines) + "\n"
        start = text.index(paragraph)
        small.append(Template(template.name, text, (((start, start + len(paragraph)),),)))
    if not small:
        raise ValueError(f"no titled article with a lead paragraph in {raw_dir}")
    return small


def dump_pages(raw_dir: Path, n_pages: int, seed: int = 0) -> Iterator:
    """``n_pages`` synthetic wiki pages, the same for the same seed (the first N of a larger
    dump are the pages of the dump of N)."""
    from ...ingest.reader import read_text
    from ..synthetic import vary
    from ..wikitext_dump import WikiPage, article_wikitext

    templates = _small_templates(raw_dir)
    rng = random.Random(seed)
    for index in range(n_pages):
        text = vary(templates[index % len(templates)], rng)
        document = read_text(text, source="page", doc_id="page")
        yield WikiPage(index + 1, document.title.text, article_wikitext(document))


def write_synthetic_dump(path: Path, raw_dir: Path, n_pages: int, seed: int = 0) -> Path:
    from ..wikitext_dump import write_dump

    write_dump(dump_pages(raw_dir, n_pages, seed), path)
    return path


def dump_child(dump: str, results: str, mode: str) -> None:
    """In a fresh interpreter: stream ``dump`` through the reader (``read``) or the reader and
    the extraction (``extract``), writing each result to ``results``; print the figures."""
    import functools
    import hashlib

    from ...extract import iter_file_results
    from ...ingest.decoding import InputLimits
    from ...ingest.formats import LargeFile, read_source_documents
    from ...ingest.sources import open_source
    from ...nlp import get_nlp

    path = Path(dump)
    root = path.parent
    if mode == "run":
        _run_child(path, Path(results))
        return
    if mode == "publish":
        _publish_child(Path(results))
        return
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    large = LargeFile(size=path.stat().st_size, sha256=digest.hexdigest(),
                      open=functools.partial(open_source, path, root))
    limits = InputLimits.default()
    nlp = get_nlp() if mode == "extract" else None
    before = peak_rss_bytes()
    started = time.perf_counter()
    documents = failed = 0
    progress = Path(results + ".progress")

    def note_progress() -> None:
        # Every PROGRESS_EVERY documents: how far, how long, how much memory so far (a long
        # measurement can be read while it runs).
        with progress.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"documents": documents, "peak_rss": peak_rss_bytes(),
                                     "seconds": round(time.perf_counter() - started, 1)})
                         + "\n")

    with open(results, "w", encoding="utf-8") as out:
        if mode == "extract":
            for result in iter_file_results(large, path.name, limits, nlp):
                out.write(result.model_dump_json() + "\n")
                documents += 1
                failed += result.record is None
                if documents % PROGRESS_EVERY == 0:
                    note_progress()
        else:
            for part in read_source_documents(large, path.name, limits).documents:
                out.write(json.dumps({"source": part.source, "chars": len(part.document.text)
                                      if part.document else None}) + "\n")
                documents += 1
                failed += part.document is None
    print(json.dumps({"pid": os.getpid(), "documents": documents, "failed": failed,
                      "seconds": round(time.perf_counter() - started, 2),
                      "peak_rss_before": before, "peak_rss": peak_rss_bytes()}))


def _run_child(dump: Path, out: Path) -> None:
    """``run`` over the folder of ``dump`` into ``out`` with the thread runner, in this
    process; print its figures (this process's peak RSS, and its process tree's sampled)."""
    import argparse
    import contextlib
    import io
    import os
    import threading

    import pyarrow.parquet as pq

    from flows.commands import define_run

    tree_peak = [0]
    done = threading.Event()

    def sample_tree() -> None:
        # The run's process tree (Prefect's temporary server is a child process), every 0.2 s.
        import psutil

        me = psutil.Process()
        while not done.wait(0.2):
            total = 0
            for process in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += process.memory_info().rss
            tree_peak[0] = max(tree_peak[0], total)

    sampler = threading.Thread(target=sample_tree, daemon=True)
    sampler.start()
    parser = argparse.ArgumentParser(prog="python -m pipeline run")
    define_run(parser)
    args = parser.parse_args([str(dump.parent), "--out", str(out), "--runner", "thread",
                              "--quiet"])
    before = peak_rss_bytes()
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        exit_code = args.handler(args)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    documents = pq.read_metadata(out / "parquet" / "documents.parquet").num_rows
    errors = pq.read_metadata(out / "parquet" / "errors.parquet").num_rows
    chunks = len(list((out / ".state" / "results").glob("*.jsonl")))
    print(json.dumps({"pid": os.getpid(), "documents": documents, "failed": errors,
                      "exit_code": exit_code, "chunk_files": chunks,
                      "json_files": sum(1 for _ in (out / "json").iterdir()),
                      "seconds": round(seconds, 2), "peak_rss_before": before,
                      "peak_rss": peak_rss_bytes(), "tree_peak_rss": tree_peak[0]}))


def write_template_store(raw_dir: Path, out: Path, seed: int = 0,
                         pages: int = TEMPLATE_PAGES) -> Path:
    """A run (without Prefect) over a dump of ``pages`` pages into ``out``: the page results
    that :func:`write_page_store` repeats (the dump must be stored in chunks: more pages than
    ``CHUNK_DOCUMENTS``)."""
    from ...run import SerialExecutor, run_incremental

    folder = out.with_name(out.name + "-input")
    folder.mkdir(parents=True, exist_ok=True)
    write_synthetic_dump(folder / DUMP_NAME, raw_dir, pages, seed)
    run_incremental(folder, out, executor=SerialExecutor())
    return out


def write_page_store(template: Path, out: Path, n_pages: int) -> None:
    """The result store of ``out`` holding one dump of ``n_pages`` pages, as a run leaves it
    before publishing: the stored page results of the run in ``template``, repeated under new
    page ids (the source and article_id of each changed), in chunks of ``CHUNK_DOCUMENTS``
    pages; nothing published yet."""
    from ...contract.ids import article_id
    from ...store.files import atomic_write_bytes
    from ...store.incremental import CHUNK_DOCUMENTS, PagedResults, ResultStore, StoredResult

    stored = ResultStore(template).load(DUMP_NAME)
    # Each page's JSON line, with its page id where its source is written.
    pages = [(json.loads(line)["source"], line)
             for line in b"".join(ResultStore(template).chunk_path(DUMP_NAME, stored.paged.token,
                                                                   index).read_bytes()
                                  for index in range(stored.paged.chunks)).splitlines()]
    store = ResultStore(out)
    token, chunk, chunks, written = "bench", [], 0, []
    for index in range(n_pages):
        source, line = pages[index % len(pages)]
        page = f"{DUMP_NAME}#{index + 1}"
        for old_value, new_value in ((source, page), (article_id(source), article_id(page))):
            line = line.replace(json.dumps(old_value).encode(), json.dumps(new_value).encode())
        chunk.append(line)
        if b'"record":null' not in line:
            written.append(page)
        if len(chunk) == CHUNK_DOCUMENTS or index == n_pages - 1:
            atomic_write_bytes(store.chunk_path(DUMP_NAME, token, chunks),
                               b"\n".join(chunk) + b"\n")
            chunks, chunk = chunks + 1, []
    store.save(StoredResult(source=DUMP_NAME, sha256=stored.sha256, version=stored.version,
                            results=[], paged=PagedResults(
                                token=token, chunks=chunks, documents=n_pages,
                                ok=len(written) == n_pages, written=written)))


def _publish_child(out: Path) -> None:
    """Publish the result store of ``out`` (:func:`write_page_store`), in this process; print
    its figures."""
    from ...run import _publish
    from ...store.incremental import ResultStore, manifest_entry

    store = ResultStore(out)
    stored = store.load(DUMP_NAME)
    entry, version = manifest_entry(stored), stored.version
    del stored
    before = peak_rss_bytes()
    started = time.perf_counter()
    rows = _publish({DUMP_NAME: entry}, {}, version, store, out)
    print(json.dumps({"pid": os.getpid(), "documents": rows["documents"],
                      "failed": rows["errors"], "rows": rows,
                      "json_files": sum(1 for _ in (out / "json").iterdir()),
                      "seconds": round(time.perf_counter() - started, 2),
                      "peak_rss_before": before, "peak_rss": peak_rss_bytes()}))


def measure_dump(dump: Path, mode: str, work: Path) -> dict:
    """Run :func:`dump_child` on ``dump`` in a fresh interpreter; its figures."""
    results = work / (f"{dump.stem}.{mode}" if mode in ("run", "publish")
                      else f"{dump.stem}.{mode}.jsonl")
    env = dict(os.environ)  # the run command's flows/ package is beside pipeline/
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.tools.bench.dump", "--child", str(dump), str(results),
         mode], check=False, capture_output=True, text=True, env=env)
    if done.returncode != 0:  # say why: its output was captured
        raise RuntimeError(f"bench dump: the {mode} child for {dump.name} exited with "
                           f"{done.returncode}:\n{done.stderr[-4000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if mode in ("run", "publish"):
        shutil.rmtree(results)
    else:
        figures["results_bytes"] = results.stat().st_size
        results.unlink()
    progress = Path(f"{results}.progress")
    if progress.exists():
        figures["progress"] = [json.loads(line) for line in progress.read_text().splitlines()]
        progress.unlink()
    return figures


def dump_figures(raw_dir: Path, pages: int = 10_000, scale: int = 10, seed: int = 0,
                 modes: tuple[str, ...] = ("read", "extract"), keep: Path | None = None,
                 template_pages: int = TEMPLATE_PAGES) -> dict:
    """Peak memory and time of reading (and extracting, and running ``run`` over) a dump of
    ``pages`` and of ``scale * pages`` pages; their ratio."""
    with tempfile.TemporaryDirectory(prefix="bench-dump-") as tmp:
        work = Path(keep) if keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        template = None
        if "publish" in modes:
            started = time.perf_counter()
            template = write_template_store(raw_dir, work / "template", seed, template_pages)
            log(f"ran a dump of {template_pages} pages (the stored results to repeat) in "
                f"{time.perf_counter() - started:.1f} s")
        sizes = []
        for n in (pages, pages * scale):
            dump = work / f"dump-{n}" / f"dump-{n}.xml"  # alone in its folder, for `run`
            dump.parent.mkdir(exist_ok=True)
            entry = {"pages": n, "bytes": 0}
            if set(modes) - {"publish"}:
                started = time.perf_counter()
                write_synthetic_dump(dump, raw_dir, n, seed)
                entry["bytes"] = dump.stat().st_size
                log(f"wrote a dump of {n:,} pages ({dump.stat().st_size:,} bytes) in "
                    f"{time.perf_counter() - started:.1f} s")
            for mode in modes:
                if mode == "publish":
                    _write_page_store_apart(template, work / f"{dump.stem}.publish", n)
                entry[mode] = measure_dump(dump, mode, work)
                log(f"{mode} {n:,} pages: peak RSS {entry[mode]['peak_rss'] / 2**20:.0f} MB, "
                    f"{entry[mode]['seconds']:.0f} s")
            if not keep:
                dump.unlink(missing_ok=True)
            sizes.append(entry)
    ratios = {mode: sizes[1][mode]["peak_rss"] / sizes[0][mode]["peak_rss"] for mode in modes}
    return {"machine": machine(), "seed": seed, "scale": scale, "sizes": sizes,
            "ratios": ratios, "target": 1.2}


def _write_page_store_apart(template: Path, out: Path, n_pages: int) -> None:
    """:func:`write_page_store` in a process of its own (its memory is not the publishing's)."""
    started = time.perf_counter()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    subprocess.run([sys.executable, "-m", "pipeline.tools.bench.dump", "--store", str(template),
                    str(out), str(n_pages)], check=True, env=env)
    log(f"stored {n_pages:,} pages to publish in {time.perf_counter() - started:.1f} s")


def format_dump(figures: dict) -> str:
    lines = [(f"Dump streaming: peak memory at {figures['sizes'][0]['pages']:,} and "
             f"{figures['sizes'][1]['pages']:,} pages (target: ratio <= {figures['target']})"),
             "", "| pages | dump bytes | mode | documents | failed | seconds | peak RSS (MB) |",
             "| ---: | ---: | --- | ---: | ---: | ---: | ---: |"]
    for entry in figures["sizes"]:
        for mode, measured in entry.items():
            if not isinstance(measured, dict):
                continue
            lines.append(
                f"| {entry['pages']:,} | {entry['bytes']:,} | {mode} | {measured['documents']:,}"
                f" | {measured['failed']:,} | {measured['seconds']:.1f} |"
                f" {measured['peak_rss'] / 2**20:.0f} |")
    lines.append("")
    for entry in figures["sizes"]:
        if "run" in entry:  # the run's own process above; here with Prefect's server too
            lines.append(f"run, {entry['pages']:,} pages: process tree peak RSS (sampled) "
                         f"{entry['run']['tree_peak_rss'] / 2**20:.0f} MB, "
                         f"{entry['run']['chunk_files']:,} chunk files of stored results")
    lines += [f"peak memory ratio ({mode}): {ratio:.3f}"
              f" ({'met' if ratio <= figures['target'] else 'missed'})"
              for mode, ratio in figures["ratios"].items()]
    return "\n".join(lines)


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    dump_child(*sys.argv[2:5])
elif __name__ == "__main__" and sys.argv[1:2] == ["--store"]:
    write_page_store(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
