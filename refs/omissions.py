"""Why a style leaves a work out of its bibliography, read from the style's own conditions.

Some styles print certain works in notes or in the text only: the official Chicago notes
style omits unpublished documents and manuscripts that a reader cannot retrieve (CMOS 18
14.114), unsigned encyclopedia entries, social media posts; APA omits personal
communications. A style says so with a branch of its bibliography layout that prints
nothing (`<else-if type="document manuscript"/>`), reached when earlier branches did not
match (`<else-if match="any" variable="publisher URL …">`). This module finds that branch
for an item and says in words which type sent it there and which fields would bring it
back, so the user is told instead of finding an entry missing. citeproc-js remains the
judge of what is printed; this is the explanation.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from refs.csl import CslItem
from refs.styles import Style

_CSL = "{http://purl.org/net/xbiblio/csl}"
_BRANCHES = (f"{_CSL}if", f"{_CSL}else-if", f"{_CSL}else")

# The BibTeX fields that fill the CSL variables a style may ask for. Suggested: the ones
# that make a work findable or say who made it, in this order; the others only when a
# style asks for nothing else (a `journal` would not suit a manuscript).
_FIELDS: Mapping[str, tuple[str, ...]] = {
    "publisher": ("publisher", "howpublished"),
    "URL": ("url",),
    "DOI": ("doi",),
    "author": ("author",),
    "editor": ("editor",),
    "translator": ("translator",),
    "container-title": ("journal", "booktitle"),
    "number": ("number",),
}
_SUGGESTED_FIRST = ("publisher", "URL", "DOI", "author", "editor", "translator")
_WORDS: Mapping[str, str] = {"archive-place": "archive place", "container-title": "container title"}


@dataclass(frozen=True, slots=True)
class Omission:
    """A work the style leaves out of a bibliography, and why, in words for the user."""

    citekey: str
    reason: str


class _Unknown(Exception):
    """A condition this module does not evaluate (position, locator...): no explanation."""


def omission_reason(item: CslItem, style: Style, *, entry_type: str = "") -> str | None:
    """Why `style` prints no bibliography entry for `item`, or None if its layout prints one
    (or depends on what this module does not evaluate).

    omission_reason({"type": "document", …}, chicago) → "chicago-notes-bibliography prints
    items of type document (@misc) without an archive, …, publisher, references or URL in
    notes only; add `publisher`, `howpublished`, `url` or `doi` to include it"
    """
    layout = _bibliography_layout(style)
    kind = f"items of type {item.get('type', 'document')}" + (
        f" (@{entry_type})" if entry_type else ""
    )
    where = "in notes only" if style.is_note else "in the text only"
    if layout is None:
        return f"{style.id} has no bibliography: it cites every work {where}"
    missing: list[str] = []
    try:
        if not _prints_nothing(layout, item, missing):
            return None
    except _Unknown:
        return None
    reason = f"{style.id} prints {kind}"
    variables = list(dict.fromkeys(missing))
    if variables:
        reason += f" without {_or_list([_word(variable) for variable in variables])}"
    reason += f" {where}"
    fields = _fields_to_add(variables)
    if fields:
        reason += (
            f"; add {_or_list([f'`{field}`' for field in fields], article=False)} to include it"
        )
    return reason


def unexplained_reason(item: CslItem, style: Style) -> str:
    """What to say when citeproc-js printed no entry and `omission_reason` cannot tell why."""
    return f"{style.id} prints no bibliography entry for this item of type {item.get('type')}"


@cache
def _bibliography_layout(style: Style) -> ElementTree.Element | None:
    root = ElementTree.fromstring(style.xml())
    return root.find(f"{_CSL}bibliography/{_CSL}layout")


def _prints_nothing(element: ElementTree.Element, item: CslItem, missing: list[str]) -> bool:
    """True when `element` surely prints nothing for `item`: it holds only chooses whose
    chosen branch prints nothing. Collects in `missing` the variables whose absence chose
    those branches."""
    for child in element:
        if child.tag == f"{_CSL}choose":
            if not _choice_prints_nothing(child, item, missing):
                return False
        elif child.tag == f"{_CSL}group":
            if not _prints_nothing(child, item, missing):
                return False
        else:
            return False
    return True


def _choice_prints_nothing(choose: ElementTree.Element, item: CslItem, missing: list[str]) -> bool:
    passed_over: list[str] = []
    for branch in choose:
        if branch.tag not in _BRANCHES:
            continue
        if branch.tag == f"{_CSL}else" or _holds(branch, item):
            if not _prints_nothing(branch, item, missing):
                return False
            missing.extend(passed_over)
            missing.extend(_unwanted(branch))
            return True
        if len(branch):
            passed_over.extend(_wanting(branch, item))
    missing.extend(passed_over)  # no branch holds and there is no else
    return True


def _holds(branch: ElementTree.Element, item: CslItem) -> bool:
    """CSL's condition test, for the conditions on the item itself (type and variables)."""
    attributes = dict(branch.attrib)
    match = attributes.pop("match", "all")
    tests: list[bool] = []
    for attribute, values in attributes.items():
        for value in values.split():
            if attribute == "type":
                tests.append(item.get("type") == value)
            elif attribute == "variable":
                tests.append(_has(item, value))
            else:
                raise _Unknown(attribute)
    if match == "any":
        return any(tests)
    if match == "none":
        return not any(tests)
    return all(tests)


def _wanting(branch: ElementTree.Element, item: CslItem) -> list[str]:
    """The variables whose presence would have made this (failed) branch hold."""
    match = branch.get("match", "all")
    variables = branch.get("variable", "").split()
    if match == "any":
        return [variable for variable in variables if not _has(item, variable)]
    if match == "all" and item.get("type") in branch.get("type", str(item.get("type"))).split():
        return [variable for variable in variables if not _has(item, variable)]
    return []


def _unwanted(branch: ElementTree.Element) -> list[str]:
    """The variables whose presence would have made this (chosen) branch fail."""
    if branch.get("match") == "none":
        return branch.get("variable", "").split()
    return []


def _has(item: CslItem, variable: str) -> bool:
    value = item.get(variable)
    return bool(value) if not isinstance(value, str) else bool(value.strip())


def _fields_to_add(variables: Sequence[str]) -> list[str]:
    chosen = [variable for variable in _SUGGESTED_FIRST if variable in variables]
    chosen = chosen or [variable for variable in variables if variable in _FIELDS]
    return [field for variable in chosen for field in _FIELDS[variable]]


def _word(variable: str) -> str:
    return _WORDS.get(variable, variable)


def _or_list(words: Sequence[str], *, article: bool = True) -> str:
    text = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
    if not article:
        return text
    return f"{'an' if words[0][0] in 'aeiou' else 'a'} {text}"  # "a URL", "an archive"
