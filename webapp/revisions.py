"""Revisions over HTTP: a record's `ETag` (`"3"`) and the revision an `If-Match` names.

A client that read a passage or note at revision 3 sends `If-Match: "3"` (or `3`, or a list)
with its PATCH or DELETE; if the record has moved on, the change is refused with 409 and the
record as it is now, so two people editing one note never silently overwrite each other.
Without `If-Match`, or with `*`, the change applies to the record as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import request

from annotations.errors import NoteConflict, PassageConflict, RevisionConflict
from annotations.model import Note, Passage

# Revisions count edits; more digits than this name none (and cost nothing to read).
_MAX_REVISION_DIGITS = 18


def etag(revision: int) -> str:
    """The `ETag` of a record at `revision`: the number quoted, `"3"`."""
    return f'"{revision}"'


def revision_to_change(
    named_in_body: int | None, read_current: Callable[[], Passage | Note]
) -> int | None:
    """The revision a PATCH or DELETE must find the record at, from its `If-Match` header
    and the `revision` its body may name (None: the record as it is, read only when the
    header names revisions); a `RevisionConflict` when they name only revisions it is no
    longer at, or disagree."""
    if "If-Match" not in request.headers or request.if_match.star_tag:
        return named_in_body
    current = read_current()
    named = {
        int(tag)
        for tag in request.if_match.as_set()  # strong tags only: a weak one never matches
        if tag and tag.isascii() and tag.isdigit() and len(tag) <= _MAX_REVISION_DIGITS
    }
    if current.revision not in named or named_in_body not in (None, current.revision):
        expected = named_in_body if named_in_body is not None else min(named, default=None)
        raise _conflict(current, expected)
    return current.revision


def _conflict(current: Passage | Note, expected: int | None) -> RevisionConflict:
    if isinstance(current, Passage):
        return PassageConflict(
            current.id, expected=expected, current=current.revision, record=current
        )
    return NoteConflict(current.id, expected=expected, current=current.revision, record=current)
