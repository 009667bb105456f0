"""Kill writers with SIGKILL at random moments and check that nothing acknowledged is lost.

Used by `tests/test_crash_safety.py` (a fixed number of rounds in CI) and
`bench/crash_soak.py` (as many rounds as it is given time for). Each round forks a writer
from a forkserver that has the packages imported already (so a round costs milliseconds,
not an interpreter start). The writer opens the library through `Services`, as the CLI
does, and loops over random refs add/edit/delete and quote add/edit/delete and note add,
sending "do" before each call and "ok" after it returns. The parent kills it 5-50 ms after
it is ready, then checks: every .bib and passage file parses, every acknowledged write is
on disk, and anything else on disk is explained by the one call that was in flight.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from annotations.store import PassageStore
from refs.atomicfile import is_temporary
from refs.store import ReferenceStore
from webapp.services import Services, init_library

# References that always exist and carry the passages (the writer never deletes them).
BASE_CITEKEYS = ("base1", "base2", "base3")
# The writer's calls, adds weighted double so the library grows.
OPERATIONS = (
    *("ref_add", "ref_add", "ref_edit", "ref_delete"),
    *("quote_add", "quote_add", "quote_edit", "quote_delete", "note_add"),
)
BASE_ENTRY = "@book{{{key},\n  author = {{Doe, Jane}},\n  title = {{Base}},\n  year = 2000,\n}}\n"


@dataclass(slots=True)
class CrashCounts:
    """What the harness did, for the lead to quote."""

    rounds: int = 0
    kills: int = 0
    acknowledged: int = 0
    checked: int = 0
    in_flight: int = 0
    temp_files_left: int = 0
    index_checks: int = 0
    lost: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line with every count."""
        return (
            f"rounds={self.rounds} kills={self.kills} writes acknowledged={self.acknowledged} "
            f"writes checked={self.checked} in flight at the kill={self.in_flight} "
            f"temp files left={self.temp_files_left} index checks={self.index_checks} "
            f"lost={len(self.lost)}"
        )


def make_library(folder: Path) -> Path:
    """A library with the base references and a stray temporary file that must be ignored."""
    library = init_library(folder)
    entries = "\n".join(BASE_ENTRY.format(key=key) for key in BASE_CITEKEYS)
    (library / "references.bib").write_text(entries, encoding="utf-8")
    (library / ".tmp-references.bib.stale.part").write_text("@book{ghost,", encoding="utf-8")
    (library / "passages" / ".tmp-base1.json.stale.part").write_text("{", encoding="utf-8")
    return library


def _send(connection: Connection, message: dict[str, Any]) -> None:
    connection.send_bytes(json.dumps(message).encode())


def run_writer(library: Path, seed: int, connection: Connection) -> None:
    """The child: random writes through the services until killed, each one acknowledged."""
    services = Services.for_library(library)
    chance = random.Random(seed)
    _send(connection, {"phase": "ready"})
    for number in range(1_000_000):
        passages = services.passage_store.passages()
        own_refs = [ref.citekey for ref in services.refs.references() if ref.citekey[0] == "w"]
        kind = chance.choice(OPERATIONS)
        text = f"{kind} {seed} {number} " + "words " * chance.randrange(40)
        message: dict[str, Any] = {"op": kind, "text": text}
        if kind == "ref_add":
            message["citekey"] = f"w{seed}x{number}"
        elif kind in ("ref_edit", "ref_delete") and own_refs:
            message["citekey"] = chance.choice(own_refs)
        elif kind == "quote_add":
            message["citekey"] = chance.choice(BASE_CITEKEYS)
        elif kind in ("quote_edit", "quote_delete", "note_add") and passages:
            message["id"] = chance.choice(passages).id
        else:
            continue
        _send(connection, {"phase": "do", **message})
        if kind == "ref_add":
            fields = {"author": "Roe, Rick", "title": text, "year": "2001", "publisher": "P"}
            services.refs.add_fields("book", message["citekey"], fields)
        elif kind == "ref_edit":
            services.refs.edit(message["citekey"], set_fields={"title": text})
        elif kind == "ref_delete":
            services.delete_reference(message["citekey"])
        elif kind == "quote_add":
            message["id"] = services.passages.add(message["citekey"], text).id
        elif kind == "quote_edit":
            services.passages.edit(message["id"], text=text)
        elif kind == "quote_delete":
            services.passages.delete(message["id"])
        else:
            message["note"] = services.passages.add_note(message["id"], text).id
        _send(connection, {"phase": "ok", **message})


@dataclass(slots=True)
class _Model:
    """What the library must hold, from the acknowledged writes."""

    titles: dict[str, str] = field(default_factory=dict)  # writer's citekeys -> title
    passages: dict[str, str] = field(default_factory=dict)  # passage id -> text
    notes: dict[str, str] = field(default_factory=dict)  # note id -> passage id


class CrashHarness:
    """Rounds of fork, write, SIGKILL, check on one library."""

    def __init__(self, library: Path, seed: int = 0) -> None:
        self.library = library
        self.counts = CrashCounts()
        self._chance = random.Random(seed)
        self._model = _Model()
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["tests.crash_harness"])

    def run_round(self) -> None:
        """One writer, killed 5-150 ms after it is ready, then every check.

        Every write also updates the search index, so a writer needs tens of milliseconds
        for one; the window lets most rounds acknowledge a write and kill one mid-call.
        """
        reader, writer = self._context.Pipe(duplex=False)
        seed = self._chance.randrange(1 << 30)
        process = self._context.Process(target=run_writer, args=(self.library, seed, writer))
        process.start()
        writer.close()
        messages = []
        if reader.poll(30):
            messages.append(json.loads(reader.recv_bytes()))
        time.sleep(self._chance.uniform(0.005, 0.15))
        process.kill()
        process.join()
        self.counts.kills += process.exitcode == -9
        while True:
            try:
                messages.append(json.loads(reader.recv_bytes()))
            except (EOFError, OSError):
                break
        reader.close()
        self.counts.rounds += 1
        self._check([m for m in messages if m.get("phase") != "ready"])

    def check_index_agrees(self) -> None:
        """The search index, repaired from the files as a search does, holds exactly the
        passages on disk (a writer killed between file and index leaves it to catch up)."""
        services = Services.for_library(self.library)
        result = services.search.search("kind:passage", limit=100_000)
        indexed = {hit.id for hit in result.hits}
        on_disk = {passage.id for passage in services.passage_store.passages()}
        assert indexed == on_disk, (sorted(indexed - on_disk), sorted(on_disk - indexed))
        self.counts.index_checks += 1

    def _check(self, messages: list[dict[str, Any]]) -> None:
        refs = ReferenceStore(self.library, use_cache=False)
        passage_store = PassageStore(self.library)
        problems = [*map(str, refs.problems), *map(str, passage_store.problems)]
        assert problems == [], problems
        self.counts.temp_files_left = sum(1 for p in self.library.rglob("*") if is_temporary(p))
        titles = {ref.citekey: ref.fields["title"] for ref in refs.references()}
        assert all(key in titles for key in BASE_CITEKEYS)
        disk_passages = {p.id: p.text for p in passage_store.passages()}
        disk_notes = {n.id: p.id for p in passage_store.passages() for n in p.notes}
        in_flight = messages[-1] if messages and messages[-1]["phase"] == "do" else None
        self.counts.in_flight += in_flight is not None
        acked = [m for m in messages if m["phase"] == "ok"]
        for message in acked:
            self._apply(message)
        self.counts.acknowledged += len(acked)
        model = self._model
        # The one call in flight at the kill may or may not have reached the disk.
        maybe_refs = {in_flight["citekey"]} if in_flight and "citekey" in in_flight else set()
        maybe_passages = {in_flight["id"]} if in_flight and "id" in in_flight else set()
        for citekey in set(titles) | set(model.titles):
            if citekey in BASE_CITEKEYS or citekey in maybe_refs:
                continue
            self._expect(titles.get(citekey) == model.titles.get(citekey), f"ref {citekey}")
        new_passages = set(disk_passages) - set(model.passages) - maybe_passages
        if in_flight and in_flight["op"] == "quote_add":
            new_passages = {p for p in new_passages if disk_passages[p] != in_flight["text"]}
        self._expect(not new_passages, f"passages from nowhere: {new_passages}")
        for passage_id, text in model.passages.items():
            if passage_id not in maybe_passages:
                self._expect(disk_passages.get(passage_id) == text, f"passage {passage_id}")
        for note_id, passage_id in model.notes.items():
            if passage_id in disk_passages:
                self._expect(disk_notes.get(note_id) == passage_id, f"note {note_id}")
        # Whatever the in-flight call did or did not do is now the truth.
        model.titles = {k: v for k, v in titles.items() if k not in BASE_CITEKEYS}
        model.passages = disk_passages
        model.notes = disk_notes

    def _apply(self, message: dict[str, Any]) -> None:
        model, op = self._model, message["op"]
        if op in ("ref_add", "ref_edit"):
            model.titles[message["citekey"]] = message["text"]
        elif op == "ref_delete":
            model.titles.pop(message["citekey"], None)
        elif op in ("quote_add", "quote_edit"):
            model.passages[message["id"]] = message["text"]
        elif op == "quote_delete":
            model.passages.pop(message["id"], None)
            model.notes = {n: p for n, p in model.notes.items() if p != message["id"]}
        else:
            model.notes[message["note"]] = message["id"]

    def _expect(self, holds: bool, what: str) -> None:
        self.counts.checked += 1
        if not holds:
            self.counts.lost.append(what)
