"""Query arguments and form fields held to the rule of stored text before any view reads them.

werkzeug already reads undecodable bytes in URLs and forms as U+FFFD, so no lone surrogate
gets this far; a `%00` does, and is refused here (400 naming the argument) as in JSON
bodies. Search queries are the exception: whatever they hold is searched as plain words.
"""

from __future__ import annotations

from flask import request

from annotations.characters import printable, text_problem
from webapp.errors import ApiError

# The query arguments that are searches (`/?q=`, `/api/search?q=`, `/api/export?query=`).
SEARCH_ARGUMENTS = frozenset({"q", "query"})


def refuse_unstorable_text() -> None:
    """Before each request: a 400 naming the first query argument or form field (or name
    of one) holding a NUL, apart from search queries."""
    for name, value in request.args.items(multi=True):
        if name not in SEARCH_ARGUMENTS:
            _check(name, value)
    for name, value in request.form.items(multi=True):
        _check(name, value)


def _check(name: str, value: str) -> None:
    field = printable(name)
    problem = text_problem(name)
    if problem is not None:
        raise ApiError(400, f"the name of {field!r} {problem}", field=field)
    problem = text_problem(value)
    if problem is not None:
        raise ApiError(400, f"{field}: {problem}", field=field)
