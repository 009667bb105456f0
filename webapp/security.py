"""The web app's defences: Host check, write guard (JSON or CSRF token), login, headers.

The server usually listens on loopback, where the threats are other web sites in the
user's own browser: DNS rebinding (refused by the Host check) and cross-site form posts
(refused by the CSRF token; JSON with `Content-Type: application/json` cannot be sent
cross-site without a CORS preflight, which we never grant). Served to other machines,
it needs a login: failed logins are limited per client address and per user name
(`login_limits.py`), and a session stops working once its user's sessions are ended
(`accounts.py`). Over HTTPS (`serve --certfile`, or a proxy that says so) cookies are
`Secure` and responses carry HSTS.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import Flask, Request, Response, current_app, g, redirect, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response as BaseResponse

from index.indexer import INDEX_FOLDER_NAME
from refs.errors import RefsError
from webapp.accounts import Accounts, Session
from webapp.config import LOOPBACK_NAMES, is_loopback_host
from webapp.errors import ApiError, is_api_request
from webapp.localconfig import LocalConfigError
from webapp.login_limits import CountingFailed, LoginLimits, LoginThrottle, TooManyFailures
from webapp.members import WRITING_ROLES, Members

logger = logging.getLogger(__name__)

T = TypeVar("T")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
JSON_MEDIA_TYPE = "application/json"
# Endpoints reachable without logging in (when users are configured at all).
PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.login_form", "api.session.log_in_json", "static"})
# Writes a reader may make: ending their own session.
LOGOUT_ENDPOINTS = frozenset({"auth.logout", "api.session.log_out_json"})
# The failed logins of every server process of a library, in its private folder.
LOGIN_FAILURES_FILE = "login-failures.sqlite3"
# A year: browsers that saw the site over HTTPS refuse plain HTTP to it for that long.
HSTS = "max-age=31536000"

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
    """A person logged in; the session cookie keeps their name and session generation."""

    def __init__(self, session: Session) -> None:
        self.id = session.name
        self.session = session

    def get_id(self) -> str:
        """What the cookie holds: `generation:name` (see `Session`)."""
        return str(self.session)


class WrongPassword(Exception):
    """The name and password given do not match a user's."""


class HttpsSessionInterface(SecureCookieSessionInterface):
    """Session cookies marked `Secure` whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure when configured so (`serve --certfile`), or for a request over HTTPS
        (behind a proxy that says so, with `PROXY_FIX`)."""
        return bool(super().get_cookie_secure(app)) or request.is_secure


def init_security(app: Flask) -> None:
    """Install the defences on `app`, in the order a request meets them."""
    library_dir = app.config["LIBRARY_DIR"]
    database = app.extensions["florilegium"].database
    if database is None:
        app.extensions["florilegium_accounts"] = Accounts(library_dir)
    else:
        app.extensions["florilegium_accounts"] = Members(database)
    app.extensions["florilegium_login_throttle"] = LoginThrottle(
        library_dir / INDEX_FOLDER_NAME / LOGIN_FAILURES_FILE,
        LoginLimits(
            per_address=int(app.config["LOGIN_FAILURES_PER_ADDRESS"]),
            per_name=int(app.config["LOGIN_FAILURES_PER_NAME"]),
            window_seconds=float(app.config["LOGIN_FAILURE_WINDOW_SECONDS"]),
        ),
        clock=app.config.get("LOGIN_CLOCK") or time.time,
    )
    proxies = int(app.config["PROXY_FIX"])
    if proxies:
        # The client's address (for the login limits) and the scheme, as the last
        # `proxies` proxies saw them; the Host header is what the proxy passed on.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.session_interface = HttpsSessionInterface()
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)
    login_manager.request_loader(_load_user_from_token)
    app.before_request(check_host)
    app.before_request(check_origin)
    app.before_request(guard_writes)
    app.before_request(require_login)
    if database is not None:
        app.before_request(require_writing_role)
        app.teardown_request(forget_actor)
    app.after_request(add_security_headers)


def allowed_host_names(server_host: str, extra: list[str] | tuple[str, ...] = ()) -> frozenset[str]:
    """The names a Host header may carry: the server's own, loopback names and extra ones."""
    names = {server_host, *LOOPBACK_NAMES, *extra}
    return frozenset(name.strip("[]").lower() for name in names if name)


def is_allowed_host(
    header: str, names: frozenset[str], port: int | None, default_port: int = 80
) -> bool:
    """True when `header` (`name[:port]`) names this server, so the request is not rebound.

    With `port` known, the header's port (`default_port`, the scheme's, when absent) must
    be it too.
    """
    match = _HOST_HEADER.fullmatch(header.strip())
    if match is None:
        return False
    name = (match["ipv6"] or match["name"] or "").lower().rstrip(".")
    if name not in names:
        return False
    if port is None:
        return True
    return int(match["port"] or default_port) == port


def check_host() -> None:
    """Refuse requests whose Host header is not this server's (DNS rebinding).

    Behind a proxy (`PROXY_FIX`), the port people use is the proxy's: only names count.
    """
    config = current_app.config
    names = allowed_host_names(config["SERVER_HOST"], config["ALLOWED_HOSTS"])
    header = request.headers.get("Host", "")
    port = None if config["PROXY_FIX"] else config["SERVER_PORT"]
    default_port = 443 if request.scheme == "https" else 80
    if not is_allowed_host(header, names, port, default_port):
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
    """When users are configured, every page and API call needs one of them logged in.

    A server other machines can reach (not on loopback, or behind a proxy) refuses
    everything while it has no users, as `serve` refuses to start without one.
    """
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not _settings_checked(get_accounts().has_users):
        if is_reachable_by_others():
            raise ApiError(
                503,
                "this server can be reached from other machines but has no users: "
                "add one with `florilegium user add NAME`",
            )
        return None
    if _settings_checked(lambda: bool(current_user.is_authenticated)):
        return None
    if is_api_request():
        raise ApiError(401, "log in first (POST /api/login, or the page /login)")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def require_writing_role() -> None:
    """On a team library, refuse every write of a reader (403), and record every write
    in the audit log as the member's who made it."""
    from teamdb.audit import set_actor

    name = str(current_user.id) if current_user.is_authenticated else "(anonymous)"
    g.audit_actor = set_actor(name)
    if request.method in SAFE_METHODS or request.endpoint in PUBLIC_ENDPOINTS | LOGOUT_ENDPOINTS:
        return
    accounts = get_accounts()
    if isinstance(accounts, Members) and accounts.role_of(name) not in WRITING_ROLES:
        raise ApiError(403, f"{name} is a reader of this library and cannot change it")


def forget_actor(error: BaseException | None) -> None:
    """After a team library's request: its writes were its member's, the next ones are not."""
    from teamdb.audit import reset_actor

    token = g.pop("audit_actor", None)
    if token is not None:
        reset_actor(token)


def is_reachable_by_others() -> bool:
    """True when the server listens beyond loopback or behind a proxy."""
    config = current_app.config
    return bool(config["PROXY_FIX"]) or not is_loopback_host(config["SERVER_HOST"])


def log_in(name: str, password: str) -> Session:
    """Log `name` in for this browser or script when `password` is theirs.

    Raises `TooManyFailures` while the client's address or the name has had too many
    failed logins (the password is then not even checked) and `WrongPassword` when it
    does not match; a store of failures that cannot be used refuses with 503.
    """
    throttle: LoginThrottle = current_app.extensions["florilegium_login_throttle"]
    address = request.remote_addr or ""
    try:
        attempt = _counted(lambda: throttle.begin(address, name))
    except TooManyFailures:
        logger.warning("refused a login as %r from %s: too many failures", name, address)
        raise
    session = _settings_checked(lambda: get_accounts().log_in(name, password))
    if session is None:
        raise WrongPassword()
    _counted(lambda: throttle.succeeded(attempt))
    login_user(User(session))
    logger.info("%s logged in from %s", name, address)
    return session


def log_out() -> str | None:
    """End every session of the user logged in here (this cookie, and any copy of it
    elsewhere); returns their name, or None when nobody was."""
    if not current_user.is_authenticated:
        return None
    name = str(current_user.id)
    try:
        get_accounts().end_sessions(name)
    except (RefsError, LookupError, LocalConfigError) as error:
        # Removed meanwhile, or the settings cannot be used: this cookie still goes.
        logger.warning("could not end the sessions of %s: %s", name, error)
    logout_user()
    return name


def get_accounts() -> Accounts | Members:
    """The app's users and sessions (a team library's members)."""
    accounts: Accounts | Members = current_app.extensions["florilegium_accounts"]
    return accounts


def add_security_headers(response: Response) -> Response:
    """Forbid inline script, framing and MIME sniffing on every response; over HTTPS,
    tell browsers to keep to HTTPS (HSTS)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
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


def _load_user(cookie_value: str) -> User | None:
    """The user a session cookie speaks for, unless their sessions were ended since."""
    session = Session.parse(cookie_value)
    if session is None or not get_accounts().is_current(session):
        return None
    return User(session)


def _load_user_from_token(incoming: Request) -> User | None:
    """The member an API token speaks for (`Authorization: Bearer TOKEN`), on a team
    library; None without a token, or with one no member holds."""
    scheme, _, token = incoming.headers.get("Authorization", "").partition(" ")
    accounts = get_accounts()
    if scheme.lower() != "bearer" or not token.strip() or not isinstance(accounts, Members):
        return None
    session = accounts.session_for_token(token.strip())
    return None if session is None else User(session)


def _settings_checked(read: Callable[[], T]) -> T:
    """`read()`, with a local settings file broken by hand answered as 503 (no one is let
    in on settings that cannot be read)."""
    try:
        return read()
    except LocalConfigError as error:
        logger.error("%s", error)
        raise ApiError(503, str(error)) from error


def _counted(action: Callable[[], T]) -> T:
    """`action()` on the count of failed logins; a count that cannot be kept is 503."""
    try:
        return action()
    except CountingFailed as error:
        logger.error("%s", error)
        raise ApiError(503, str(error)) from error
