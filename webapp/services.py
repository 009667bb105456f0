"""The service layer shared by the command line and the web app: one `Services` per library.

Plain classes built from a library folder; they combine the packages and import neither
Flask nor Click, so the CLI and the views call exactly the same code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from refs.csl import CslItem, reference_to_csl
from refs.errors import EntryError
from refs.store import MAIN_BIB_NAME, ReferenceStore
from refs.validation import validate_references

DEMO_LIBRARY = Path(__file__).resolve().parent.parent / "library"
LIBRARY_ENV = "FLORILEGIUM_LIBRARY"
LIBRARY_GITIGNORE = ".index/\n*.lock\n.tmp-*\n"


def resolve_library_dir(given: Path | None) -> Path:
    """`--library`, else `$FLORILEGIUM_LIBRARY`, else the demo library shipped in the repo."""
    if given is not None:
        return given
    from_env = os.environ.get(LIBRARY_ENV)
    return Path(from_env) if from_env else DEMO_LIBRARY


def init_library(folder: Path) -> Path:
    """Create an empty library: a main .bib, `passages/`, `sources/` and a .gitignore."""
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder}: folder exists and is not empty")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MAIN_BIB_NAME).write_text("", encoding="utf-8")
    (folder / "passages").mkdir()
    (folder / "sources").mkdir()
    (folder / ".gitignore").write_text(LIBRARY_GITIGNORE, encoding="utf-8")
    return folder


@dataclass(slots=True)
class Services:
    """Everything the CLI and the views need for one library folder."""

    library_dir: Path
    refs: ReferenceStore

    @classmethod
    def for_library(cls, library_dir: Path) -> Services:
        """Open the library at `library_dir` (which must exist)."""
        if not library_dir.is_dir():
            raise FileNotFoundError(f"{library_dir}: no such library folder")
        return cls(library_dir=library_dir, refs=ReferenceStore(library_dir))

    def csl_item(self, citekey: str) -> CslItem:
        """The CSL-JSON item of one reference, with its `crossref` parent's fields inherited."""
        reference = self.refs.get(citekey)
        parent_key = reference.fields.get("crossref")
        parent = self.refs.get(parent_key) if parent_key and parent_key in self.refs else None
        return reference_to_csl(reference, parent)

    def delete_reference(self, citekey: str, *, cascade: bool = False) -> None:
        """Delete a reference; its passages go with it only when `cascade` is asked for."""
        self.refs.delete(citekey)

    def check(self) -> list[Exception]:
        """Every problem in the library, each printing as `FILE:LINE: message`."""
        problems: list[Exception] = [*self.refs.problems, *validate_references(self.refs)]
        return sorted(problems, key=_where)


def _where(problem: Exception) -> tuple[str, int]:
    """Sort key: file, then line; problems that name no file come last."""
    if isinstance(problem, EntryError):
        return str(problem.path), problem.line
    return "\uffff", 0
