"""Write the text of one BibTeX entry: a new one, or an existing one with some fields changed.

Changing a field rewrites only that field's value (or line), so the rest of the entry keeps
the user's indentation, field order, delimiters and trailing commas.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from refs.bibfile import parse_bib_text
from refs.errors import InvalidField
from refs.parserinput import prepare_for_parser

_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_:+.-]*$")
_FIELD_START = re.compile(
    r"(?P<indent>[ \t]*)(?P<name>[A-Za-z][A-Za-z0-9_:+.-]*)(?P<before>\s*)=(?P<after>\s*)"
)
# `@type{citekey,` (or with a parenthesis); fields start after it.
_HEAD = re.compile(r"\s*@\w*\s*[{(][^,]*,")
_INDENT = re.compile(r"[ \t]*")
_ANY_BRACE = re.compile(r"[{}]")
_LATEX_SPECIAL = re.compile(r"[&%$#_]")
_LINE_STARTING_AN_ENTRY = re.compile(r"\n[ \t]*@\w*[ \t]*[{(]")
# The longest field value Florilegium writes (an abstract or a table of contents fits
# many times over); files written by hand may hold longer ones, which are read as they are.
MAX_FIELD_LENGTH = 100_000


def check_field_name(name: str) -> str:
    """The field name lower-cased, or `InvalidField` if it cannot be a BibTeX field name."""
    if not _FIELD_NAME.match(name):
        raise InvalidField("not a valid BibTeX field name", field=name)
    return name.lower()


def check_field_length(name: str, value: str) -> None:
    """`InvalidField` for a value longer than `MAX_FIELD_LENGTH` characters."""
    if len(value) > MAX_FIELD_LENGTH:
        raise InvalidField(
            f"{len(value):,} characters; a field holds at most {MAX_FIELD_LENGTH:,}", field=name
        )


def braced(value: str, *, read_back: bool = True) -> str:
    """`value` enclosed in braces, refusing values that would not read back as themselves.

    BibTeX counts every brace, bibtexparser skips a brace right after a backslash, and
    both take a line starting with `@type{` for a new entry. Rather than guess where
    those rules disagree, the value is written into a small entry and read back; a caller
    that reads back everything it writes in one parse (an import) passes `read_back=False`
    and gets only the cheap checks here.
    """
    check_field_length("value", value)
    if not _is_balanced(value, _ANY_BRACE):
        raise InvalidField(f"unbalanced braces in {value!r}", field="value")
    if _LINE_STARTING_AN_ENTRY.search(value):
        raise InvalidField(
            f"a line of {value!r} starts like a new entry ('@type{{'); indent or reword it",
            field="value",
        )
    text = "{" + value + "}"
    if not read_back:
        return text
    probe = parse_bib_text(f"@misc{{probe, value = {text}, next = {{1}}}}", Path("<value>"))
    if probe.problems or [dict(ref.fields) for ref in probe.references] != [
        {"value": value, "next": "1"}
    ]:
        raise InvalidField(
            f"{value!r} would not read back as written (a backslash before a brace or at the end?)",
            field="value",
        )
    return text


def _is_balanced(value: str, braces: re.Pattern[str]) -> bool:
    if "{" not in value and "}" not in value:
        return True  # most values: an import checks tens of thousands
    depth = 0
    for match in braces.finditer(value):
        depth += 1 if match.group() == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def escape_text(text: str) -> str:
    """Plain text as a BibTeX value that typesets as the same text.

    LaTeX's special characters get a backslash; a brace that does not pair up becomes a
    parenthesis, since an unbalanced brace cannot be written in a braced value at all.
    """
    if not _is_balanced(text, _ANY_BRACE):
        text = text.replace("{", "(").replace("}", ")")
    escaped = _LATEX_SPECIAL.sub(r"\\\g<0>", text.replace("\\", "\x00"))
    escaped = escaped.replace("\x00", "\\textbackslash{}")
    return " ".join(escaped.split())


def format_entry(
    entry_type: str, citekey: str, fields: Mapping[str, str], *, read_back: bool = True
) -> str:
    """A new entry in the conventional layout: one field a line, two-space indent, braces
    (each value read back unless `read_back` is False: see `braced`)."""
    lines = [f"@{entry_type.lower()}{{{citekey},"]
    lines += [
        f"  {check_field_name(name)} = {braced(value, read_back=read_back)},"
        for name, value in fields.items()
    ]
    lines.append("}")
    return "\n".join(lines)


def edit_entry_text(entry: str, changes: Mapping[str, str], removals: Iterable[str]) -> str:
    """`entry` with the fields in `changes` set and those in `removals` deleted."""
    for name in removals:
        entry = _remove_field(entry, check_field_name(name))
    for name, value in changes.items():
        try:
            value_text = braced(value)
        except InvalidField as error:
            raise InvalidField(error.message, field=name) from error
        entry = _set_field(entry, check_field_name(name), value_text)
    return entry


@dataclass(frozen=True, slots=True)
class _FieldSpan:
    """Where one field lies in an entry's text, and how it was spaced."""

    line_start: int  # start of the indentation before the field's name
    name: str
    before_equals: str
    after_equals: str
    value_start: int
    value_end: int


def _field_spans(entry: str) -> dict[str, _FieldSpan]:
    """Every field of `entry` by lower-cased name, found in the text bibtexparser reads.

    `%` comments between fields are blanked first, so a commented-out `year = 1999`
    is not taken for a field.
    """
    readable = prepare_for_parser(entry)
    spans: dict[str, _FieldSpan] = {}
    head = _HEAD.match(readable)
    position = head.end() if head else 0
    while True:
        match = _FIELD_START.search(readable, position)
        if match is None:
            break
        value_start = match.end()
        value_end = _value_end(readable, value_start)
        # setdefault: of a field given twice, the first counts (as when reading), so edit it.
        spans.setdefault(
            match.group("name").lower(),
            _FieldSpan(
                line_start=match.start(),
                name=match.group("name"),
                before_equals=match.group("before"),
                after_equals=match.group("after"),
                value_start=value_start,
                value_end=value_end,
            ),
        )
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
        span = spans[name]
        return entry[: span.value_start] + value + entry[span.value_end :]
    return _append_field(entry, name, value, list(spans.values()))


def _append_field(entry: str, name: str, value: str, spans: list[_FieldSpan]) -> str:
    """`entry` with a new last field laid out like the fields it already has."""
    newline = "\r\n" if "\r\n" in entry else "\n"
    closing = len(entry.rstrip()) - 1
    if not spans:
        head = entry[:closing].rstrip()
        if not head.endswith(","):
            head += ","
        return f"{head}{newline}  {name} = {value},{newline}{entry[closing:]}"
    last = max(spans, key=lambda span: span.value_end)
    after_equals = last.after_equals if "\n" not in last.after_equals else " "
    field_text = f"{_padded_name(name, spans)}={after_equals}{value}"
    between = entry[last.value_end : closing]
    has_comma = "," in between
    if "\n" not in entry[: last.value_end]:
        # A one-line entry stays on one line: `@book{a, title={A}, year={2000}}`.
        return f"{entry[: last.value_end]}, {field_text}{between}{entry[closing:]}"
    indent = _INDENT.match(entry, last.line_start)
    prefix = entry[: last.value_end] + ("," if not has_comma else between.rstrip())
    tail = "," if has_comma else ""
    line = f"{indent.group() if indent else ''}{field_text}{tail}"
    return f"{prefix}{newline}{line}{newline}{entry[closing:]}"


def _padded_name(name: str, spans: list[_FieldSpan]) -> str:
    """`name` and the space before its `=`: aligned like the others if they are aligned."""
    widths = {len(span.name) + len(span.before_equals) for span in spans}
    befores = {span.before_equals for span in spans}
    if len(spans) > 1 and len(widths) == 1 and len(befores) > 1:
        return name.ljust(widths.pop() - 1) + " "
    last = max(spans, key=lambda span: span.value_end)
    return name + (last.before_equals if "\n" not in last.before_equals else " ")


def _remove_field(entry: str, name: str) -> str:
    spans = _field_spans(entry)
    if name not in spans:
        raise InvalidField("the entry has no such field", field=name)
    line_start, value_end = spans[name].line_start, spans[name].value_end
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
