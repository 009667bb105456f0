"""The LaTeX of a field value as a tree of groups, built in linear time without recursion.

One regular expression cuts the text into tokens (text, spaces, control words and
symbols, braces, math shifts, ties, scripts, `\\verb`-like verbatim); an explicit stack
nests them into groups. Braces nested deeper than `MAX_DEPTH` lose their braces, not
their text, so neither a hostile value nor a damaged file costs the stack or more than
linear time. `Cursor` reads a group's children as TeX reads a command's arguments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Braces nested deeper than this are dropped (their text kept): no real value needs more,
# and a hostile one must cost neither the stack nor more than linear time.
MAX_DEPTH = 64

# One alternative per kind of token, the commonest first. `lastgroup` names the kind: the
# last group a control word closes is `skipped` (the spaces TeX skips after it).
_TOKENS = re.compile(
    r"""
      (?P<text>[^\\{}$~ \t\r\n^_]+)
    | (?P<space>[ \t\r\n]+)
    | \\(?:verb|path|url)\*?(?P<delimiter>[^A-Za-z\s{])(?P<verbatim>.*?)(?P=delimiter)
    | \\(?P<word>[A-Za-z@]+)(?P<star>\*?)(?P<skipped>[ \t\r\n]*)
    | (?P<open>\{)
    | (?P<close>\})
    | (?P<math>\$\$?|\\[()\[\]])
    | \\(?P<symbol>.?)
    | (?P<tilde>~)
    | (?P<script>[\^_])
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(slots=True)
class Text:
    """A run of ordinary characters."""

    text: str


@dataclass(slots=True)
class Space:
    """White space between words."""


@dataclass(slots=True)
class Tilde:
    """`~`, an unbreakable space."""


@dataclass(slots=True)
class Script:
    """`^` or `_`: a superscript or subscript in math, the character itself in text."""

    sign: str


@dataclass(slots=True)
class Command:
    """`\\name` or `\\symbol`; `skipped_space` when TeX skipped the spaces after it."""

    name: str
    star: bool
    skipped_space: bool


@dataclass(slots=True)
class Verbatim:
    """The text of `\\verb|…|`, `\\path|…|` or `\\url|…|`, as written."""

    text: str


@dataclass(slots=True)
class Group:
    """A brace group (or math, `math`), with the text it was written as (`source`)."""

    children: list[Node]
    source: str = ""
    math: bool = False


Node = Text | Space | Tilde | Script | Command | Verbatim | Group
SPACE = Space()
TILDE = Tilde()


def parse(value: str) -> Group:
    """The tokens of `value` as a tree of groups, built with an explicit stack."""
    root = Group([], value)
    stack: list[tuple[Group, int]] = [(root, 0)]
    dropped_depth = 0
    children = root.children
    for token in _TOKENS.finditer(value):
        kind = token.lastgroup
        if kind == "text":
            children.append(Text(token.group()))
        elif kind == "space":
            children.append(SPACE)
        elif kind == "skipped":
            children.append(Command(token["word"], bool(token["star"]), bool(token["skipped"])))
        elif kind == "open":
            if len(stack) > MAX_DEPTH:
                dropped_depth += 1
                continue
            group = Group([])
            children.append(group)
            stack.append((group, token.start()))
            children = group.children
        elif kind == "close":
            if dropped_depth:
                dropped_depth -= 1
                continue
            while len(stack) > 1:
                group, start = stack.pop()
                if not group.math:
                    group.source = value[start + 1 : token.start()]
                    break
            children = stack[-1][0].children
        elif kind == "math":
            if stack[-1][0].math:
                stack.pop()
            elif token.group() not in (r"\)", r"\]"):
                group = Group([], math=True)
                children.append(group)
                stack.append((group, token.start()))
            children = stack[-1][0].children
        elif kind == "symbol":
            children.append(Command(token["symbol"], False, False))
        elif kind == "tilde":
            children.append(TILDE)
        elif kind == "script":
            children.append(Script(token.group()))
        else:
            children.append(Verbatim(token["verbatim"]))
    while len(stack) > 1:
        group, start = stack.pop()
        group.source = value[start + 1 :]
    return root


class Cursor:
    """Reads a list of sibling nodes, handing out a command's arguments as TeX reads them:
    a group, or else one character of the text that follows."""

    def __init__(self, nodes: list[Node]) -> None:
        self.nodes = nodes
        self.index = 0
        self.pending = ""

    def __iter__(self) -> Iterator[Node]:
        while True:
            if self.pending:
                text, self.pending = self.pending, ""
                yield Text(text)
            elif self.index < len(self.nodes):
                self.index += 1
                yield self.nodes[self.index - 1]
            else:
                return

    def argument(self) -> Group | None:
        """The next argument (spaces before it skipped), or None at the end."""
        if self.pending:
            char, self.pending = self.pending[0], self.pending[1:]
            return Group([Text(char)], char)
        while self.index < len(self.nodes) and isinstance(self.nodes[self.index], Space):
            self.index += 1
        if self.index >= len(self.nodes):
            return None
        node = self.nodes[self.index]
        self.index += 1
        if isinstance(node, Group):
            return Group(node.children, node.source) if not node.math else node
        if isinstance(node, Text):
            self.pending = node.text[1:]
            return Group([Text(node.text[0])], node.text[0])
        return Group([node])

    def optional_argument(self) -> Group | None:
        """A `[…]` argument if one comes next (its text up to the first `]`)."""
        if self.pending:
            if not self.pending.startswith("["):
                return None
            inside, closed, rest = self.pending[1:].partition("]")
            if closed:
                self.pending = rest
                return Group([Text(inside)], inside)
            self.pending = ""
            return self._rest_of_optional([Text(inside)] if inside else [])
        node = self.nodes[self.index] if self.index < len(self.nodes) else None
        if not (isinstance(node, Text) and node.text.startswith("[")):
            return None
        self.index += 1
        inside, closed, rest = node.text[1:].partition("]")
        if closed:
            self.pending = rest
            return Group([Text(inside)], inside)
        return self._rest_of_optional([Text(inside)] if inside else [])

    def _rest_of_optional(self, found: list[Node]) -> Group:
        while self.index < len(self.nodes):
            node = self.nodes[self.index]
            self.index += 1
            if isinstance(node, Text) and "]" in node.text:
                inside, _, self.pending = node.text.partition("]")
                if inside:
                    found.append(Text(inside))
                break
            found.append(node)
        return Group(found)

    def next_is_group(self, *, empty: bool) -> bool:
        """True when an `empty` (or a non-empty) brace group follows at once."""
        if self.pending or self.index >= len(self.nodes):
            return False
        node = self.nodes[self.index]
        return isinstance(node, Group) and not node.math and (not node.children) == empty
