"""The data files of the rule components: their config settings, reading, saving.

Each data setting of a component ("gazetteer", "patterns", "rules", ...) names one file:

* ``"packaged:NAME"``: the file ``NAME`` shipped in ``pipeline/data/``; every default is one;
* anything else: the path of a file of your own, in the format of the packaged file it replaces
  (relative paths are read from the working directory).

A component holds the text of the files it uses. It reads them when it is first needed (its
first document, ``initialize``, ``to_disk``), not when it is constructed: ``spacy.load``
constructs the components from the saved config, whose paths may be gone by then, and hands
them the copies saved in their folders (``from_disk``), as spaCy's EntityRuler does with its
patterns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import ClassVar

import srsly

from ..data import data_path

__all__ = [
    "DATA_FILES",
    "PACKAGED",
    "RuleComponent",
    "data_file_config",
    "is_packaged",
    "packaged",
    "read_data_file",
]

PACKAGED = "packaged:"

# factory name -> {data setting: the packaged file it defaults to}, filled by the components.
DATA_FILES: dict[str, dict[str, str]] = {}


def packaged(name: str) -> str:
    """The setting value naming the packaged data file ``name``."""
    return PACKAGED + name


def is_packaged(value: str) -> bool:
    return value.startswith(PACKAGED)


def data_file_config(factory: str, files: Mapping[str, str]) -> dict[str, str]:
    """Declare the data settings of ``factory`` (setting -> packaged file name); returns their
    default config, the packaged files."""
    DATA_FILES[factory] = dict(files)
    return {setting: packaged(name) for setting, name in files.items()}


def read_data_file(value: str) -> str:
    """The text of the file a data setting names."""
    if is_packaged(value):
        name = value[len(PACKAGED):]
        entry = data_path(name)
        if not entry.is_file():
            raise FileNotFoundError(f"no packaged data file {name!r} in pipeline/data/")
        return entry.read_text(encoding="utf-8")
    return Path(value).read_text(encoding="utf-8")


class RuleComponent:
    """Base of the rule components: the data files its config names, read when first needed
    and saved with the pipeline. A subclass builds its matchers and word sets from the texts in
    ``_load``; ``self.data`` holds the texts in use (None until read)."""

    factory: ClassVar[str]  # the factory name, a key of DATA_FILES

    def __init__(self, name: str, sources: Mapping[str, str]) -> None:
        files = DATA_FILES[self.factory]
        if set(sources) != set(files):
            raise ValueError(f"{self.factory}: data settings {sorted(sources)}, "
                             f"expected {sorted(files)}")
        self.name = name
        self.sources = dict(sources)
        self.data: dict[str, str] | None = None

    def _load(self, data: Mapping[str, str]) -> None:
        raise NotImplementedError

    def _use(self, data: Mapping[str, str]) -> None:
        data = dict(data)
        self._load(data)
        self.data = data

    def _read(self, settings: Iterable[str]) -> dict[str, str]:
        texts = {}
        for setting in settings:
            value = self.sources[setting]
            try:
                texts[setting] = read_data_file(value)
            except (OSError, UnicodeDecodeError) as error:
                raise ValueError(
                    f"{self.name}: cannot read the {setting} file {value!r}: {error}"
                ) from error
        return texts

    def initialize(self, get_examples=None, *, nlp=None) -> None:
        """(Re)read the data files the config names and build the component from them."""
        self._use(self._read(self.sources))

    def ensure_loaded(self) -> None:
        if self.data is None:
            self.initialize()

    # --- serialisation: the texts in use, one file per setting in the component's folder ---

    def _file_name(self, setting: str) -> str:
        return setting + Path(DATA_FILES[self.factory][setting]).suffix

    def to_disk(self, path, *, exclude: Iterable[str] = ()) -> None:
        self.ensure_loaded()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for setting, text in self.data.items():
            if setting not in exclude:
                (path / self._file_name(setting)).write_text(text, encoding="utf-8")

    def from_disk(self, path, *, exclude: Iterable[str] = ()):
        """Use the files saved in ``path``; a setting excluded or without a file there is read
        from its configured source."""
        path = Path(path)
        data = {}
        for setting in self.sources:
            file = path / self._file_name(setting)
            if setting not in exclude and file.is_file():
                data[setting] = file.read_text(encoding="utf-8")
        self._use_saved(data)
        return self

    def _use_saved(self, saved: Mapping[str, str]) -> None:
        read = self._read(s for s in self.sources if s not in saved)
        self._use({s: saved[s] if s in saved else read[s] for s in self.sources})

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        self.ensure_loaded()
        return srsly.msgpack_dumps({s: t for s, t in self.data.items() if s not in exclude})

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = ()):
        saved = srsly.msgpack_loads(bytes_data)
        data = {s: saved[s] for s in self.sources if s in saved and s not in exclude}
        self._use_saved(data)
        return self
