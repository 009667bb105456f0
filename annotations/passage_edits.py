"""The edits of passages and notes, written once for every passage store.

A store (`PassageStore` on files, `PgPassageStore` on PostgreSQL) knows how to read one
passage and how to run one change on a reference's passages as a single durable write
(`_change`: read them afresh under that reference's lock, apply, validate, store). What a
change is (a new passage, an edit checked against its revision, a note removed) is the
same whatever holds the records, so it is written here, where both stores share it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TypeVar

from annotations.characters import text_problem
from annotations.errors import (
    InvalidPassage,
    NoteConflict,
    NoteNotFound,
    PassageConflict,
    PassageNotFound,
)
from annotations.ids import new_id, now_timestamp
from annotations.model import Anchor, Locator, Note, Passage, QuotedIn
from annotations.repository import KEEP, Keep

T = TypeVar("T")


class PassageEdits(ABC):
    """Adding, editing and deleting passages and notes, as changes run by `_change`."""

    @abstractmethod
    def get(self, passage_id: str) -> Passage:
        """One passage, or `PassageNotFound`."""

    @abstractmethod
    def passage_of_note(self, note_id: str) -> Passage:
        """The passage a note belongs to, or `NoteNotFound`."""

    @abstractmethod
    def _change(self, citekey: str, apply: Callable[[list[Passage]], T]) -> T:
        """Run `apply` on the current passages of `citekey` and store what it leaves, as
        one write that other writers of that reference wait for; returns what `apply` did."""

    def add(
        self,
        citekey: str,
        text: str,
        *,
        locator: Locator | None = None,
        quoted_in: QuotedIn | None = None,
        tags: Sequence[str] = (),
        anchor: Anchor | None = None,
        notes: Sequence[str] = (),
    ) -> Passage:
        """Store a new passage (and new notes on it) and return it with its id."""
        now = now_timestamp()
        passage = Passage(
            id=new_id(),
            citekey=citekey,
            text=checked_text(text),
            locator=locator,
            quoted_in=quoted_in,
            tags=checked_tags(tags),
            anchor=anchor,
            notes=tuple(
                Note(id=new_id(), text=checked_text(note), created=now, modified=now)
                for note in notes
            ),
            created=now,
            modified=now,
        )
        self._change(citekey, lambda passages: passages.append(passage))
        return passage

    def edit(
        self,
        passage_id: str,
        *,
        revision: int,
        text: str | Keep = KEEP,
        locator: Locator | Keep | None = KEEP,
        quoted_in: QuotedIn | Keep | None = KEEP,
        tags: Sequence[str] | Keep = KEEP,
        anchor: Anchor | Keep | None = KEEP,
    ) -> Passage:
        """Change a passage read at `revision`; `PassageConflict` if it changed since."""
        new_text = text if isinstance(text, Keep) else checked_text(text)
        new_tags = tags if isinstance(tags, Keep) else checked_tags(tags)

        def apply(passages: list[Passage]) -> Passage:
            index = index_of(passages, passage_id)
            current = passages[index]
            if current.revision != revision:
                raise PassageConflict(
                    passage_id, expected=revision, current=current.revision, record=current
                )
            edited = replace(
                current,
                text=current.text if isinstance(new_text, Keep) else new_text,
                locator=current.locator if isinstance(locator, Keep) else locator,
                quoted_in=current.quoted_in if isinstance(quoted_in, Keep) else quoted_in,
                tags=current.tags if isinstance(new_tags, Keep) else new_tags,
                anchor=current.anchor if isinstance(anchor, Keep) else anchor,
            )
            if edited == current:
                return current
            edited = replace(edited, modified=now_timestamp(), revision=current.revision + 1)
            passages[index] = edited
            return edited

        return self._change(self.get(passage_id).citekey, apply)

    def delete(self, passage_id: str, *, revision: int | None = None) -> Passage:
        """Remove a passage with its notes; with `revision`, only if it is still at it."""

        def apply(passages: list[Passage]) -> Passage:
            index = index_of(passages, passage_id)
            current = passages[index]
            if revision is not None and current.revision != revision:
                raise PassageConflict(
                    passage_id, expected=revision, current=current.revision, record=current
                )
            return passages.pop(index)

        return self._change(self.get(passage_id).citekey, apply)

    def add_note(self, passage_id: str, text: str) -> Note:
        """Append a Markdown note to a passage (notes keep the order they were added in)."""
        now = now_timestamp()
        note = Note(id=new_id(), text=checked_text(text), created=now, modified=now)

        def apply(passages: list[Passage]) -> Note:
            index = index_of(passages, passage_id)
            passages[index] = replace(passages[index], notes=(*passages[index].notes, note))
            return note

        return self._change(self.get(passage_id).citekey, apply)

    def edit_note(self, note_id: str, text: str, *, revision: int | None = None) -> Note:
        """Replace a note's text (its place among the passage's notes stays); with
        `revision`, only if the note is still at it (`NoteConflict` otherwise)."""
        new_text = checked_text(text)

        def apply(passages: list[Passage]) -> Note:
            index, position = _note_position(passages, note_id)
            notes = list(passages[index].notes)
            current = _unchanged_since(notes[position], revision)
            if current.text == new_text:
                return current
            notes[position] = replace(
                current, text=new_text, modified=now_timestamp(), revision=current.revision + 1
            )
            passages[index] = replace(passages[index], notes=tuple(notes))
            return notes[position]

        return self._change(self.passage_of_note(note_id).citekey, apply)

    def delete_note(self, note_id: str, *, revision: int | None = None) -> Note:
        """Remove one note, with `revision` only if it is still at it; returns it."""

        def apply(passages: list[Passage]) -> Note:
            index, position = _note_position(passages, note_id)
            notes = list(passages[index].notes)
            removed = _unchanged_since(notes.pop(position), revision)
            passages[index] = replace(passages[index], notes=tuple(notes))
            return removed

        return self._change(self.passage_of_note(note_id).citekey, apply)

    def delete_citekey(self, citekey: str) -> list[Passage]:
        """Remove every passage of one reference; returns what was removed."""

        def apply(passages: list[Passage]) -> list[Passage]:
            removed = list(passages)
            passages.clear()
            return removed

        return self._change(citekey, apply)


def index_of(passages: list[Passage], passage_id: str) -> int:
    for index, passage in enumerate(passages):
        if passage.id == passage_id:
            return index
    raise PassageNotFound(passage_id)


def _note_position(passages: list[Passage], note_id: str) -> tuple[int, int]:
    for index, passage in enumerate(passages):
        for position, note in enumerate(passage.notes):
            if note.id == note_id:
                return index, position
    raise NoteNotFound(note_id)


def _unchanged_since(note: Note, revision: int | None) -> Note:
    """`note`, if no `revision` is named or it is still at that one; else `NoteConflict`."""
    if revision is not None and note.revision != revision:
        raise NoteConflict(note.id, expected=revision, current=note.revision, record=note)
    return note


def checked_text(text: str) -> str:
    """The text exactly as given, refused when there is nothing in it or it holds a
    character no text may (`annotations.characters`)."""
    if not text.strip():
        raise InvalidPassage("must not be empty", field="text")
    problem = text_problem(text)
    if problem is not None:
        raise InvalidPassage(problem, field="text")
    return text


def checked_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags stripped, empty ones refused, each kept once in the order given."""
    cleaned: list[str] = []
    for tag in tags:
        tag = tag.strip()
        if not tag:
            raise InvalidPassage("a tag must not be empty", field="tags")
        problem = text_problem(tag)
        if problem is not None:
            raise InvalidPassage(f"a tag {problem}", field="tags")
        if tag not in cleaned:
            cleaned.append(tag)
    return tuple(cleaned)
