"""`cite` and `export`: formatted citations, quotes ready to paste, bibliographies, exports."""

from __future__ import annotations

import json
from pathlib import Path

import click

from annotations.model import Locator
from refs.styles import resolve_style, style_names
from webapp.citation_client import IDLE_SECONDS, service_folder, stop_running_service
from webapp.citation_service import EXPORT_FORMATS, MODES, OUTPUTS, Citation
from webapp.clisupport import LOCATOR, PAGE, echo_json, json_option, pass_services, warn
from webapp.presenters import export_json, omission_json
from webapp.services import Services


@click.command("cite")
@click.argument("citekey", required=False)
@click.option(
    "--style",
    "-s",
    default="chicago",
    show_default=True,
    help="mla, chicago, chicago-author-date, apa, or a bundled style id.",
)
@click.option("--page", "-p", type=PAGE, help="Page or range cited, e.g. 422, 422-423 or xiv.")
@click.option("--locator", type=LOCATOR, help="Another CSL locator as LABEL:VALUE, e.g. chapter:3.")
@click.option(
    "--mode",
    type=click.Choice(MODES),
    default="bibliography",
    show_default=True,
    help="Bibliography entry, in-text citation, or (Chicago) note.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(OUTPUTS),
    default="text",
    show_default=True,
    help="Plain text, HTML (<i>) or Markdown (*…*).",
)
@click.option("--passage", "passage_id", help="Cite a passage by id: its quote with its citation.")
@click.option("--list-styles", is_flag=True, help="List every style name and id, then exit.")
@click.option(
    "--stop-service",
    is_flag=True,
    help=f"Stop the background service that keeps styles ready between commands, then exit "
    f"(it stops by itself after {IDLE_SECONDS // 60} idle minutes; "
    "FLORILEGIUM_CITATION_SERVICE=off formats without it).",
)
@json_option
@pass_services
def cite(
    services: Services,
    citekey: str | None,
    style: str,
    page: Locator | None,
    locator: Locator | None,
    mode: str,
    output: str,
    passage_id: str | None,
    list_styles: bool,
    stop_service: bool,
    as_json: bool,
) -> None:
    """Format CITEKEY in a style, or a passage's quote with its citation (--passage)."""
    if list_styles:
        _list_styles(as_json)
        return
    if stop_service:
        _stop_service(services)
        return
    citations = services.citation_service
    if passage_id is not None:
        if citekey is not None or page is not None or locator is not None:
            raise click.UsageError("--passage takes no CITEKEY, --page or --locator")
        result = citations.quote(services.passages.get(passage_id), style, output)
    elif citekey is None:
        raise click.UsageError("give a CITEKEY or --passage ID")
    elif page is not None and locator is not None:
        raise click.UsageError("give either --page or --locator, not both")
    else:
        found = page or locator
        result = citations.cite(citekey, style, locator=found, mode=mode, output=output)
    _print(result, as_json)


@click.command("export")
@click.argument("citekeys", nargs=-1)
@click.option(
    "--format",
    "export_format",
    type=click.Choice([*EXPORT_FORMATS, "w3c", "docx"]),
    required=True,
    help="; ".join(f"{name}: {what}" for name, what in EXPORT_FORMATS.items())
    + "; w3c: the passages and notes as W3C Web Annotation JSON-LD"
    + "; docx: the html export as a Word document (italics, hanging indents; needs -o FILE)",
)
@click.option(
    "--style",
    "-s",
    default="chicago",
    show_default=True,
    help="Style of text/html/markdown bibliographies.",
)
@click.option("--query", "-q", help="Only references whose passages match this search.")
@click.option(
    "--notes",
    is_flag=True,
    help="A literature-notes file: passages and notes under each reference.",
)
@click.option(
    "--output",
    "-o",
    "output_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to FILE instead of stdout.",
)
@json_option
@pass_services
def export(
    services: Services,
    citekeys: tuple[str, ...],
    export_format: str,
    style: str,
    query: str | None,
    notes: bool,
    output_file: Path | None,
    as_json: bool,
) -> None:
    """Export references (CITEKEYS, else the whole library) as a bibliography or for other
    reference managers.

    References the style leaves out of bibliographies (Chicago prints unpublished
    documents in notes only) are named on stderr with the reason; --json lists them
    under "omitted". A Word document (docx) is written to -o FILE.
    """
    if export_format == "docx":
        _export_docx(services, citekeys, style, query, notes, output_file, as_json)
        return
    result = services.export_service.export(
        citekeys, query=query, output=export_format, style=style, notes=notes
    )
    _warn(result)
    text = (
        json.dumps(export_json(result), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        if as_json
        else result.text
    )
    if output_file is None:
        click.echo(text, nl=False)
        return
    output_file.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {output_file}", err=True)


def _export_docx(
    services: Services,
    citekeys: tuple[str, ...],
    style: str,
    query: str | None,
    notes: bool,
    output_file: Path | None,
    as_json: bool,
) -> None:
    """`export --format docx -o FILE`: a Word document is a binary file, never stdout."""
    if output_file is None:
        raise click.UsageError("--format docx writes a Word document: give -o FILE")
    if as_json:
        raise click.UsageError("--format docx writes a file, not JSON: leave out --json")
    document = services.export_service.export_docx(citekeys, query=query, style=style, notes=notes)
    for message in document.warnings:
        warn(message)
    for omission in document.omitted:
        warn(f"{omission.citekey} left out of the bibliography: {omission.reason}")
    output_file.write_bytes(document.data)
    click.echo(f"Wrote {output_file}", err=True)


def _stop_service(services: Services) -> None:
    if stop_running_service(service_folder(services.library_dir)):
        click.echo("Stopped the citation service", err=True)
    else:
        click.echo("No citation service was running", err=True)


def _print(result: Citation, as_json: bool) -> None:
    _warn(result)
    if as_json:
        document: dict[str, object] = {
            result.output: result.text,
            "warnings": list(result.warnings),
        }
        if result.omitted:
            document["omitted"] = [omission_json(omission) for omission in result.omitted]
        echo_json(document)
    else:
        click.echo(result.text)


def _warn(result: Citation) -> None:
    for message in result.warnings:
        warn(message)
    for omission in result.omitted:
        warn(f"{omission.citekey} left out of the bibliography: {omission.reason}")


def _list_styles(as_json: bool) -> None:
    rows = [(name, resolve_style(name).title) for name in style_names()]
    if as_json:
        echo_json([{"name": name, "title": title} for name, title in rows])
        return
    for name, title in rows:
        click.echo(f"{name}\t{title}")
