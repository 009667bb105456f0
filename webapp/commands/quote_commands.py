"""`quote add|list|show|edit|delete`: the passages quoted from references."""

from __future__ import annotations

import click

from annotations.model import Locator, Passage, QuotedIn
from annotations.repository import KEEP, Keep
from webapp.clisupport import LOCATOR, PAGE, echo_json, json_option, pass_services, warn
from webapp.presenters import passage_json
from webapp.services import Services


@click.group("quote")
def quote() -> None:
    """Add, list, show, edit and delete quoted passages."""


@quote.command("add")
@click.argument("citekey")
@click.option("--text", required=True, help="The exact words quoted.")
@click.option(
    "--page",
    "-p",
    type=PAGE,
    help="Page or range, e.g. 422, xiv or 422-423. Without it (or --locator), the page "
    "the quote is on in sources/CITEKEY.txt, if that text marks its pages (form feeds, "
    "[p. 41]).",
)
@click.option("--locator", type=LOCATOR, help="Any CSL locator as LABEL:VALUE, e.g. chapter:3.")
@click.option("--quoted-in", "quoted_in", help="Citekey of the work you found the quote in.")
@click.option("--quoted-in-page", "quoted_in_page", type=PAGE, help="Page of it in that work.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--note", "notes", multiple=True, help="A Markdown note on it (repeatable).")
@json_option
@pass_services
def add_quote(
    services: Services,
    citekey: str,
    text: str,
    page: Locator | None,
    locator: Locator | None,
    quoted_in: str | None,
    quoted_in_page: Locator | None,
    tags: tuple[str, ...],
    notes: tuple[str, ...],
    as_json: bool,
) -> None:
    """Add a passage quoted from CITEKEY; prints it with its id."""
    passage = services.passages.add(
        citekey,
        text,
        locator=_locator(page, locator),
        quoted_in=_quoted_in(quoted_in, quoted_in_page),
        tags=tags,
        notes=notes,
    )
    _show(passage, as_json, verb="Added")


@quote.command("list")
@click.argument("citekey", required=False)
@json_option
@pass_services
def list_quotes(services: Services, citekey: str | None, as_json: bool) -> None:
    """The passages of the library, or of one reference."""
    for problem in services.passages.problems:
        warn(str(problem))
    passages = services.passages.passages(citekey)
    if as_json:
        echo_json([passage_json(passage) for passage in passages])
        return
    for passage in passages:
        where = str(passage.locator) if passage.locator else ""
        click.echo(f"{passage.id}\t{passage.citekey}\t{where}\t{_one_line(passage.text)}")


@quote.command("show")
@click.argument("passage_id")
@json_option
@pass_services
def show_quote(services: Services, passage_id: str, as_json: bool) -> None:
    """Show one passage with its notes."""
    _show(services.passages.get(passage_id), as_json)


@quote.command("edit")
@click.argument("passage_id")
@click.option("--text", help="New exact words.")
@click.option("--page", "-p", type=PAGE, help="New page or range.")
@click.option("--locator", type=LOCATOR, help="New CSL locator as LABEL:VALUE.")
@click.option("--no-locator", is_flag=True, help="Remove the locator.")
@click.option("--quoted-in", "quoted_in", help="Citekey of the work you found it in.")
@click.option("--quoted-in-page", "quoted_in_page", type=PAGE, help="Page of it in that work.")
@click.option("--no-quoted-in", is_flag=True, help="Remove the 'quoted in'.")
@click.option("--tag", "tags", multiple=True, help="Replace the tags (repeatable).")
@click.option("--no-tags", is_flag=True, help="Remove every tag.")
@click.option(
    "--revision", type=int, help="Refuse the edit if the passage is no longer at this revision."
)
@json_option
@pass_services
def edit_quote(
    services: Services,
    passage_id: str,
    text: str | None,
    page: Locator | None,
    locator: Locator | None,
    no_locator: bool,
    quoted_in: str | None,
    quoted_in_page: Locator | None,
    no_quoted_in: bool,
    tags: tuple[str, ...],
    no_tags: bool,
    revision: int | None,
    as_json: bool,
) -> None:
    """Change one passage; what is not named stays as it is."""
    changes = (text, page, locator, quoted_in, quoted_in_page, *tags)
    if all(value is None for value in changes) and not (no_locator or no_quoted_in or no_tags):
        raise click.UsageError("nothing to change: give --text, --page, --tag...")
    new_locator: Locator | Keep | None = KEEP
    if no_locator:
        if page or locator:
            raise click.UsageError("--no-locator cannot go with --page or --locator")
        new_locator = None
    elif page or locator:
        new_locator = _locator(page, locator)
    new_quoted_in: QuotedIn | Keep | None = KEEP
    if no_quoted_in:
        if quoted_in or quoted_in_page:
            raise click.UsageError("--no-quoted-in cannot go with --quoted-in")
        new_quoted_in = None
    elif quoted_in or quoted_in_page:
        new_quoted_in = _quoted_in(quoted_in, quoted_in_page)
    if no_tags and tags:
        raise click.UsageError("--no-tags cannot go with --tag")
    passage = services.passages.edit(
        passage_id,
        revision=revision,
        text=KEEP if text is None else text,
        locator=new_locator,
        quoted_in=new_quoted_in,
        tags=() if no_tags else (tags or KEEP),
    )
    _show(passage, as_json, verb="Edited")


@quote.command("delete")
@click.argument("passage_id")
@click.option("--revision", type=int, help="Refuse if the passage is no longer at this revision.")
@pass_services
def delete_quote(services: Services, passage_id: str, revision: int | None) -> None:
    """Delete one passage and its notes."""
    item = services.passages.delete(passage_id, revision=revision)
    passage = item.passages[0]
    click.echo(
        f"Deleted {passage.id} ({passage.citekey}) and {len(passage.notes)} note(s); "
        f"undo with: florilegium trash restore {item.id}"
    )


def _locator(page: Locator | None, locator: Locator | None) -> Locator | None:
    if page is not None and locator is not None:
        raise click.UsageError("give either --page or --locator, not both")
    return page or locator


def _quoted_in(citekey: str | None, page: Locator | None) -> QuotedIn | None:
    if citekey is None:
        if page is not None:
            raise click.UsageError("--quoted-in-page needs --quoted-in")
        return None
    return QuotedIn(citekey, page)


def _show(passage: Passage, as_json: bool, *, verb: str = "") -> None:
    if as_json:
        echo_json(passage_json(passage))
        return
    where = f", {passage.locator}" if passage.locator else ""
    click.echo(f"{verb + ' ' if verb else ''}{passage.id} ({passage.citekey}{where})")
    if not verb:
        click.echo(f"“{passage.text}”")
        if passage.quoted_in is not None:
            qtd = passage.quoted_in
            click.echo(f"quoted in {qtd.citekey}{', ' + str(qtd.locator) if qtd.locator else ''}")
        if passage.tags:
            click.echo("tags: " + ", ".join(passage.tags))
        for note in passage.notes:
            click.echo(f"\n[{note.id}] {note.modified}\n{note.text}")


def _one_line(text: str, width: int = 100) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
