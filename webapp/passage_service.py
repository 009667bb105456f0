"""Passages and notes as the CLI and the web app change them: checked, anchored, announced.

The service checks that citekeys name references, anchors a new quote in its work's full
text (`sources/<citekey>.txt`) when there is one, and tells every listener (the search
index, later) about each write. It depends on the `PassageRepository` protocol, not on the
file store.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn, Protocol, TypeVar, cast, runtime_checkable

from annotations.anchoring import describe_span, find_quote, reanchor
from annotations.errors import (
    AnnotationError,
    InvalidPassage,
    NoteConflict,
    PassageConflict,
    WriteNotUndone,
    WriteUndone,
)
from annotations.hypothesis_import import import_hypothesis
from annotations.identifiers import identifier_key, source_iri
from annotations.ids import new_id, now_timestamp
from annotations.importids import PassageImport
from annotations.literature_notes import literature_notes
from annotations.model import Anchor, Locator, Note, Passage, QuotedIn
from annotations.pagemarkers import locator_for_span
from annotations.progress import Progress, no_progress
from annotations.repository import KEEP, Keep, PassageRepository, TrashBin, WriteJournal
from annotations.sources import (
    SourceNotFound,
    SourceUnavailable,
    is_source_file_name,
    read_source,
)
from annotations.store import passage_path
from annotations.trash import TrashItem
from annotations.webanno import AnnotationImport, export_collection, import_collection
from index.errors import SearchError
from refs.errors import RefsError
from refs.repository import ReferenceRepository

logger = logging.getLogger(__name__)

# What updating a listener (the search index) may fail with after the write is on disk.
LISTENER_FAILURES: tuple[type[Exception], ...] = (SearchError, RefsError, OSError)
# The errors that say a request could not be done (a 4xx), as opposed to a bug.
PACKAGE_ERRORS: tuple[type[Exception], ...] = (AnnotationError, RefsError, SearchError)


class PassageListener(Protocol):
    """Told about every passage write, after it is on disk (the search index is one)."""

    def passage_saved(self, passage: Passage) -> None:
        """A passage was added or changed (its notes included)."""
        ...

    def passage_deleted(self, passage_id: str, citekey: str) -> None:
        """A passage (with its notes) was removed."""
        ...

    def writing(self) -> AbstractContextManager[None]:
        """Held around each write and its notifications (the index counts writes in
        flight, so that searches meanwhile never do the writer's indexing themselves)."""
        ...


@runtime_checkable
class BatchPassageListener(PassageListener, Protocol):
    """A listener that takes the passages of one import together (the search index: one
    commit for all of them, where one per passage would make an import quadratic)."""

    def passages_saved(self, passages: Sequence[Passage]) -> None:
        """Many passages were added or changed at once."""
        ...


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _announced(method: _Method) -> _Method:
    """Run a write method inside every listener's `writing()`, its writes undone when a
    step after them fails.

    A write that answers an error must have stored nothing. Failures the service expects
    after the file is written (the index out of room or time: `LISTENER_FAILURES`) are
    logged and the write acknowledged, as the index catches up from the file; any other
    failure after a write is a bug, and the write is put back before the error leaves
    (`WriteUndone`), or, if another write changed the record since, reported as stored
    (`WriteNotUndone`). A package error after part of a write (an import whose second file
    is broken) leaves as itself, with the part already written put back.
    """

    @functools.wraps(method)
    def write(self: PassageService, *args: Any, **kwargs: Any) -> Any:  # Any: the method's
        outer: list[str] | None = getattr(self._trashing, "ids", None)
        trashed: list[str] = []
        self._trashing.ids = trashed
        try:
            with self._passages.recording() as journal:
                try:
                    with ExitStack() as stack:
                        for listener in self._listeners:
                            stack.enter_context(listener.writing())
                        return method(self, *args, **kwargs)
                except Exception as error:  # raised again below, once the writes are undone
                    failure = error
        finally:
            self._trashing.ids = outer
            if outer is not None:
                outer.extend(trashed)
        if journal.places:
            _undo_after(journal, failure, lambda: self._withdraw_from_trash(trashed))
        self._withdraw_from_trash(trashed)  # nothing was written but the trash items
        raise failure

    return cast(_Method, write)


def _undo_after(
    journal: WriteJournal, failure: Exception, withdraw: Callable[[], None]
) -> NoReturn:
    """Undo the journal's writes after `failure` (and, once they are put back, `withdraw`
    the trash items a delete made), then raise what the request ends with."""
    places = list(journal.places)
    put_back = journal.undo()
    if put_back:
        withdraw()
    if isinstance(failure, PACKAGE_ERRORS):
        raise failure
    logger.error(
        "a step after writing %s failed; %s",
        ", ".join(places),
        "put back as it was" if put_back else "it could not be put back",
        exc_info=failure,
    )
    raise (WriteUndone(places) if put_back else WriteNotUndone(places)) from failure


class PassageService:
    """Add, edit and remove passages and notes, keeping listeners in step."""

    def __init__(
        self,
        passages: PassageRepository,
        refs: ReferenceRepository,
        *,
        sources_dir: Path | None = None,
        listeners: Iterable[PassageListener] = (),
    ) -> None:
        self._passages = passages
        self._refs = refs
        self._sources_dir = sources_dir
        self._listeners = list(listeners)
        # `ids`: the trash items this thread's current write put, taken out if it is undone.
        self._trashing = threading.local()

    def add_listener(self, listener: PassageListener) -> None:
        """Tell `listener` about every write from now on."""
        self._listeners.append(listener)

    @property
    def problems(self) -> Sequence[AnnotationError]:
        """Passage files that could not be read (the rest is served)."""
        return self._passages.problems

    def passages(self, citekey: str | None = None) -> list[Passage]:
        """Every readable passage, or those of one reference (which must exist)."""
        if citekey is not None:
            self._refs.get(citekey)
        return self._passages.passages(citekey)

    def get(self, passage_id: str) -> Passage:
        """One passage, or `PassageNotFound`."""
        return self._passages.get(passage_id)

    def get_note(self, note_id: str) -> Note:
        """One note, or `NoteNotFound`."""
        return self._passages.get_note(note_id)

    def passage_of_note(self, note_id: str) -> Passage:
        """The passage a note belongs to, or `NoteNotFound`."""
        return self._passages.passage_of_note(note_id)

    @_announced
    def add(
        self,
        citekey: str,
        text: str,
        *,
        locator: Locator | None = None,
        quoted_in: QuotedIn | None = None,
        tags: Sequence[str] = (),
        notes: Sequence[str] = (),
        anchor: Anchor | None = None,
    ) -> Passage:
        """Add a passage of an existing reference, anchored where `anchor` says or else
        wherever its work's full text holds it.

        A given `anchor` (the reader's selection) is checked against the source text, so
        a stale or forged selection is refused instead of pointing at the wrong words.
        Without a `locator`, an anchored passage gets the page its source's page markers
        give (`annotations.pagemarkers`: pdftotext's form feeds, `[p. 41]`), if any.
        """
        self._refs.get(citekey)
        if quoted_in is not None:
            self._refs.get(quoted_in.citekey)
        placed = (
            self._anchor(_source_name(citekey), text)
            if anchor is None
            else self._checked_anchor(text, anchor)
        )
        if locator is None and placed is not None:
            locator = self._page_from_markers(placed)
        passage = self._passages.add(
            citekey,
            text,
            locator=locator,
            quoted_in=quoted_in,
            tags=tags,
            anchor=placed,
            notes=notes,
        )
        self._saved(passage)
        return passage

    @_announced
    def edit(
        self,
        passage_id: str,
        *,
        revision: int | None = None,
        text: str | Keep = KEEP,
        locator: Locator | Keep | None = KEEP,
        quoted_in: QuotedIn | Keep | None = KEEP,
        tags: Sequence[str] | Keep = KEEP,
    ) -> Passage:
        """Change a passage; with `revision`, refused if someone changed it since then.

        Without `revision` the edit applies to the passage as it is now (one command that
        reads and writes at once); a changed text is anchored again in the full text.
        """
        current = self._passages.get(passage_id)
        if isinstance(quoted_in, QuotedIn):
            self._refs.get(quoted_in.citekey)
        anchor: Anchor | Keep | None = KEEP
        if isinstance(text, str) and text != current.text:
            source = (
                _source_name(current.citekey) if current.anchor is None else current.anchor.source
            )
            anchor = self._anchor(source, text)
        passage = self._passages.edit(
            passage_id,
            revision=current.revision if revision is None else revision,
            text=text,
            locator=locator,
            quoted_in=quoted_in,
            tags=tags,
            anchor=anchor,
        )
        self._saved(passage)
        return passage

    @property
    def trash(self) -> TrashBin:
        """Where deletes keep what they removed (the repository's trash)."""
        return self._passages.trash

    @_announced
    def delete(self, passage_id: str, *, revision: int | None = None) -> TrashItem:
        """Move a passage and its notes to the trash; returns the trash item.

        The item is written first, so a trash that refuses it (a full disk) leaves the
        passage where it is; the delete then names the revision the item holds, so what
        is removed is exactly what the trash keeps (else `PassageConflict`, the item taken
        out again).
        """
        current = self._passages.get(passage_id)
        if revision is not None and current.revision != revision:
            raise PassageConflict(
                passage_id, expected=revision, current=current.revision, record=current
            )
        item = TrashItem(
            id=new_id(),
            kind="passage",
            deleted=now_timestamp(),
            citekey=current.citekey,
            passages=(current,),
        )
        self._put_in_trash(item)
        passage = self._passages.delete(passage_id, revision=current.revision)
        self._deleted(passage)
        return item

    @_announced
    def add_note(self, passage_id: str, text: str) -> Note:
        """Attach a Markdown note to a passage."""
        note = self._passages.add_note(passage_id, text)
        self._saved(self._passages.get(passage_id))
        return note

    @_announced
    def edit_note(self, note_id: str, text: str, *, revision: int | None = None) -> Note:
        """Replace a note's text; with `revision`, refused (`NoteConflict`) if someone
        changed the note since then."""
        note = self._passages.edit_note(note_id, text, revision=revision)
        self._saved(self._passages.passage_of_note(note_id))
        return note

    @_announced
    def delete_note(self, note_id: str, *, revision: int | None = None) -> TrashItem:
        """Move one note to the trash (with `revision`, only if nobody changed it since);
        returns the trash item, which keeps the passage it was on (without its notes).
        The item is written first, as a passage's is (see `delete`)."""
        passage = self._passages.passage_of_note(note_id)
        note = next(note for note in passage.notes if note.id == note_id)
        if revision is not None and note.revision != revision:
            raise NoteConflict(note_id, expected=revision, current=note.revision, record=note)
        item = TrashItem(
            id=new_id(),
            kind="note",
            deleted=now_timestamp(),
            citekey=passage.citekey,
            passages=(replace(passage, notes=()),),
            note=note,
        )
        self._put_in_trash(item)
        self._passages.delete_note(note_id, revision=note.revision)
        self._saved(self._passages.get(passage.id))
        return item

    def _put_in_trash(self, item: TrashItem) -> None:
        """Keep a delete's records in the trash, as part of the write in progress."""
        self._passages.trash.put(item)
        ids: list[str] | None = getattr(self._trashing, "ids", None)
        if ids is not None:
            ids.append(item.id)

    def _withdraw_from_trash(self, trash_ids: Sequence[str]) -> None:
        """Take out the trash items of a delete that was put back (it never happened)."""
        for trash_id in trash_ids:
            try:
                self._passages.trash.take_out(trash_id)
            except PACKAGE_ERRORS as error:
                logger.error("trash item %s of an undone delete stays: %s", trash_id, error)

    @_announced
    def restore_note(self, passage_id: str, note: Note) -> Note:
        """Put a deleted note back on its passage (its id kept unless taken meanwhile)."""
        restored = self._passages.restore_note(passage_id, note)
        self._saved(self._passages.get(passage_id))
        return restored

    @_announced
    def import_passages(
        self, passages: Iterable[Passage], progress: Progress = no_progress
    ) -> PassageImport:
        """Store complete records (from an import) in one write of each file and one index
        update: a record stored already is `present`, one whose ids any passage or note
        uses gets fresh ones (`renamed`)."""
        incoming = list(passages)
        for citekey in {passage.citekey for passage in incoming}:
            self._refs.get(citekey)
        progress("writing", 0, len(incoming))
        stored = self._passages.import_passages(incoming)
        progress("writing", len(incoming), len(incoming))
        progress("indexing", 0, len(stored.added))
        self._saved_together(stored.added)
        progress("indexing", len(stored.added), len(stored.added))
        return stored

    @_announced
    def delete_for_reference(self, citekey: str) -> list[Passage]:
        """Remove every passage of one reference (its deletion cascading)."""
        removed = self._passages.delete_citekey(citekey)
        for passage in removed:
            self._deleted(passage)
        return removed

    def reference_match(self) -> dict[str, str]:
        """Identifier keys (DOI, URL, ISBN, `citekey:KEY`) → citekey, for matching imports."""
        match: dict[str, str] = {}
        for reference in self._refs.references():
            match[f"citekey:{reference.citekey}"] = reference.citekey
            for name in ("doi", "url", "isbn"):
                for value in reference.text(name).split():
                    key = identifier_key(value)
                    if key is not None:
                        match.setdefault(key, reference.citekey)
        return match

    def source_iri(self, citekey: str) -> str:
        """The IRI a W3C annotation names the reference by: DOI, URL, ISBN or citekey URN."""
        if citekey not in self._refs:
            return source_iri(citekey)
        reference = self._refs.get(citekey)
        return source_iri(
            citekey,
            doi=reference.text("doi"),
            url=reference.text("url"),
            isbn=reference.text("isbn"),
        )

    def export_w3c(self, citekeys: Sequence[str] | None = None) -> dict[str, Any]:
        """The passages (of some references) as a W3C AnnotationCollection."""
        return export_collection(self._selected(citekeys), self.source_iri)

    def import_w3c(
        self,
        document: Any,  # Any: JSON from the user
        progress: Progress = no_progress,
    ) -> AnnotationImport:
        """Store the passages of a W3C document; returns those added, those skipped, those
        the library held already and the ids renamed."""
        found = import_collection(document, self.reference_match(), progress)
        return self._store_import(found, progress)

    def import_hypothesis(
        self,
        document: Any,  # Any: JSON from the user
        progress: Progress = no_progress,
    ) -> AnnotationImport:
        """Store the passages of a Hypothes.is export; returns those added, those skipped,
        those the library held already and the ids renamed."""
        found = import_hypothesis(document, self.reference_match(), progress)
        return self._store_import(found, progress)

    def literature_notes(
        self,
        citekeys: Sequence[str] | None = None,
        *,
        format_entry: Callable[[str], str] = str,
    ) -> str:
        """Markdown literature notes of the passages (of some references)."""
        return literature_notes(self._selected(citekeys), format_entry=format_entry)

    def _selected(self, citekeys: Sequence[str] | None) -> list[Passage]:
        if citekeys is None:
            return self._passages.passages()
        return [passage for citekey in citekeys for passage in self.passages(citekey)]

    def _store_import(self, found: AnnotationImport, progress: Progress) -> AnnotationImport:
        stored = self.import_passages(found.passages, progress)
        return AnnotationImport(stored.added, found.skipped, stored.present, stored.renamed)

    def _anchor(self, source_name: str, text: str) -> Anchor | None:
        """The quote's place in `sources/<source_name>`, if that file exists and holds it."""
        full_text = self._source_text(source_name)
        if full_text is None:
            return None
        anchor = find_quote(full_text, source_name, text)
        if anchor is None:
            logger.info("quote not found in %s; stored without an anchor", source_name)
        return anchor

    def _checked_anchor(self, text: str, anchor: Anchor) -> Anchor:
        """`anchor` if it really selects `text` in its source, with prefix and suffix as
        the source has them; `InvalidPassage` naming the selector at fault otherwise."""
        name = anchor.source
        if not is_source_file_name(name):
            raise InvalidPassage(
                f"{name!r} is not the file name of a text in sources/", field="anchor.source"
            )
        if self._sources_dir is None:
            raise InvalidPassage(f"no source text sources/{name}", field="anchor.source")
        try:
            full_text = read_source(self._sources_dir, name)
        except SourceNotFound as error:
            raise InvalidPassage(f"no source text sources/{name}", field="anchor.source") from error
        except SourceUnavailable as error:
            raise InvalidPassage(
                f"sources/{name}: {error.message}", field="anchor.source"
            ) from error
        if anchor.quote.exact != text:
            raise InvalidPassage("must be the passage's text", field="anchor.quote.exact")
        position = anchor.position
        if position is None:
            found = reanchor(anchor, full_text)
            if found is None:
                raise InvalidPassage(f"not found in sources/{name}", field="anchor.quote")
            return found
        start, end = position.start, position.end
        if not 0 <= start <= end <= len(full_text) or full_text[start:end] != text:
            raise InvalidPassage(
                f"characters {start}-{end} of sources/{name} do not hold the quote",
                field="anchor.position",
            )
        return describe_span(full_text, name, start, end)

    def _page_from_markers(self, anchor: Anchor) -> Locator | None:
        """The page (or pages) of an anchored quote by its source's page markers; None
        when the text marks no pages."""
        full_text = self._source_text(anchor.source) if anchor.position is not None else None
        if full_text is None or anchor.position is None:
            return None
        return locator_for_span(full_text, anchor.position.start, anchor.position.end)

    def _source_text(self, source_name: str) -> str | None:
        """The full text `sources/<source_name>`, or None when there is none or it is
        refused (a symbolic link, a FIFO, not UTF-8...: `check` reports those)."""
        if self._sources_dir is None:
            return None
        try:
            return read_source(self._sources_dir, source_name)
        except SourceNotFound:
            return None
        except SourceUnavailable as refused:
            logger.warning("%s; the quote is stored without an anchor", refused)
            return None

    def _saved(self, passage: Passage) -> None:
        for listener in self._listeners:
            self._tell(listener.passage_saved, passage, passage)

    def _saved_together(self, passages: Sequence[Passage]) -> None:
        """Tell each listener of many saved passages: in one call where it takes them so."""
        if not passages:
            return
        for listener in self._listeners:
            if isinstance(listener, BatchPassageListener):
                self._tell(listener.passages_saved, passages[0], passages)
            else:
                for passage in passages:
                    self._tell(listener.passage_saved, passage, passage)

    def _deleted(self, passage: Passage) -> None:
        for listener in self._listeners:
            self._tell(listener.passage_deleted, passage, passage.id, passage.citekey)

    @staticmethod
    def _tell(call: Callable[..., None], passage: Passage, *args: Any) -> None:  # Any: args
        """Tell one listener; its failure does not undo or deny the write already on disk.

        The passages file is the source of truth, and the index catches up from it before
        the next search (the file's time and size have changed), so a full disk or a busy
        index while updating it is a warning, and the write is acknowledged.
        """
        try:
            call(*args)
        except LISTENER_FAILURES as error:
            logger.warning(
                "passage %s is saved, but the search index was not updated (%s); it catches "
                "up from the file later",
                passage.id,
                error,
            )


def _source_name(citekey: str) -> str:
    """The file name of a work's full text: `<citekey>.txt` (`InvalidCitekey` if unsafe)."""
    return passage_path(Path(), citekey).with_suffix(".txt").name
