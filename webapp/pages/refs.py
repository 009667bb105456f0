"""The references pages: the list (with a form to add BibTeX) and one reference's page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from annotations.errors import InvalidLocator, InvalidPassage
from annotations.model import LOCATOR_LABELS
from refs.errors import RefsError
from refs.model import Reference
from refs.names import parse_names
from webapp.errors import field_of, status_of
from webapp.pages.imports import FORMAT_LABELS, render_report
from webapp.pages.twins import with_json_twin
from webapp.presenters import reference_summary_json
from webapp.safehtml import clean_html
from webapp.viewsupport import form_locator, form_tags, get_services, in_locator_order
from webapp.web_imports import PASTE_FORMATS, paste_references

bp = Blueprint("refs", __name__)

SORT_KEYS = ("citekey", "title", "year", "authors")
LINK_FIELDS = frozenset({"url", "doi"})
STYLES = ("mla", "chicago", "chicago-author-date", "apa")


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One BibTeX field for display; `href` only for a safe http(s) link."""

    name: str
    value: str
    href: str | None


def safe_href(name: str, value: str) -> str | None:
    """A link for `url`/`doi` fields when it is http(s); never a `javascript:` or `data:` URL."""
    if name not in LINK_FIELDS:
        return None
    target = value.strip()
    if name == "doi" and not target.lower().startswith(("http:", "https:")):
        target = f"https://doi.org/{target}"
    parts = urlsplit(target)
    return target if parts.scheme in ("http", "https") and parts.netloc else None


@bp.get("/refs")
def list_refs() -> Response:
    """Every reference, sortable and filterable (here by `sort` and `q`, or in the page)."""
    return _render_list(bibtex="", paste_format="auto", error=None, error_field=None, status=200)


@bp.post("/refs")
def add_ref() -> BaseResponse:
    """Add the entries pasted into the form (BibTeX, RIS or CSL-JSON) as `import` would:
    one new entry opens its page; duplicates held back, or several entries, are reported."""
    text = request.form.get("bibtex", "")
    chosen = request.form.get("format", "auto")
    if chosen != "auto" and chosen not in PASTE_FORMATS:
        return _render_list(bibtex=text, paste_format="auto", error=f"Unknown format {chosen!r}.",
                            error_field="format", status=400)  # fmt: skip
    try:
        result = paste_references(get_services(), text, None if chosen == "auto" else chosen)
    except RefsError as error:
        field = "format" if field_of(error) == "format" else "bibtex"
        return _render_list(bibtex=text, paste_format=chosen, error=str(error),
                            error_field=field, status=status_of(error))  # fmt: skip
    report = result.report
    if len(report.added) == 1 and not result.held and not report.possible_duplicates:
        return redirect(url_for("refs.show_ref", citekey=report.added[0]), code=303)
    return render_report(result, source="pasted text")


def _render_list(
    *, bibtex: str, paste_format: str, error: str | None, error_field: str | None, status: int
) -> Response:
    sort = request.args.get("sort", "citekey")
    sort = sort if sort in SORT_KEYS else "citekey"
    needle = request.args.get("q", "").casefold()
    rows = [_list_row(ref) for ref in get_services().refs.references()]
    if needle:
        rows = [row for row in rows if needle in _row_text(row)]
    rows.sort(key=lambda row: (_sort_value(row, sort), row["citekey"]))
    html = render_template(
        "refs/list.html",
        rows=rows,
        sort=sort,
        sort_keys=SORT_KEYS,
        q=request.args.get("q", ""),
        bibtex=bibtex,
        paste_format=paste_format,
        paste_formats=[(name, FORMAT_LABELS[name]) for name in PASTE_FORMATS],
        error=error,
        error_field=error_field,
    )
    response = with_json_twin(html, url_for("api.refs.list_refs"))
    response.status_code = status
    return response


def _list_row(reference: Reference) -> dict[str, object]:
    """A `refs list` row plus `author_sort`: family names first, as a list is sorted."""
    names = reference.fields.get("author") or reference.fields.get("editor", "")
    people = parse_names(names).people
    return {
        **reference_summary_json(reference),
        "author_sort": "; ".join(person.sort_name for person in people),
    }


def _row_text(row: dict[str, object]) -> str:
    authors = row["authors"] if isinstance(row["authors"], list) else []
    return " ".join([str(row["citekey"]), str(row["title"]), str(row["year"]), *authors]).casefold()


def _sort_value(row: dict[str, object], sort: str) -> str:
    value = row["author_sort" if sort == "authors" else sort]
    return " ".join(value).casefold() if isinstance(value, list) else str(value).casefold()


@bp.get("/refs/<citekey>")
def show_ref(citekey: str) -> Response:
    """One reference: its fields, its BibTeX, its formatted entry and its passages."""
    return _render_detail(citekey, form={}, error=None, error_field=None, status=200)


@bp.post("/refs/<citekey>/passages")
def add_passage(citekey: str) -> BaseResponse:
    """Add a passage from the form on the reference's page, then open it."""
    services = get_services()
    services.refs.get(citekey)
    form = {name: request.form.get(name, "") for name in ("text", "label", "locator", "tags")}
    if not form["text"].strip():
        return _render_detail(citekey, form=form, error="Type the quoted words.",
                              error_field="text", status=400)  # fmt: skip
    try:
        passage = services.passages.add(
            citekey,
            form["text"],
            locator=form_locator(form["label"], form["locator"]),
            tags=form_tags(form["tags"]),
        )
    except (InvalidLocator, InvalidPassage) as error:
        field = "label" if error.field.endswith(".label") else error.field
        return _render_detail(citekey, form=form, error=error.message, error_field=field,
                              status=400)  # fmt: skip
    return redirect(url_for("passages.show_passage", passage_id=passage.id), code=303)


def _render_detail(
    citekey: str, *, form: dict[str, str], error: str | None, error_field: str | None, status: int
) -> Response:
    services = get_services()
    reference = services.refs.get(citekey)
    style = request.args.get("style", "") or "chicago-author-date"
    citation = (
        services.citations.cite(citekey, style=style, output="html")
        if services.citations is not None
        else None
    )
    passages = in_locator_order(services.passages.passages(citekey))
    html = render_template(
        "refs/detail.html",
        reference=reference,
        summary=reference_summary_json(reference),
        fields=_field_rows(reference),
        style=style,
        styles=_with_current(style, services.citations.styles() if services.citations else STYLES),
        formatted=None if citation is None else clean_html(citation.text),
        omitted=citation.omitted[0].reason if citation and citation.omitted else None,
        passages=passages,
        locator_labels=LOCATOR_LABELS,
        form=form,
        error=error,
        error_field=error_field,
    )
    response = with_json_twin(html, url_for("api.refs.show_ref", citekey=citekey))
    response.status_code = status
    return response


def _with_current(style: str, styles: Sequence[str]) -> list[str]:
    """The styles to offer, always including the one shown (it may be any CSL id)."""
    return list(styles) if style in styles else [style, *styles]


def _field_rows(reference: Reference) -> list[FieldRow]:
    return [
        FieldRow(name, reference.text(name), safe_href(name, reference.text(name)))
        for name in sorted(reference.fields)
    ]
