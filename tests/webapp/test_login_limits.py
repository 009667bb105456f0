"""Failed logins are limited per client address and per user name, for the login page and
/api/login alike, across every app (process) of a library; time is a fake clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.webapp.conftest import csrf_token
from webapp import create_app
from webapp.accounts import Accounts
from webapp.login_limits import address_key
from webapp.services import Services

WINDOW = 900
START = 1_700_000_000.0


class FakeClock:
    """Seconds since the epoch that move only when a test says so."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def accounts(services: Services) -> Accounts:
    """ada, bob and mallory may log in."""
    accounts = Accounts(services.library_dir)
    for name in ("ada", "bob", "mallory"):
        accounts.set_password(name, f"{name} password")
    return accounts


def limited_app(services: Services, clock: FakeClock, **config: Any) -> Flask:
    """The app with small limits: 4 failures per address, 3 per name, in 900 s."""
    settings = {
        "TESTING": True,
        "SERVICES": services,
        "LOGIN_CLOCK": clock,
        "LOGIN_FAILURES_PER_ADDRESS": 4,
        "LOGIN_FAILURES_PER_NAME": 3,
        "LOGIN_FAILURE_WINDOW_SECONDS": WINDOW,
    }
    return create_app(settings | config)


@pytest.fixture
def app(services: Services, clock: FakeClock, accounts: Accounts) -> Flask:
    return limited_app(services, clock)


def api_login(
    client: FlaskClient, name: str, password: str, address: str = "192.0.2.1"
) -> TestResponse:
    return client.post(
        "/api/login",
        json={"name": name, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def form_login(client: FlaskClient, name: str, password: str) -> TestResponse:
    token = csrf_token(client, "/login")
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


def test_login_page_over_the_limit_answers_429_and_keeps_the_name(client: FlaskClient) -> None:
    for _ in range(3):
        assert form_login(client, "ada", "wrong guess").status_code == 401
    refused = form_login(client, "ada", "ada password")  # right, but not even checked
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(WINDOW)
    page = refused.get_data(as_text=True)
    assert "Too many failed logins: try again in 15 minutes." in page
    assert 'value="ada"' in page
    assert client.get("/api/refs").status_code == 401


def test_json_login_over_the_limit_answers_429_in_the_error_shape(client: FlaskClient) -> None:
    for _ in range(3):
        wrong = api_login(client, "ada", "wrong guess")
        assert wrong.status_code == 401
        assert wrong.get_json() == {"error": "wrong name or password", "field": "password"}
    refused = api_login(client, "ada", "ada password")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(WINDOW)
    assert set(refused.get_json()) == {"error", "field"}
    assert "Too many failed logins" in refused.get_json()["error"]


def test_the_wait_counts_down_and_the_limit_lifts(client: FlaskClient, clock: FakeClock) -> None:
    for _ in range(3):
        api_login(client, "ada", "wrong guess")
    clock.advance(600)
    assert api_login(client, "ada", "ada password").headers["Retry-After"] == "300"
    clock.advance(300)
    assert api_login(client, "ada", "ada password").status_code == 200
    assert client.get("/api/refs").status_code == 200


def test_one_address_guessing_many_names_is_limited(client: FlaskClient) -> None:
    for name in ("ada", "bob", "carol", "dmitri"):
        assert api_login(client, name, "wrong guess").status_code == 401
    assert api_login(client, "bob", "bob password").status_code == 429
    # The names themselves are below their limit: from elsewhere, bob gets in.
    assert api_login(client, "bob", "bob password", address="198.51.100.7").status_code == 200


def test_one_name_guessed_from_many_addresses_is_limited(client: FlaskClient) -> None:
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        assert api_login(client, "ada", "wrong guess", address=address).status_code == 401
    assert api_login(client, "ada", "ada password", address="192.0.2.4").status_code == 429
    # Other users are not held up by ada's limit.
    assert api_login(client, "bob", "bob password", address="192.0.2.4").status_code == 200


def test_logging_in_to_ones_own_account_keeps_the_guesses_at_others(
    services: Services, clock: FakeClock, accounts: Accounts
) -> None:
    client = limited_app(services, clock, LOGIN_FAILURES_PER_NAME=10).test_client()
    for _ in range(3):
        assert api_login(client, "bob", "guess at bob").status_code == 401
    assert api_login(client, "mallory", "mallory password").status_code == 200
    assert api_login(client, "bob", "guess at bob").status_code == 401
    assert api_login(client, "bob", "another guess").status_code == 429
    assert api_login(client, "mallory", "mallory password").status_code == 429


def test_a_successful_login_forgets_its_own_typos(client: FlaskClient) -> None:
    for _ in range(2):
        api_login(client, "ada", "ada pasword")
    assert api_login(client, "ada", "ada password").status_code == 200
    for _ in range(3):
        assert api_login(client, "ada", "ada pasword").status_code == 401
    assert api_login(client, "ada", "ada password").status_code == 429


def test_failures_count_in_every_app_of_the_library(
    services: Services, clock: FakeClock, accounts: Accounts
) -> None:
    """`serve --processes N` builds one app per process: they share one count."""
    first = limited_app(services, clock).test_client()
    second = limited_app(services, clock).test_client()
    for client in (first, second, first):
        assert api_login(client, "ada", "wrong guess").status_code == 401
    assert api_login(second, "ada", "ada password").status_code == 429


def test_x_forwarded_for_is_ignored_without_a_proxy(client: FlaskClient) -> None:
    for number in range(3):
        forged = {"X-Forwarded-For": f"203.0.113.{number}"}
        response = client.post(
            "/api/login", json={"name": "ada", "password": "wrong guess"}, headers=forged
        )
        assert response.status_code == 401
    for number in range(2):
        forged = {"X-Forwarded-For": f"203.0.113.{10 + number}"}
        response = client.post(
            "/api/login", json={"name": f"name{number}", "password": "x"}, headers=forged
        )
    assert response.status_code == 429  # the 5th failure from 127.0.0.1


def test_behind_a_proxy_the_forwarded_address_is_the_client(
    services: Services, clock: FakeClock, accounts: Accounts
) -> None:
    client = limited_app(services, clock, PROXY_FIX=1).test_client()
    proxy = {"REMOTE_ADDR": "127.0.0.1"}

    def login(name: str, client_address: str) -> int:
        return client.post(
            "/api/login",
            json={"name": name, "password": "wrong guess"},
            headers={"X-Forwarded-For": client_address},
            environ_base=proxy,
        ).status_code

    for name in ("n1", "n2", "n3", "n4"):
        assert login(name, "198.51.100.1") == 401
    assert login("n5", "198.51.100.1") == 429
    assert login("n5", "198.51.100.2") == 401  # another client behind the same proxy


@pytest.mark.parametrize(
    ("address", "key"),
    [
        pytest.param("192.0.2.1", "192.0.2.1", id="ipv4"),
        pytest.param("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64", id="ipv6-network"),
        pytest.param("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64", id="ipv6-same-network"),
        pytest.param("::ffff:192.0.2.1", "192.0.2.1", id="ipv4-mapped"),
        pytest.param("", "unknown", id="none"),
    ],
)
def test_clients_are_counted_by_address_or_ipv6_network(address: str, key: str) -> None:
    assert address_key(address) == key


def test_logins_are_refused_when_failures_cannot_be_counted(
    client: FlaskClient, web_library: Path
) -> None:
    (web_library / ".index" / "login-failures.sqlite3").mkdir(parents=True)  # not a database
    response = api_login(client, "ada", "ada password")
    assert response.status_code == 503
    assert "cannot count failed logins" in response.get_json()["error"]
    assert client.get("/api/refs").status_code == 401
