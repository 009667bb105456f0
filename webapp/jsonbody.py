"""Request bodies decoded from JSON within bounds, each problem naming the field at fault.

Python's JSON reader recurses once per level of nesting, so a body of a thousand `[` would
end in a `RecursionError` (a 500); numbers of thousands of digits, NaN and repeated keys are
JSON that different readers understand differently; and a `\\ud800` escape makes a string no
UTF-8 file can hold. A body is therefore measured before it is read (`MAX_JSON_DEPTH`), and
read with every string, key and number checked: a 400 names the field (`tags.3`) instead.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from annotations.characters import printable, text_problem
from webapp.errors import ApiError

# No body the API takes nests deeper than 3 (`anchor.quote.exact`); 32 leaves room for
# clients that wrap their own data, and stays far below Python's recursion limit.
MAX_JSON_DEPTH = 32
# Revisions, offsets and positions fit in 20 digits; 100 is generous and cheap to read.
MAX_NUMBER_DIGITS = 100

# The characters that matter for nesting, strings included (so that brackets in them are
# skipped); `,` and `:` matter only at the top level of an object, to know the member.
_NESTING = re.compile(r'["\[\]{}]')
_NESTING_OR_MEMBER = re.compile(r'["\[\]{},:]')
# The rest of a string after its opening quote. Possessive, so that a string that never
# ends costs one pass, not one pass per quote in it.
_STRING_REST = re.compile(r'(?:[^"\\]++|\\.)*+"', re.DOTALL)


def decode_json_body(data: bytes) -> Any:  # Any: whatever JSON value the body holds
    """The JSON value of a request body, or an `ApiError` (400) naming the field at fault:
    nested deeper than `MAX_JSON_DEPTH`, a key given twice, a number of more than
    `MAX_NUMBER_DIGITS` digits, NaN or Infinity, or a string or key holding a character no
    text may (`annotations.characters`). Objects come back as plain dicts."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(400, f"the body must be UTF-8 JSON ({error.reason})") from error
    _check_depth(text)
    try:
        value = json.loads(
            text,
            object_pairs_hook=_Members.of,
            parse_constant=_NotANumber,
            parse_int=_integer,
        )
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise ApiError(400, f"the body is not valid JSON ({where}: {error.msg})") from error
    except RecursionError as error:  # `_check_depth` should have said so first
        raise ApiError(400, f"nested more than {MAX_JSON_DEPTH} levels deep") from error
    return _checked(value, "")


def _check_depth(text: str) -> None:
    """Refuse `text` if it opens more than `MAX_JSON_DEPTH` arrays or objects inside each
    other, naming the top-level member that does (None when the body itself is the array).

    The scan looks only at brackets, strings and, at the top level of an object, `,` and
    `:`; it reads valid JSON exactly, and what is not valid JSON the decoder refuses next.
    """
    depth = 0
    in_top_object = False
    expecting_key = False
    member: str | None = None
    position = 0
    while True:
        at_top_of_object = depth == 1 and in_top_object
        found = (_NESTING_OR_MEMBER if at_top_of_object else _NESTING).search(text, position)
        if found is None:
            return
        character, position = found.group(), found.end()
        if character == '"':
            rest = _STRING_REST.match(text, position)
            if rest is None:
                return  # a string that never ends: not JSON, which the decoder reports
            if at_top_of_object and expecting_key:
                member = _member_name(text[found.start() : rest.end()])
            position = rest.end()
        elif character in "[{":
            depth += 1
            if depth == 1:
                in_top_object = expecting_key = character == "{"
            if depth > MAX_JSON_DEPTH:
                field = member if in_top_object else None
                raise ApiError(400, f"nested more than {MAX_JSON_DEPTH} levels deep", field=field)
        elif character in "]}":
            depth -= 1
        elif character == ",":
            expecting_key = True
        else:  # ":" after a top-level key
            expecting_key = False


def _member_name(quoted: str) -> str:
    try:
        name = json.loads(quoted)
    except json.JSONDecodeError:
        name = quoted.strip('"')
    return printable(name) if isinstance(name, str) else quoted


class _Members(dict[str, Any]):  # Any: JSON values
    """A JSON object as read, remembering the first key that it gave twice."""

    repeated: str | None = None

    @classmethod
    def of(cls, pairs: list[tuple[str, Any]]) -> _Members:  # Any: JSON values
        members = cls(pairs)
        if len(members) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    members.repeated = key
                    break
                seen.add(key)
        return members


@dataclass(frozen=True, slots=True)
class _NotANumber:
    """NaN, Infinity or -Infinity: Python's reader takes them, JSON has no such numbers."""

    name: str


@dataclass(frozen=True, slots=True)
class _LongNumber:
    """An integer of more than `MAX_NUMBER_DIGITS` digits, left unconverted."""

    digits: str


def _integer(digits: str) -> int | _LongNumber:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        return _LongNumber(digits)
    return int(digits)


def _checked(value: Any, path: str) -> Any:  # Any: JSON values
    """`value` with objects as plain dicts, or an `ApiError` at the first thing refused."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem is not None:
            raise ApiError(400, problem, field=path or None)
        return value
    if isinstance(value, _Members):
        if value.repeated is not None:
            raise ApiError(400, "is given twice", field=_within(path, value.repeated))
        checked: dict[str, Any] = {}
        for key, item in value.items():
            problem = text_problem(key)
            if problem is not None:
                raise ApiError(400, f"the name {problem}", field=_within(path, key))
            checked[key] = _checked(item, _within(path, key))
        return checked
    if isinstance(value, list):
        return [_checked(item, _within(path, str(index))) for index, item in enumerate(value)]
    if isinstance(value, _NotANumber):
        raise ApiError(400, f"{value.name} is not a JSON number", field=path or None)
    if isinstance(value, _LongNumber):
        raise ApiError(400, f"a number of more than {MAX_NUMBER_DIGITS} digits", field=path or None)
    return value


def _within(path: str, name: str) -> str:
    """The path of member `name` inside `path` (`anchor` + `quote` → `anchor.quote`)."""
    name = printable(name)
    return f"{path}.{name}" if path else name
