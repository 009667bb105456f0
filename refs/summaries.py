"""A reference's `Summary` (title, people, year as Unicode), converted once per entry.

Listing 20,000 references spent most of its time converting the same titles and names
from LaTeX on every run. The store writes each entry's summary into its cache with the
parse (`refs/cache.py`), so a warm `refs list` converts nothing; an entry without one
(just added or edited) is summarised on first use, and the summary stays on it.
"""

from __future__ import annotations

from refs.model import Reference, Summary, remember_summary
from refs.names import parse_names


def summary_of(reference: Reference) -> Summary:
    """`reference`'s summary: the one it carries, else converted now and kept on it."""
    summary = reference.summary
    if summary is None:
        summary = summarize(reference)
        remember_summary(reference, summary)
    return summary


def summarize(reference: Reference) -> Summary:
    """Convert what a listing shows of `reference`: the title's text, the display names
    of its authors and of its editors, and its year as written (`year`, else the start of
    `date`), and whether it has no `author` (or an empty one)."""
    fields = reference.fields
    year = reference.text("year") if "year" in fields else fields.get("date", "")[:4]
    return Summary(
        title=reference.text("title"),
        authors=tuple(parse_names(fields.get("author", "")).display_names),
        editors=tuple(parse_names(fields.get("editor", "")).display_names),
        year=year,
        authorless=not fields.get("author"),
    )
