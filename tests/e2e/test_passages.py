"""User stories in a real browser: a passage's notes, citations, the reader and export."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, copy_citation, save_screenshot


def _stored(server: LiveServer, citekey: str) -> list[dict[str, Any]]:
    """The passage records of `passages/<citekey>.json` as they are on disk now."""
    path = server.services.library_dir / "passages" / f"{citekey}.json"
    records: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))["passages"]
    return records


def test_open_a_demo_passage_then_add_edit_and_delete_a_note_that_persists(
    page: Page, demo_server: LiveServer
) -> None:
    page.goto(f"{demo_server.url}/refs/taubman2004antiparty")
    passages = page.get_by_role("region", name="Passages")
    passages.get_by_role("listitem").filter(has_text="Following the plenum, Molotov").get_by_role(
        "link"
    ).click()
    expect(page.get_by_role("blockquote")).to_contain_text("Following the plenum, Molotov")
    passage_id = page.url.rsplit("/", 1)[1]
    page.get_by_label("New note (Markdown)").fill(
        "A **strong** claim <script>window.pwned=1</script>"
    )
    page.get_by_role("button", name="Add note").click()
    note = page.get_by_role("listitem").filter(has_text="A strong claim")
    expect(note.locator("strong")).to_have_text("strong")
    page.reload()
    expect(note).to_be_visible()
    assert page.evaluate("window.pwned") is None
    [record] = [r for r in _stored(demo_server, "taubman2004antiparty") if r["id"] == passage_id]
    assert [n["text"] for n in record["notes"]] == [
        "A **strong** claim <script>window.pwned=1</script>"
    ]
    save_screenshot(page, "passage")
    note.get_by_text("Edit note").click()
    note.get_by_label("Note text (Markdown)").fill("Changed my mind")
    note.get_by_role("button", name="Save note").click()
    # Each form post navigates; reload only once its page is there.
    expect(page.get_by_text("Changed my mind").first).to_be_visible()
    page.reload()
    expect(page.get_by_text("Changed my mind").first).to_be_visible()
    page.get_by_role("button", name="Delete note").click()
    page.get_by_role("dialog", name="Delete this note?").get_by_role(
        "button", name="Delete"
    ).click()
    expect(page.get_by_text("No notes yet.")).to_be_visible()
    page.reload()
    expect(page.get_by_text("No notes yet.")).to_be_visible()
    [record] = [r for r in _stored(demo_server, "taubman2004antiparty") if r["id"] == passage_id]
    assert record["notes"] == []


FREEZE_422 = "01M84V7H6GV6REM85N064TGH94"  # Freeze, Russia: A History, p. 422
FREEZE_QUOTE = (
    "The underlying idea was to bring decision-making closer to the enterprise to ensure "
    "better management and greater productivity"
)


def _copied_html(page: Page) -> str:
    """The HTML flavour of the clipboard's one item, the one a word processor pastes."""
    return str(
        page.evaluate(
            """async () => {
                const [item] = await navigator.clipboard.read();
                return await (await item.getType("text/html")).text();
            }"""
        )
    )


def test_copy_citations_formatted_by_citeproc(page: Page, demo_server: LiveServer) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{demo_server.url}/passages/{FREEZE_422}")
    expected = {
        ("MLA", "Quote with citation"): f"“{FREEZE_QUOTE}” (Freeze 422).",
        ("APA", "Quote with citation"): f"“{FREEZE_QUOTE}” (Freeze, 2009, p. 422).",
        ("Chicago (notes)", "Quote with citation"): f"“{FREEZE_QUOTE}.”¹\n\n1. Gregory L. "
        "Freeze, ed., Russia: A History, 3rd ed. (Oxford University Press, 2009), 422.",
        ("MLA", "Bibliography entry"): "Freeze, Gregory L., editor. Russia: A History. 3rd ed., "
        "Oxford University Press, 2009.",
        ("APA", "Bibliography entry"): "Freeze, G. L. (Ed.). (2009). Russia: A History "
        "(3rd ed.). Oxford University Press.",
        ("Chicago (notes)", "Bibliography entry"): "Freeze, Gregory L., ed. Russia: A History. "
        "3rd ed. Oxford University Press, 2009.",
    }
    for (style, button), text in expected.items():
        status = copy_citation(page, style, button)
        # The first citation warms up citeproc-js: seconds on a busy machine.
        expect(status).to_have_text(f"Copied: {text}", timeout=60_000)
        assert page.evaluate("navigator.clipboard.readText()") == text, (style, button)
        # Pasted into a word processor, a title is in italics.
        if "Russia: A History" in text:
            assert "<i>Russia: A History</i>" in _copied_html(page), (style, button)
    save_screenshot(page, "passage-citation")


ZHUKOV_ARMY = "01M84V6NVG8NA9XCBTXZ7GF7YY"  # Zhukov's words on the army, an unpublished @misc


def test_bibliography_button_says_why_chicago_has_no_entry_for_an_unpublished_work(
    page: Page, demo_server: LiveServer
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{demo_server.url}/passages/{ZHUKOV_ARMY}")
    page.evaluate("navigator.clipboard.writeText('untouched')")
    status = copy_citation(page, "Chicago (notes)", "Bibliography entry")
    expect(status).to_have_text(
        re.compile(
            r"^Nothing to copy: chicago-notes-bibliography prints items of type document "
            r"\(@misc\) without .* in notes only; add `publisher`, `howpublished`, `url` or "
            r"`doi` to include it\.$"
        ),
        timeout=60_000,
    )
    assert page.evaluate("navigator.clipboard.readText()") == "untouched"
    copy_citation(page, "MLA", "Bibliography entry")
    expect(status).to_have_text(re.compile(r"^Copied: Zhukov, Georgy K\."))


def test_select_text_in_the_reader_and_quote_it(page: Page, demo_server: LiveServer) -> None:
    page.goto(f"{demo_server.url}/sources/taubman2004antiparty")
    text = page.get_by_role("article")
    exact = "secret police chief Lavrenty Beria"
    page.evaluate(
        """(exact) => {
            const walker = document.createTreeWalker(
                document.getElementById("source-text"), NodeFilter.SHOW_TEXT);
            let node = walker.nextNode();
            while (node && !node.textContent.includes(exact)) node = walker.nextNode();
            const start = node.textContent.indexOf(exact);
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, start + exact.length);
            document.getSelection().removeAllRanges();
            document.getSelection().addRange(range);
        }""",
        exact,
    )
    page.get_by_role("button", name="Quote", exact=True).click()
    expect(page.get_by_label("Quoted words")).to_have_value(exact)
    expect(page.get_by_label("Reference")).to_have_value("taubman2004antiparty")
    page.get_by_label("Locator label").select_option("paragraph")
    page.get_by_label("Locator (e.g. 422, xiv, 12-14)").fill("2")
    save_screenshot(page, "reader")
    page.get_by_role("button", name="Add passage").click()
    expect(page).to_have_url(re.compile(r"/sources/taubman2004antiparty#passage-[0-9A-Z]{26}$"))
    passage_id = page.url.rsplit("#passage-", 1)[1]
    [record] = [r for r in _stored(demo_server, "taubman2004antiparty") if r["id"] == passage_id]
    assert record["text"] == exact
    assert record["locator"] == {"label": "paragraph", "value": "2"}
    source_path = demo_server.services.library_dir / "sources" / "taubman2004antiparty.txt"
    source = source_path.read_text("utf-8")
    anchor = record["anchor"]
    start, end = anchor["position"]["start"], anchor["position"]["end"]
    assert anchor["source"] == "taubman2004antiparty.txt"
    assert source[start:end] == anchor["quote"]["exact"] == exact
    assert source[:start].endswith(anchor["quote"]["prefix"]) and anchor["quote"]["prefix"]
    assert source[end:].startswith(anchor["quote"]["suffix"]) and anchor["quote"]["suffix"]
    expect(text.locator(f"#passage-{passage_id}")).to_have_text(exact)
    page.goto(f"{demo_server.url}/passages/{passage_id}")
    page.get_by_role("link", name="In the source text").click()
    expect(page.get_by_role("region", name="Passage").get_by_role("blockquote")).to_have_text(exact)


def test_editing_a_passage_someone_changed_meanwhile_is_refused_keeping_the_edit(
    page: Page, demo_server: LiveServer
) -> None:
    passage = demo_server.passages.passages("freeze2009")[0]
    page.goto(f"{demo_server.url}/passages/{passage.id}")
    page.get_by_text("Edit text, locator and tags").click()
    page.get_by_label("Quoted words").fill("My corrected quote")
    demo_server.passages.edit(passage.id, tags=["changed-elsewhere"])  # another tab, say
    page.get_by_role("button", name="Save passage").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("someone changed this passage")
    expect(page.get_by_label("Quoted words")).to_have_value("My corrected quote")
    [record] = [r for r in _stored(demo_server, "freeze2009") if r["id"] == passage.id]
    assert record["text"] == passage.text
    assert record["tags"] == ["changed-elsewhere"]
    # Both versions side by side: theirs as it is now, and mine as typed.
    theirs = page.get_by_role("region", name=re.compile(r"^Their version"))
    expect(theirs.get_by_role("blockquote")).to_have_text(passage.text)
    expect(theirs).to_contain_text("Tags: changed-elsewhere")
    expect(theirs.get_by_role("link", name="Take theirs")).to_be_visible()
    save_screenshot(page, "passage-conflict")
    page.get_by_role("button", name="Keep mine").click()  # saving again: deliberate
    expect(page.get_by_role("blockquote")).to_have_text("My corrected quote")
    [record] = [r for r in _stored(demo_server, "freeze2009") if r["id"] == passage.id]
    assert record["text"] == "My corrected quote"
    assert record["revision"] == passage.revision + 2


def test_export_a_bibliography(page: Page, demo_server: LiveServer) -> None:
    page.goto(f"{demo_server.url}/export")
    page.get_by_label("linden1966").check()
    page.get_by_label("freeze2009").check()
    page.get_by_label("Format").select_option("text")
    page.get_by_label("Style (for text, html, markdown and docx)").select_option("mla")
    save_screenshot(page, "export")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "florilegium.txt"
    assert download.path().read_text(encoding="utf-8").splitlines() == [
        "Freeze, Gregory L., editor. Russia: A History. 3rd ed., Oxford University Press, 2009.",
        "Linden, Carl A. Khrushchev and the Soviet Leadership, 1957–1964. Johns Hopkins Press, "
        "1966.",
    ]


def test_export_the_bibtex_of_a_search(page: Page, demo_server: LiveServer) -> None:
    page.goto(f"{demo_server.url}/export")
    page.get_by_label("Or the references matching a search").fill("Georgii Zhukov tank")
    page.get_by_label("Format").select_option("bibtex")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "florilegium.bib"
    content = download.path().read_text(encoding="utf-8")
    assert content.startswith("@") and "zhukov1957army" in content
    assert "freeze2009" not in content
