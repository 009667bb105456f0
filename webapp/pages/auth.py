"""Logging in and out, needed only when the library has users (a non-loopback server)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from webapp.login_limits import TooManyFailures
from webapp.security import WrongPassword, is_safe_redirect, log_in, log_out

bp = Blueprint("auth", __name__)


@bp.get("/login")
def login_form() -> str:
    """The login form."""
    return render_template("auth/login.html", name="", error=None, next=request.args.get("next"))


@bp.post("/login")
def login() -> BaseResponse | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Check the name and password against the stored hash, then go where the user was going.

    Refused logins show the form again with the name typed: 401 for a wrong password, 429
    (with `Retry-After`) after too many failed logins from this address or at this name.
    """
    name = request.form.get("name", "")
    password = request.form.get("password", "")
    target = request.args.get("next") or request.form.get("next") or ""
    try:
        log_in(name, password)
    except WrongPassword:
        return _form_again(name, "Wrong name or password.", target), 401
    except TooManyFailures as refused:
        html = _form_again(name, str(refused), target)
        return html, 429, {"Retry-After": str(refused.retry_after)}
    return redirect(target if is_safe_redirect(target) else url_for("search.home"), code=303)


@bp.post("/logout")
def logout() -> BaseResponse:
    """End the user's sessions: this one, and any other browser's or copied cookie."""
    log_out()
    return redirect(url_for("auth.login_form"), code=303)


def _form_again(name: str, error: str, target: str) -> str:
    return render_template("auth/login.html", name=name, error=error, next=target)
