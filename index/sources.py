"""What the index reads: the passages and the references of one library, as protocols.

The index never parses library files itself. The passage store and the reference store
satisfy these protocols (tests use in-memory fakes), so the index stays derived data that
one rebuild recreates from whatever the stores read.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from annotations.model import Passage
from refs.model import Reference


class PassageSource(Protocol):
    """The library's passages, one file per citekey."""

    def passage_files(self) -> Mapping[str, Path]:
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
