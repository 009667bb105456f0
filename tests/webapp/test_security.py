"""The web app's defences: Host check, write guard, CSRF, login, headers, stored XSS."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.conftest import csrf_token
from webapp import create_app
from webapp.cli import cli
from webapp.config import is_loopback_host
from webapp.localconfig import read_local_config
from webapp.services import Services

HOSTILE = ("<script>", "<img src=x onerror")


@pytest.mark.parametrize(
    "host",
    [
        pytest.param("evil.example", id="foreign-name"),
        pytest.param("evil.example:5000", id="foreign-name-right-port"),
        pytest.param("127.0.0.1.evil.example", id="loopback-lookalike"),
        pytest.param("localhost:6000", id="wrong-port"),
        pytest.param("", id="empty"),
        pytest.param("user@localhost:5000", id="userinfo"),
    ],
)
@pytest.mark.parametrize("path", ["/", "/refs", "/api/refs"])
def test_foreign_host_is_refused(services: Services, host: str, path: str) -> None:
    app = create_app({"TESTING": True, "SERVICES": services, "SERVER_PORT": 5000})
    response = app.test_client().get(path, headers={"Host": host})
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.get_json()["field"] == "Host"


@pytest.mark.parametrize(
    "host",
    [
        pytest.param("127.0.0.1:5000", id="ipv4"),
        pytest.param("localhost:5000", id="localhost"),
        pytest.param("[::1]:5000", id="ipv6"),
        pytest.param("LOCALHOST:5000", id="case-insensitive"),
        pytest.param("books.example:5000", id="configured"),
    ],
)
def test_own_host_names_are_served(services: Services, host: str) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SERVICES": services,
            "SERVER_PORT": 5000,
            "ALLOWED_HOSTS": ["books.example"],
        }
    )
    assert app.test_client().get("/api/refs", headers={"Host": host}).status_code == 200


def test_form_post_without_csrf_token_is_refused_and_changes_nothing(
    client: FlaskClient, web_library: Path
) -> None:
    bib = web_library / "references.bib"
    before = bib.read_bytes()
    response = client.post("/refs", data={"bibtex": "@misc{new2024, title={New}}"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert bib.read_bytes() == before


def test_form_post_with_csrf_token_adds_the_reference(
    client: FlaskClient, web_library: Path
) -> None:
    token = csrf_token(client, "/refs")
    response = client.post(
        "/refs", data={"bibtex": "@misc{new2024, title={New}}", "csrf_token": token}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/refs/new2024")
    assert "@misc{new2024" in (web_library / "references.bib").read_text(encoding="utf-8")


def test_json_to_a_page_route_still_needs_the_csrf_token(
    client: FlaskClient, web_library: Path
) -> None:
    before = (web_library / "references.bib").read_bytes()
    response = client.post("/refs", json={"bibtex": "@misc{new2024, title={New}}"})
    assert response.status_code == 400
    assert (web_library / "references.bib").read_bytes() == before


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        pytest.param("text/plain", '{"citekey": "linden1966", "text": "x"}', id="text-plain"),
        pytest.param("application/x-www-form-urlencoded", "citekey=linden1966&text=x", id="form"),
        pytest.param("multipart/form-data; boundary=x", "--x--", id="multipart"),
    ],
)
def test_api_write_that_is_not_json_is_refused(
    client: FlaskClient, services: Services, content_type: str, body: str
) -> None:
    response = client.post("/api/passages", data=body, content_type=content_type)
    assert response.status_code == 415
    assert response.get_json()["field"] == "Content-Type"
    assert services.passages.passages() == []


def test_api_write_from_another_origin_is_refused(client: FlaskClient, services: Services) -> None:
    response = client.post(
        "/api/passages",
        json={"citekey": "linden1966", "text": "x"},
        headers={"Origin": "http://evil.example"},
    )
    assert response.status_code == 403
    assert services.passages.passages() == []


def test_api_json_write_from_the_same_origin_is_accepted(client: FlaskClient) -> None:
    response = client.post(
        "/api/passages",
        json={"citekey": "linden1966", "text": "x"},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 201


@pytest.mark.parametrize("path", ["/", "/refs", "/refs/linden1966", "/api/refs", "/nowhere"])
def test_security_headers_are_on_every_response(client: FlaskClient, path: str) -> None:
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_templates_have_no_inline_script_or_style() -> None:
    templates = Path(__file__).parents[2] / "webapp" / "templates"
    for template in templates.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\sstyle=", text), template
        assert not re.search(r"\son[a-z]+=", text), template
        assert "<script>" not in text and "<style" not in text, template
        for line in text.splitlines():
            if "<script" in line:
                assert 'type="module" src=' in line, (template, line)


def test_hostile_reference_fields_show_as_text(client: FlaskClient) -> None:
    for path in ("/refs", "/refs/evil2020", "/export"):
        page = client.get(path).get_data(as_text=True)
        for hostile in HOSTILE:
            assert hostile not in page, path
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page, path
    detail = client.get("/refs/evil2020").get_data(as_text=True)
    assert "&lt;b onmouseover=" in detail


def test_javascript_url_is_not_a_live_link(client: FlaskClient) -> None:
    page = client.get("/refs/evil2020").get_data(as_text=True)
    assert 'href="javascript:' not in page
    assert "javascript:window.pwned=3" in page  # shown as text
    good = client.get("/refs/linden1966").get_data(as_text=True)
    assert 'href="https://archive.org/details/khrushchevsoviet0000lind"' in good


def test_hostile_quote_and_note_show_as_text(client: FlaskClient, services: Services) -> None:
    quote = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
    passage = services.passages.add("linden1966", quote, tags=["<script>tag</script>"])
    services.passages.add_note(
        passage.id, '<script>window.pwned=3</script> <img src=x onerror="x()"> [a](javascript:x())'
    )
    for path in (f"/passages/{passage.id}", "/refs/linden1966", "/?q=script"):
        page = client.get(path).get_data(as_text=True)
        for hostile in HOSTILE:
            assert hostile not in page, path
        assert not re.search(r"href=\"\s*javascript:", page, re.IGNORECASE), path


def test_oversized_body_is_refused_with_413(services: Services) -> None:
    app = create_app({"TESTING": True, "SERVICES": services, "MAX_CONTENT_LENGTH": 1000})
    response = app.test_client().post(
        "/api/passages", json={"citekey": "linden1966", "text": "x" * 2000}
    )
    assert response.status_code == 413
    assert set(response.get_json()) == {"error", "field"}
    assert services.passages.passages() == []


@pytest.fixture
def guarded_app(services: Services, runner: CliRunner) -> Flask:
    """The app after `florilegium user add ada`: every page needs a login."""
    result = runner.invoke(
        cli,
        ["--library", str(services.library_dir), "user", "add", "ada"],
        input="correct horse\ncorrect horse\n",
    )
    assert result.exit_code == 0, result.output
    return create_app({"TESTING": True, "SERVICES": services})


def test_user_add_stores_only_a_password_hash(guarded_app: Flask, services: Services) -> None:
    stored = read_local_config(services.library_dir).users["ada"]
    assert "correct horse" not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))
    raw = (services.library_dir / ".florilegium-local.toml").read_text(encoding="utf-8")
    assert "correct horse" not in raw


def test_with_users_pages_redirect_to_login_and_api_answers_401(guarded_app: Flask) -> None:
    client = guarded_app.test_client()
    page = client.get("/refs")
    assert page.status_code == 302
    assert "/login?next=/refs" in page.headers["Location"]
    api = client.get("/api/refs")
    assert api.status_code == 401
    assert set(api.get_json()) == {"error", "field"}


def test_login_with_the_right_password_opens_the_library(guarded_app: Flask) -> None:
    client = guarded_app.test_client()
    token = csrf_token(client, "/login")
    wrong = client.post("/login", data={"name": "ada", "password": "nope", "csrf_token": token})
    assert wrong.status_code == 401
    assert client.get("/api/refs").status_code == 401
    right = client.post(
        "/login?next=/refs",
        data={"name": "ada", "password": "correct horse", "csrf_token": token},
    )
    assert right.status_code == 303
    assert right.headers["Location"] == "/refs"
    assert client.get("/api/refs").status_code == 200


def test_login_never_redirects_to_another_site(guarded_app: Flask) -> None:
    client = guarded_app.test_client()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=//evil.example/",
        data={"name": "ada", "password": "correct horse", "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "books.example"])
def test_serve_refuses_a_reachable_address_without_users(
    runner: CliRunner, web_library: Path, host: str
) -> None:
    result = runner.invoke(cli, ["--library", str(web_library), "serve", "--host", host])
    assert result.exit_code == 1
    assert "without credentials" in result.stderr


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.5.5.5", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.0.0.1", False),
        ("example.org", False),
    ],
)
def test_loopback_addresses_are_recognised(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_secret_key_is_generated_once_and_kept_out_of_git(web_library: Path) -> None:
    first = create_app({"TESTING": True, "LIBRARY_DIR": web_library}).config["SECRET_KEY"]
    second = create_app({"TESTING": True, "LIBRARY_DIR": web_library}).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    settings = web_library / ".florilegium-local.toml"
    assert settings.stat().st_mode & 0o077 == 0
    assert json.dumps(first) in settings.read_text(encoding="utf-8")


def test_new_library_ignores_its_local_settings(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["init", str(tmp_path / "new")])
    assert result.exit_code == 0
    ignored = (tmp_path / "new" / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".florilegium-local.toml" in ignored


def test_serve_with_a_user_listens_anywhere_but_asks_for_login(
    guarded_app: Flask, services: Services, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: dict[str, object] = {}

    def record(app: Flask, **options: object) -> None:  # stands in for waitress, which blocks
        started.update(options, app=app)

    monkeypatch.setattr("webapp.commands.serve_command.waitress_serve", record)
    result = runner.invoke(
        cli,
        ["--library", str(services.library_dir), "serve", "--host", "0.0.0.0", "--port", "8080",
         "--allow-host", "books.example"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "http://0.0.0.0:8080/" in result.stdout
    assert (started["host"], started["port"]) == ("0.0.0.0", 8080)
    app = started["app"]
    assert isinstance(app, Flask)
    client = app.test_client()
    assert client.get("/api/refs", headers={"Host": "books.example:8080"}).status_code == 401
    assert client.get("/api/refs", headers={"Host": "evil.example:8080"}).status_code == 400
