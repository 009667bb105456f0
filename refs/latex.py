"""Turn the LaTeX of a field value into Unicode text, or into CSL rich text for titles.

A .bib file keeps its LaTeX; everything shown, searched or cited reads it through here.
The conversion never raises and runs in linear time, whatever the value: the text is
cut into tokens by one regular expression, the tokens are built into a tree of groups
without recursion (groups nested deeper than `MAX_DEPTH` lose their braces, not their
text), and the tree is rendered once. Every command degrades to readable text: a symbol
or logo prints itself (`\\TeX` → TeX), a markup command its argument, an unknown command
its argument or, with none, its own name, reported by `unknown_commands` so that `check`
can name the entry and field.

Rich text is what CSL-JSON and citeproc-js understand: `<i>`, `<b>`, `<sc>`, `<sup>`,
`<sub>`, and `<span class="nocase">` around what braces protect from a style's title case
(`{USSR}`, math). A group that starts with a command (`{\\'e}`, `{\\em x}`) is a special
character to BibTeX, not a protection.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from refs.latexsymbols import (
    ACCENTS,
    DROPPED_ARGUMENT,
    MARKUP_COMMANDS,
    QUOTES,
    RELATIONS,
    SKIP_FIRST_ARGUMENT,
    SWITCHES,
    TRANSPARENT,
    symbol,
)
from refs.latextree import (
    Command,
    Cursor,
    Group,
    Node,
    Script,
    Space,
    Text,
    Tilde,
    Verbatim,
    parse,
)

NOCASE_OPEN = '<span class="nocase">'
NOCASE_CLOSE = "</span>"

_NEEDS_PARSING = re.compile(r"[\\{}~$`']|--|,,")
# Every kind of white space but the no-break ones (`~`), which stay as they are.
_SPACES = re.compile(r"[^\S\u00a0\u202f]+")
_SPACE_INSIDE_OPENING = re.compile(r'(<(?:i|b|sc|sup|sub|span class="nocase")>) ')
_SPACE_INSIDE_CLOSING = re.compile(r" (</(?:i|b|sc|sup|sub|span)>)")
_LIGATURES = re.compile(r"---|--|``|''|`|'|,,")
_TEXT_LIGATURES = {"---": "—", "--": "–", "``": "“", "''": "”", "`": "‘", "'": "’", ",,": "„"}
_SPACING_ACCENTS = {
    "\u0301": "´",
    "\u0300": "`",
    "\u0308": "¨",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "¯",
    "\u0307": "˙",
    "\u0306": "˘",
    "\u030c": "ˇ",
    "\u030b": "˝",
    "\u0327": "¸",
    "\u0328": "˛",
}
_MATH_TEXT = re.compile(r"[=<>&':]")
_MATH_SPACE_AFTER = re.compile(r"([(\[{⟨]|<su[bp]>) +")
_MATH_SPACE_BEFORE = re.compile(r" +([)\]}⟩,;.!?]|</su[bp]>)")
_SUPERSCRIPTS = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_ORDINAL_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}
_TABLE_ENVIRONMENTS = frozenset({"array", "tabular", "tabular*", "tabularx", "matrix"})


def latex_to_text(value: str) -> str:
    """`Mi{\\'c}unovi{\\'c}` → `Mićunović`: Unicode without markup, for display and search."""
    return _converted(value, markup=False)[0]


def latex_to_markup(value: str) -> str:
    """A title's LaTeX as CSL rich text: `{USSR} and \\emph{Pravda}` →
    `<span class="nocase">USSR</span> and <i>Pravda</i>`."""
    return _converted(value, markup=True)[0]


def unknown_commands(value: str) -> frozenset[str]:
    """The commands in `value` this converter does not know (shown by name or argument)."""
    return _converted(value, markup=False)[1]


@lru_cache(maxsize=65536)
def _converted(value: str, *, markup: bool) -> tuple[str, frozenset[str]]:
    if not _NEEDS_PARSING.search(value):
        return _SPACES.sub(" ", value).strip(), frozenset()
    renderer = _Renderer(markup=markup)
    renderer.render(parse(value).children)
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", "".join(renderer.out)))
    if markup:
        text = _SPACE_INSIDE_OPENING.sub(r" \1", _SPACE_INSIDE_CLOSING.sub(r"\1 ", text))
        text = _SPACES.sub(" ", text)
    return text.strip(), frozenset(renderer.unknown)


@dataclass(slots=True)
class _Renderer:
    """Renders a tree into `out`, as rich text (`markup`) or as plain Unicode."""

    markup: bool
    out: list[str] = field(default_factory=list)
    unknown: set[str] = field(default_factory=set)
    math: bool = False
    protected: bool = False
    quote_depth: int = 0

    def render(self, nodes: list[Node]) -> None:
        """Render sibling `nodes`; switches such as `\\em` end with them."""
        cursor = Cursor(nodes)
        closing: list[str] = []
        for node in cursor:
            if isinstance(node, Text):
                self._text(node.text)
            elif isinstance(node, Space):
                if not self.math:
                    self.out.append(" ")
            elif isinstance(node, Tilde):
                self.out.append("\u00a0")
            elif isinstance(node, Verbatim):
                self.out.append(node.text)
            elif isinstance(node, Script):
                self._script(node.sign, cursor)
            elif isinstance(node, Group):
                self._group(node)
            else:
                closing += self._command(node, cursor)
        self.out.extend(reversed(closing))

    def _text(self, text: str) -> None:
        if self.math:
            self.out.append(_MATH_TEXT.sub(_math_character, text))
        else:
            self.out.append(_LIGATURES.sub(lambda match: _TEXT_LIGATURES[match.group()], text))

    def _group(self, group: Group) -> None:
        if group.math:
            self._math(group)
            return
        if not self.markup or self.protected or not _protects_case(group):
            self.render(group.children)
            return
        self.protected = True
        self.out.append(NOCASE_OPEN)
        self.render(group.children)
        self.out.append(NOCASE_CLOSE)
        self.protected = False

    def _math(self, group: Group) -> None:
        """Math, rendered aside and tidied: TeX ignores the spaces typed in math and sets
        its own around relations and operators."""
        outer_math, outer_protected, outer_out = self.math, self.protected, self.out
        wrap = self.markup and not self.protected
        self.math = self.protected = True
        self.out = []
        self.render(group.children)
        text = _MATH_SPACE_AFTER.sub(r"\1", _MATH_SPACE_BEFORE.sub(r"\1", "".join(self.out)))
        text = _SPACES.sub(" ", text).strip()
        self.math, self.protected, self.out = outer_math, outer_protected, outer_out
        self.out.append(f"{NOCASE_OPEN}{text}{NOCASE_CLOSE}" if wrap and text else text)

    def _script(self, sign: str, cursor: Cursor) -> None:
        if not self.math:
            self.out.append(sign)
            return
        argument = cursor.argument()
        if argument is not None:
            self._element("sup" if sign == "^" else "sub", argument)

    def _argument_text(self, argument: Group | None) -> str:
        """An argument rendered as plain text (for accents, ordinals, case changes)."""
        if argument is None:
            return ""
        inner = _Renderer(markup=False, math=self.math, protected=True)
        inner.render(argument.children)
        self.unknown |= inner.unknown
        return "".join(inner.out)

    def _argument(self, argument: Group | None) -> None:
        """An argument rendered in place: its braces delimit it, they protect nothing."""
        if argument is not None:
            if argument.math:
                self._math(argument)
            else:
                self.render(argument.children)

    def _element(self, tag: str, argument: Group | None) -> None:
        if not self.markup:
            text = self._argument_text(argument)
            table = {"sup": _SUPERSCRIPTS, "sub": _SUBSCRIPTS}.get(tag)
            converted = text.translate(table) if table else text
            self.out.append(converted if converted != text and converted.isprintable() else text)
            return
        self.out.append(f"<{tag}>")
        self._argument(argument)
        self.out.append(f"</{tag}>")

    def _command(self, command: Command, cursor: Cursor) -> list[str]:
        """Render one command with the arguments it takes; returns tags its switch opened."""
        name = command.name
        handler = _HANDLERS.get(name)
        if handler is not None:
            handler(self, command, cursor)
        elif name in ACCENTS:
            self._accent(ACCENTS[name], cursor.argument())
        elif name in MARKUP_COMMANDS:
            self._element(MARKUP_COMMANDS[name].tag, cursor.argument())
        elif name in SWITCHES:
            return self._switch(SWITCHES[name])
        elif name in QUOTES:
            self._quote(name, command.star, cursor.argument())
        elif name in TRANSPARENT:
            self._argument(cursor.argument())
        elif name in SKIP_FIRST_ARGUMENT:
            cursor.optional_argument()
            cursor.argument()
            self._argument(cursor.argument())
        elif name in DROPPED_ARGUMENT:
            while cursor.optional_argument() is not None:
                pass
            cursor.argument()
        else:
            self._symbol_or_unknown(command, cursor)
        return []

    def _quote(self, name: str, star: bool, argument: Group | None) -> None:
        """`\\enquote` and its kin: double quotes, single ones inside them (or starred)."""
        opening, closing = QUOTES[name]
        is_quote = opening == "“"
        if is_quote and (star or self.quote_depth % 2):
            opening, closing = "‘", "’"
        self.quote_depth += is_quote
        self.out.append(opening)
        self._argument(argument)
        self.out.append(closing)
        self.quote_depth -= is_quote

    def _switch(self, tag: str) -> list[str]:
        if not tag or not self.markup:
            return []
        self.out.append(f"<{tag}>")
        return [f"</{tag}>"]

    def _accent(self, mark: str, argument: Group | None) -> None:
        text = self._argument_text(argument)
        if not text.strip():
            self.out.append(_SPACING_ACCENTS.get(mark, mark))
            return
        first = {"ı": "i", "ȷ": "j"}.get(text[0], text[0])
        self.out.append(first + mark + text[1:])

    def _symbol_or_unknown(self, command: Command, cursor: Cursor) -> None:
        text = symbol(command.name)
        if text is not None and self.math and text in RELATIONS:
            self.out.append(f" {text} ")
        elif text is not None:
            # In math, TeX sets an operator (`n \\log n`) apart from its neighbours.
            spaced = self.math and text.isalpha() and len(text) > 1
            self.out.append(f" {text} " if spaced else text)
        elif command.name.strip():
            self.unknown.add(command.name)
            if cursor.next_is_group(empty=False):
                self._argument(cursor.argument())
            else:
                if cursor.next_is_group(empty=True):
                    cursor.argument()  # `\CSTUG{}`: the braces only end the name
                self.out.append(command.name + (" " if command.skipped_space else ""))
        else:
            self.out.append(" ")  # a backslash before a line break or at the very end


def _protects_case(group: Group) -> bool:
    """A brace group protects case unless it starts with a command (a special character
    to BibTeX) or holds no letter (`{"}` in a quoted value) that case could change."""
    for child in group.children:
        if isinstance(child, Space):
            continue
        if isinstance(child, Command):
            return False
        break
    return any(char.isalpha() for char in group.source)


def _math_character(match: re.Match[str]) -> str:
    """In math a relation stands apart, `&` separates cells and `'` is a prime."""
    char = match.group()
    if char == "'":
        return "′"
    return " " if char == "&" else f" {char} "


def _url(renderer: _Renderer, command: Command, cursor: Cursor) -> None:
    """A URL as it is written, protected from a title's case changes."""
    argument = cursor.argument()
    if argument is None:
        return
    if renderer.markup and not renderer.protected:
        renderer.out.append(f"{NOCASE_OPEN}{argument.source}{NOCASE_CLOSE}")
    else:
        renderer.out.append(argument.source)


def _href(renderer: _Renderer, command: Command, cursor: Cursor) -> None:
    cursor.optional_argument()
    cursor.argument()
    renderer._argument(cursor.argument())


def _fraction(renderer: _Renderer, command: Command, cursor: Cursor) -> None:
    numerator = renderer._argument_text(cursor.argument())
    denominator = renderer._argument_text(cursor.argument())
    renderer.out.append(f"{_bracketed(numerator)}/{_bracketed(denominator)}")


def _square_root(renderer: _Renderer, command: Command, cursor: Cursor) -> None:
    degree = cursor.optional_argument()
    radicand = renderer._argument_text(cursor.argument())
    root = {"3": "∛", "4": "∜"}.get(renderer._argument_text(degree), "√")
    renderer.out.append(root + _bracketed(radicand))


def _bracketed(text: str) -> str:
    return text if len(text.strip()) <= 1 else f"({text.strip()})"


def _ordinal(renderer: _Renderer, command: Command, cursor: Cursor) -> None:
    number = renderer._argument_text(cursor.argument()).strip()
    if not number.isdigit():
        renderer.out.append(number)
        return
    value = int(number)
    suffix = "th" if 10 <= value % 100 <= 20 else _ORDINAL_SUFFIXES.get(value % 10, "th")
    renderer.out.append(number + suffix)


def _upper(renderer: _Renderer, command: Command, cursor: Cursor) -> None:
    renderer.out.append(renderer._argument_text(cursor.argument()).upper())


def _lower(renderer: _Renderer, command: Command, cursor: Cursor) -> None:
    renderer.out.append(renderer._argument_text(cursor.argument()).lower())


def _environment(renderer: _Renderer, command: Command, cursor: Cursor) -> None:
    """`\\begin{array}{cc}` and `\\end{…}` print nothing; the environment's body does."""
    name = renderer._argument_text(cursor.argument()).strip()
    if command.name == "begin" and name in _TABLE_ENVIRONMENTS:
        if name in ("tabular*", "tabularx"):
            cursor.argument()
        cursor.optional_argument()
        cursor.argument()


def _line_break(renderer: _Renderer, command: Command, cursor: Cursor) -> None:
    """`\\\\` ends a line: a space in a field, and the end of a row in a math array."""
    cursor.optional_argument()
    renderer.out.append("; " if renderer.math else " ")


_Handler = Callable[[_Renderer, Command, Cursor], None]
_HANDLERS: dict[str, _Handler] = {
    "url": _url,
    "nolinkurl": _url,
    "path": _url,
    "doi": _url,
    "href": _href,
    "frac": _fraction,
    "dfrac": _fraction,
    "tfrac": _fraction,
    "nicefrac": _fraction,
    "sfrac": _fraction,
    "sqrt": _square_root,
    "nth": _ordinal,
    "mkbibordinal": _ordinal,
    "MakeUppercase": _upper,
    "MakeTextUppercase": _upper,
    "uppercase": _upper,
    "MakeLowercase": _lower,
    "MakeTextLowercase": _lower,
    "lowercase": _lower,
    "begin": _environment,
    "end": _environment,
    "\\": _line_break,
}
