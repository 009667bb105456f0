"""The one HTML sanitiser: Markdown notes and citation HTML become markup safe to show.

Only its output is ever marked `|safe` in templates. Raw HTML in a note is escaped by
markdown-it, and nh3 then keeps only harmless tags and http(s)/mailto links, so no
script, event handler or `javascript:` URL survives.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {"a", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "hr",
     "i", "li", "ol", "p", "pre", "small", "span", "strong", "sub", "sup", "ul"}
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "div": {"class"}, "span": {"class"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

_markdown = MarkdownIt("commonmark", {"html": False})


def clean_html(html: str) -> Markup:
    """`html` with everything that could run or restyle the page removed."""
    return Markup(
        nh3.clean(
            html,
            tags=set(ALLOWED_TAGS),
            attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
            url_schemes=set(URL_SCHEMES),
            link_rel="noopener noreferrer nofollow",
        )
    )


def render_markdown(text: str) -> Markup:
    """Safe HTML for a Markdown note."""
    return clean_html(_markdown.render(text))


def clean_snippet(snippet: str) -> Markup:
    """A search snippet (escaped text with `<mark>` tags) with nothing but the marks kept."""
    return Markup(nh3.clean(snippet, tags={"mark"}, attributes={}))
