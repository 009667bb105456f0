"""Write the text of one BibTeX entry: a new one, or an existing one with some fields changed.

Changing a field rewrites only that field's value (or line), so the rest of the entry keeps
the user's indentation, field order, delimiters and trailing commas.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from refs.errors import InvalidField

_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_:+.-]*$")
_FIELD_START = re.compile(r"(?P<indent>[ \t]*)(?P<name>[A-Za-z][A-Za-z0-9_:+.-]*)\s*=\s*")


def check_field_name(name: str) -> str:
    """The field name lower-cased, or `InvalidField` if it cannot be a BibTeX field name."""
    if not _FIELD_NAME.match(name):
        raise InvalidField("not a valid BibTeX field name", field=name)
    return name.lower()


def braced(value: str) -> str:
    """`value` enclosed in braces, refusing values whose braces do not balance."""
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        raise InvalidField(f"unbalanced braces in {value!r}", field="value")
    return "{" + value + "}"


def format_entry(entry_type: str, citekey: str, fields: Mapping[str, str]) -> str:
    """A new entry in the conventional layout: one field a line, two-space indent, braces."""
    lines = [f"@{entry_type.lower()}{{{citekey},"]
    lines += [f"  {check_field_name(name)} = {braced(value)}," for name, value in fields.items()]
    lines.append("}")
    return "\n".join(lines)


def edit_entry_text(entry: str, changes: Mapping[str, str], removals: Iterable[str]) -> str:
    """`entry` with the fields in `changes` set and those in `removals` deleted."""
    for name in removals:
        entry = _remove_field(entry, check_field_name(name))
    for name, value in changes.items():
        entry = _set_field(entry, check_field_name(name), braced(value))
    return entry


def _field_spans(entry: str) -> dict[str, tuple[int, int, int]]:
    """For each field: (start of its line's indentation, start of value, end of value)."""
    spans: dict[str, tuple[int, int, int]] = {}
    body_start = entry.index(",", entry.index("{") if "{" in entry else 0) + 1
    position = body_start
    while True:
        match = _FIELD_START.search(entry, position)
        if match is None:
            break
        value_start = match.end()
        value_end = _value_end(entry, value_start)
        spans[match.group("name").lower()] = (match.start(), value_start, value_end)
        position = value_end
    return spans


def _value_end(entry: str, start: int) -> int:
    """Where a value starting at `start` ends: at the first `,` or closing brace outside it."""
    depth = 0
    in_quotes = False
    for position in range(start, len(entry)):
        char = entry[position]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return _trim_end(entry, start, position)
            depth -= 1
        elif char == '"' and depth == 0:
            in_quotes = not in_quotes
        elif char in ",)" and depth == 0 and not in_quotes:
            return _trim_end(entry, start, position)
    return _trim_end(entry, start, len(entry))


def _trim_end(entry: str, start: int, end: int) -> int:
    while end > start and entry[end - 1].isspace():
        end -= 1
    return end


def _set_field(entry: str, name: str, value: str) -> str:
    spans = _field_spans(entry)
    if name in spans:
        _, value_start, value_end = spans[name]
        return entry[:value_start] + value + entry[value_end:]
    return _append_field(entry, name, value, spans)


def _append_field(
    entry: str, name: str, value: str, spans: Mapping[str, tuple[int, int, int]]
) -> str:
    newline = "\r\n" if "\r\n" in entry else "\n"
    closing = len(entry.rstrip()) - 1
    if spans:
        last_line_start, _, last_end = max(spans.values(), key=lambda span: span[2])
        indent = re.match(r"[ \t]*", entry[last_line_start:]).group(0)  # type: ignore[union-attr]
        between = entry[last_end:closing]
        has_comma = "," in between
        prefix = entry[:last_end] + ("," if not has_comma else between.rstrip())
        tail = "," if has_comma else ""
        return f"{prefix}{newline}{indent}{name} = {value}{tail}{newline}{entry[closing:]}"
    head = entry[:closing].rstrip()
    if not head.endswith(","):
        head += ","
    return f"{head}{newline}  {name} = {value},{newline}{entry[closing:]}"


def _remove_field(entry: str, name: str) -> str:
    spans = _field_spans(entry)
    if name not in spans:
        raise InvalidField("the entry has no such field", field=name)
    line_start, _, value_end = spans[name]
    end = value_end
    rest = entry[end:]
    stripped = rest.lstrip(" \t")
    if stripped.startswith(","):
        end += len(rest) - len(stripped) + 1
    rest = entry[end:]
    stripped = rest.lstrip(" \t")
    if stripped.startswith(("\r\n", "\n")):
        end += len(rest) - len(stripped) + (2 if stripped.startswith("\r\n") else 1)
        before = entry[:line_start]
        line_begin = max(before.rfind("\n") + 1, 0)
        if not before[line_begin:].strip():
            line_start = line_begin
    return entry[:line_start] + entry[end:]
