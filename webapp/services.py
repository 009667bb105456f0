"""The service layer shared by the command line and the web app: one `Services` per library.

Plain classes built from a library folder; they combine the packages and import neither
Flask nor Click, so the CLI and the views call exactly the same code.
"""

from __future__ import annotations

import enum
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from annotations.sources import (
    SOURCE_SUFFIX,
    SOURCES_FOLDER,
    SourceNotFound,
    SourceUnavailable,
    list_sources,
    read_source,
)
from refs.errors import EntryError, ReferenceHasPassages
from refs.repository import ReferenceRepository
from refs.store import MAIN_BIB_NAME, ReferenceStore
from webapp.deferred_search import DeferredSearch
from webapp.localconfig import LOCAL_CONFIG_NAME

if TYPE_CHECKING:
    from annotations.pgstore import PgPassageStore
    from annotations.store import PassageStore
    from annotations.trash import TrashItem
    from refs.citations import Formatter
    from refs.csl import CslItem
    from teamdb.connection import Database
    from webapp.citation_service import CitationService
    from webapp.export_service import ExportService
    from webapp.passage_service import PassageService
    from webapp.ports import CitationsPort, ExportPort, SearchPort
    from webapp.search_service import SearchService
    from webapp.trash_service import TrashService

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


class _Unbuilt(enum.Enum):
    """A part of `Services` not built yet (`None` is a value: "this app has none")."""

    UNBUILT = enum.auto()


_UNBUILT = _Unbuilt.UNBUILT


class Services:
    """Everything the CLI and the views need for one library folder.

    Each part is built, and its modules imported, on first use, so a command pays only for
    what it uses: `refs list` reads the references and never opens the passages, the search
    index (Whoosh), the web views' services or V8. A part may be set instead (tests wire
    fakes): `services.search = fake`; `citations` or `exports` set to None means the app
    has none (the views answer 503). Parts are built under a lock, once, so the web
    server's threads share them.
    """

    def __init__(
        self,
        library_dir: Path,
        refs: ReferenceRepository,
        *,
        build_processes: int = 1,
        citation_process: bool = False,
    ) -> None:
        self.library_dir = library_dir
        self.refs = refs
        # A team library's database (`TeamServices`); None for a folder library.
        self.database: Database | None = None
        self._build_processes = build_processes
        self._citation_process = citation_process
        self._lock = threading.RLock()
        self._passage_store: PassageStore | PgPassageStore | None = None
        self._passages: PassageService | None = None
        # The index: searched, and told of every passage write; opened on first use.
        self._index = DeferredSearch(self._open_search)
        self._search: SearchPort | None = None  # another search for the views (a fake)
        self._citation_service: CitationService | None = None
        self._export_service: ExportService | None = None
        self._citations: CitationsPort | Literal[_Unbuilt.UNBUILT] | None = _UNBUILT
        self._exports: ExportPort | Literal[_Unbuilt.UNBUILT] | None = _UNBUILT

    @classmethod
    def for_library(
        cls, library_dir: Path, *, build_processes: int = 1, citation_process: bool = False
    ) -> Services:
        """Open the library at `library_dir` (which must exist).

        `build_processes` > 1 lets a full index build fork workers: only in a command-line
        process, never in a threaded web server. `citation_process` formats citations in
        the local citation service (`webapp/citation_client.py`), whose engines stay warm
        between commands: for the command line, whose processes are short; a web server
        keeps its own engines warm.
        """
        if not library_dir.is_dir():
            raise FileNotFoundError(f"{library_dir}: no such library folder")
        return cls(
            library_dir,
            ReferenceStore(library_dir),
            build_processes=build_processes,
            citation_process=citation_process,
        )

    @property
    def passage_store(self) -> PassageStore | PgPassageStore:
        """The passages and notes in `passages/<citekey>.json`."""
        if self._passage_store is None:
            with self._lock:
                if self._passage_store is None:
                    self._passage_store = self._new_passage_store()
        return self._passage_store

    def _new_passage_store(self) -> PassageStore | PgPassageStore:
        """The passage store of this kind of library (a team library's is in PostgreSQL)."""
        from annotations.store import PassageStore

        return PassageStore(self.library_dir)

    @property
    def passages(self) -> PassageService:
        """Passages and notes, checked against the references, the index told of writes."""
        if self._passages is None:
            with self._lock:
                if self._passages is None:
                    from webapp.passage_service import PassageService

                    self._passages = PassageService(
                        self.passage_store,
                        self.refs,
                        sources_dir=self.library_dir / SOURCES_FOLDER,
                        listeners=[self._index],
                    )
        return self._passages

    @passages.setter
    def passages(self, passages: PassageService) -> None:
        self._passages = passages

    @property
    def trash(self) -> TrashService:
        """What deletes removed (`trash/`), to list, restore or empty."""
        from webapp.trash_service import TrashService

        return TrashService(self.passages, self.refs)

    @property
    def search(self) -> SearchPort:
        """The search index, opened at the first search or passage write."""
        return self._index if self._search is None else self._search

    @search.setter
    def search(self, search: SearchPort) -> None:
        self._search = search

    def _open_search(self) -> SearchService:
        from webapp.search_service import PassageFolder, SearchService

        store = self.passage_store
        return SearchService.for_folder(
            self.library_dir,
            references=self.refs,
            passages=PassageFolder(store.passages_dir, lambda path: store.passages(path.stem)),
            build_processes=self._build_processes,
        )

    @property
    def citation_service(self) -> CitationService:
        """Citations, quotes ready to paste, bibliographies and exports of the library's
        references: what `cite` and `export` print and the views' citations show."""
        if self._citation_service is None:
            with self._lock:
                if self._citation_service is None:
                    from webapp.citation_service import CitationService

                    self._citation_service = CitationService(self.refs, self._citation_formatter())
        return self._citation_service

    def _citation_formatter(self) -> Formatter | None:
        """The citation service process when asked for and not turned off, else None
        (citeproc-js in this process)."""
        if not self._citation_process:
            return None
        from webapp.citation_client import ServiceFormatter, service_enabled, service_folder

        return ServiceFormatter(service_folder(self.library_dir)) if service_enabled() else None

    @property
    def export_service(self) -> ExportService:
        """Bibliographies, literature notes and W3C annotations of chosen references."""
        if self._export_service is None:
            with self._lock:
                if self._export_service is None:
                    from webapp.export_service import ExportService

                    self._export_service = ExportService(
                        self.citation_service, self.passages, self.search
                    )
        return self._export_service

    @property
    def citations(self) -> CitationsPort | None:
        """The web views' citations (None: the app has none)."""
        if self._citations is _UNBUILT:
            with self._lock:
                if self._citations is _UNBUILT:
                    from webapp.viewports import ViewCitations

                    self._citations = ViewCitations(self.citation_service, self.passages)
        return self._citations

    @citations.setter
    def citations(self, citations: CitationsPort | None) -> None:
        self._citations = citations

    @property
    def exports(self) -> ExportPort | None:
        """The web views' exports (None: the app has none)."""
        if self._exports is _UNBUILT:
            with self._lock:
                if self._exports is _UNBUILT:
                    from webapp.viewports import ViewExports

                    self._exports = ViewExports(self.export_service)
        return self._exports

    @exports.setter
    def exports(self, exports: ExportPort | None) -> None:
        self._exports = exports

    def catch_up_with_disk(self) -> bool:
        """Re-read the .bib files edited by hand (or by git) since they were read; True if
        any were. One `stat` per file when nothing changed, so a server may call it on every
        request. (Passage files are checked by the passage store on each lookup already.)"""
        return self.refs.refresh()

    def csl_item(self, citekey: str) -> CslItem:
        """The CSL-JSON item of one reference, with its `crossref` parent's fields inherited."""
        from refs.csl import stored_reference_to_csl

        return stored_reference_to_csl(self.refs, citekey)

    def delete_reference(
        self, citekey: str, *, cascade: bool = False, keep_passages: bool = False
    ) -> TrashItem:
        """Move a reference (its exact BibTeX text) to the trash; its passages go with it
        only when `cascade` is asked for. Returns the trash item.

        The item is written first, with the passages as they are now; the reference goes
        next (if that fails, the item is taken out again): if removing its passages then
        failed, they would point at a missing citekey (which `check` reports) rather than be
        lost, and the item, rewritten with the passages really removed, restores them all.
        """
        from dataclasses import replace

        from annotations.ids import new_id, now_timestamp
        from annotations.trash import DeletedReference, TrashItem

        reference = self.refs.get(citekey)
        # `keep_passages`: they stay, pointing at the citekey, ready for it to come back.
        if not keep_passages and self.passage_store.has_passages(citekey):
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
        trash = self.passages.trash
        item = TrashItem(
            id=new_id(),
            kind="reference",
            deleted=now_timestamp(),
            citekey=citekey,
            passages=tuple(self.passages.passages(citekey)) if cascade else (),
            reference=DeletedReference(
                citekey=citekey, file=reference.path.name, bibtex=reference.raw
            ),
        )
        trash.put(item)
        try:
            self.refs.delete(citekey)
        except BaseException:
            trash.take_out(item.id)
            raise
        if cascade:
            removed = tuple(self.passages.delete_for_reference(citekey))
            if removed != item.passages:
                item = replace(item, passages=removed)
                trash.put(item)
        return item

    def check(self) -> list[Exception]:
        """Every problem in the library, each printing as `FILE:LINE: message` (a trash
        file edited by hand into something unreadable too)."""
        from annotations.checks import check_passages
        from refs.validation import validate_references

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
        trash = self.passage_store.trash
        trash.items()  # reads every item, so that `problems` names the broken ones
        return [
            *sorted(reference_problems, key=_where),
            *self.passage_store.problems,
            *passage_problems,
            *trash.problems,
        ]

    def warnings(self) -> list[EntryError]:
        """What `check` points out without failing: fields with LaTeX commands that are
        shown by their argument or name because Florilegium does not know them."""
        from refs.validation import latex_warnings

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
