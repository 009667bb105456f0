"""`florilegium import`: new works appended, duplicates left out, possible ones listed."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refs.store import ReferenceStore
from webapp.cli import cli
from webapp.import_service import IMPORTERS, import_bibtex
from webapp.services import Services, init_library

DATA = Path(__file__).parent.parent / "data" / "import"
EXISTING = (
    "% keep\n@book{taubman2003,\n  author = {Taubman, William},\n  title = {Khrushchev},\n"
    "  year = 2003,\n  isbn = {0393324842},\n}\n"
)


def _import(runner: CliRunner, library: Path, *args: str) -> dict[str, object]:
    result = runner.invoke(cli, ["--library", str(library), "import", *args, "--json"])
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_csljson_import_adds_entries_with_authoryearword_citekeys(
    runner: CliRunner, empty_library: Path
) -> None:
    report = _import(runner, empty_library, str(DATA / "zotero.json"))
    assert report == {
        "format": "csljson",
        "added": [
            "linden1966khrushchev",
            "anon1957speech",
            "taubman2004anti",
            "freeze2009",
            "seventeenmomentsinsoviethistory1957anti",
        ],
        "renamed": [],
        "duplicates": [],
        "possible_duplicates": [],
        "present": [],
        "skipped": [],
        "dry_run": False,
    }
    store = ReferenceStore(empty_library)
    assert store.get("freeze2009").fields["isbn"] == "0-19-956041-3"
    assert store.get("anon1957speech").fields["date"] == "1957-07-07"


def test_importing_the_same_file_again_reports_every_entry_as_a_duplicate(
    runner: CliRunner, empty_library: Path
) -> None:
    _import(runner, empty_library, str(DATA / "zotero.json"))
    before = (empty_library / "references.bib").read_bytes()
    report = _import(runner, empty_library, str(DATA / "zotero.json"))
    assert report["added"] == []
    assert [row["citekey"] for row in report["duplicates"]] == [  # type: ignore[attr-defined]
        "linden1966khrushchev",
        "anon1957speech",
        "taubman2004anti",
        "freeze2009",
        "seventeenmomentsinsoviethistory1957anti",
    ]
    assert (empty_library / "references.bib").read_bytes() == before


def test_ris_import_reports_the_isbn_duplicate_and_keeps_the_file(
    runner: CliRunner, empty_library: Path
) -> None:
    bib = empty_library / "references.bib"
    bib.write_text(EXISTING, encoding="utf-8")
    report = _import(runner, empty_library, str(DATA / "endnote.ris"))
    assert report["added"] == ["micunovic1980moscow"]
    assert report["duplicates"] == [
        {
            "title": "Khrushchev: The Man and His Era",
            "citekey": "taubman2003",
            "reason": "same ISBN (9780393324846)",
            "where": str(DATA / "endnote.ris"),
        }
    ]
    text = bib.read_text(encoding="utf-8")
    assert text.startswith(EXISTING + "\n@article{micunovic1980moscow,\n")


def test_bibtex_import_keeps_entry_text_and_renames_a_taken_citekey(
    runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    (empty_library / "references.bib").write_text(EXISTING, encoding="utf-8")
    source = tmp_path / "other.bib"
    source.write_text(
        '@Book{new1,\n    title = "New",  year = 1999 }\n'
        "@book{taubman2003, author = {Someone, Else}, title = {Other}, year = 1990}\n"
        "@book{nomacro, title = undefined}\n"
        "@book{broken, title = {x}\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["--library", str(empty_library), "import", str(source), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == ["new1", "taubman2003a"]
    assert report["skipped"][0] == (f"{source}:4: field 'title': unknown @string macro 'undefined'")
    assert report["skipped"][1].startswith(f"{source}:5: could not parse this block")
    assert "left out" in result.stderr
    text = (empty_library / "references.bib").read_text(encoding="utf-8")
    assert '@Book{new1,\n    title = "New",  year = 1999 }' in text
    assert "@book{taubman2003a,\n  author = {Someone, Else}," in text


def test_import_without_a_known_extension_needs_format(
    runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    source = tmp_path / "export.txt"
    shutil.copy(DATA / "endnote.ris", source)
    result = runner.invoke(cli, ["--library", str(empty_library), "import", str(source)])
    assert result.exit_code == 2
    assert "give --format" in result.stderr
    ok = runner.invoke(
        cli, ["--library", str(empty_library), "import", str(source), "--format", "ris"]
    )
    assert ok.exit_code == 0
    assert "Added taubman2003khrushchev" in ok.stdout


@pytest.mark.parametrize("name", sorted(IMPORTERS))
def test_every_import_format_is_described_in_help(runner: CliRunner, name: str) -> None:
    result = runner.invoke(cli, ["import", "--help"], terminal_width=1000)
    summary = (IMPORTERS[name].__doc__ or "").strip().splitlines()[0].rstrip(".")
    assert f"{name}: {summary}" in result.stdout


COLUMN = (
    "@article{{{citekey},\n  author = {{Beeton, Barbara}},\n  title = {{Editorial comments}},\n"
    "  journal = {{TUGboat}},\n  year = 1990,\n  volume = 11,\n  number = {number},\n"
    "  pages = {{{pages}}},\n}}\n"
)
PROCEEDINGS = (
    "@inproceedings{knuth1990,\n  author = {Knuth, Donald},\n  title = {Virtual fonts},\n"
    "  crossref = {tug1990},\n  pages = {1--10},\n}\n\n"
    "@inproceedings{lamport1990,\n  author = {Lamport, Leslie},\n  title = {LaTeX3},\n"
    "  crossref = {TUG1990},\n  pages = {11--20},\n}\n\n"
    "@proceedings{tug1990,\n  editor = {Beeton, Barbara},\n  title = {TUG 1990 Proceedings},\n"
    "  year = 1990,\n  isbn = {0-385-13529-9},\n}\n"
)


def _bib(folder: Path, text: str, name: str = "incoming.bib") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _stored(library: Path) -> dict[str, dict[str, str]]:
    """Every reference in `library`, read afresh from its files: citekey -> fields."""
    store = ReferenceStore(library, use_cache=False)
    assert store.problems == []
    return {reference.citekey: dict(reference.fields) for reference in store.references()}


@pytest.mark.parametrize(
    ("text", "added", "resembles"),
    [
        pytest.param(
            COLUMN.format(citekey="col1", number=1, pages="3--4")
            + COLUMN.format(citekey="col2", number=2, pages="101--102"),
            ["col1", "col2"],
            {"col2": "col1"},
            id="recurring-column",
        ),
        pytest.param(
            COLUMN.format(citekey="col1", number=1, pages="3--4")
            + COLUMN.format(citekey="col2", number=1, pages=""),
            ["col1", "col2"],
            {"col2": "col1"},
            id="pages-on-one-side-only",
        ),
        pytest.param(
            "@book{book, title = {Cold War}, year = 1990, isbn = {0-385-13529-9}}\n"
            "@incollection{chapter, title = {Memoirs}, booktitle = {Cold War}, year = 1990,"
            " isbn = {9780385135290}, pages = {10--20}}\n",
            ["book", "chapter"],
            {"chapter": "book"},
            id="chapter-and-book-share-isbn",
        ),
        pytest.param(
            "@book{a, title = {Alpha}, year = 1990, doi = {10.1/a}}\n"
            "@book{b, title = {Beta}, year = 1991, doi = {10.1/b}}\n",
            ["a", "b"],
            {},
            id="distinct-works",
        ),
        pytest.param(
            "@book{book, title = {Cold War}, year = 1990, doi = {10.1/book}}\n"
            "@incollection{chapter, title = {Memoirs}, year = 1990, doi = {10.1/book}}\n",
            ["book", "chapter"],
            {"chapter": "book"},
            id="chapter-carries-its-books-doi",
        ),
        pytest.param(
            "@book{brown-a, author = {Brown, B.}}\n@book{brown-b, author = {Brown, B.}}\n",
            ["brown-a", "brown-b"],
            {},
            id="alike-but-for-citekey",
        ),
    ],
)
def test_distinct_works_that_look_alike_are_all_imported(
    runner: CliRunner,
    empty_library: Path,
    tmp_path: Path,
    text: str,
    added: list[str],
    resembles: dict[str, str],
) -> None:
    report = _import(runner, empty_library, str(_bib(tmp_path, text)))
    assert report["added"] == added
    assert report["duplicates"] == []
    possible = report["possible_duplicates"]
    assert isinstance(possible, list)
    assert {row["citekey"]: row["resembles"] for row in possible} == resembles
    assert sorted(_stored(empty_library)) == added


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param(
            "@article{again, title = {KNOWN.}, doi = {https://doi.org/10.1/KNOWN}}\n",
            "same DOI (10.1/known)",
            id="doi",
        ),
        pytest.param(
            COLUMN.format(citekey="again", number=1, pages="3--4"),
            "same title (editorial comments, 1990, beeton)",
            id="title-and-all-the-rest",
        ),
        pytest.param(
            "@book{again, title = {Another Edition}, isbn = {0-385-13529-9}}\n",
            "same ISBN (9780385135290)",
            id="isbn-same-type",
        ),
    ],
)
def test_an_exact_duplicate_is_left_out_and_listed(
    runner: CliRunner, empty_library: Path, tmp_path: Path, text: str, reason: str
) -> None:
    library_text = (
        COLUMN.format(citekey="known", number=1, pages="3--4")
        + "@article{paper, title = {Known}, doi = {10.1/known}}\n"
        + "@book{book, title = {Cold War}, isbn = {9780385135290}}\n"
    )
    bib = _bib(empty_library, library_text, "references.bib")
    before = bib.read_bytes()
    report = _import(runner, empty_library, str(_bib(tmp_path, text)))
    assert report["added"] == []
    assert report["possible_duplicates"] == []
    [duplicate] = report["duplicates"]  # type: ignore[misc]
    assert duplicate["reason"] == reason
    assert duplicate["where"] == f"{tmp_path / 'incoming.bib'}:1"
    assert bib.read_bytes() == before


def test_proceedings_and_their_crossref_children_are_all_imported(
    runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    # The library has the same proceedings under another citekey: the file's copy is still
    # imported, since its children name it, and listed as a possible duplicate.
    _bib(
        empty_library,
        "@proceedings{tugproc,\n  editor = {Beeton, Barbara},\n  title = {TUG 1990 Proceedings},"
        "\n  year = 1990,\n  isbn = {0385135299},\n}\n",
        "references.bib",
    )
    report = _import(runner, empty_library, str(_bib(tmp_path, PROCEEDINGS)))
    assert report["added"] == ["knuth1990", "lamport1990", "tug1990"]
    assert report["duplicates"] == []
    assert report["possible_duplicates"] == [
        {
            "citekey": "tug1990",
            "title": "TUG 1990 Proceedings",
            "resembles": "tugproc",
            "reason": "same ISBN (9780385135290); added all the same, since other entries "
            "cross-reference it",
            "where": f"{tmp_path / 'incoming.bib'}:15",
        }
    ]
    text = (empty_library / "references.bib").read_text(encoding="utf-8")
    assert text.endswith("\n" + PROCEEDINGS)
    stored = _stored(empty_library)
    assert stored["knuth1990"]["crossref"] == "tug1990"
    assert stored["lamport1990"]["crossref"] == "TUG1990"


def test_a_renamed_parent_has_its_new_citekey_written_into_its_children(
    runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    _bib(empty_library, "@book{tug1990, title = {Something Else}}\n", "references.bib")
    report = _import(runner, empty_library, str(_bib(tmp_path, PROCEEDINGS)))
    assert report["added"] == ["knuth1990", "lamport1990", "tug1990a"]
    stored = _stored(empty_library)
    assert stored["knuth1990"]["crossref"] == "tug1990a"
    assert stored["lamport1990"]["crossref"] == "tug1990a"
    assert stored["tug1990a"]["title"] == "TUG 1990 Proceedings"
    # Only the crossref changed: the rest of each child is the file's own text.
    text = (empty_library / "references.bib").read_text(encoding="utf-8")
    assert PROCEEDINGS.split("\n\n")[0].replace("{tug1990}", "{tug1990a}") in text


def test_xdata_children_follow_their_renamed_entry(
    runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    _bib(empty_library, "@xdata{acm, publisher = {ACM}, location = {New York}}\n", "references.bib")
    source = _bib(
        tmp_path,
        "@article{a, title = {A}, year = 1990, xdata = {acm, tug}}\n"
        "@xdata{acm, publisher = {ACM}, location = {New York}}\n"
        "@xdata{tug, journal = {TUGboat}}\n",
    )
    report = _import(runner, empty_library, str(source))
    assert report["added"] == ["a", "acma", "tug"]
    assert report["possible_duplicates"] == [
        {
            "citekey": "acma",
            "title": "",
            "resembles": "acm",
            "reason": "same citekey, entry type and fields; added all the same, since other "
            "entries cross-reference it",
            "where": f"{source}:2",
        }
    ]
    assert _stored(empty_library)["a"]["xdata"] == "acma,tug"


def test_xdata_and_crossref_children_in_the_library_keep_their_parent(
    runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    # The library's child names a parent it does not have yet; the file brings it, and
    # it comes in even though it looks like a known work.
    _bib(
        empty_library,
        "@inproceedings{paper, title = {P}, crossref = {tug1990}}\n"
        "@proceedings{other, editor = {Beeton, Barbara}, title = {TUG 1990 Proceedings},"
        " year = 1990, isbn = {0-385-13529-9}}\n",
        "references.bib",
    )
    parent = PROCEEDINGS.split("\n\n")[2]
    report = _import(runner, empty_library, str(_bib(tmp_path, parent)))
    assert report["added"] == ["tug1990"]
    assert report["duplicates"] == []


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(None, id="proceedings-and-columns"),
        pytest.param(Path(__file__).parent.parent / "data" / "wild" / "xampl.bib", id="xampl"),
        pytest.param(
            Path(__file__).parent.parent / "data" / "wild" / "biblatex-examples.bib",
            id="biblatex-examples",
        ),
    ],
)
def test_importing_the_same_bibtex_file_again_adds_nothing(
    runner: CliRunner, empty_library: Path, tmp_path: Path, source: Path | None
) -> None:
    if source is None:
        source = _bib(
            tmp_path,
            PROCEEDINGS
            + COLUMN.format(citekey="col1", number=1, pages="3--4")
            + COLUMN.format(citekey="col2", number=2, pages="5--6"),
        )
    first = _import(runner, empty_library, str(source))
    assert first["added"]
    before = (empty_library / "references.bib").read_bytes()
    second = _import(runner, empty_library, str(source))
    assert second["added"] == []
    assert second["possible_duplicates"] == []
    assert (empty_library / "references.bib").read_bytes() == before


def test_skip_leaves_possible_duplicates_out_but_never_a_needed_parent(
    runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    _bib(
        empty_library,
        "@proceedings{tugproc, editor = {Beeton, Barbara}, title = {TUG 1990 Proceedings},"
        " year = 1990, volume = 2}\n",
        "references.bib",
    )
    source = _bib(
        tmp_path,
        PROCEEDINGS
        + COLUMN.format(citekey="col1", number=1, pages="3--4")
        + COLUMN.format(citekey="col2", number=2, pages="5--6"),
    )
    report = _import(runner, empty_library, str(source), "--duplicates", "skip")
    assert report["added"] == ["knuth1990", "lamport1990", "tug1990", "col1"]
    possible = report["possible_duplicates"]
    assert isinstance(possible, list)
    assert [(row["citekey"], row["resembles"]) for row in possible] == [
        ("tug1990", "tugproc"),
        (None, "col1"),
    ]
    assert "col2" not in _stored(empty_library)


def test_text_report_names_what_each_entry_resembles(
    runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    source = _bib(
        tmp_path,
        COLUMN.format(citekey="col1", number=1, pages="3--4")
        + COLUMN.format(citekey="col2", number=2, pages="5--6"),
    )
    args = ["--library", str(empty_library), "import", str(source)]
    skipped = runner.invoke(cli, [*args, "--duplicates", "skip", "--dry-run"])
    assert skipped.exit_code == 0, skipped.output
    assert skipped.stdout.splitlines() == [
        "Would add col1",
        "Left out, resembles col1 (same title (editorial comments, 1990, beeton) but number "
        "2 vs 1, pages 5–6 vs 3–4): Editorial comments",
        "Dry run: nothing was written.",
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Added col1",
        "Added col2, which resembles col1 (same title (editorial comments, 1990, beeton) but "
        "number 2 vs 1, pages 5–6 vs 3–4): Editorial comments",
    ]


@pytest.mark.parametrize("duplicates", ["report", "skip"])
def test_a_dry_run_writes_nothing_and_reports_what_the_import_does(
    runner: CliRunner, empty_library: Path, tmp_path: Path, duplicates: str
) -> None:
    bib = _bib(
        empty_library,
        "% keep\n@book{tug1990, title = {Something Else}}\n"
        + COLUMN.format(citekey="col1", number=1, pages="3--4"),
        "references.bib",
    )
    source = _bib(
        tmp_path,
        PROCEEDINGS
        + COLUMN.format(citekey="col1", number=1, pages="3--4")
        + COLUMN.format(citekey="col2", number=2, pages="5--6"),
    )
    before = bib.read_bytes()
    options = ["--duplicates", duplicates]
    dry = _import(runner, empty_library, str(source), *options, "--dry-run")
    assert bib.read_bytes() == before
    assert sorted(path.name for path in empty_library.iterdir() if path.suffix == ".bib") == [
        "references.bib"
    ]
    real = _import(runner, empty_library, str(source), *options)
    assert real["added"]
    assert dry == {**real, "dry_run": True}


def test_dry_run_is_refused_for_passage_formats(
    runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    source = tmp_path / "annotations.json"
    source.write_text("{}", encoding="utf-8")
    args = ["--library", str(empty_library), "import", str(source), "--format", "w3c"]
    result = runner.invoke(cli, [*args, "--dry-run"])
    assert result.exit_code == 2
    assert "--dry-run works for bibtex, csljson, ris" in result.stderr


@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param(
            "columns.json",
            json.dumps(
                [
                    {
                        "type": "article-journal",
                        "title": "Editorial comments",
                        "author": [{"family": "Beeton", "given": "Barbara"}],
                        "container-title": "TUGboat",
                        "volume": "11",
                        "issue": issue,
                        "page": page,
                        "issued": {"date-parts": [[1990]]},
                    }
                    for issue, page in (("1", "3-4"), ("2", "5-6"), ("1", "3-4"))
                ]
            ),
            id="csljson",
        ),
        pytest.param(
            "columns.ris",
            "".join(
                f"TY  - JOUR\nAU  - Beeton, Barbara\nTI  - Editorial comments\nT2  - TUGboat\n"
                f"PY  - 1990\nVL  - 11\nIS  - {issue}\nSP  - {start}\nEP  - {end}\nER  - \n"
                for issue, start, end in (("1", 3, 4), ("2", 5, 6), ("1", 3, 4))
            ),
            id="ris",
        ),
    ],
)
def test_csljson_and_ris_imports_follow_the_same_rules(
    runner: CliRunner, empty_library: Path, tmp_path: Path, name: str, text: str
) -> None:
    report = _import(runner, empty_library, str(_bib(tmp_path, text, name)))
    assert report["added"] == ["beeton1990editorial", "beeton1990editoriala"]
    possible = report["possible_duplicates"]
    assert isinstance(possible, list)
    assert [row["resembles"] for row in possible] == ["beeton1990editorial"]
    duplicates = report["duplicates"]
    assert isinstance(duplicates, list)
    assert [row["citekey"] for row in duplicates] == ["beeton1990editorial"]


TITLES = ["Editorial comments", "From the President", "Hyphenation exception log"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    works=st.lists(
        st.tuples(
            st.sampled_from(TITLES),
            st.none() | st.integers(min_value=1, max_value=3).map(str),
            st.none() | st.integers(min_value=1, max_value=9).map(lambda page: f"{page}--9"),
        ),
        unique=True,
        max_size=8,
    )
)
def test_works_distinct_in_title_number_or_pages_are_never_dropped(
    works: list[tuple[str, str | None, str | None]],
) -> None:
    entries = []
    for number, (title, issue, pages) in enumerate(works):
        fields = [f"title = {{{title}}}", "author = {Beeton, Barbara}", "year = 1990"]
        fields += [f"number = {issue}"] if issue else []
        fields += [f"pages = {{{pages}}}"] if pages else []
        entries.append(f"@article{{entry{number}, journal = {{TUGboat}}, {', '.join(fields)}}}")
    with tempfile.TemporaryDirectory() as folder:
        library = init_library(Path(folder) / "library")
        source = _bib(Path(folder), "\n".join(entries))
        report = import_bibtex(Services.for_library(library), source.read_text(), source)
        assert report.duplicates == []
        assert report.added == [f"entry{number}" for number in range(len(works))]
        assert len(_stored(library)) == len(works)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param(
            "unsafe.bib",
            "@book{DBLP:books/x/Doe00,\n  author = {Doe, Jane},\n  title = {Title},\n"
            "  year = 2000,\n}\n",
            id="bibtex",
        ),
        pytest.param(
            "unsafe.json",
            json.dumps(
                [
                    {
                        "citation-key": "DBLP:books/x/Doe00",
                        "type": "book",
                        "title": "Title",
                        "author": [{"family": "Doe", "given": "Jane"}],
                        "issued": {"date-parts": [[2000]]},
                    }
                ]
            ),
            id="csljson",
        ),
    ],
)
def test_import_gives_an_unsafe_citekey_a_fresh_one_and_says_so(
    name: str, text: str, runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    report = _import(runner, empty_library, str(source))
    assert report["added"] == ["doe2000title"]
    assert report["renamed"] == [{"from": "DBLP:books/x/Doe00", "to": "doe2000title"}]
    assert ReferenceStore(empty_library).get("doe2000title").fields["title"] == "Title"
    again = init_library(tmp_path / "again")
    result = runner.invoke(cli, ["--library", str(again), "import", str(source)])
    assert "Renamed citekey DBLP:books/x/Doe00 to doe2000title (not a valid citekey: " in (
        result.stdout
    )
