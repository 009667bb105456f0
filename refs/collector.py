"""Pausing Python's cyclic garbage collector while a library is read into memory.

Reading 20,000 references builds hundreds of thousands of objects (references, spans,
summaries, lists from JSON) that hold no reference cycles, so the collector has nothing
to free among them; yet it runs every few hundred allocations and walks the growing
older generations again and again: a third of a warm `refs list` of 20,000 entries.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with automatic collection off, turned back on after it (unless it
    was off before: threads reading at once leave it on once the first that paused it is
    done; what the block leaves as garbage is collected then)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
