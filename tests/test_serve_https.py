"""`florilegium serve` for real over HTTPS: with --certfile/--keyfile (a self-signed
certificate made here), and with --proxy-fix behind a proxy (played by the test): secure
cookies, HSTS, the client's address for the login limits; with two processes, one count
of failed logins and sessions that end in both."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.certificates import make_self_signed
from tests.liveserver import connect, running_server
from webapp.accounts import Accounts
from webapp.services import DEMO_LIBRARY

pytestmark = pytest.mark.skipif(not shutil.which("openssl"), reason="needs the openssl command")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    copy = tmp_path / "library"
    shutil.copytree(DEMO_LIBRARY, copy, ignore=shutil.ignore_patterns(".index", "*.lock"))
    return copy


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1, and its key."""
    return make_self_signed(tmp_path)


@pytest.fixture
def trusting(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    """A client context that trusts the test certificate, and only it."""
    return ssl.create_default_context(cafile=str(certificate[0]))


def https_server(
    library: Path, tmp_path: Path, certificate: tuple[Path, Path], tls: ssl.SSLContext, **kw: Any
) -> Any:  # Any: the running_server context manager and its options
    cert, key = certificate
    options = ["--certfile", str(cert), "--keyfile", str(key)]
    return running_server(library, tmp_path / "server.log", options=options, tls=tls, **kw)


def request(
    port: int,
    tls: ssl.SSLContext | None,
    method: str,
    path: str,
    body: object = None,
    cookie: str = "",
    headers: dict[str, str] | None = None,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request on a connection of its own (so that either process may answer)."""
    connection = connect(port, tls)
    try:
        headers = dict(headers or {})
        if cookie:
            headers["Cookie"] = cookie
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@pytest.fixture
def served(
    library: Path, tmp_path: Path, certificate: tuple[Path, Path], trusting: ssl.SSLContext
) -> Iterator[int]:
    with https_server(library, tmp_path, certificate, trusting) as (_, port):
        yield port


def test_pages_are_served_over_https_with_hsts_and_secure_cookies(
    served: int, trusting: ssl.SSLContext
) -> None:
    status, headers, body = request(served, trusting, "GET", "/refs")
    assert status == 200
    assert "linden1966" in body.decode()
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    status, headers, _ = request(served, trusting, "GET", "/login")  # a CSRF token: a cookie
    assert status == 200
    cookie = headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_plain_http_gets_no_page_from_the_https_port(served: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", served, timeout=30)
    try:
        with pytest.raises((http.client.HTTPException, OSError)):
            connection.request("GET", "/refs")
            connection.getresponse().read()
    finally:
        connection.close()


def test_two_processes_share_the_login_limit_and_end_sessions_together(
    library: Path, tmp_path: Path, certificate: tuple[Path, Path], trusting: ssl.SSLContext
) -> None:
    accounts = Accounts(library)
    accounts.set_password("ada", "ada password")
    accounts.set_password("bob", "bob password")
    environment = {**os.environ, "FLORILEGIUM_LOGIN_FAILURES_PER_NAME": "3"}
    with https_server(library, tmp_path, certificate, trusting, processes=2, env=environment) as (
        _,
        port,
    ):
        wrong = {"name": "ada", "password": "wrong guess"}
        statuses = [request(port, trusting, "POST", "/api/login", wrong)[0] for _ in range(5)]
        assert statuses == [401, 401, 401, 429, 429]

        right = {"name": "bob", "password": "bob password"}
        status, headers, _ = request(port, trusting, "POST", "/api/login", right)
        assert status == 200
        cookie = headers["Set-Cookie"].split(";")[0]
        answers = [request(port, trusting, "GET", "/api/refs", cookie=cookie)[0] for _ in range(4)]
        assert answers == [200] * 4
        assert request(port, trusting, "POST", "/api/logout", {}, cookie=cookie)[0] == 200
        answers = [request(port, trusting, "GET", "/api/refs", cookie=cookie)[0] for _ in range(4)]
        assert answers == [401] * 4


def test_behind_a_proxy_the_forwarded_client_and_scheme_count(
    library: Path, tmp_path: Path
) -> None:
    Accounts(library).set_password("ada", "ada password")
    environment = {**os.environ, "FLORILEGIUM_LOGIN_FAILURES_PER_ADDRESS": "2"}
    log = tmp_path / "server.log"
    with running_server(library, log, options=["--proxy-fix", "1"], env=environment) as (_, port):

        def failed_login(client: str) -> int:
            """A wrong password, as nginx passes it on from `client` over HTTPS."""
            proxied = {"X-Forwarded-For": client, "X-Forwarded-Proto": "https"}
            wrong = {"name": "ada", "password": "wrong guess"}
            return request(port, None, "POST", "/api/login", wrong, headers=proxied)[0]

        assert [failed_login("198.51.100.1") for _ in range(3)] == [401, 401, 429]
        assert failed_login("198.51.100.2") == 401  # another client behind the proxy
        https = {"X-Forwarded-Proto": "https"}
        status, headers, _ = request(port, None, "GET", "/login", headers=https)
        assert status == 200
        assert "Secure" in headers["Set-Cookie"]
        assert headers["Strict-Transport-Security"] == "max-age=31536000"
