"""HTTPS: secure cookies and HSTS over TLS (served directly or by a trusted proxy), the Host
check's ports, and `serve`'s --certfile, --keyfile and --proxy-fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask

from tests.certificates import make_self_signed
from webapp import create_app
from webapp.accounts import Accounts
from webapp.cli import cli
from webapp.services import Services


def app_with(services: Services, **config: Any) -> Flask:
    return create_app({"TESTING": True, "SERVICES": services, **config})


def test_over_https_the_cookie_is_secure_and_hsts_is_sent(services: Services) -> None:
    client = app_with(services).test_client()
    secure = client.get("/login", base_url="https://localhost")
    assert "Secure" in secure.headers["Set-Cookie"]
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    plain = client.get("/login")
    assert "Secure" not in plain.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in plain.headers


def test_a_trusted_proxy_says_the_request_came_over_https(services: Services) -> None:
    proxied = app_with(services, PROXY_FIX=1).test_client()
    response = proxied.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


def test_without_a_proxy_forwarded_headers_are_ignored(services: Services) -> None:
    response = (
        app_with(services).test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    )
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in response.headers


def test_serve_certfile_sets_secure_cookies(services: Services) -> None:
    client = app_with(services, SESSION_COOKIE_SECURE=True).test_client()
    assert "Secure" in client.get("/login").headers["Set-Cookie"]


@pytest.mark.parametrize(
    ("base_url", "host", "served"),
    [
        pytest.param("https://localhost", "books.example", True, id="https-default-port-443"),
        pytest.param("http://localhost", "books.example", False, id="http-default-port-80"),
        pytest.param("https://localhost", "books.example:443", True, id="https-port-given"),
    ],
)
def test_the_host_check_knows_the_https_port(
    services: Services, base_url: str, host: str, served: bool
) -> None:
    app = app_with(services, SERVER_PORT=443, ALLOWED_HOSTS=["books.example"])
    response = app.test_client().get("/api/refs", base_url=base_url, headers={"Host": host})
    assert (response.status_code == 200) is served


@pytest.mark.parametrize(
    ("host", "status"),
    [
        pytest.param("books.example", 200, id="proxys-port"),
        pytest.param("books.example:8443", 200, id="another-public-port"),
        pytest.param("evil.example", 400, id="foreign-name"),
    ],
)
def test_behind_a_proxy_only_the_host_name_is_checked(
    services: Services, host: str, status: int
) -> None:
    app = app_with(services, SERVER_PORT=5000, PROXY_FIX=1, ALLOWED_HOSTS=["books.example"])
    Accounts(services.library_dir).set_password("ada", "ada password")
    client = app.test_client()
    login = {"name": "ada", "password": "ada password"}
    client.post("/api/login", json=login, headers={"Host": "books.example"})
    assert client.get("/api/refs", headers={"Host": host}).status_code == status


def test_serve_behind_a_proxy_refuses_to_start_without_users(
    runner: CliRunner, web_library: Path
) -> None:
    result = runner.invoke(cli, ["--library", str(web_library), "serve", "--proxy-fix", "1"])
    assert result.exit_code == 1
    assert "behind a proxy without credentials" in result.stderr


def test_serve_needs_both_certfile_and_keyfile(
    runner: CliRunner, web_library: Path, tmp_path: Path
) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("not a certificate", encoding="ascii")
    alone = runner.invoke(cli, ["--library", str(web_library), "serve", "--certfile", str(cert)])
    assert alone.exit_code == 2
    assert "--certfile and --keyfile go together" in alone.stderr
    broken = runner.invoke(
        cli,
        ["--library", str(web_library), "serve", "--certfile", str(cert), "--keyfile", str(cert)],
    )
    assert broken.exit_code == 1
    assert "cannot serve HTTPS with this certificate and key" in broken.stderr


def test_serve_with_certfile_serves_https_with_secure_cookies(
    runner: CliRunner, web_library: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    started: dict[str, Any] = {}

    def record(make_app: Any, **options: Any) -> None:  # stands in for gunicorn, which blocks
        started.update(options, app=make_app())

    monkeypatch.setattr("webapp.tls_server.serve_tls", record)
    cert, key = make_self_signed(tmp_path)
    result = runner.invoke(
        cli,
        ["--library", str(web_library), "serve", "--port", "8443", "--processes", "2",
         "--certfile", str(cert), "--keyfile", str(key)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "https://127.0.0.1:8443/" in result.stdout
    assert (started["certfile"], started["keyfile"], started["processes"]) == (cert, key, 2)
    app = started["app"]
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
