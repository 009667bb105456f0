"""Passage sources for index tests: passages kept in `<folder>/<citekey>.json` files.

A stand-in for the passage store, small enough to trust: it writes whole files atomically
under a lock, as the real store does, so tests can also run it from several processes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path

from filelock import FileLock

from annotations.model import Locator, Note, Passage
from index.sources import SourceFile, scan_folder
from refs.atomicfile import write_atomically


class JsonPassageFiles:
    """A `PassageSource` over one JSON file per citekey, with the writes a store makes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def passage_files(self) -> Mapping[str, SourceFile]:
        return scan_folder(self.folder, ".json")

    def passages_of(self, citekey: str) -> list[Passage]:
        path = self.folder / f"{citekey}.json"
        if not path.exists():
            return []
        return [_from_json(item) for item in json.loads(path.read_text(encoding="utf-8"))]

    def save(self, passage: Passage) -> None:
        """Add or replace `passage` in its citekey's file."""
        with FileLock(self.folder / f".{passage.citekey}.lock"):
            kept = [p for p in self.passages_of(passage.citekey) if p.id != passage.id]
            self._write(passage.citekey, [*kept, passage])

    def delete(self, passage_id: str, citekey: str) -> None:
        """Remove one passage from its citekey's file."""
        with FileLock(self.folder / f".{citekey}.lock"):
            kept = [p for p in self.passages_of(citekey) if p.id != passage_id]
            self._write(citekey, kept)

    def _write(self, citekey: str, passages: list[Passage]) -> None:
        items = [asdict(passage) for passage in sorted(passages, key=lambda p: p.id)]
        data = json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        write_atomically(self.folder / f"{citekey}.json", data.encode())


def make_passage(
    passage_id: str,
    citekey: str,
    text: str,
    *,
    page: str = "1",
    tags: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
) -> Passage:
    """A passage with a page locator and notes numbered after it."""
    stamp = "2026-11-23T18:00:00Z"
    return Passage(
        id=passage_id,
        citekey=citekey,
        text=text,
        locator=Locator("page", page),
        tags=tags,
        notes=tuple(
            Note(id=f"{passage_id}-n{number}", text=note, created=stamp, modified=stamp)
            for number, note in enumerate(notes, start=1)
        ),
        created=stamp,
        modified=stamp,
    )


def _from_json(item: dict[str, object]) -> Passage:
    locator = item.get("locator")
    notes = item.get("notes") or []
    assert isinstance(notes, list)
    return Passage(
        id=str(item["id"]),
        citekey=str(item["citekey"]),
        text=str(item["text"]),
        locator=Locator(**locator) if isinstance(locator, dict) else None,
        tags=tuple(str(tag) for tag in item.get("tags") or ()),  # type: ignore[union-attr]
        notes=tuple(Note(**note) for note in notes),
        created=str(item["created"]),
        modified=str(item["modified"]),
        revision=int(item.get("revision", 1)),  # type: ignore[call-overload]
    )
