"""Logging in and out, needed only when the library has users (a non-loopback server)."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response as BaseResponse

from webapp.security import User, is_safe_redirect

bp = Blueprint("auth", __name__)


@cache
def _dummy_hash() -> str:
    """Checked against when the name is unknown, so that a wrong name takes as long as a
    wrong password and names cannot be guessed from the timing."""
    return generate_password_hash("not a password")


@bp.get("/login")
def login_form() -> str:
    """The login form."""
    return render_template("auth/login.html", name="", error=None, next=request.args.get("next"))


@bp.post("/login")
def login() -> BaseResponse | tuple[str, int]:
    """Check the name and password against the stored hash, then go where the user was going."""
    name = request.form.get("name", "")
    password = request.form.get("password", "")
    target = request.args.get("next") or request.form.get("next") or ""
    stored = current_app.config["USERS"].get(name)
    matches = check_password_hash(stored or _dummy_hash(), password)
    if stored is None or not matches:
        html = render_template(
            "auth/login.html", name=name, error="Wrong name or password.", next=target
        )
        return html, 401
    login_user(User(name))
    return redirect(target if is_safe_redirect(target) else url_for("search.home"), code=303)


@bp.post("/logout")
def logout() -> BaseResponse:
    """End the session."""
    logout_user()
    return redirect(url_for("auth.login_form"), code=303)
