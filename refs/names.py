"""Split BibTeX name lists (`author`, `editor`, `translator`…) into people.

BibTeX's rules decide the parts (`von Last, Jr, First`) and bibtexparser applies them to
one name; we split the list at ` and ` ourselves (bibtexparser's splitter reads `and \\v`
as a vertical tab) and turn accents into letters first (its word splitter cuts `Mu\\~noz`
at the tilde). A name wholly in braces (`{Library of Congress}`) is an institution kept
as one literal; BibLaTeX's extended format (`family=Beethoven, given=Ludwig, prefix=van`)
names its parts itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from refs.latex import latex_to_text

OTHERS = "others"


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """One name in Unicode; an institution has only `literal`."""

    family: str = ""
    given: str = ""
    particle: str = ""
    suffix: str = ""
    literal: str = ""

    @property
    def display_name(self) -> str:
        """The name as people write it: "Carl A. Linden", "Ludwig van Beethoven"."""
        if self.literal:
            return self.literal
        parts = (self.given, self.particle, self.family)
        name = " ".join(part for part in parts if part)
        return f"{name}, {self.suffix}" if self.suffix else name

    @property
    def sort_name(self) -> str:
        """Family name first, for sorting and for "Linden, Carl A."."""
        if self.literal:
            return self.literal
        family = " ".join(part for part in (self.particle, self.family) if part)
        return ", ".join(part for part in (family, self.suffix, self.given) if part)


@dataclass(frozen=True, slots=True)
class NameList:
    """The people of one name field; `has_others` when it ends in "and others"."""

    people: tuple[Person, ...]
    has_others: bool = False

    @property
    def display_names(self) -> list[str]:
        """Every person's display name, with "others" spelled as "et al."."""
        names = [person.display_name for person in self.people]
        return [*names, "et al."] if self.has_others else names


# An accent command and the letter it sits on: `\'e`, `\v{S}`, `\'{\i}`.
_ACCENTED = re.compile(
    r"\\(?:[`'^\"~=.]|[uvHckdbrt](?![A-Za-z]))\s*(?:\{\s*\\?[A-Za-z]\s*\}|\\[ij](?![A-Za-z])|[A-Za-z])"
)
_EXTENDED_PART = re.compile(r"^\s*(family|given|prefix|suffix|useprefix|[a-z-]+)\s*=", re.I)
_NO_BREAK_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})


@lru_cache(maxsize=16384)
def parse_names(value: str) -> NameList:
    """The people in a raw BibTeX name field (LaTeX allowed, decoded to Unicode); a
    library names the same people again and again, so each value is parsed once."""
    people: list[Person] = []
    has_others = False
    for raw_name in split_list(value):
        if raw_name.lower() == OTHERS:
            has_others = True
            continue
        people.append(_parse_person(raw_name))
    return NameList(tuple(people), has_others)


def split_list(value: str) -> list[str]:
    """The items of a BibTeX name or literal list: split at ` and ` outside braces."""
    items: list[str] = []
    depth = 0
    start = 0
    for match in re.finditer(r"[{}]|\s+and\s+", value, re.IGNORECASE):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(0, depth - 1)
        elif depth == 0:
            items.append(value[start : match.start()])
            start = match.end()
    items.append(value[start:])
    return [item.strip() for item in items if item.strip()]


def _parse_person(raw_name: str) -> Person:
    if raw_name.startswith("{") and raw_name.endswith("}") and _is_one_group(raw_name):
        return Person(literal=_text(raw_name))
    if _EXTENDED_PART.match(raw_name):
        return _extended_person(raw_name)
    # Imported here: a command that shows only cached names never loads bibtexparser.
    from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts

    name = _ACCENTED.sub(lambda match: latex_to_text(match.group()), raw_name)
    try:
        parts = parse_single_name_into_parts(name, strict=False)
    except InvalidNameError:
        return Person(literal=_text(raw_name))
    return Person(
        family=_text(" ".join(parts.last)),
        given=_text(" ".join(parts.first)),
        particle=_text(" ".join(parts.von)),
        suffix=_text(" ".join(parts.jr)),
    )


def _extended_person(raw_name: str) -> Person:
    """BibLaTeX's `family=…, given=…, prefix=…, suffix=…` (other keys ignored)."""
    parts: dict[str, str] = {}
    for item in _split_commas(raw_name):
        key, _, value = item.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] + value[-1] in ("{}", '""'):
            value = value[1:-1]
        parts[key.strip().lower()] = _text(value)
    return Person(
        family=parts.get("family", ""),
        given=parts.get("given", ""),
        particle=parts.get("prefix", ""),
        suffix=parts.get("suffix", ""),
    )


def _split_commas(text: str) -> list[str]:
    items: list[str] = []
    depth = 0
    start = 0
    for position, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(text[start:position])
            start = position + 1
    items.append(text[start:])
    return [item for item in items if item.strip()]


def _text(latex: str) -> str:
    """A name part in Unicode; a tie (`D.~E.`) is an ordinary space inside a name."""
    return latex_to_text(latex).translate(_NO_BREAK_SPACES)


def _is_one_group(text: str) -> bool:
    """True when the outer braces of `text` enclose all of it (`{A and B}`, not `{A} {B}`)."""
    depth = 0
    for position, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and position < len(text) - 1:
            return False
    return True
