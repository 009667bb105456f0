"""The web app's configuration: defaults, and the values derived from the library folder."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

from webapp.localconfig import ensure_secret_key, read_local_config

# Host names every local server answers to, besides the one it was started on.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


class DefaultConfig:
    """Defaults for every app; `FLORILEGIUM_*` environment variables and tests override them."""

    # The library folder; None means `$FLORILEGIUM_LIBRARY`, else the demo library.
    LIBRARY_DIR: Path | None = None
    # Generated once and kept in the library's git-ignored `.florilegium-local.toml`.
    SECRET_KEY: str | None = None
    # The address `serve` listens on and its port; the Host header must name one of
    # SERVER_HOST, ALLOWED_HOSTS or a loopback name (with this port when one is given).
    SERVER_HOST = "127.0.0.1"
    SERVER_PORT: int | None = None
    ALLOWED_HOSTS: list[str] = []  # noqa: RUF012 (Flask reads config from class attributes)
    # Request bodies over this many bytes are refused with 413.
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # Users are kept in the library's `.florilegium-local.toml` (`florilegium user add`);
    # when any exists, every page needs a login. Failed logins allowed per client address
    # and per user name within the window (all server processes together):
    LOGIN_FAILURES_PER_ADDRESS = 20
    LOGIN_FAILURES_PER_NAME = 10
    LOGIN_FAILURE_WINDOW_SECONDS = 900
    # The clock the login limits read (time.time when None); tests hand in a fake one.
    LOGIN_CLOCK: Callable[[], float] | None = None
    # How many reverse proxies in front set X-Forwarded-For and X-Forwarded-Proto (werkzeug's
    # ProxyFix); 0 ignores those headers, which clients could otherwise forge.
    PROXY_FIX = 0
    # CSRF is checked by our write guard, which exempts JSON API requests (see security.py).
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_TIME_LIMIT: int | None = None
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    # `serve --certfile` turns these on; over a proxy's HTTPS the session cookie is Secure
    # anyway (security.HttpsSessionInterface).
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


def complete_config(config: MutableMapping[str, Any], library_dir: Path) -> None:  # Any: Flask
    """Fill what was not given from the library's local settings (secret key, hosts)."""
    local = read_local_config(library_dir)
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = ensure_secret_key(library_dir)
    config["ALLOWED_HOSTS"] = [*config.get("ALLOWED_HOSTS", []), *local.allowed_hosts]


def is_loopback_host(host: str) -> bool:
    """True when `host` only ever accepts connections from this machine."""
    name = host.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
