"""The progress bar a long CLI job (an import) draws on a terminal's stderr.

Drawn with rich, and only when stderr is a terminal and the command was not asked for
`--json`: a pipe, a log file or a script reading JSON gets no control characters. rich is
imported only when a bar is drawn, so other commands never pay for it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from annotations.progress import Progress, no_progress

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

# What each stage of a job is called on the bar.
STAGE_LABELS = {
    "reading": "Reading the file",
    "matching": "Matching annotations",
    "checking": "Checking entries",
    "writing": "Writing",
    "indexing": "Indexing",
}


def wants_progress_bar(*, as_json: bool) -> bool:
    """Whether to draw a bar: stderr is a terminal and the output is not JSON."""
    return not as_json and sys.stderr.isatty()


@contextmanager
def progress_bar(*, enabled: bool) -> Iterator[Progress]:
    """A `Progress` drawing one bar per stage on stderr while the block runs (cleared at
    its end), or one that draws nothing when not `enabled`."""
    if not enabled:
        yield no_progress
        return
    from rich.console import Console
    from rich.progress import Progress as RichProgress

    with RichProgress(console=Console(stderr=True), transient=True) as bars:
        yield _StageBars(bars)


class _StageBars:
    """Turns `Progress` calls into rich tasks, one per stage, in the order they start."""

    def __init__(self, bars: RichProgress) -> None:
        self._bars = bars
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        task = self._tasks.get(stage)
        if task is None:
            task = self._bars.add_task(STAGE_LABELS.get(stage, stage), total=total)
            self._tasks[stage] = task
        self._bars.update(task, completed=done, total=total)
