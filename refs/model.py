"""The reference as the rest of Florilegium sees it: one BibTeX entry, located in its file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from refs.latex import latex_to_text


class Summary(NamedTuple):
    """What a list of references shows of one, its LaTeX converted: the title, the display
    names of its authors and editors (`et al.` for `and others`), its year, and whether it
    names no author (a one-line listing then shows its editors).

    A named tuple rather than a dataclass: 20,000 are built from the cache at each start,
    and a tuple is built several times faster.
    """

    title: str
    authors: Sequence[str]
    editors: Sequence[str]
    year: str
    authorless: bool

    @property
    def names(self) -> Sequence[str]:
        """The names a one-line listing shows: the authors', else the editors'."""
        return self.editors if self.authorless else self.authors


@dataclass(frozen=True, slots=True, kw_only=True)
class Reference:
    """One BibTeX/BibLaTeX entry.

    `fields` holds each value as the user wrote it, with `@string` macros expanded and the
    outer braces or quotes removed, but LaTeX kept (`Mi{\\'c}unovi{\\'c}`); `text()` gives
    the Unicode to show and to search. `raw` is the entry's exact text in its file.

    `summary` and `csl` remember what the entry converts to (`refs/summaries.py`,
    `refs/csl.py`), computed once or read from the cache: set in place on first use, as a
    cached property would be, and never copied, so a copy with other fields
    (`dataclasses.replace`) converts its own.
    """

    citekey: str
    entry_type: str
    fields: Mapping[str, str]
    path: Path
    line: int
    raw: str = field(repr=False)
    summary: Summary | None = field(default=None, init=False, compare=False, repr=False)
    # Any: a CSL-JSON item (`refs.csl.CslItem`), open-ended JSON.
    csl: dict[str, Any] | None = field(default=None, init=False, compare=False, repr=False)

    @property
    def inherits(self) -> bool:
        """True when the entry names others it takes fields from (`crossref`, `xdata`), so
        that what it converts to depends on them too."""
        return "crossref" in self.fields or "xdata" in self.fields

    def text(self, name: str, default: str = "") -> str:
        """The field `name` as Unicode without LaTeX markup, for display and search."""
        value = self.fields.get(name)
        return default if value is None else latex_to_text(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class NewEntry:
    """An entry about to be added (from an import): fields already written as BibTeX values.

    `citekey` is None when the source had none; the importer then makes one.
    """

    entry_type: str
    citekey: str | None
    fields: Mapping[str, str]


def remember_summary(reference: Reference, summary: Summary) -> None:
    """Keep `summary` on `reference`: derived from fields that never change, a memo (as a
    cached property keeps one)."""
    object.__setattr__(reference, "summary", summary)


def remember_csl(reference: Reference, item: dict[str, Any]) -> None:
    """Keep `reference`'s CSL item on it (a memo; only for entries that inherit nothing)."""
    # Any: a CSL-JSON item.
    object.__setattr__(reference, "csl", item)
