"""What the index reads: the passages and the references of one library, as protocols.

The index never parses library files itself. The passage store and the reference store
satisfy these protocols (tests use in-memory fakes), so the index stays derived data that
one rebuild recreates from whatever the stores read.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from annotations.model import Passage
from refs.model import Reference


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file the index is built from, as seen on disk just now: where, when, how big.

    The index compares time and size before every search, so this holds the folder and the
    name apart and builds a `Path` only when asked (thousands of Paths cost milliseconds).
    """

    folder: Path
    name: str
    mtime_ns: int
    size: int

    @property
    def path(self) -> Path:
        """The file's path."""
        return self.folder / self.name

    @classmethod
    def of(cls, path: Path) -> SourceFile:
        """The file at `path` as it is now (`FileNotFoundError` if it is gone)."""
        info = os.stat(path)
        return cls(path.parent, path.name, info.st_mtime_ns, info.st_size)


def scan_folder(folder: Path, suffix: str) -> dict[str, SourceFile]:
    """Every visible `*<suffix>` file in `folder` by its name without suffix, in one scan."""
    files: dict[str, SourceFile] = {}
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return files
    for entry in entries:
        if entry.name.endswith(suffix) and not entry.name.startswith("."):
            try:
                if not entry.is_file():
                    continue
                info = entry.stat()
            except FileNotFoundError:
                continue
            stem = entry.name[: -len(suffix)]
            files[stem] = SourceFile(folder, entry.name, info.st_mtime_ns, info.st_size)
    return files


class PassageSource(Protocol):
    """The library's passages, one file per citekey."""

    def passage_files(self) -> Mapping[str, SourceFile]:
        """Every passages file that exists now, by citekey (`passages/<citekey>.json`)."""
        ...

    def passages_of(self, citekey: str) -> list[Passage]:
        """The passages of one citekey as its file holds them now (read afresh, no cache)."""
        ...


class ReferenceSource(Protocol):
    """The library's references, from its top-level .bib files (`refs.store.ReferenceStore`)."""

    def reload(self) -> None:
        """Read every .bib file again, to see edits made outside this process."""
        ...

    def bib_paths(self) -> list[Path]:
        """The .bib files that exist now."""
        ...

    def references(self) -> list[Reference]:
        """Every loadable reference, each knowing the `path` of its file."""
        ...
