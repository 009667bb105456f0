"""How a long job (an import) tells whoever runs it how far it has got.

The CLI draws a progress bar from these calls and the web page a bar of its own; the
services only call `Progress`, so they know neither. A stage is named by a short verb
(`reading`, `matching`, `checking`, `writing`, `indexing`), and `done` of `total` counts
its items: entries, annotations, files.
"""

from __future__ import annotations

from typing import Protocol

# How many items a loop handles between two reports: enough for a bar to move smoothly,
# few enough that reporting costs nothing beside the work.
REPORT_EVERY = 200


class Progress(Protocol):
    """Called as a job moves on: `done` of `total` items of `stage` are finished."""

    def __call__(self, stage: str, done: int, total: int) -> None: ...


def no_progress(stage: str, done: int, total: int) -> None:
    """The `Progress` of a caller that shows none."""
