"""The registry of citation styles: the CSL files that ship with Florilegium, by id and short name.

Styles are the official CSL files, unmodified (see `refs/vendor/csl-styles/README.md`), so
that what we print is what Zotero prints for the same item.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from refs.errors import RefsError

STYLES_DIR = Path(__file__).parent / "vendor" / "csl-styles"
LOCALES_DIR = Path(__file__).parent / "vendor" / "csl-locales"

# The short names of the public contract: each means the current official edition.
SHORT_NAMES: dict[str, str] = {
    "mla": "modern-language-association",
    "chicago": "chicago-notes-bibliography",
    "chicago-author-date": "chicago-author-date",
    "apa": "apa",
}

_CLASS = re.compile(r"<style\b[^>]*\bclass=\"(?P<class>in-text|note)\"")
_TITLE = re.compile(r"<title>(?P<title>[^<]*)</title>")


class UnknownStyle(RefsError, ValueError):
    """No bundled style has this name or id; the message suggests the closest ones.

    str(err) → "unknown style 'chicgo'; did you mean: chicago, chicago-author-date?"
    """

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown style '{name}'{hint} (`florilegium cite --list-styles`)")
        self.name, self.suggestions, self.field = name, suggestions, "style"


@dataclass(frozen=True, slots=True)
class Style:
    """One bundled CSL style: its id (the file name), title, file, and whether it uses notes."""

    id: str
    title: str
    path: Path
    is_note: bool

    def xml(self) -> str:
        """The style's CSL XML, as shipped."""
        return self.path.read_text(encoding="utf-8")


@cache
def bundled_styles() -> dict[str, Style]:
    """Every bundled style by id, read once per process."""
    styles: dict[str, Style] = {}
    for path in sorted(STYLES_DIR.glob("*.csl")):
        head = path.read_text(encoding="utf-8")[:4000]
        style_class = _CLASS.search(head)
        title = _TITLE.search(head)
        styles[path.stem] = Style(
            id=path.stem,
            title=title.group("title") if title else path.stem,
            path=path,
            is_note=bool(style_class and style_class.group("class") == "note"),
        )
    return styles


def style_names() -> list[str]:
    """Every name `resolve_style` accepts: the short names, then the ids."""
    return [*SHORT_NAMES, *(name for name in bundled_styles() if name not in SHORT_NAMES)]


def resolve_style(name: str) -> Style:
    """The style a user means by `name` (a short name like `mla`, or a bundled style's id).

    Unknown names raise `UnknownStyle` with up to three close names, so a typo is one
    step from the right command.
    """
    wanted = name.strip().lower()
    style_id = SHORT_NAMES.get(wanted, wanted)
    style = bundled_styles().get(style_id)
    if style is None:
        raise UnknownStyle(name, difflib.get_close_matches(wanted, style_names(), n=3, cutoff=0.5))
    return style


def locale_xml(lang: str) -> str | None:
    """The official CSL locale file for `lang` (`en-US`, `ru-RU`), if one ships."""
    path = LOCALES_DIR / f"locales-{lang}.xml"
    return path.read_text(encoding="utf-8") if path.is_file() else None
