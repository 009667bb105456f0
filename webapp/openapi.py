"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json.

Written by hand next to the routes it describes; a test checks that every API route is in
it and every path in it is a route, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from annotations.model import LOCATOR_LABELS

# Any: every value below is part of a JSON document.
Schema = dict[str, Any]

_STRING: Schema = {"type": "string"}
_NULLABLE_STRING: Schema = {"type": ["string", "null"]}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(name: str) -> Schema:
    return {"oneOf": [_ref(name), {"type": "null"}]}


SCHEMAS: dict[str, Schema] = {
    "Error": {
        "type": "object",
        "required": ["error", "field"],
        "properties": {
            "error": {"type": "string", "description": "What is wrong, for people."},
            "field": {
                "type": ["string", "null"],
                "description": "The parameter, body field (`locator.label`) or header at fault.",
            },
            "current": {
                "type": "object",
                "description": "With a 409 for a stale revision: the passage or note as it "
                "is now (its revision also in the answer's `ETag`).",
            },
        },
    },
    "TrashItem": {
        "type": "object",
        "description": "One delete in the library's trash, with the whole records it removed.",
        "required": [
            "id",
            "kind",
            "deleted",
            "citekey",
            "summary",
            "record_id",
            "passage_id",
            "passages",
            "note",
            "reference",
        ],
        "properties": {
            "id": {"type": "string", "description": "The trash item's id (a ULID)."},
            "kind": {"enum": ["passage", "note", "reference"]},
            "deleted": {"type": "string", "description": "When (UTC ISO 8601)."},
            "citekey": _STRING,
            "summary": {"type": "string", "description": "What was deleted, in one line."},
            "record_id": {
                "type": "string",
                "description": "The id of what was deleted: passage id, note id or citekey.",
            },
            "passage_id": {
                "type": ["string", "null"],
                "description": "A deleted note's passage.",
            },
            "passages": {
                "type": "array",
                "items": _ref("Passage"),
                "description": "The deleted passage (with its notes), the passages deleted "
                "with a reference, or a deleted note's passage as it was (without notes).",
            },
            "note": _nullable("Note"),
            "reference": {
                "oneOf": [
                    {
                        "type": "object",
                        "required": ["citekey", "file", "bibtex"],
                        "properties": {
                            "citekey": _STRING,
                            "file": {"type": "string", "description": "Its .bib file."},
                            "bibtex": {"type": "string", "description": "Its exact text."},
                        },
                    },
                    {"type": "null"},
                ]
            },
        },
    },
    "Restored": {
        "type": "object",
        "description": "What a restore put back; ids taken meanwhile were replaced.",
        "required": ["id", "kind", "summary", "citekey", "passages", "note", "present", "renamed"],
        "properties": {
            "id": {"type": "string", "description": "The trash item's id."},
            "kind": {"enum": ["passage", "note", "reference"]},
            "summary": _STRING,
            "citekey": {
                "type": ["string", "null"],
                "description": "The reference put back (a `reference` item).",
            },
            "passages": {"type": "array", "items": _ref("Passage")},
            "note": _nullable("Note"),
            "present": {
                "type": "array",
                "items": _STRING,
                "description": "Ids of passages the library held already (left as they are).",
            },
            "renamed": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["kind", "from", "to"],
                    "properties": {
                        "kind": {"enum": ["passage", "note"]},
                        "from": _STRING,
                        "to": _STRING,
                    },
                },
            },
        },
    },
    "DeletedPassage": {
        "allOf": [
            _ref("Passage"),
            {
                "type": "object",
                "required": ["trash_id"],
                "properties": {
                    "trash_id": {
                        "type": "string",
                        "description": "The trash item that restores it (Undo).",
                    }
                },
            },
        ]
    },
    "DeletedNote": {
        "allOf": [
            _ref("Note"),
            {
                "type": "object",
                "required": ["trash_id"],
                "properties": {
                    "trash_id": {
                        "type": "string",
                        "description": "The trash item that restores it (Undo).",
                    }
                },
            },
        ]
    },
    "Locator": {
        "type": "object",
        "required": ["label", "value"],
        "properties": {"label": {"enum": list(LOCATOR_LABELS)}, "value": _STRING},
    },
    "QuotedIn": {
        "type": "object",
        "required": ["citekey"],
        "properties": {"citekey": _STRING, "locator": _nullable("Locator")},
    },
    "Anchor": {
        "type": "object",
        "required": ["source", "quote"],
        "properties": {
            "source": _STRING,
            "quote": {
                "type": "object",
                "required": ["exact"],
                "properties": {"exact": _STRING, "prefix": _STRING, "suffix": _STRING},
            },
            "position": {
                "oneOf": [
                    {
                        "type": "object",
                        "required": ["start", "end"],
                        "properties": {
                            "start": {"type": "integer", "minimum": 0},
                            "end": {"type": "integer", "minimum": 0},
                        },
                    },
                    {"type": "null"},
                ]
            },
        },
    },
    "Note": {
        "type": "object",
        "required": ["id", "text", "created", "modified", "revision"],
        "properties": {
            "id": _STRING,
            "text": _STRING,
            "created": _STRING,
            "modified": _STRING,
            "revision": {"type": "integer", "minimum": 1},
        },
    },
    "Passage": {
        "type": "object",
        "required": [
            "id",
            "citekey",
            "text",
            "locator",
            "quoted_in",
            "tags",
            "notes",
            "created",
            "modified",
            "anchor",
            "revision",
        ],
        "properties": {
            "id": _STRING,
            "citekey": _STRING,
            "text": _STRING,
            "locator": _nullable("Locator"),
            "quoted_in": _nullable("QuotedIn"),
            "tags": {"type": "array", "items": _STRING},
            "anchor": _nullable("Anchor"),
            "notes": {"type": "array", "items": _ref("Note")},
            "created": _STRING,
            "modified": _STRING,
            "revision": {"type": "integer", "minimum": 1},
        },
    },
    "NewPassage": {
        "type": "object",
        "required": ["citekey", "text"],
        "properties": {
            "citekey": {"type": "string", "minLength": 1},
            "text": {"type": "string", "minLength": 1},
            "locator": _nullable("Locator"),
            "quoted_in": _nullable("QuotedIn"),
            "tags": {"type": "array", "items": {"type": "string", "minLength": 1}},
            "anchor": _nullable("Anchor"),
        },
    },
    "PassageChanges": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "text": {"type": "string", "minLength": 1},
            "locator": _nullable("Locator"),
            "quoted_in": _nullable("QuotedIn"),
            "tags": {"type": "array", "items": {"type": "string", "minLength": 1}},
            "revision": {
                "type": "integer",
                "minimum": 1,
                "description": "The revision the change is based on; 409 if it is stale.",
            },
        },
    },
    "NoteText": {
        "type": "object",
        "required": ["text"],
        "properties": {"text": {"type": "string", "minLength": 1}},
    },
    "NoteChanges": {
        "type": "object",
        "required": ["text"],
        "properties": {
            "text": {"type": "string", "minLength": 1},
            "revision": {
                "type": "integer",
                "minimum": 1,
                "description": "The revision the change is based on; 409 if it is stale.",
            },
        },
    },
    "Credentials": {
        "type": "object",
        "required": ["name", "password"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "password": {"type": "string", "minLength": 1},
        },
    },
    "SessionUser": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {
                "type": ["string", "null"],
                "description": "Who is (or was) logged in; null when nobody was.",
            }
        },
    },
    "ReferenceSummary": {
        "type": "object",
        "required": ["citekey", "type", "title", "authors", "editors", "year"],
        "properties": {
            "citekey": _STRING,
            "type": _STRING,
            "title": _STRING,
            "authors": {"type": "array", "items": _STRING},
            "editors": {"type": "array", "items": _STRING},
            "year": _STRING,
        },
    },
    "Reference": {
        "type": "object",
        "required": ["citekey", "type", "fields", "file", "line", "csl"],
        "properties": {
            "citekey": _STRING,
            "type": _STRING,
            "fields": {"type": "object", "additionalProperties": _STRING},
            "file": _STRING,
            "line": {"type": "integer"},
            "csl": {"type": "object", "description": "The CSL-JSON item."},
        },
    },
    "Citation": {
        "type": "object",
        "description": "`text` for the text and markdown formats, `html` for html. A "
        "bibliography entry the style leaves out (Chicago prints unpublished documents in "
        "notes only) is empty, with `omitted` saying why and what to add.",
        "oneOf": [
            {
                "type": "object",
                "required": ["text"],
                "properties": {"text": _STRING, "omitted": _STRING},
            },
            {
                "type": "object",
                "required": ["html"],
                "properties": {"html": _STRING, "omitted": _STRING},
            },
        ],
    },
    "ExportDocument": {
        "type": "object",
        "description": "An export asked for as JSON (`Accept: application/json`).",
        "required": ["format", "text", "omitted", "warnings"],
        "properties": {
            "format": _STRING,
            "text": {"type": "string", "description": "The export document itself."},
            "omitted": {
                "type": "array",
                "description": "The references the style leaves out of the bibliography.",
                "items": {
                    "type": "object",
                    "required": ["citekey", "reason"],
                    "properties": {"citekey": _STRING, "reason": _STRING},
                },
            },
            "warnings": {"type": "array", "items": _STRING},
        },
    },
    "SearchResults": {
        "type": "object",
        "required": ["query", "total", "offset", "hits", "facets"],
        "properties": {
            "query": _STRING,
            "total": {"type": "integer"},
            "offset": {"type": "integer"},
            "hits": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["kind", "id", "citekey"],
                    "properties": {
                        "kind": {"enum": ["passage", "note", "reference"]},
                        "id": _STRING,
                        "passage_id": _NULLABLE_STRING,
                        "citekey": _STRING,
                        "text": _STRING,
                        "snippet": {
                            "type": "string",
                            "description": "HTML-escaped apart from <mark> tags.",
                        },
                        "locator": _nullable("Locator"),
                        "score": {"type": "number"},
                        "match": {
                            "enum": ["all", "fuzzy", "some"],
                            "description": "How the hit matched: every word, every word "
                            "in a near spelling, or only some of the words.",
                        },
                        "missing": {
                            "type": "array",
                            "items": _STRING,
                            "description": "The query's words (as typed) the hit lacks.",
                        },
                        "short_citation": {
                            "type": "object",
                            "description": "The work as people recognise it: `text` "
                            "(Taubman, *Khrushchev* (2003), p. 422 in plain text), `html`, "
                            "`author`, `title`, `title_style`, `year`, `locator`.",
                        },
                    },
                },
            },
            "facets": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": {"type": "integer"},
                },
            },
            "matched_all": {
                "type": "integer",
                "description": "How many hits (of `total`) match every word; they come first.",
            },
            "suggestion": {
                "type": ["string", "null"],
                "description": "The query with each word the library lacks replaced by the "
                "nearest one it holds; null when every word was found.",
            },
            "relaxed": {
                "type": "boolean",
                "description": "True when the query as written matched nothing and its plain "
                "words were searched instead.",
            },
            "facet_labels": {
                "type": "object",
                "description": "`{citekey: {KEY: label}}`: the works with the most hits by "
                "author, title and year.",
            },
        },
    },
    "PastedReferences": {
        "type": "object",
        "required": ["text"],
        "properties": {
            "text": {"type": "string", "description": "BibTeX entries, RIS records or CSL-JSON."},
            "format": {"enum": ["auto", "bibtex", "ris", "csljson"], "default": "auto"},
            "duplicates": {
                "enum": ["skip", "report", "add"],
                "default": "skip",
                "description": "Entries resembling a known work: `skip` holds them back "
                "(listed with the `bibtex` that adds them anyway), `report` adds and lists "
                "them, `add` adds even exact duplicates (the answer to a report).",
            },
        },
    },
    "ImportText": {
        "type": "object",
        "required": ["text"],
        "properties": {
            "text": {"type": "string", "description": "The file's content."},
            "filename": {
                "type": "string",
                "description": "Names the file in messages; its extension hints at the format.",
            },
            "format": {
                "enum": ["auto", "bibtex", "csljson", "ris", "w3c", "hypothesis"],
                "default": "auto",
            },
            "duplicates": {"enum": ["skip", "report", "add"], "default": "skip"},
        },
    },
    "ImportReport": {
        "type": "object",
        "description": "As `import --json`; each entry held back carries `bibtex`, the text "
        "that adds it anyway (POST /api/refs with `duplicates: add`).",
        "required": [
            "format",
            "added",
            "renamed",
            "present",
            "duplicates",
            "possible_duplicates",
            "skipped",
            "dry_run",
        ],
        "properties": {
            "format": _STRING,
            "added": {"type": "array", "items": _STRING, "description": "Citekeys or passage ids."},
            "renamed": {
                "type": "array",
                "items": {"type": "object", "properties": {"from": _STRING, "to": _STRING}},
            },
            "present": {"type": "array", "items": _STRING},
            "duplicates": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "title": _STRING,
                        "citekey": {"type": "string", "description": "The known work."},
                        "reason": _STRING,
                        "where": {"type": "string", "description": "file:line of the entry."},
                        "bibtex": _STRING,
                    },
                },
            },
            "possible_duplicates": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "citekey": {
                            "type": ["string", "null"],
                            "description": "Added under this citekey; null: held back.",
                        },
                        "title": _STRING,
                        "resembles": _STRING,
                        "reason": _STRING,
                        "where": _STRING,
                        "bibtex": {"type": "string", "description": "Only when held back."},
                    },
                },
            },
            "skipped": {
                "type": "array",
                "items": _STRING,
                "description": "What was left out and why, each starting `file:line:`.",
            },
            "dry_run": {"type": "boolean"},
        },
    },
    "ReferenceEdit": {
        "type": "object",
        "properties": {
            "set": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Fields to set, values as BibTeX.",
            },
            "unset": {"type": "array", "items": _STRING, "description": "Fields to remove."},
            "revision": {
                "type": "string",
                "description": "The entry's version (its ETag), as If-Match would name it.",
            },
        },
    },
    "EditErrors": {
        "type": "object",
        "required": ["error", "field", "errors"],
        "properties": {
            "error": _STRING,
            "field": {"type": "string", "description": "The first field at fault."},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["field", "error"],
                    "properties": {"field": _STRING, "error": _STRING},
                },
            },
        },
    },
    "ReferenceDeleted": {
        "type": "object",
        "required": ["deleted", "passages_deleted", "passages_kept", "trash_id"],
        "properties": {
            "deleted": _STRING,
            "passages_deleted": {"type": "integer"},
            "passages_kept": {"type": "integer"},
            "trash_id": {
                "type": "string",
                "description": "The trash item that restores it (Undo).",
            },
        },
    },
}


def _error(description: str) -> Schema:
    return {"description": description, "content": _json(_ref("Error"))}


def _json(schema: Schema) -> Schema:
    return {"application/json": {"schema": schema}}


def _ok(description: str, schema: Schema, status: str = "200") -> dict[str, Schema]:
    return {status: {"description": description, "content": _json(schema)}}


def _tagged(responses: dict[str, Schema]) -> dict[str, Schema]:
    """`responses` whose record carries its revision in an `ETag` header."""
    return {
        status: {**response, "headers": {"ETag": _ETAG}} for status, response in responses.items()
    }


_ETAG: Schema = {
    "description": 'The record\'s revision, quoted: `"3"`.',
    "schema": {"type": "string"},
}
_IF_MATCH: Schema = {
    "name": "If-Match",
    "in": "header",
    "description": 'Only if the record is still at one of these revisions (`3`, `"3"`, a '
    "list, or `*` for any); otherwise 409 with the record as it is now.",
    "schema": {"type": "string"},
}


def _query(name: str, description: str, schema: Schema | None = None) -> Schema:
    return {"name": name, "in": "query", "description": description, "schema": schema or _STRING}


def _path(name: str, description: str) -> Schema:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": _STRING}  # fmt: skip


def _body(name: str) -> Schema:
    return {"required": True, "content": _json(_ref(name))}


def _operation(
    summary: str,
    responses: dict[str, Schema],
    *,
    parameters: list[Schema] | None = None,
    body: str | None = None,
    errors: tuple[int, ...] = (),
) -> Schema:
    all_errors = {
        400: "A parameter or body field is invalid (or the Host header is foreign).",
        401: "Log in first (only when users are configured; always on a team library, where "
        "an `Authorization: Bearer TOKEN` header from `florilegium user token` logs in too).",
        403: "Refused: a write from another site, or by a reader of a team library.",
        404: "No such record.",
        409: "The change conflicts with the library's state.",
        413: "The request body is too large.",
        415: "A write that is not sent as application/json.",
        429: "Too many failed logins from this address or at this name: the password was "
        "not checked (Retry-After says how many seconds to wait).",
        503: "The file or the search index is busy with another writer (see Retry-After), "
        "this build has no service for this route yet, or the server lets no one in (it "
        "can be reached from other machines but has no users, or its local settings or "
        "its count of failed logins cannot be used).",
        507: "The library's files could not be written (disk full, read-only folder); the "
        "message names the file, which is unchanged.",
    }
    operation: Schema = {"summary": summary, "responses": dict(responses)}
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = _body(body)
    for status in sorted({400, 401, *errors}):
        operation["responses"][str(status)] = _error(all_errors[status])
    return operation


_PAGING = [
    _query("limit", "Page size.", {"type": "integer", "minimum": 1}),
    _query("offset", "Rows to skip.", {"type": "integer", "minimum": 0}),
]
_WRITE_ERRORS = (403, 404, 409, 413, 415, 503, 507)
_CITEKEY = _path("citekey", "The reference's citekey.")
_PASSAGE_ID = _path("passage_id", "The passage's id.")
_NOTE_ID = _path("note_id", "The note's id.")
_TRASH_ID = _path("trash_id", "The trash item's id.")
_FORMAT = _query("format", "Output format.", {"enum": ["text", "html", "markdown"]})
_STYLE = _query("style", "A CSL style id or short name (mla, chicago, apa...).")

PATHS: dict[str, Schema] = {
    "/api/search": {
        "get": _operation(
            "Search passages, notes and references.",
            _ok("The search document.", _ref("SearchResults")),
            parameters=[_query("q", "The query; unparsable ones are read as words."), *_PAGING],
            errors=(503,),
        )
    },
    "/api/refs": {
        "get": _operation(
            "Every reference, sorted by citekey (X-Total-Count gives the total).",
            _ok("The references.", {"type": "array", "items": _ref("ReferenceSummary")}),
            parameters=_PAGING,
        ),
        "post": _operation(
            "Add pasted entries (BibTeX, RIS or CSL-JSON) through the import service, all or "
            "nothing; entries like known works are held back and listed.",
            {
                **_ok("Something was added; the report.", _ref("ImportReport"), "201"),
                **_ok(
                    "Nothing was added (everything was held back); the report.",
                    _ref("ImportReport"),
                ),
            },
            body="PastedReferences",
            errors=_WRITE_ERRORS,
        ),
    },
    "/api/refs/{citekey}": {
        "get": _operation(
            "One reference (its ETag names the entry's version).",
            _tagged(_ok("The reference.", _ref("Reference"))),
            parameters=[_CITEKEY],
            errors=(404,),
        ),
        "patch": _operation(
            "Change fields, each changed field checked first; the rest of the file is "
            "left byte for byte.",
            _tagged(_ok("The reference as stored.", _ref("Reference"))),
            parameters=[_CITEKEY, _IF_MATCH],
            body="ReferenceEdit",
            errors=_WRITE_ERRORS,
        ),
        "delete": _operation(
            "Delete a reference (one with passages needs `passages`).",
            _ok("What was deleted.", _ref("ReferenceDeleted")),
            parameters=[
                _CITEKEY,
                _query(
                    "passages",
                    "`delete`: its passages and notes go too; `keep`: they stay, pointing at "
                    "the citekey.",
                    {"enum": ["keep", "delete"]},
                ),
            ],
            errors=_WRITE_ERRORS,
        ),
    },
    "/api/import": {
        "post": _operation(
            "Import a file's text as `florilegium import` does and report on it.",
            {
                **_ok("Something was added; the report.", _ref("ImportReport"), "201"),
                **_ok("Nothing was added; the report.", _ref("ImportReport")),
            },
            body="ImportText",
            errors=_WRITE_ERRORS,
        )
    },
    "/api/refs/{citekey}/citation": {
        "get": _operation(
            "One formatted reference.",
            _ok("The citation.", _ref("Citation")),
            parameters=[
                _CITEKEY,
                _STYLE,
                _query(
                    "locator",
                    "A locator value, e.g. 422, xiv or 422-423; without `label`, read as the "
                    "command line's --locator (chapter:3, para. 12). A value that is no page "
                    "(`chaptr 3`) is refused, as everywhere.",
                ),
                _query("label", "The locator's label.", {"enum": list(LOCATOR_LABELS)}),
                _query("mode", "What to format.", {"enum": ["bibliography", "citation", "note"]}),
                _FORMAT,
            ],
            errors=(404, 503),
        )
    },
    "/api/passages": {
        "get": _operation(
            "Passages, optionally of one reference, in locator order.",
            _ok("The passages.", {"type": "array", "items": _ref("Passage")}),
            parameters=[_query("citekey", "Only this reference's passages."), *_PAGING],
            errors=(404,),
        ),
        "post": _operation(
            "Add a passage. Without a locator, a passage anchored in a source text that marks "
            "its pages (form feeds, [p. 41]) is stored with the page it is on.",
            _tagged(_ok("The stored passage.", _ref("Passage"), "201")),
            body="NewPassage",
            errors=_WRITE_ERRORS,
        ),
    },
    "/api/passages/{passage_id}": {
        "get": _operation(
            "One passage with its notes.",
            _tagged(_ok("The passage.", _ref("Passage"))),
            parameters=[_PASSAGE_ID],
            errors=(404,),
        ),
        "patch": _operation(
            "Change a passage's text, locator, quoted_in or tags (with `If-Match` or "
            "`revision`: only if nobody changed it since).",
            _tagged(_ok("The stored passage.", _ref("Passage"))),
            parameters=[_PASSAGE_ID, _IF_MATCH],
            body="PassageChanges",
            errors=_WRITE_ERRORS,
        ),
        "delete": _operation(
            "Move a passage and its notes to the trash (with `If-Match`: only if nobody "
            "changed it since).",
            _ok(
                "The passage as it was, with its notes, and its `trash_id`.", _ref("DeletedPassage")
            ),
            parameters=[_PASSAGE_ID, _IF_MATCH],
            errors=_WRITE_ERRORS,
        ),
    },
    "/api/passages/{passage_id}/notes": {
        "post": _operation(
            "Attach a Markdown note to a passage.",
            _tagged(_ok("The stored note.", _ref("Note"), "201")),
            parameters=[_PASSAGE_ID],
            body="NoteText",
            errors=_WRITE_ERRORS,
        )
    },
    "/api/passages/{passage_id}/citation": {
        "get": _operation(
            "The quote with its in-text citation, ready to paste.",
            _ok("The citation.", _ref("Citation")),
            parameters=[_PASSAGE_ID, _STYLE, _FORMAT],
            errors=(404, 503),
        )
    },
    "/api/notes/{note_id}": {
        "get": _operation(
            "One note.",
            _tagged(_ok("The note.", _ref("Note"))),
            parameters=[_NOTE_ID],
            errors=(404,),
        ),
        "patch": _operation(
            "Replace a note's text (with `If-Match` or `revision`: only if nobody changed it "
            "since).",
            _tagged(_ok("The stored note.", _ref("Note"))),
            parameters=[_NOTE_ID, _IF_MATCH],
            body="NoteChanges",
            errors=_WRITE_ERRORS,
        ),
        "delete": _operation(
            "Move a note to the trash (with `If-Match`: only if nobody changed it since).",
            _ok("The note as it was, and its `trash_id`.", _ref("DeletedNote")),
            parameters=[_NOTE_ID, _IF_MATCH],
            errors=_WRITE_ERRORS,
        ),
    },
    "/api/trash": {
        "get": _operation(
            "What the trash holds, the most recently deleted first.",
            _ok("The items.", {"type": "array", "items": _ref("TrashItem")}),
        ),
    },
    "/api/trash/{trash_id}": {
        "get": _operation(
            "One item in the trash.",
            _ok("The item, with the whole records it holds.", _ref("TrashItem")),
            parameters=[_TRASH_ID],
            errors=(404,),
        ),
    },
    "/api/trash/{trash_id}/restore": {
        "post": _operation(
            "Put an item's records back with their ids (fresh ones only where taken "
            "meanwhile) and take it out of the trash; 409 when it cannot go back as it was "
            "(a note whose passage is gone, a passage whose reference is gone, a reference "
            "whose citekey is taken), and it stays in the trash.",
            _ok("What was put back.", _ref("Restored")),
            parameters=[_TRASH_ID],
            errors=_WRITE_ERRORS,
        ),
    },
    "/api/export": {
        "get": _operation(
            "A bibliography or literature notes, as a download.",
            {
                "200": {
                    "description": "The export document, in the format's media type; as "
                    "JSON naming the references the style leaves out, when the request "
                    "prefers application/json (a Word document, `docx`, is always the file).",
                    "content": _json(_ref("ExportDocument")),
                }
            },
            parameters=[
                _query("keys", "Comma-separated citekeys (none: the whole library)."),
                {
                    "name": "key",
                    "in": "query",
                    "description": "A citekey; may be repeated (as the export form sends them).",
                    "schema": {"type": "array", "items": _STRING},
                    "explode": True,
                },
                _query("query", "Export the references that match this search."),
                _query(
                    "format",
                    "Export format.",
                    {
                        "enum": [
                            "bibtex",
                            "biblatex",
                            "csljson",
                            "ris",
                            "text",
                            "html",
                            "markdown",
                            "w3c",
                            "docx",
                        ]
                    },
                ),
                _STYLE,
                _query("notes", "With passages and notes (1/true/on).", {"type": "string"}),
            ],
            errors=(404, 503),
        )
    },
    "/api/login": {
        "post": _operation(
            "Log in; the answer sets the session cookie that later requests send.",
            _ok("Logged in.", _ref("SessionUser")),
            body="Credentials",
            errors=(413, 415, 429, 503),
        )
    },
    "/api/logout": {
        "post": _operation(
            "End every session of the user logged in (this cookie and any copy of it).",
            _ok("Logged out.", _ref("SessionUser")),
            errors=(413, 415, 503),
        )
    },
    "/api/openapi.json": {
        "get": {
            "summary": "This document.",
            "responses": {
                "200": {
                    "description": "The OpenAPI document.",
                    "content": _json({"type": "object"}),
                }
            },
        }
    },
}


def openapi_document() -> Schema:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Florilegium",
            "version": "1",
            "description": "References, the passages quoted from them, notes, search and "
            "citations. Writes must be JSON (Content-Type: application/json).",
        },
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A team library's API token (`florilegium user token NAME`).",
                },
            },
        },
        "security": [{}, {"session": []}, {"token": []}],
    }
