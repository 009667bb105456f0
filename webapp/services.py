"""The service layer shared by the command line and the web app: one `Services` per library.

Plain classes built from a library folder; they combine the packages and import neither
Flask nor Click, so the CLI and the views call exactly the same code.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from annotations.checks import check_passages
from annotations.sources import (
    SOURCE_SUFFIX,
    SOURCES_FOLDER,
    SourceNotFound,
    SourceUnavailable,
    list_sources,
    read_source,
)
from annotations.store import PassageStore
from refs.csl import CslItem, stored_reference_to_csl
from refs.errors import EntryError, ReferenceHasPassages
from refs.store import MAIN_BIB_NAME, ReferenceStore
from refs.validation import latex_warnings, validate_references
from webapp.citation_service import CitationService
from webapp.export_service import ExportService
from webapp.localconfig import LOCAL_CONFIG_NAME
from webapp.passage_service import PassageService
from webapp.ports import CitationsPort, ExportPort, SearchPort
from webapp.search_service import PassageFolder, SearchService
from webapp.viewports import ViewCitations, ViewExports

logger = logging.getLogger(__name__)

DEMO_LIBRARY = Path(__file__).resolve().parent.parent / "library"
LIBRARY_ENV = "FLORILEGIUM_LIBRARY"
LIBRARY_GITIGNORE = f".index/\n*.lock\n.tmp-*\n{LOCAL_CONFIG_NAME}\n"


class UnknownSource(LookupError):
    """No full text of that name under the library's `sources/` folder."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no source text named '{name}'")
        self.name = name
        self.field = "name"

    def __str__(self) -> str:
        return str(self.args[0])


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
    passage_store: PassageStore
    passages: PassageService
    search: SearchPort
    # The web views' citations and exports; the app factory may hand in others (tests).
    citations: CitationsPort | None = None
    exports: ExportPort | None = None

    @classmethod
    def for_library(cls, library_dir: Path, *, build_processes: int = 1) -> Services:
        """Open the library at `library_dir` (which must exist).

        `build_processes` > 1 lets a full index build fork workers: only in a command-line
        process, never in a threaded web server.
        """
        if not library_dir.is_dir():
            raise FileNotFoundError(f"{library_dir}: no such library folder")
        refs = ReferenceStore(library_dir)
        passage_store = PassageStore(library_dir)
        search = SearchService(
            library_dir,
            references=refs,
            passages=PassageFolder(
                passage_store.passages_dir, lambda path: passage_store.passages(path.stem)
            ),
            build_processes=build_processes,
        )
        passages = PassageService(
            passage_store, refs, sources_dir=library_dir / SOURCES_FOLDER, listeners=[search]
        )
        citations = CitationService(refs)
        return cls(
            library_dir=library_dir,
            refs=refs,
            passage_store=passage_store,
            passages=passages,
            search=search,
            citations=ViewCitations(citations, passages),
            exports=ViewExports(ExportService(citations, passages, search)),
        )

    def catch_up_with_disk(self) -> bool:
        """Re-read the .bib files edited by hand (or by git) since they were read; True if
        any were. One `stat` per file when nothing changed, so a server may call it on every
        request. (Passage files are checked by the passage store on each lookup already.)"""
        return self.refs.refresh()

    def csl_item(self, citekey: str) -> CslItem:
        """The CSL-JSON item of one reference, with its `crossref` parent's fields inherited."""
        return stored_reference_to_csl(self.refs, citekey)

    def delete_reference(self, citekey: str, *, cascade: bool = False) -> None:
        """Delete a reference; its passages go with it only when `cascade` is asked for.

        The reference goes first: if removing its passages then failed, they would point at
        a missing citekey (which `check` reports) rather than be lost.
        """
        self.refs.get(citekey)
        if self.passage_store.has_passages(citekey):
            path = self.passage_store.passages_dir / f"{citekey}.json"
            if any(problem.path == path for problem in self.passage_store.problems):
                raise ReferenceHasPassages(
                    f"reference '{citekey}' has a broken passage file {path}; "
                    "nothing was deleted: fix the file first"
                )
            if not cascade:
                count = len(self.passage_store.passages(citekey))
                raise ReferenceHasPassages(
                    f"reference '{citekey}' still has {count} passage(s) in {path}; nothing "
                    "was deleted (use --cascade to delete them too)"
                )
        self.refs.delete(citekey)
        if cascade:
            self.passages.delete_for_reference(citekey)

    def check(self) -> list[Exception]:
        """Every problem in the library, each printing as `FILE:LINE: message`."""
        passage_problems = check_passages(
            self.passage_store.passages(),
            passages_dir=self.passage_store.passages_dir,
            sources_dir=self.library_dir / SOURCES_FOLDER,
            known_citekeys=self.refs,
        )
        reference_problems: list[Exception] = [
            *self.refs.problems,
            *validate_references(self.refs),
        ]
        return [
            *sorted(reference_problems, key=_where),
            *self.passage_store.problems,
            *passage_problems,
        ]

    def warnings(self) -> list[EntryError]:
        """What `check` points out without failing: fields with LaTeX commands that are
        shown by their argument or name because Florilegium does not know them."""
        return latex_warnings(self.refs)

    def source_names(self) -> list[str]:
        """The names of the full texts under `sources/` (file names without `.txt`), sorted;
        names that are not regular files there (symbolic links...) are left out."""
        listing = list_sources(self.library_dir / SOURCES_FOLDER)
        return [name.removesuffix(SOURCE_SUFFIX) for name in listing.names]

    def read_source(self, name: str) -> str:
        """The full text `sources/NAME.txt`; `UnknownSource` for any other name (no `../`)
        and for a file that is refused (a symbolic link, a FIFO, not UTF-8...)."""
        try:
            return read_source(self.library_dir / SOURCES_FOLDER, f"{name}{SOURCE_SUFFIX}")
        except SourceNotFound as error:
            raise UnknownSource(name) from error
        except SourceUnavailable as error:
            logger.warning("%s", error)
            raise UnknownSource(name) from error


def _where(problem: Exception) -> tuple[str, int]:
    """Sort key: file, then line; problems that name no file come last."""
    if isinstance(problem, EntryError):
        return str(problem.path), problem.line
    return "\uffff", 0
