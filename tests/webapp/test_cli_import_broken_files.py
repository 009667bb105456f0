"""`import` of a file that is broken, binary, a folder or unreadable: one `Error: FILE:LINE:
message` line and exit 1, never a traceback, and the library untouched."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.hypothesis_import import import_hypothesis
from annotations.webanno import InvalidAnnotationDocument, import_collection
from refs.errors import InvalidImportFile
from refs.fromcsl import entries_from_csljson
from refs.fromris import entries_from_ris
from webapp.cli import cli

ELF = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00"
COLLECTION_OF_A_NUMBER = {"type": "AnnotationCollection", "first": {"items": 5}}
HYPOTHESIS_OF_NUMBERS = [
    {"id": "h1", "uri": "https://example.org/a", "target": 5, "tags": 5, "text": "t"},
    {"id": "h2", "references": 5, "text": "a reply"},
    {"id": "h3", "target": [{"selector": 5}], "document": {"link": 5}},
]

# Keys the readers look for, so that random documents reach deep into them.
JSON_KEYS = [
    "type", "first", "next", "items", "id", "target", "source", "selector", "exact", "prefix",
    "body", "value", "purpose", "created", "modified", "florilegium", "citekey", "locator",
    "label", "quotedIn", "anchorSource", "start", "end", "refinedBy", "uri", "text", "tags",
    "references", "document", "link", "href", "rows", "annotations", "title", "author",
    "family", "given", "literal", "issued", "date-parts", "raw", "page", "citation-key",
    "container-title", "language", "updated", "revision", "unpositioned",
]  # fmt: skip
RIS_TAGS = ["TY", "ER", "AU", "TI", "T2", "PY", "DA", "SP", "EP", "SN", "DO", "UR", "N1", "KW"]
# (format, file content, the line the error names; 0: the file as a whole)
BROKEN = [
    pytest.param("csljson", b'[{"title": "a"},\n {"title": ', 2, id="bad-json-csljson"),
    pytest.param("w3c", b'{\n  "type": "Annotation",\n', 3, id="bad-json-w3c"),
    pytest.param("hypothesis", b"[\n{]", 2, id="bad-json-hypothesis"),
    pytest.param("csljson", b'[\n{"title": "caf\xe9"}]', 2, id="invalid-utf-8-in-json"),
    pytest.param("w3c", b'{"a":\n"\xff\xfe"}', 2, id="invalid-utf-8-in-w3c"),
    pytest.param("ris", b"TY  - JOUR\nAU  - Doe, Jane\nTI  - Never ends\n", 1, id="ris-unended"),
    pytest.param("ris", b"TY  - JOUR\nTI  - A\nTY  - BOOK\nER  - \n", 3, id="ris-two-starts"),
    pytest.param("ris", b"Just some words,\nnot RIS at all.\n", 1, id="not-ris"),
    pytest.param("ris", ELF, 1, id="binary-ris"),
    pytest.param("bibtex", ELF, 1, id="binary-bib"),
    pytest.param("csljson", ELF, 1, id="binary-json"),
    pytest.param("csljson", b"[" * 100_000, 0, id="json-nested-too-deep"),
    pytest.param("w3c", b"[" * 100_000, 0, id="w3c-nested-too-deep"),
    pytest.param("w3c", json.dumps(COLLECTION_OF_A_NUMBER).encode(), 0, id="w3c-items-a-number"),
]


def _invoke(runner: CliRunner, library: Path, file: Path, format_name: str) -> tuple[int, str]:
    before = (library / "references.bib").read_bytes()
    result = runner.invoke(
        cli, ["--library", str(library), "import", str(file), "--format", format_name]
    )
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert isinstance(result.exception, SystemExit), result.exception  # not a crash
        assert (library / "references.bib").read_bytes() == before
    return result.exit_code, result.stderr


@pytest.mark.parametrize(("format_name", "content", "line"), BROKEN)
def test_a_broken_file_is_one_error_naming_file_and_line(
    format_name: str,
    content: bytes,
    line: int,
    runner: CliRunner,
    empty_library: Path,
    tmp_path: Path,
) -> None:
    file = tmp_path / f"broken.{format_name}"
    file.write_bytes(content)
    code, stderr = _invoke(runner, empty_library, file, format_name)
    assert code == 1, stderr
    where = f"{file}:{line}: " if line else f"{file}: "
    assert stderr.startswith(f"Error: {where}"), stderr
    assert len(stderr.splitlines()) == 1


def test_a_csljson_date_of_odd_digits_is_left_out_not_a_crash(
    runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    file = tmp_path / "odd.json"
    item = {"title": "Odd", "issued": {"date-parts": [["\u00b2", "\u0663"]]}}
    file.write_text(json.dumps([item]), encoding="utf-8")
    code, stderr = _invoke(runner, empty_library, file, "csljson")
    assert code == 0, stderr
    assert "title = {Odd}" in (empty_library / "references.bib").read_text(encoding="utf-8")


def test_odd_values_in_a_hypothesis_export_are_left_out_not_a_crash(
    runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    file = tmp_path / "hypothesis.json"
    file.write_text(json.dumps(HYPOTHESIS_OF_NUMBERS), encoding="utf-8")
    code, stderr = _invoke(runner, empty_library, file, "hypothesis")
    assert code == 0, stderr
    assert stderr.count("left out: ") == 3


@pytest.mark.parametrize("format_name", ["bibtex", "csljson", "ris", "w3c", "hypothesis"])
def test_a_folder_is_refused_by_name(
    format_name: str, runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "export.json"
    folder.mkdir()
    code, stderr = _invoke(runner, empty_library, folder, format_name)
    assert code == 1
    assert stderr == f"Error: {folder}: a folder, not a file\n"


@pytest.mark.parametrize("format_name", ["bibtex", "csljson", "ris", "w3c", "hypothesis"])
def test_an_unreadable_file_is_refused_by_name(
    format_name: str,
    runner: CliRunner,
    empty_library: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    file = tmp_path / "locked.json"
    file.write_text("[]", encoding="utf-8")
    real_read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:  # root reads through chmod 000, so refuse as it would
        if path == file:
            raise PermissionError(13, "Permission denied", str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    code, stderr = _invoke(runner, empty_library, file, format_name)
    assert code == 1
    assert stderr == f"Error: {file}: cannot read it (Permission denied)\n"


def test_a_missing_file_is_refused_by_name(
    runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    code, stderr = _invoke(runner, empty_library, tmp_path / "gone.ris", "ris")
    assert code == 1
    assert stderr == f"Error: {tmp_path / 'gone.ris'}: no such file\n"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(JSON_KEYS) | st.text(max_size=4), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=json_values)
def test_no_json_document_crashes_a_reader(document: object) -> None:
    match = {"citekey:a": "a", "url:https://example.org/a": "a"}
    readers = [
        lambda: import_collection(document, match),
        lambda: import_hypothesis(document, match),
        lambda: entries_from_csljson(json.dumps(document)),
    ]
    for read in readers:
        with contextlib.suppress(InvalidAnnotationDocument, InvalidImportFile):
            read()


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(
        st.tuples(st.sampled_from(RIS_TAGS) | st.text(max_size=3), st.text(max_size=12)),
        max_size=12,
    )
)
def test_no_ris_text_crashes_the_reader(lines: list[tuple[str, str]]) -> None:
    with contextlib.suppress(InvalidImportFile):
        entries_from_ris("".join(f"{tag}  - {value}\n" for tag, value in lines))
