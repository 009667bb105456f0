"""/api/login and /api/logout: a session cookie for scripts, as the login page gives people."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from webapp.api.bodies import required_text
from webapp.errors import ApiError
from webapp.login_limits import TooManyFailures
from webapp.security import WrongPassword, log_in, log_out
from webapp.viewsupport import json_object

bp = Blueprint("session", __name__)


@bp.post("/login")
def log_in_json() -> dict[str, str] | Response:
    """Log in with `{"name", "password"}`; the answer sets the session cookie.

    401 for a wrong name or password; 429 with `Retry-After` after too many failed logins
    from this address or at this name (the password is then not checked).
    """
    body = json_object()
    name = required_text(body, "name")
    password = required_text(body, "password")
    try:
        session = log_in(name, password)
    except WrongPassword as error:
        raise ApiError(401, "wrong name or password", field="password") from error
    except TooManyFailures as refused:
        response = jsonify({"error": str(refused), "field": None})
        response.status_code = 429
        response.headers["Retry-After"] = str(refused.retry_after)
        return response
    return {"name": session.name}


@bp.post("/logout")
def log_out_json() -> dict[str, str | None]:
    """End every session of the user logged in (`name` null when nobody was)."""
    return {"name": log_out()}
