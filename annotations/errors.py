"""The errors the annotation store raises, each naming the file, field or id it is about."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import refs.errors
from annotations.model import Note, Passage


class AnnotationError(Exception):
    """Base of every error raised by the `annotations` package."""


class InvalidLocator(AnnotationError, ValueError):
    """A locator that cannot be read, naming the field it came from.

    str(err) → "page: expected a page like 422, xiv or 422-423, got 'p4x2'"
    """

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(f"{field}: {message}")
        self.message, self.field = message, field


class InvalidCitekey(AnnotationError, refs.errors.InvalidCitekey):
    """A citekey that cannot name a passage file (`../../etc/passwd`, a leading dot...):
    the one citekey rule (`refs.citekeys`), broken by a reference that was not added
    through Florilegium."""

    def __init__(self, citekey: str) -> None:
        super().__init__(citekey, problem="cannot name a passage file")


class InvalidPassage(AnnotationError, ValueError):
    """A value given for a passage or note (text, tag, anchor...) is not acceptable."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(f"{field}: {message}")
        self.message, self.field = message, field


class PassageFileError(AnnotationError):
    """A passage file that cannot be read: the path, the field path and what is wrong.

    str(err) → "passages/freeze2009.json: passages.3.locator.label: 'pg' is not one of ..."
    """

    def __init__(self, message: str, *, path: Path, field: str = "", line: int = 0) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {field + ': ' if field else ''}{message}")
        self.message, self.path, self.field, self.line = message, path, field, line


class BrokenPassageFile(AnnotationError):
    """A write refused because the citekey's passage file is broken: it stays as it is."""

    def __init__(self, problem: PassageFileError) -> None:
        super().__init__(
            f"{problem}; nothing was written: fix {problem.path.name} first "
            "(it is never rewritten while broken)"
        )
        self.problem = problem
        self.path = problem.path


class PassageNotFound(AnnotationError, KeyError):
    """No passage in the library has this id."""

    def __init__(self, passage_id: str) -> None:
        super().__init__(f"unknown passage id '{passage_id}'")
        self.passage_id = passage_id

    def __str__(self) -> str:
        return str(self.args[0])


class NoteNotFound(AnnotationError, KeyError):
    """No note in the library has this id."""

    def __init__(self, note_id: str) -> None:
        super().__init__(f"unknown note id '{note_id}'")
        self.note_id = note_id

    def __str__(self) -> str:
        return str(self.args[0])


class RevisionConflict(AnnotationError):
    """A change based on an old revision of a record: someone changed it since it was read.

    `record` is the record as it is now (so that a client can show it and merge), when
    known; `expected` is None when the change named no revision the record ever had.
    """

    def __init__(
        self,
        kind: str,
        record_id: str,
        *,
        expected: int | None,
        current: int,
        record: Passage | Note | None = None,
    ) -> None:
        based_on = (
            f"your edit was based on revision {expected}"
            if expected is not None
            else "your edit named none of its revisions"
        )
        super().__init__(
            f"{kind} '{record_id}' was changed by someone else ({based_on}, it is now at "
            f"revision {current}); nothing was written: reload it and edit again"
        )
        self.record_id, self.expected, self.current = record_id, expected, current
        self.record = record


class PassageConflict(RevisionConflict):
    """A passage changed since the revision an edit or delete was based on."""

    def __init__(
        self,
        passage_id: str,
        *,
        expected: int | None,
        current: int,
        record: Passage | None = None,
    ) -> None:
        super().__init__("passage", passage_id, expected=expected, current=current, record=record)
        self.passage_id = passage_id


class NoteConflict(RevisionConflict):
    """A note changed since the revision an edit or delete was based on."""

    def __init__(
        self, note_id: str, *, expected: int | None, current: int, record: Note | None = None
    ) -> None:
        super().__init__("note", note_id, expected=expected, current=current, record=record)
        self.note_id = note_id


class WriteUndone(AnnotationError):
    """A write put back as it was because a step after it failed (a bug, such as a search
    index raising what it never should): nothing of the request is stored."""

    def __init__(self, places: Sequence[str]) -> None:
        super().__init__(
            f"nothing was stored: a step after writing {', '.join(places)} failed, so it was "
            "put back as it was (this is a bug in Florilegium: please report it)"
        )
        self.places = list(places)


class WriteNotUndone(AnnotationError):
    """A step after a write failed (a bug), and the write could not be put back because
    another write changed the same record since: it stays stored."""

    def __init__(self, places: Sequence[str]) -> None:
        super().__init__(
            f"stored, but a step after writing {', '.join(places)} failed, and it could not "
            "be put back because it was changed again since (this is a bug in Florilegium: "
            "please report it)"
        )
        self.places = list(places)


class TrashItemNotFound(AnnotationError, KeyError):
    """No item in the trash has this id (restored or emptied already, or never there)."""

    def __init__(self, trash_id: str) -> None:
        super().__init__(f"nothing in the trash has id '{trash_id}'")
        self.trash_id = trash_id
        self.field = "id"

    def __str__(self) -> str:
        return str(self.args[0])


class RestoreRefused(AnnotationError):
    """A trash item that cannot be put back as it is (a note whose passage is gone, a
    reference whose citekey is taken); it stays in the trash, and nothing was written."""

    def __init__(self, trash_id: str, message: str) -> None:
        super().__init__(f"cannot restore '{trash_id}': {message}; it stays in the trash")
        self.trash_id = trash_id
        self.field = "id"


class TrashFileError(AnnotationError):
    """A file in the trash folder that cannot be read; it is listed as a problem and left
    as it is (never deleted), the other items still listed."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(f"{path}: {message}")
        self.message, self.path = message, path
