"""Split BibTeX name lists (`author`, `editor`, `translator`…) into people.

BibTeX's rules decide the parts (`von Last, Jr, First`), bibtexparser does the splitting,
and a name wholly in braces (`{Library of Congress}`) is an institution kept as one literal.
"""

from __future__ import annotations

from dataclasses import dataclass

from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

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


def parse_names(value: str) -> NameList:
    """The people in a raw BibTeX name field (LaTeX allowed, decoded to Unicode)."""
    people: list[Person] = []
    has_others = False
    for raw_name in split_multiple_persons_names(value):
        if raw_name.strip().lower() == OTHERS:
            has_others = True
            continue
        people.append(_parse_person(raw_name.strip()))
    return NameList(tuple(people), has_others)


def _parse_person(raw_name: str) -> Person:
    if raw_name.startswith("{") and raw_name.endswith("}") and _is_one_group(raw_name):
        return Person(literal=latex_to_text(raw_name))
    try:
        parts = parse_single_name_into_parts(raw_name, strict=False)
    except InvalidNameError:
        return Person(literal=latex_to_text(raw_name))
    return Person(
        family=latex_to_text(" ".join(parts.last)),
        given=latex_to_text(" ".join(parts.first)),
        particle=latex_to_text(" ".join(parts.von)),
        suffix=latex_to_text(" ".join(parts.jr)),
    )


def _is_one_group(text: str) -> bool:
    """True when the outer braces of `text` enclose all of it (`{A and B}`, not `{A} {B}`)."""
    depth = 0
    for position, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and position < len(text) - 1:
            return False
    return True
