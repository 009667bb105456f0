"""Work done in other processes by the store's concurrency tests (importable, and a script).

As a script (`python store_worker.py LIBRARY`), it adds passages forever and prints each
id only after the store returned it: the SIGKILL test checks that every printed id survives.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from annotations.store import PassageStore

CITEKEYS = ("freeze2009", "taubman2004", "medvedev1976")

# One step of a lane: ("add", citekey index, text) | ("edit", k, text) | ("delete", k, "")
# | ("note", k, text); k picks among the lane's own live passages, in creation order.
Step = tuple[str, int, str]


def add_many(library: str, worker: int, count: int) -> list[str]:
    """Add `count` passages spread over the shared citekeys; the ids, in order."""
    store = PassageStore(Path(library))
    return [
        store.add(CITEKEYS[n % len(CITEKEYS)], f"worker {worker} passage {n}").id
        for n in range(count)
    ]


def run_lane(library: str, steps: Sequence[Step]) -> list[str]:
    """Apply one lane's steps to its own passages; the ids of its adds, in order."""
    store = PassageStore(Path(library))
    added: list[str] = []
    live: list[str] = []
    for kind, number, text in steps:
        if kind == "add":
            passage = store.add(CITEKEYS[number % len(CITEKEYS)], text)
            added.append(passage.id)
            live.append(passage.id)
        elif live:
            passage_id = live[number % len(live)]
            if kind == "edit":
                store.edit(passage_id, revision=store.get(passage_id).revision, text=text)
            elif kind == "note":
                store.add_note(passage_id, text)
            else:
                store.delete(passage_id)
                live.remove(passage_id)
    return added


def main(library: str) -> None:
    """Add passages (and a note to every third) until killed, acknowledging each one."""
    store = PassageStore(Path(library))
    for n in range(1_000_000):
        passage = store.add(CITEKEYS[n % 2], f"passage {n} " + "words " * (n % 40))
        if n % 3 == 0:
            store.add_note(passage.id, f"note on {n}")
        sys.stdout.write(passage.id + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
