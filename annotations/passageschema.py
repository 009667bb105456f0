"""The JSON Schema of passage files (`passages/<citekey>.json`), and its problem reports.

The schema is the definition of a valid file; `passagefile` reads valid files faster with
a strict decoder that is never looser than it, and asks the schema to name the field of
anything that decoder gives up on.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from annotations.model import LOCATOR_LABELS

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

FORMAT = "florilegium-passages/1"
ULID_PATTERN = "^[0-9A-HJKMNP-TV-Z]{26}$"
TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"

FILE_KEYS = ("citekey", "format", "passages")
PASSAGE_KEYS: tuple[str, ...] = ("id", "text", "locator", "quoted_in", "tags", "anchor")
PASSAGE_KEYS += ("notes", "created", "modified", "revision")
NOTE_KEYS = ("id", "text", "created", "modified")
LOCATOR_KEYS = ("label", "value")

_LOCATOR = {
    "type": "object",
    "required": list(LOCATOR_KEYS),
    "additionalProperties": False,
    "properties": {
        "label": {"enum": list(LOCATOR_LABELS)},
        "value": {"type": "string", "minLength": 1},
    },
}
_NOTE = {
    "type": "object",
    "required": list(NOTE_KEYS),
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": ULID_PATTERN},
        "text": {"type": "string"},
        "created": {"type": "string", "pattern": TIMESTAMP_PATTERN},
        "modified": {"type": "string", "pattern": TIMESTAMP_PATTERN},
        # Optional: notes written before they had revisions are at revision 1.
        "revision": {"type": "integer", "minimum": 1},
    },
}
_ANCHOR = {
    "type": "object",
    "required": ["source", "quote", "position"],
    "additionalProperties": False,
    "properties": {
        "source": {"type": "string", "minLength": 1, "pattern": r"^[^/\\]+$"},
        "quote": {
            "type": "object",
            "required": ["exact", "prefix", "suffix"],
            "additionalProperties": False,
            "properties": {
                "exact": {"type": "string", "minLength": 1},
                "prefix": {"type": "string"},
                "suffix": {"type": "string"},
            },
        },
        "position": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["start", "end"],
                    "additionalProperties": False,
                    "properties": {
                        "start": {"type": "integer", "minimum": 0},
                        "end": {"type": "integer", "minimum": 0},
                    },
                },
            ]
        },
    },
}
_PASSAGE = {
    "type": "object",
    "required": list(PASSAGE_KEYS),
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": ULID_PATTERN},
        "text": {"type": "string", "minLength": 1},
        "locator": {"oneOf": [{"type": "null"}, _LOCATOR]},
        "quoted_in": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["citekey", "locator"],
                    "additionalProperties": False,
                    "properties": {
                        "citekey": {"type": "string", "minLength": 1},
                        "locator": {"oneOf": [{"type": "null"}, _LOCATOR]},
                    },
                },
            ]
        },
        "tags": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "anchor": {"oneOf": [{"type": "null"}, _ANCHOR]},
        "notes": {"type": "array", "items": _NOTE},
        "created": {"type": "string", "pattern": TIMESTAMP_PATTERN},
        "modified": {"type": "string", "pattern": TIMESTAMP_PATTERN},
        "revision": {"type": "integer", "minimum": 1},
    },
}
SCHEMA: dict[str, Any] = {  # Any: a JSON Schema document is arbitrary JSON
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Florilegium passage file",
    "type": "object",
    "required": list(FILE_KEYS),
    "additionalProperties": False,
    "properties": {
        "citekey": {"type": "string", "minLength": 1},
        "format": {"const": FORMAT},
        "passages": {"type": "array", "items": _PASSAGE},
    },
}


def schema_problem(document: Any) -> tuple[str, str] | None:  # Any: JSON not yet validated
    """The most relevant violation of `SCHEMA` as (field path, message), or None if valid.

    The field path joins keys and indexes with dots (`passages.3.locator.label`), or is
    `(file)` when the whole document is wrong.
    """
    from jsonschema.exceptions import best_match

    problem = best_match(_validator().iter_errors(document))
    if problem is None:
        return None
    return ".".join(str(part) for part in problem.absolute_path) or "(file)", problem.message


@cache
def _validator() -> Draft202012Validator:
    """The schema checked and compiled once per process.

    jsonschema is imported here, not with the module: valid files never reach the
    validator (the strict decoder reads them), and importing it costs a command's start.
    """
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(SCHEMA)
    return Draft202012Validator(SCHEMA)
