"""An export's HTML written as a Word document (.docx) with python-docx.

The export is first made as HTML (`ExportService`), the one place its text is put
together; this module reads that HTML's blocks and inline markup into Word's paragraphs
and runs: `<i>`/`<em>` become italic runs (not asterisks or slanted fonts), `<b>` bold,
`<sup>`/`<sub>` raised and lowered, bibliography entries (`<div class="csl-entry">`)
paragraphs with a hanging indent, headings Word's headings, quotations indented.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

# The hanging indent of a bibliography entry: half an inch, as Chicago, MLA and APA ask.
HANGING_INDENT = Cm(1.27)
QUOTE_INDENT = Cm(1.27)
FONT_NAME = "Times New Roman"
FONT_SIZE = Pt(12)

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4}
_BLOCKS = frozenset({"p", "div", "li", "pre", *_HEADINGS})
_SKIPPED = frozenset({"head", "title", "style", "script"})
_SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class _Format:
    """The inline formatting in force: counters, since tags nest (`<i><i>…</i></i>`)."""

    italic: int = 0
    bold: int = 0
    superscript: int = 0
    subscript: int = 0
    code: int = 0


class _Writer(HTMLParser):
    """Reads HTML into a python-docx document, paragraph by paragraph."""

    def __init__(self, document: DocxDocument) -> None:
        super().__init__(convert_charrefs=True)
        self.document = document
        self.paragraph: Paragraph | None = None
        self.kind = "p"  # the block being written: p, entry (bibliography) or item (list)
        self.heading = 0
        self.quote_depth = 0
        self.list_depth = 0
        self.skipping = 0
        self.pre = 0
        self.format = _Format()
        self.pending_space = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
            return
        classes = (dict(attrs).get("class") or "").split()
        if tag == "blockquote":
            self.quote_depth += 1
            self._end_paragraph()
        elif tag in ("ul", "ol"):
            self.list_depth += 1
            self._end_paragraph()
        elif tag in _BLOCKS:
            self._end_paragraph()
            self.heading = _HEADINGS.get(tag, 0)
            self.kind = "entry" if "csl-entry" in classes else "item" if tag == "li" else "p"
            self.pre += tag == "pre"
        elif tag == "br":
            if self.paragraph is not None:
                self.paragraph.add_run().add_break(WD_BREAK.LINE)
            self.pending_space = False
        else:
            self._count(tag, 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        if tag == "blockquote":
            self._end_paragraph()
            self.quote_depth = max(0, self.quote_depth - 1)
        elif tag in ("ul", "ol"):
            self._end_paragraph()
            self.list_depth = max(0, self.list_depth - 1)
        elif tag in _BLOCKS:
            self._end_paragraph()
            self.pre = max(0, self.pre - (tag == "pre"))
        else:
            self._count(tag, -1)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        text = data if self.pre else _SPACE.sub(" ", data)
        if not self.pre:
            if text.startswith(" "):
                self.pending_space = True
            trailing = text.endswith(" ")
            text = text.strip(" ")
            if not text:
                return
        if self.paragraph is None:
            self.paragraph = self._new_paragraph()
            self.pending_space = False
        elif self.pending_space and self.paragraph.runs:
            # The space between two words belongs to the run before it: "ed. *Title*"
            # must not italicise the space.
            last = self.paragraph.runs[-1]
            last.text = last.text + " "
        if not self.pre:
            self.pending_space = trailing
        run = self.paragraph.add_run(text)
        run.italic = bool(self.format.italic) or None
        run.bold = bool(self.format.bold) or None
        if self.format.superscript:
            run.font.superscript = True
        elif self.format.subscript:
            run.font.subscript = True
        if self.format.code or self.pre:
            run.font.name = "Courier New"

    def _count(self, tag: str, step: int) -> None:
        names = {
            "i": "italic",
            "em": "italic",
            "cite": "italic",
            "b": "bold",
            "strong": "bold",
            "sup": "superscript",
            "sub": "subscript",
            "code": "code",
        }
        name = names.get(tag)
        if name is not None:
            setattr(self.format, name, max(0, getattr(self.format, name) + step))

    def _new_paragraph(self) -> Paragraph:
        if self.heading:
            heading: Paragraph = self.document.add_heading(level=self.heading)
            return heading
        style = "List Bullet" if self.kind == "item" else None
        paragraph = self.document.add_paragraph(style=style)
        layout = paragraph.paragraph_format
        if self.kind == "entry":
            layout.left_indent = HANGING_INDENT
            layout.first_line_indent = -HANGING_INDENT
        elif self.quote_depth:
            layout.left_indent = QUOTE_INDENT * self.quote_depth
        return paragraph

    def _end_paragraph(self) -> None:
        self.paragraph = None
        self.pending_space = False
        self.heading = 0
        self.kind = "p"


def html_to_docx(html: str) -> bytes:
    """The .docx file of an export's HTML document (or body)."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = FONT_SIZE
    writer = _Writer(document)
    writer.feed(html)
    writer.close()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
