"""The layout as a rule: no import cycle, and the pipeline version covers what results depend on.

Both checks read the source with ``ast`` (nothing is imported), so they see every import: at
module level, inside functions (the lazy ones), and the commands the CLI registry names as
strings (``pipeline.cli.COMMANDS``), which it imports with ``importlib``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from pipeline.cli import COMMANDS
from pipeline.store.incremental import RESULT_PARTS, version_files

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pipeline", "flows")


def _module_files() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the project's packages."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


MODULES = _module_files()


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _imported(module: str, tree: ast.Module) -> set[str]:
    """The project modules ``module`` imports, wherever in its code the import statement is."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                # A package's own name is its first level; a module's is its package.
                base = base[:len(base) - node.level + (1 if _is_package(module) else 0)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            # ``from package import name`` imports the submodule when there is one.
            names = [f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in MODULES else origin
                     for alias in node.names]
        else:
            continue
        for name in names:
            # ``import a.b.c`` of a name that is no module: the nearest module above it.
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def _import_graph() -> dict[str, set[str]]:
    graph = {name: _imported(name, ast.parse(path.read_text(encoding="utf-8")))
             for name, path in MODULES.items()}
    for command in COMMANDS.values():  # imported by name, with importlib
        graph["pipeline.cli"].add(command.module)
    return graph


GRAPH = _import_graph()


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def _reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for target in GRAPH[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    return seen


def _counted(module: str) -> bool:
    """Whether the module's file is one of those the pipeline version hashes."""
    relative = MODULES[module].relative_to(ROOT / "pipeline").as_posix()
    return module.startswith("pipeline.") and relative in version_files()


def test_the_graph_sees_imports_at_every_level():
    # The resolver itself: relative, absolute, lazy (inside a function) and registry imports.
    assert "pipeline.ingest.reader" in GRAPH["pipeline.extract"]  # from .ingest.reader import
    assert "pipeline.nlp.parse" in GRAPH["pipeline.extract"]  # from .nlp.parse import
    assert "pipeline.nlp.build" in GRAPH["pipeline.nlp.parse"]  # from .build import get_nlp
    assert "pipeline.extract" in GRAPH["pipeline.run"]  # inside _extract
    assert "pipeline.data" in GRAPH["pipeline.store.incremental"]  # from .. import data
    assert "flows.commands" in GRAPH["pipeline.cli"]  # the registry, by name


def test_no_import_cycle():
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_the_version_covers_every_module_the_extraction_imports():
    uncounted = sorted(m for m in _reachable("pipeline.extract") | {"pipeline.extract"}
                       if m.startswith("pipeline.") and not _counted(m))
    assert uncounted == [], f"imported by the extraction, not in RESULT_PARTS {RESULT_PARTS}"


def test_counted_modules_import_only_counted_modules():
    # Data flows one way (ingest -> nlp -> facts -> contract -> store): nothing a result
    # depends on imports the store, the tools, the run or the command line.
    outward = sorted((m, t) for m in MODULES if m.startswith("pipeline.") and _counted(m)
                     for t in GRAPH[m] if not t.startswith("pipeline.") or not _counted(t))
    assert outward == []


def test_the_version_parts_are_the_result_folders_and_extract():
    files = version_files()
    assert "extract.py" in files and "contract/tables.py" in files
    assert "nlp/components/entities.py" in files and "data/__init__.py" in files
    for orchestration in ("cli.py", "run.py", "progress.py", "store/incremental.py",
                          "tools/report.py", "__main__.py", "__init__.py"):
        assert orchestration not in files
    assert not any(f.startswith(("tools/", "store/")) for f in files)
