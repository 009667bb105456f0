"""Sessions end for real: a cookie copied before a logout, `user sessions --revoke`,
`user remove` or a password change is refused afterwards, by every app of the library."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.conftest import csrf_token
from webapp import create_app, localconfig
from webapp.accounts import Accounts
from webapp.cli import cli
from webapp.services import Services


@pytest.fixture
def accounts(services: Services) -> Accounts:
    """ada and bob may log in."""
    accounts = Accounts(services.library_dir)
    accounts.set_password("ada", "ada password")
    accounts.set_password("bob", "bob password")
    return accounts


@pytest.fixture
def app(services: Services, accounts: Accounts) -> Flask:
    return create_app({"TESTING": True, "SERVICES": services})


def logged_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/api/login", json={"name": name, "password": f"{name} password"})
    assert response.status_code == 200, response.get_json()
    return client


def stolen_copy(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another client holding the same session cookie, as a thief would."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def assert_refused(client: FlaskClient) -> None:
    """Pages send the client to the login page; the API answers 401."""
    page = client.get("/refs")
    assert page.status_code == 302
    assert "/login?next=/refs" in page.headers["Location"]
    assert client.get("/api/refs").status_code == 401


def run(services: Services, *arguments: str, password: str | None = None) -> str:
    result = CliRunner().invoke(
        cli,
        ["--library", str(services.library_dir), *arguments],
        input=None if password is None else f"{password}\n{password}\n",
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_copied_cookie_stops_working_after_logout(app: Flask) -> None:
    ada = logged_in(app, "ada")
    thief = stolen_copy(app, ada)
    assert thief.get("/api/refs").status_code == 200
    token = csrf_token(ada, "/refs")
    assert ada.post("/logout", data={"csrf_token": token}).status_code == 303
    assert_refused(ada)
    assert_refused(thief)


def test_api_logout_ends_the_session(app: Flask) -> None:
    ada = logged_in(app, "ada")
    thief = stolen_copy(app, ada)
    assert ada.post("/api/logout", json={}).get_json() == {"name": "ada"}
    assert_refused(thief)
    assert ada.post("/api/logout", json={}).status_code == 401


@pytest.mark.parametrize(
    "end_sessions",
    [
        pytest.param(lambda s: run(s, "user", "sessions", "--revoke", "ada"), id="revoke"),
        pytest.param(lambda s: run(s, "user", "remove", "ada"), id="remove"),
        pytest.param(lambda s: run(s, "user", "add", "ada", password="new password"), id="passwd"),
    ],
)
def test_the_command_line_ends_sessions_in_a_running_app(
    app: Flask, services: Services, end_sessions: Callable[[Services], str]
) -> None:
    ada = logged_in(app, "ada")
    bob = logged_in(app, "bob")
    end_sessions(services)
    assert_refused(ada)
    assert bob.get("/api/refs").status_code == 200  # nobody else's sessions end


def test_after_a_password_change_only_the_new_password_logs_in(
    app: Flask, services: Services
) -> None:
    output = run(services, "user", "add", "ada", password="new password")
    assert "ended their sessions" in output
    client = app.test_client()
    old = client.post("/api/login", json={"name": "ada", "password": "ada password"})
    assert old.status_code == 401
    new = client.post("/api/login", json={"name": "ada", "password": "new password"})
    assert new.status_code == 200
    assert client.get("/api/refs").status_code == 200


def test_a_removed_name_added_again_does_not_revive_old_cookies(
    app: Flask, services: Services, accounts: Accounts
) -> None:
    ada = logged_in(app, "ada")
    accounts.remove("ada")
    accounts.set_password("ada", "ada password")
    assert_refused(ada)


def test_logout_in_one_app_ends_the_session_in_the_others(
    services: Services, accounts: Accounts
) -> None:
    """`serve --processes N`: each process has its app; the session ends in all."""
    first = create_app({"TESTING": True, "SERVICES": services})
    second = create_app({"TESTING": True, "SERVICES": services})
    ada = logged_in(first, "ada")
    on_second = stolen_copy(second, ada)
    assert on_second.get("/api/refs").status_code == 200
    ada.post("/api/logout", json={})
    assert_refused(on_second)


def test_requests_read_the_settings_file_only_when_it_changed(
    app: Flask, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[object] = []
    read = localconfig.read_local_config

    def counted(library_dir: object) -> localconfig.LocalConfig:
        reads.append(library_dir)
        return read(services.library_dir)

    monkeypatch.setattr(localconfig, "read_local_config", counted)
    ada = logged_in(app, "ada")
    reads.clear()
    for _ in range(20):
        assert ada.get("/api/search?q=Khrushchev").status_code == 200
    assert reads == []
    Accounts(services.library_dir).end_sessions("bob")  # as `user sessions --revoke bob`
    reads.clear()
    for _ in range(5):
        assert ada.get("/api/search?q=Khrushchev").status_code == 200
    assert len(reads) == 1


def test_a_reachable_server_whose_last_user_is_removed_refuses_everyone(
    services: Services, accounts: Accounts
) -> None:
    app = create_app({"TESTING": True, "SERVICES": services, "SERVER_HOST": "0.0.0.0"})
    accounts.remove("ada")
    accounts.remove("bob")
    client = app.test_client()
    response = client.get("/api/refs")
    assert response.status_code == 503
    assert "florilegium user add NAME" in response.get_json()["error"]
    assert client.get("/refs").status_code == 503
    on_loopback = create_app({"TESTING": True, "SERVICES": services})
    assert on_loopback.test_client().get("/api/refs").status_code == 200


def test_a_cookie_without_a_session_generation_is_refused(app: Flask) -> None:
    """Cookies made before sessions had generations held only the name."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "ada"
        session["_fresh"] = True
    assert_refused(client)
