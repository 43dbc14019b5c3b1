"""The README's example of the components in another spaCy pipeline runs and prints what the
README says: here, and from the built wheel in a fresh virtual environment (so the package data
and the entry points of the wheel are what it uses, not the source tree)."""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

SECTION = "## Using the components in your own spaCy pipeline"
PACKAGES = ("pipeline", "flows")


def readme_example() -> tuple[str, str]:
    """(code, printed output) of the section's ``python`` and ``text`` blocks."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(SECTION, 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    output = re.search(r"```text\n(.*?)```", section, re.DOTALL)
    assert code and output, "the README section lost its example"
    return code.group(1), output.group(1)


def run_example(python: Path | str, cwd: Path) -> str:
    code, _ = readme_example()
    script = cwd / "example.py"
    script.write_text(code, encoding="utf-8")
    # -I: no current directory, PYTHONPATH or user site on sys.path.
    result = subprocess.run([str(python), "-I", str(script)], check=False, cwd=cwd,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_readme_example_prints_what_the_readme_says(tmp_path):
    assert run_example(sys.executable, tmp_path) == readme_example()[1]


def _package_files(root: Path) -> set[str]:
    """Files of the packages, as paths in a wheel."""
    return {
        path.relative_to(root).as_posix()
        for package in PACKAGES
        for path in (root / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def test_package_data_covers_every_file_that_is_not_python():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"]["package-data"]["pipeline"]
    data = [f for f in _package_files(ROOT) if not f.endswith(".py")]
    assert any(f.startswith("pipeline/data/") for f in data)
    assert any(f.startswith("pipeline/tools/report_assets/") for f in data)
    uncovered = [f for f in data if not (f.startswith("pipeline/") and any(
        fnmatch.fnmatch(f.removeprefix("pipeline/"), pattern) for pattern in patterns))]
    assert uncovered == []


# --- from the wheel, in a fresh virtual environment ------------------------------------------


@pytest.fixture(scope="session")
def wheel_env(tmp_path_factory) -> tuple[Path, Path]:
    """(the wheel, the python of a fresh venv it is installed in): built once per session from
    a copy of the sources (a ``build/`` folder left in the tree could add stale files)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    dist = work / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist),
                    str(source)], check=True, timeout=900)
    (wheel,) = dist.glob("*.whl")
    venv = work / "venv"
    # Installed by this environment's pip (--python): the venv needs no pip of its own, and
    # without byte-compiling every dependency; dependencies come from the package index.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=300)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-compile", str(wheel)], check=True, timeout=1800)
    return wheel, python


@pytest.mark.slow
def test_wheel_holds_every_file_of_the_packages(wheel_env):
    wheel, _ = wheel_env
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert _package_files(ROOT) - names == set()


@pytest.mark.slow
def test_readme_example_runs_from_the_installed_wheel(wheel_env, tmp_path):
    _, python = wheel_env
    where = subprocess.run([str(python), "-I", "-c", "import pipeline; print(pipeline.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(python.parent.parent)
    assert run_example(python, tmp_path) == readme_example()[1]
