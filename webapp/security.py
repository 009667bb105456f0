"""The web app's defences: Host check, write guard (JSON or CSRF token), login, headers.

The server usually listens on loopback, where the threats are other web sites in the
user's own browser: DNS rebinding (refused by the Host check) and cross-site form posts
(refused by the CSRF token; JSON with `Content-Type: application/json` cannot be sent
cross-site without a CORS preflight, which we never grant).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, redirect, request, url_for
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response as BaseResponse

from webapp.config import LOOPBACK_NAMES
from webapp.errors import ApiError, is_api_request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
JSON_MEDIA_TYPE = "application/json"
# Endpoints reachable without logging in (when users are configured at all).
PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.login_form", "static"})

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}

_HOST_HEADER = re.compile(
    r"(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<name>[^:\[\]/@\s]+))(?::(?P<port>\d{1,5}))?"
)

csrf = CSRFProtect()
login_manager = LoginManager()


class User(UserMixin):  # type: ignore[misc]  # flask_login ships no type hints
    """A person allowed in: only the name is kept in the session."""

    def __init__(self, name: str) -> None:
        self.id = name


def init_security(app: Flask) -> None:
    """Install the defences on `app`, in the order a request meets them."""
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)
    app.before_request(check_host)
    app.before_request(check_origin)
    app.before_request(guard_writes)
    app.before_request(require_login)
    app.after_request(add_security_headers)


def allowed_host_names(server_host: str, extra: list[str] | tuple[str, ...] = ()) -> frozenset[str]:
    """The names a Host header may carry: the server's own, loopback names and extra ones."""
    names = {server_host, *LOOPBACK_NAMES, *extra}
    return frozenset(name.strip("[]").lower() for name in names if name)


def is_allowed_host(header: str, names: frozenset[str], port: int | None) -> bool:
    """True when `header` (`name[:port]`) names this server, so the request is not rebound.

    With `port` known, the header's port (80 when absent) must be it too.
    """
    match = _HOST_HEADER.fullmatch(header.strip())
    if match is None:
        return False
    name = (match["ipv6"] or match["name"] or "").lower().rstrip(".")
    if name not in names:
        return False
    if port is None:
        return True
    return int(match["port"] or 80) == port


def check_host() -> None:
    """Refuse requests whose Host header is not this server's (DNS rebinding)."""
    config = current_app.config
    names = allowed_host_names(config["SERVER_HOST"], config["ALLOWED_HOSTS"])
    header = request.headers.get("Host", "")
    if not is_allowed_host(header, names, config["SERVER_PORT"]):
        raise ApiError(400, f"refused: Host {header!r} is not this server's name", field="Host")


def check_origin() -> None:
    """Refuse writes that a browser says come from another site."""
    origin = request.headers.get("Origin")
    if request.method in SAFE_METHODS or origin is None:
        return
    if urlsplit(origin).netloc.lower() != request.headers.get("Host", "").lower():
        raise ApiError(403, f"refused: a write from another site ({origin})", field="Origin")


def guard_writes() -> None:
    """Accept a write only as JSON to the API, or as a page form with a valid CSRF token."""
    if request.method in SAFE_METHODS or request.routing_exception is not None:
        return  # reads change nothing; an unknown route or method answers 404/405 itself
    if is_api_request():
        if request.mimetype != JSON_MEDIA_TYPE:
            raise ApiError(
                415,
                "write requests to the API must be JSON (Content-Type: application/json)",
                field="Content-Type",
            )
        return
    csrf.protect()


def require_login() -> BaseResponse | None:
    """When users are configured, every page and API call needs one of them logged in."""
    if not current_app.config["USERS"] or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if current_user.is_authenticated:
        return None
    if is_api_request():
        raise ApiError(401, "log in first (see /login)")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def add_security_headers(response: Response) -> Response:
    """Forbid inline script, framing and MIME sniffing on every response."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def is_safe_redirect(target: str) -> bool:
    """True for a path on this server (never another site, `//evil` or `javascript:`)."""
    parts = urlsplit(target)
    return (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not parts.scheme
        and not parts.netloc
    )


def _load_user(name: str) -> User | None:
    return User(name) if name in current_app.config["USERS"] else None
