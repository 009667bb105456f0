"""The reference as the rest of Florilegium sees it: one BibTeX entry, located in its file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from refs.latex import latex_to_text


@dataclass(frozen=True, slots=True, kw_only=True)
class Reference:
    """One BibTeX/BibLaTeX entry.

    `fields` holds each value as the user wrote it, with `@string` macros expanded and the
    outer braces or quotes removed, but LaTeX kept (`Mi{\\'c}unovi{\\'c}`); `text()` gives
    the Unicode to show and to search. `raw` is the entry's exact text in its file.
    """

    citekey: str
    entry_type: str
    fields: Mapping[str, str]
    path: Path
    line: int
    raw: str = field(repr=False)

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
