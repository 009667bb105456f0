"""HTTP errors of the web layer, and how the packages' errors map to HTTP statuses.

Services raise their packages' errors; only here do they become statuses. Every API error
leaves as `{"error": "...", "field": ...}` (the contract), every page error as a friendly page.
A write the system refused (disk full, read-only library) is 507 and a file or the index
held too long by another writer is 503 with `Retry-After`; both name the file, which is
unchanged.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from annotations.errors import (
    AnnotationError,
    BrokenPassageFile,
    InvalidCitekey,
    InvalidLocator,
    InvalidPassage,
    NoteNotFound,
    PassageNotFound,
    RevisionConflict,
    WriteNotUndone,
    WriteUndone,
)
from annotations.model import Passage
from index.errors import IndexBusy
from refs.errors import (
    DuplicateCitekey,
    FileBusy,
    FileChangedOnDisk,
    ReferenceHasPassages,
    RefsError,
    UnknownCitekey,
    WriteFailed,
)
from webapp.presenters import note_json, passage_json
from webapp.revisions import etag
from webapp.services import UnknownSource

logger = logging.getLogger(__name__)

# The packages' base errors that mean "could not do what was asked" (a 4xx, never a 500).
SERVICE_ERRORS: tuple[type[Exception], ...] = (
    RefsError,
    AnnotationError,
    UnknownSource,
    IndexBusy,
)
# How long a client should wait before retrying a write that found its file busy.
RETRY_AFTER_SECONDS = 5
# Each service error that has a status of its own; the rest fall to `status_of`'s rules.
STATUSES: tuple[tuple[type[Exception], int], ...] = (
    (PassageNotFound, 404),
    (NoteNotFound, 404),
    (RevisionConflict, 409),
    (BrokenPassageFile, 409),
    (InvalidLocator, 400),
    (InvalidPassage, 400),
    (InvalidCitekey, 400),
    (DuplicateCitekey, 409),
    (FileChangedOnDisk, 409),
    (ReferenceHasPassages, 409),
    (WriteFailed, 507),
    # A step after a write failed: a bug, whose write was put back (or could not be).
    (WriteUndone, 500),
    (WriteNotUndone, 500),
    (FileBusy, 503),
    (IndexBusy, 503),
)


class ApiError(HTTPException):
    """A request the web layer refuses, with the status to answer and the field at fault."""

    def __init__(self, status: int, message: str, *, field: str | None = None) -> None:
        super().__init__(description=message)
        self.code = status
        self.field = field


def status_of(error: Exception) -> int:
    """The HTTP status for a service error: unknown ids 404, conflicts 409, bad values 400."""
    for error_type, status in STATUSES:
        if isinstance(error, error_type):
            return status
    if isinstance(error, LookupError):
        return 404
    if isinstance(error, ValueError):
        return 400
    return 409


def field_of(error: Exception) -> str | None:
    """The request field an error is about, when it names one."""
    if isinstance(error, UnknownCitekey):
        return "citekey"
    if isinstance(error, RevisionConflict):
        return "revision"
    if isinstance(error, PassageNotFound | NoteNotFound):
        return "id"
    field = getattr(error, "field", None)
    return field if isinstance(field, str) and field else None


def is_api_request() -> bool:
    """True for the JSON API, which never answers with HTML."""
    return request.path == "/api" or request.path.startswith("/api/")


def register_error_handlers(app: Flask) -> None:
    """Answer every error as JSON under /api/ and as a page elsewhere."""
    app.register_error_handler(HTTPException, _handle_http_error)
    for error_type in SERVICE_ERRORS:
        app.register_error_handler(error_type, _handle_service_error)


def _handle_http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if isinstance(error, InternalServerError):
        original = error.original_exception or error
        logger.error("bug: unhandled error", exc_info=original)
        message = "internal error: this is a bug in Florilegium, please report it"
    else:
        message = error.description or error.name
    return _error_response(status, message, getattr(error, "field", None), error)


def _handle_service_error(error: Exception) -> Response:
    status = status_of(error)
    headers: dict[str, str] = {}
    if status >= 500:
        # Not a bug but the machine: worth a line in the server's log.
        logger.warning("%s %s: %s", request.method, request.path, error)
    if status == 503:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    extra: dict[str, object] = {}
    if isinstance(error, RevisionConflict) and error.record is not None:
        # The contract's "409 and the current record": what the client has to merge with.
        record = error.record
        extra["current"] = (
            passage_json(record) if isinstance(record, Passage) else note_json(record)
        )
        headers["ETag"] = etag(record.revision)
    return _error_response(status, str(error), field_of(error), None, headers, extra)


def _error_response(
    status: int,
    message: str,
    field: str | None,
    error: HTTPException | None,
    headers: dict[str, str] | None = None,
    extra: dict[str, object] | None = None,
) -> Response:
    if is_api_request():
        response = jsonify({"error": message, "field": field, **(extra or {})})
    else:
        html = render_template("error.html", status=status, message=message)
        response = Response(html, mimetype="text/html")
    response.status_code = status
    if error is not None:
        for name, value in error.get_headers():
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
    response.headers.update(headers or {})
    return response
