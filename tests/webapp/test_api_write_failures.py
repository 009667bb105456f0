"""A write the system refuses reaches the web user as a clear answer naming the file, which
stays as it was: 507 for a full disk or a read-only library, 503 with Retry-After for a file
or index held by another writer, a page for people, JSON under /api/. A write that reached
its file is acknowledged even when updating the search index then fails for want of room or
time: the file is the source of truth and the index catches up from it. Any other failure
after the write (a bug) puts the file back as it was and answers 500: a write that answers
an error has stored nothing.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from index.errors import IndexBusy
from index.whoosh_backend import WhooshBackend
from refs.atomicfile import is_temporary
from refs.errors import FileBusy
from tests.smallfs import fill, mounted_tmpfs
from tests.webapp.conftest import csrf_token
from webapp import create_app
from webapp.services import Services

DATA = Path(__file__).parent.parent / "data"
PASSAGES = "passages/linden1966.json"


@pytest.fixture
def passage_id(client: FlaskClient) -> str:
    """A passage already stored in `passages/linden1966.json`."""
    response = client.post("/api/passages", json={"citekey": "linden1966", "text": "Words."})
    assert response.status_code == 201
    passage: str = response.get_json()["id"]
    return passage


def _snapshot(library: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(library)): path.read_bytes()
        for path in sorted(library.rglob("*"))
        if path.is_file() and not path.name.endswith(".lock") and ".index" not in path.parts
    }


# Each API write, as (method, path, body) with `{passage}` and `{note}` filled in.
WRITES = [
    pytest.param(("POST", "/api/passages", {"citekey": "linden1966", "text": "More."}), id="add"),
    pytest.param(("PATCH", "/api/passages/{passage}", {"text": "Other."}), id="edit"),
    pytest.param(("DELETE", "/api/passages/{passage}", {}), id="delete"),
    pytest.param(("POST", "/api/passages/{passage}/notes", {"text": "A note."}), id="add-note"),
    pytest.param(("PATCH", "/api/notes/{note}", {"text": "Changed."}), id="edit-note"),
]
EVERY_WRITE = [*WRITES, pytest.param(("DELETE", "/api/notes/{note}", {}), id="delete-note")]


Write = tuple[str, str, object]  # (method, path, body) as in WRITES


@pytest.fixture
def send(client: FlaskClient, passage_id: str) -> Callable[[Write], TestResponse]:
    """Sends one of WRITES about `passage_id` and a note of it (added here, beforehand)."""
    note_id = _note(client, passage_id)

    def send_write(write: Write) -> TestResponse:
        method, path, body = write
        url = path.replace("{passage}", passage_id).replace("{note}", note_id)
        return client.open(url, method=method, json=body)

    return send_write


def _note(client: FlaskClient, passage_id: str) -> str:
    response = client.post(f"/api/passages/{passage_id}/notes", json={"text": "First."})
    assert response.status_code == 201
    note: str = response.get_json()["id"]
    return note


def _refuse_replace(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    """`os.replace` over a passages file fails with `code`, as on a full or read-only disk."""
    real_replace = os.replace

    def replace(source: object, target: object) -> None:
        if "passages" in Path(str(target)).parts:
            raise OSError(code, os.strerror(code))
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize(
    "code",
    [pytest.param(errno.ENOSPC, id="full-disk"), pytest.param(errno.EROFS, id="read-only")],
)
def test_refused_write_is_507_naming_the_file_which_is_unchanged(
    client: FlaskClient,
    web_library: Path,
    send: Callable[[Write], TestResponse],
    monkeypatch: pytest.MonkeyPatch,
    write: Write,
    code: int,
) -> None:
    # A second passage, so that deleting the first rewrites the file instead of removing it.
    client.post("/api/passages", json={"citekey": "linden1966", "text": "Others."})
    before = _snapshot(web_library)
    _refuse_replace(monkeypatch, code)
    response = send(write)
    assert response.status_code == 507
    document = response.get_json()
    assert set(document) == {"error", "field"}
    assert document["error"] == (
        f"{web_library / PASSAGES}: could not write ({os.strerror(code)}); the file is unchanged"
    )
    assert _snapshot(web_library) == before
    assert not [p for p in web_library.rglob("*") if is_temporary(p)]


@contextlib.contextmanager
def _busy(path: Path, timeout: float = 30.0) -> Iterator[None]:
    raise FileBusy(path, timeout)
    yield  # a generator, so that this is a context manager


@pytest.mark.parametrize("write", WRITES)
def test_busy_file_is_503_with_retry_after_naming_the_file(
    web_library: Path,
    send: Callable[[Write], TestResponse],
    monkeypatch: pytest.MonkeyPatch,
    write: Write,
) -> None:
    before = _snapshot(web_library)
    monkeypatch.setattr("annotations.store.locked", _busy)
    response = send(write)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    message = response.get_json()["error"]
    assert message.startswith(f"{web_library / PASSAGES}: another writer held it")
    assert _snapshot(web_library) == before


def test_busy_search_index_is_503_with_retry_after(
    web_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = create_app({"TESTING": True, "LIBRARY_DIR": web_library}).test_client()

    def busy(self: object, *args: object, **kwargs: object) -> None:
        raise IndexBusy(web_library / ".index")

    monkeypatch.setattr("index.indexer.SearchIndex.ensure_current", busy)
    response = client.get("/api/search?q=Khrushchev")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "another process is still writing the search index" in response.get_json()["error"]


def test_refused_write_from_a_page_is_a_page_naming_the_file(
    client: FlaskClient, web_library: Path, passage_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = csrf_token(client, f"/passages/{passage_id}")
    before = _snapshot(web_library)
    _refuse_replace(monkeypatch, errno.ENOSPC)
    response = client.post(
        f"/passages/{passage_id}/notes", data={"text": "A note.", "csrf_token": token}
    )
    assert response.status_code == 507
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert f"{web_library / PASSAGES}: could not write (No space left on device)" in page
    assert _snapshot(web_library) == before


def _failing_index_update(
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[], None]:
    """Every index update fails as on a full disk; returns a function that lifts that."""

    def full(self: object, *args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(WhooshBackend, "update", full)
    return monkeypatch.undo


def test_passage_on_disk_is_acknowledged_when_the_index_update_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = Path(shutil.copytree(DATA / "web_library", tmp_path / "library"))
    app = create_app({"TESTING": True, "SERVICES": Services.for_library(library)})
    client = app.test_client()
    assert client.get("/api/search?q=x").status_code == 200  # the index exists
    recover = _failing_index_update(monkeypatch)

    created = client.post(
        "/api/passages", json={"citekey": "linden1966", "text": "Zeppelins over Omsk."}
    )
    assert created.status_code == 201
    passage = created.get_json()
    noted = client.post(f"/api/passages/{passage['id']}/notes", json={"text": "Quagga."})
    assert noted.status_code == 201
    assert passage["id"] in (library / PASSAGES).read_text(encoding="utf-8")
    assert client.get(f"/api/passages/{passage['id']}").get_json()["notes"][0]["text"] == (
        "Quagga."
    )

    recover()
    # The next server (or CLI) catches the index up from the files before searching.
    restarted = create_app({"TESTING": True, "LIBRARY_DIR": library}).test_client()
    for query, kind in (("Zeppelins Omsk", "passage"), ("Quagga", "note")):
        hits = restarted.get("/api/search", query_string={"q": query}).get_json()["hits"]
        assert kind in [hit["kind"] for hit in hits], query


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    with mounted_tmpfs(tmp_path / "tmpfs") as mount_point:
        yield mount_point


def _app_on(library: Path) -> Flask:
    return create_app({"TESTING": True, "SERVICES": Services.for_library(library)})


def test_add_on_a_real_full_disk_is_507_and_works_once_there_is_room(tmpfs: Path) -> None:
    library = Path(shutil.copytree(DATA / "web_library", tmpfs / "library"))
    client = _app_on(library).test_client()
    first = client.post("/api/passages", json={"citekey": "linden1966", "text": "Words."})
    assert first.status_code == 201
    filler = fill(tmpfs)
    before = _snapshot(library)
    refused = client.post("/api/passages", json={"citekey": "linden1966", "text": "More."})
    assert refused.status_code == 507
    assert refused.get_json()["error"].startswith(f"{library / PASSAGES}: could not write")
    assert _snapshot(library) == before
    filler.unlink()
    again = client.post("/api/passages", json={"citekey": "linden1966", "text": "More."})
    assert again.status_code == 201
    hits = client.get("/api/search?q=More").get_json()["hits"]
    assert again.get_json()["id"] in [hit["id"] for hit in hits]


def test_add_on_a_real_read_only_library_is_507(tmpfs: Path) -> None:
    library = Path(shutil.copytree(DATA / "web_library", tmpfs / "library"))
    client = _app_on(library).test_client()
    assert client.get("/api/search?q=x").status_code == 200
    before = _snapshot(library)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    try:
        refused = client.post("/api/passages", json={"citekey": "linden1966", "text": "More."})
        assert refused.status_code == 507
        assert "Read-only file system" in refused.get_json()["error"]
        assert client.get("/api/passages").status_code == 200
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], check=True)
    assert _snapshot(library) == before


class _Bug(Exception):
    """What a step after the write raises: no failure the service expects."""


class _FailingListener:
    """A listener with a bug in one step: its notification or the end of its write."""

    def __init__(self, step: str) -> None:
        self.step = step

    def passage_saved(self, passage: object) -> None:
        if self.step == "notify":
            raise _Bug("the listener failed")

    def passage_deleted(self, passage_id: str, citekey: str) -> None:
        if self.step == "notify":
            raise _Bug("the listener failed")

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        yield
        if self.step == "end-of-write":
            raise _Bug("the listener failed")


def _fail_after_the_write(step: str, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    if step == "index":

        def broken(self: object, *args: object, **kwargs: object) -> None:
            raise _Bug("the index failed")

        monkeypatch.setattr(WhooshBackend, "update", broken)
    else:
        services.passages.add_listener(_FailingListener(step))


@pytest.mark.parametrize("write", EVERY_WRITE)
@pytest.mark.parametrize("step", ["notify", "end-of-write", "index"])
def test_write_whose_later_step_fails_is_put_back_and_answers_500(
    client: FlaskClient,
    services: Services,
    web_library: Path,
    passage_id: str,
    send: Callable[[Write], TestResponse],
    monkeypatch: pytest.MonkeyPatch,
    write: Write,
    step: str,
) -> None:
    client.post("/api/passages", json={"citekey": "linden1966", "text": "Others."})
    assert client.get("/api/search?q=Others").status_code == 200  # the index is built
    before = _snapshot(web_library)
    listed = client.get("/api/passages").get_json()
    _fail_after_the_write(step, services, monkeypatch)
    response = send(write)
    assert response.status_code == 500
    document = response.get_json()
    assert set(document) == {"error", "field"}
    assert document["error"].startswith("nothing was stored: ")
    assert str(web_library / PASSAGES) in document["error"]
    assert _snapshot(web_library) == before
    assert client.get("/api/passages").get_json() == listed
    assert json.loads(before[PASSAGES]) == json.loads((web_library / PASSAGES).read_bytes())
