"""The sanitiser: Markdown notes and citation HTML never carry script into a page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.safehtml import clean_html, clean_snippet, render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil.example></iframe>",
    '<svg onload="alert(1)">',
    "[x](JaVaScRiPt:alert(1))",
    '<div style="background:url(javascript:alert(1))">x</div>',
]


ALLOWED = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "ul",
}


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def _is_safe(html: str) -> bool:
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        if tag not in ALLOWED:
            return False
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                return False
            if name == "href" and not re.match(r"(https?:|mailto:)", value or "", re.I):
                return False
    return True


@pytest.mark.parametrize("attack", ATTACKS)
def test_known_attacks_are_neutralised(attack: str) -> None:
    assert _is_safe(render_markdown(attack))
    assert _is_safe(clean_html(attack))


@given(
    st.lists(st.sampled_from([*ATTACKS, "**b**", "`c`", "\n\n", "<", ">", "&", "x"])).map("".join)
)
def test_any_mix_of_markdown_and_attacks_renders_safely(text: str) -> None:
    assert _is_safe(render_markdown(text))


def test_markdown_keeps_formatting_and_safe_links() -> None:
    html = render_markdown("**bold** and [a link](https://example.org)")
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_snippet_keeps_only_mark() -> None:
    assert clean_snippet("<mark>a</mark> &lt;b&gt; <b>c</b>") == "<mark>a</mark> &lt;b&gt; c"
