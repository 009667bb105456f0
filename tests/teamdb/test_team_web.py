"""The web app on a team library: everyone logs in (a password or an API token), readers
cannot write, a removed member is locked out, a stale `If-Match` gets 409, and every
write is in the audit log under its member's name."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from flask.testing import FlaskClient

from tests.teamdb.conftest import TeamCli
from webapp import create_app
from webapp.team_services import TeamServices

PASSWORD = "correct horse battery"


@pytest.fixture
def members(pushed: TeamCli) -> dict[str, str]:
    """An editor with a password, and a reader and an editor with API tokens."""
    for name, role in (("ada", "editor"), ("rita", "reader"), ("bot", "editor")):
        added = pushed("user", "add", name, "--role", role, "--password-stdin", input=PASSWORD)
        assert added.exit_code == 0, added.output
    tokens = {}
    for name in ("rita", "bot"):
        result = pushed("user", "token", name)
        assert result.exit_code == 0, result.output
        tokens[name] = result.stdout.strip()
    return tokens


@pytest.fixture
def client(pushed: TeamCli) -> Iterator[FlaskClient]:
    services = TeamServices.for_database(pushed.url)
    yield create_app({"TESTING": True, "SERVICES": services}).test_client()
    services.database.close()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


QUOTE = {"citekey": "zhukov1957army", "text": "Not even a tank will leave."}


def test_every_page_and_route_needs_a_login(client: FlaskClient, members: dict[str, str]) -> None:
    assert client.get("/api/refs").status_code == 401
    assert client.get("/api/search?q=Zhukov").status_code == 401
    assert client.get("/").status_code == 302
    assert client.post("/api/passages", json=QUOTE).status_code == 401
    assert client.get("/api/refs", headers=_bearer("not-a-token")).status_code == 401


def test_a_password_login_and_a_token_reach_the_library(
    client: FlaskClient, members: dict[str, str]
) -> None:
    assert client.get("/api/refs", headers=_bearer(members["rita"])).status_code == 200
    login = client.post("/api/login", json={"name": "ada", "password": PASSWORD})
    assert login.status_code == 200
    assert client.get("/api/search?q=Zhukov").get_json()["total"] > 0
    assert client.post("/api/passages", json=QUOTE).status_code == 201


def test_readers_get_403_on_writes_and_change_nothing(
    client: FlaskClient, members: dict[str, str]
) -> None:
    reader = _bearer(members["rita"])
    before = client.get("/api/passages", headers=reader).get_json()
    assert client.post("/api/passages", json=QUOTE, headers=reader).status_code == 403
    assert client.get("/api/passages", headers=reader).get_json() == before
    assert (
        client.post("/api/passages", json=QUOTE, headers=_bearer(members["bot"])).status_code == 201
    )


def test_a_removed_member_is_locked_out_at_once(
    client: FlaskClient, pushed: TeamCli, members: dict[str, str]
) -> None:
    assert client.post("/api/login", json={"name": "ada", "password": PASSWORD}).status_code == 200
    assert pushed("user", "remove", "ada").exit_code == 0
    assert pushed("user", "remove", "bot").exit_code == 0
    assert client.get("/api/refs").status_code == 401
    assert client.get("/api/refs", headers=_bearer(members["bot"])).status_code == 401
    assert [m["name"] for m in pushed.json("user", "list")] == ["rita"]


def test_a_stale_if_match_gets_409_and_the_current_record(
    client: FlaskClient, members: dict[str, str], pushed: TeamCli
) -> None:
    editor = _bearer(members["bot"])
    created = client.post("/api/passages", json=QUOTE, headers=editor)
    url = f"/api/passages/{created.get_json()['id']}"
    first = client.patch(url, json={"text": "First edit."}, headers={**editor, "If-Match": '"1"'})
    assert first.status_code == 200
    stale = client.patch(url, json={"text": "Lost edit."}, headers={**editor, "If-Match": '"1"'})
    assert stale.status_code == 409
    assert stale.get_json()["current"]["text"] == "First edit."
    with psycopg.connect(pushed.url) as connection:
        rows = connection.execute(
            "SELECT actor, action FROM audit_log WHERE record_id = %s ORDER BY id",
            (created.get_json()["id"],),
        ).fetchall()
    assert rows == [("bot", "add"), ("bot", "edit")]
