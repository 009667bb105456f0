"""The file trash: `trash/<id>.json` at the library's top, one readable file per delete.

Each file holds the whole records (a passage with its notes as in `passages/<citekey>.json`,
a note with its passage, a reference's exact BibTeX text), when they were deleted and what
they were, pretty-printed with sorted keys, so a trash is plain, diffable and restorable by
hand. Files are written atomically; one that cannot be read is reported and left alone.
"""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from pathlib import Path
from typing import Any

from annotations.errors import TrashFileError, TrashItemNotFound
from annotations.model import Note, Passage
from annotations.passagefile import (
    decode_strictly,
    note_to_json,
    passage_from_json,
    passage_to_json,
)
from annotations.passageschema import FORMAT as PASSAGES_FORMAT
from annotations.passageschema import TIMESTAMP_PATTERN, ULID_PATTERN, schema_problem
from annotations.trash import TRASH_KINDS, DeletedReference, TrashItem
from refs.atomicfile import write_atomically
from refs.citekeys import is_valid_citekey
from refs.errors import WriteFailed

logger = logging.getLogger(__name__)

TRASH_FOLDER = "trash"
FORMAT = "florilegium-trash/1"
_ULID_RE = re.compile(ULID_PATTERN)
_TIMESTAMP_RE = re.compile(TIMESTAMP_PATTERN)
_KEYS = frozenset({"format", "id", "kind", "deleted", "citekey", "passages", "note", "reference"})


class TrashFolder:
    """The `TrashBin` of a library folder: one JSON file per item under `trash/`."""

    def __init__(self, library_dir: Path) -> None:
        self.folder = library_dir / TRASH_FOLDER
        self._problems: list[TrashFileError] = []

    @property
    def problems(self) -> list[TrashFileError]:
        """The trash files the last listing could not read."""
        return list(self._problems)

    def items(self) -> list[TrashItem]:
        """Every readable item, newest first (ids are ULIDs, which sort by time)."""
        items: list[TrashItem] = []
        problems: list[TrashFileError] = []
        for path in self._paths():
            try:
                items.append(_read(path))
            except TrashFileError as problem:
                logger.warning("%s", problem)
                problems.append(problem)
        self._problems = problems
        return sorted(items, key=lambda item: item.id, reverse=True)

    def get(self, trash_id: str) -> TrashItem:
        """One item, or `TrashItemNotFound` (an unreadable file raises `TrashFileError`)."""
        path = self._path(trash_id)
        if not path.is_file():
            raise TrashItemNotFound(trash_id)
        return _read(path)

    def put(self, item: TrashItem) -> None:
        """Write `item` to `trash/<id>.json` atomically (the folder made if missing)."""
        path = self._path(item.id)
        try:
            self.folder.mkdir(exist_ok=True)
        except OSError as error:
            raise WriteFailed(path, error) from error
        write_atomically(path, trash_file_bytes(item))
        logger.info("wrote %s", path)

    def take_out(self, trash_id: str) -> TrashItem:
        """Remove one item's file and return the item.

        The file is first renamed to a hidden name of this call's own: a rename succeeds
        once, so of two restores of one item only one gets it, without a lock file left
        behind per item. A file that cannot be read is renamed back and reported.
        """
        path = self._path(trash_id)
        claimed = self.folder / f".{trash_id}.json.{uuid.uuid4().hex}.taken"
        try:
            os.rename(path, claimed)
        except FileNotFoundError:
            raise TrashItemNotFound(trash_id) from None
        except OSError as error:
            raise WriteFailed(path, error) from error
        try:
            item = parse_trash_file(claimed.read_bytes(), path)
        except (TrashFileError, OSError):
            os.rename(claimed, path)
            raise
        try:
            claimed.unlink()
        except OSError as error:
            os.rename(claimed, path)
            raise WriteFailed(path, error) from error
        _fsync_folder(self.folder)
        logger.info("removed %s", path)
        return item

    def _path(self, trash_id: str) -> Path:
        """`trash/<id>.json`; any id that is not a ULID names nothing (no `../`)."""
        if not _ULID_RE.match(trash_id):
            raise TrashItemNotFound(trash_id)
        return self.folder / f"{trash_id}.json"

    def _paths(self) -> list[Path]:
        try:
            entries = list(os.scandir(self.folder))
        except FileNotFoundError:
            return []
        return [
            Path(entry.path)
            for entry in entries
            if entry.name.endswith(".json") and not entry.name.startswith(".")
        ]


def trash_file_bytes(item: TrashItem) -> bytes:
    """The bytes of an item's file: indent 2, sorted keys, UTF-8 as is, final newline."""
    reference = item.reference
    document = {
        "format": FORMAT,
        "id": item.id,
        "kind": item.kind,
        "deleted": item.deleted,
        "citekey": item.citekey,
        "passages": [passage_to_json(passage) for passage in item.passages],
        "note": None if item.note is None else note_to_json(item.note),
        "reference": None
        if reference is None
        else {"citekey": reference.citekey, "file": reference.file, "bibtex": reference.bibtex},
    }
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def parse_trash_file(data: bytes, path: Path) -> TrashItem:
    """The item in a trash file's bytes, or `TrashFileError` naming what is wrong."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TrashFileError(f"not a JSON trash file ({error})", path=path) from error
    if not isinstance(document, dict) or document.keys() != _KEYS:
        raise TrashFileError(f"expected the keys {', '.join(sorted(_KEYS))}", path=path)
    if document["format"] != FORMAT:
        raise TrashFileError(f"format: expected {FORMAT!r}", path=path)
    _check(document["id"], _ULID_RE, "id", path)
    _check(document["deleted"], _TIMESTAMP_RE, "deleted", path)
    if path.name != f"{document['id']}.json":
        raise TrashFileError("id: does not match the file name", path=path)
    kind, citekey = document["kind"], document["citekey"]
    if kind not in TRASH_KINDS:
        raise TrashFileError(f"kind: expected one of {', '.join(TRASH_KINDS)}", path=path)
    if not isinstance(citekey, str) or not is_valid_citekey(citekey):
        raise TrashFileError("citekey: not a valid citekey", path=path)
    note = _note(document["note"], path)
    passages_document = {
        "citekey": citekey,
        "format": PASSAGES_FORMAT,
        "passages": document["passages"],
    }
    passages = _passages(passages_document, path)
    item = TrashItem(
        id=document["id"],
        kind=kind,
        deleted=document["deleted"],
        citekey=citekey,
        passages=passages,
        note=note,
        reference=_reference(document["reference"], path),
    )
    if kind == "note" and (note is None or not passages):
        raise TrashFileError("a note item needs its note and its passage", path=path)
    if kind == "passage" and len(passages) != 1:
        raise TrashFileError("a passage item holds exactly one passage", path=path)
    if kind == "reference" and item.reference is None:
        raise TrashFileError("a reference item needs its reference", path=path)
    return item


def _read(path: Path) -> TrashItem:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TrashFileError(f"cannot read: {error.strerror}", path=path) from error
    return parse_trash_file(data, path)


def _check(value: Any, pattern: re.Pattern[str], name: str, path: Path) -> None:  # Any: JSON
    if not isinstance(value, str) or not pattern.match(value):
        raise TrashFileError(f"{name}: not valid ({value!r})", path=path)


def _note(value: Any, path: Path) -> Note | None:  # Any: JSON not yet validated
    """The note of a note item, checked by the passage schema's rule for notes."""
    if value is None:
        return None
    probe = {
        "citekey": "trash",
        "format": PASSAGES_FORMAT,
        "passages": [
            {
                "id": "0" * 26,
                "text": "-",
                "locator": None,
                "quoted_in": None,
                "tags": [],
                "anchor": None,
                "notes": [value],
                "created": "2000-01-01T00:00:00Z",
                "modified": "2000-01-01T00:00:00Z",
                "revision": 1,
            }
        ],
    }
    [passage] = _passages(probe, path, name="note")
    [note] = passage.notes
    return note


def _passages(
    document: dict[str, Any], path: Path, *, name: str = ""
) -> tuple[Passage, ...]:  # Any: JSON not yet validated
    """The passages of a passage-file-shaped `document`, checked as the passage files are:
    the strict decoder first, the schema (which names the field) when it gives up."""
    decoded = decode_strictly(document)
    if decoded is not None:
        return decoded.passages
    problem = schema_problem(document)
    if problem is not None:
        field = name or problem[0]
        raise TrashFileError(f"{field}: {problem[1]}", path=path)
    citekey = document["citekey"]
    return tuple(passage_from_json(item, citekey) for item in document["passages"])


def _reference(value: Any, path: Path) -> DeletedReference | None:  # Any: JSON
    if value is None:
        return None
    if not isinstance(value, dict) or value.keys() != {"citekey", "file", "bibtex"}:
        raise TrashFileError("reference: expected citekey, file and bibtex", path=path)
    if not all(isinstance(value[key], str) for key in value):
        raise TrashFileError("reference: citekey, file and bibtex must be strings", path=path)
    file = value["file"]
    if Path(file).name != file or not file.endswith(".bib"):
        raise TrashFileError(f"reference.file: not a .bib file name ({file!r})", path=path)
    return DeletedReference(citekey=value["citekey"], file=file, bibtex=value["bibtex"])


def _fsync_folder(folder: Path) -> None:
    """Make a removal survive a crash (some filesystems refuse to open a folder: fine)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
