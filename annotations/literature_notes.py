"""Literature notes in Markdown: under each reference's bibliography entry, its passages
as block quotes with their locators, and the notes written on them.

The entry comes from a `format_entry(citekey)` callable (a citation style, once one is
chosen; the plain citekey by default), so this module knows nothing of citation styles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from annotations.model import Locator, Passage

# CommonMark's backslash-escapable characters that would change how a quote renders.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def literature_notes(
    passages: Iterable[Passage],
    *,
    format_entry: Callable[[str], str] = str,
    title: str = "Literature notes",
) -> str:
    """The Markdown document: references by citekey, passages in the order they were added."""
    by_citekey: dict[str, list[Passage]] = {}
    for passage in passages:
        by_citekey.setdefault(passage.citekey, []).append(passage)
    parts = [f"# {title}\n"]
    for citekey in sorted(by_citekey):
        parts.append(f"## {format_entry(citekey)}\n")
        for passage in sorted(by_citekey[citekey], key=lambda p: p.id):
            parts.append(_passage_block(passage))
    return "\n".join(parts)


def _passage_block(passage: Passage) -> str:
    lines = [f"> {_escaped(line)}" if line.strip() else ">" for line in passage.text.splitlines()]
    where = _where(passage)
    if where:
        lines += [">", f"> — {where}"]
    block = "\n".join(lines) + "\n"
    if passage.tags:
        block += "\nTags: " + ", ".join(f"`{tag}`" for tag in passage.tags) + "\n"
    for note in passage.notes:
        block += f"\n{note.text.strip()}\n"
    return block


def _where(passage: Passage) -> str:
    where = _locator_text(passage.locator)
    if passage.quoted_in is not None:
        quoted = f"qtd. in {passage.quoted_in.citekey}"
        if passage.quoted_in.locator is not None:
            quoted += f", {_locator_text(passage.quoted_in.locator)}"
        where = f"{where} ({quoted})" if where else quoted
    return where


def _locator_text(locator: Locator | None) -> str:
    if locator is None:
        return ""
    if locator.label == "page":
        return (
            f"pp. {locator.value}" if re.search(r"[-,]", locator.value) else f"p. {locator.value}"
        )
    return str(locator)


def _escaped(line: str) -> str:
    """The quote's words shown literally, not read as Markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", line)
