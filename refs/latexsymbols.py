"""What each LaTeX command found in .bib fields stands for: symbols, accents, logos, markup.

The character tables come from pylatexenc (its LaTeX-to-text database: some 900 symbol
commands and the accents), read once per process and only when a field uses a command
our own short tables do not know. Our own tables add what bibliographies use and
pylatexenc lacks or renders for documents rather than references: the TeX logos,
biblatex's and csquotes' commands, and commands whose argument is not text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

# The logos of the TeX world, as their names are spelt in plain text.
LOGOS: Mapping[str, str] = {
    "TeX": "TeX",
    "LaTeX": "LaTeX",
    "LaTeXe": "LaTeX2ε",
    "LaTeXTeX": "(La)TeX",
    "BibTeX": "BibTeX",
    "BibTeXe": "BibTeX",
    "BibLaTeX": "BibLaTeX",
    "biblatex": "biblatex",
    "XeTeX": "XeTeX",
    "XeLaTeX": "XeLaTeX",
    "LuaTeX": "LuaTeX",
    "LuaLaTeX": "LuaLaTeX",
    "pdfTeX": "pdfTeX",
    "pdfLaTeX": "pdfLaTeX",
    "ConTeXt": "ConTeXt",
    "eTeX": "ε-TeX",
    "ExTeX": "εχTeX",
    "NTS": "NTS",
    "AmS": "AMS",
    "AMS": "AMS",
    "AmSTeX": "AMS-TeX",
    "AMSTeX": "AMS-TeX",
    "AmSLaTeX": "AMS-LaTeX",
    "AMSLaTeX": "AMS-LaTeX",
    "LAMSTeX": "LAMS-TeX",
    "MF": "Metafont",
    "METAFONT": "METAFONT",
    "MP": "MetaPost",
    "METAPOST": "METAPOST",
    "MetaPost": "MetaPost",
    "PiCTeX": "PiCTeX",
    "PCTeX": "PCTeX",
    "SliTeX": "SliTeX",
    "TeXXeT": "TeX-XeT",
    "plainTeX": "plain TeX",
    "MakeIndex": "MakeIndex",
    "LyX": "LyX",
    "TUB": "TUGboat",
    "TUG": "TUG",
    "XETEX": "XeTeX",
    "Omega": "Ω",
}

# Commands that print text of their own in a bibliography, beyond pylatexenc's table.
WORDS: Mapping[str, str] = {
    "hyphen": "-",
    "hyphenation": "",
    "slash": "/",
    "textslash": "/",
    "pounds": "£",
    "textsterling": "£",
    "euro": "€",
    "texteuro": "€",
    "textdollar": "$",
    "S": "§",
    "P": "¶",
    "copyright": "©",
    "textcopyright": "©",
    "texttrademark": "™",
    "textregistered": "®",
    "ddag": "‡",
    "textdaggerdbl": "‡",
    "dag": "†",
    "textdagger": "†",
    "textbullet": "•",
    "textbar": "|",
    "textless": "<",
    "textgreater": ">",
    "textunderscore": "_",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textbackslash": "\\",
    "textquotesingle": "'",
    "textquotedbl": '"',
    "quotedblbase": "„",
    "quotesinglbase": "‚",
    "guillemotleft": "«",
    "guillemotright": "»",
    "guillemetleft": "«",
    "guillemetright": "»",
    "guilsinglleft": "‹",
    "guilsinglright": "›",
    "textellipsis": "…",
    "dots": "…",
    "ldots": "…",
    "textendash": "–",
    "textemdash": "—",
    "bibrangedash": "–",
    "bibdatedash": "–",
    "Dash": "—",
    "dash": "–",
    "textnumero": "№",
    "textdegree": "°",
    "textperthousand": "‰",
    "textperiodcentered": "·",
    "textvisiblespace": "␣",
    "addcomma": ",",
    "addcolon": ":",
    "addsemicolon": ";",
    "adddot": ".",
    "addperiod": ".",
    "addspace": " ",
    "space": " ",
    "addabbrvspace": " ",
    "addlowpenspace": " ",
    "addhighpenspace": " ",
    "addslash": "/",
    "addnbspace": "\u00a0",
    "nobreakspace": "\u00a0",
    "addthinspace": "\u202f",
    "addnbthinspace": "\u00a0",
    "thinspace": "\u202f",
    "enspace": " ",
    "quad": " ",
    "qquad": " ",
    "newline": " ",
    "linebreak": " ",
    "par": " ",
    "\\": " ",
    " ": " ",
    ",": "\u202f",
    ";": " ",
    ":": " ",
    ">": " ",
    "!": "",
    "-": "",
    "/": "",
    "@": "",
    "relax": "",
    "nopunct": "",
    "isdot": "",
    "unspace": "",
    "midsentence": "",
    "adddotspace": ". ",
    "addcolonspace": ": ",
    "addcommaspace": ", ",
    "addsemicolonspace": "; ",
    "left": "",
    "right": "",
    "middle": "",
    "bigl": "",
    "bigr": "",
    "Bigl": "",
    "Bigr": "",
    "biggl": "",
    "biggr": "",
    "displaystyle": "",
    "textstyle": "",
    "limits": "",
    "nolimits": "",
    "protect": "",
    "xspace": "",
    "ignorespaces": "",
    "unskip": "",
    "nobreak": "",
    "null": "",
    "hfill": " ",
    "hfil": "",
    "allowbreak": "",
    "break": "",
    "smallskip": "",
    "medskip": "",
    "bigskip": "",
    "noindent": "",
    "indent": "",
    "centering": "",
    "raggedright": "",
    "normalsize": "",
    "small": "",
    "footnotesize": "",
    "scriptsize": "",
    "tiny": "",
    "large": "",
    "Large": "",
    "LARGE": "",
    "huge": "",
    "Huge": "",
    "selectfont": "",
    "bibnamedash": "———",
    "i": "ı",
    "j": "ȷ",
    "ss": "ß",
    "SS": "SS",
    "o": "ø",
    "O": "Ø",
    "l": "ł",
    "L": "Ł",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "dh": "ð",
    "DH": "Ð",
    "dj": "đ",
    "DJ": "Đ",
    "th": "þ",
    "TH": "Þ",
    "ng": "ŋ",
    "NG": "Ŋ",
    "&": "&",
    "%": "%",
    "$": "$",
    "#": "#",
    "_": "_",
    "{": "{",
    "}": "}",
    "~": "~",
    "^": "^",
    "textasciigrave": "`",
    "textexclamdown": "¡",
    "textquestiondown": "¿",
    "textquoteleft": "‘",
    "textquoteright": "’",
    "textquotedblleft": "“",
    "textquotedblright": "”",
    "lq": "‘",
    "rq": "’",
}

# Accent commands (`\'e`, `\v{s}`) and the combining mark each puts on its letter.
ACCENTS: Mapping[str, str] = {
    "'": "\u0301",
    "`": "\u0300",
    '"': "\u0308",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "d": "\u0323",
    "b": "\u0331",
    "r": "\u030a",
    "t": "\u0361",
    "textogonekcentered": "\u0328",
    "hat": "\u0302",
    "widehat": "\u0302",
    "check": "\u030c",
    "breve": "\u0306",
    "acute": "\u0301",
    "grave": "\u0300",
    "tilde": "\u0303",
    "widetilde": "\u0303",
    "bar": "\u0304",
    "dot": "\u0307",
    "ddot": "\u0308",
    "vec": "\u20d7",
}


# Relations, which TeX sets apart from their neighbours in math (`n \\geq 1` → "n ≥ 1").
RELATIONS = frozenset("=<>≤≥≠≈≡∼≃≅≪≫⊂⊃⊆⊇∈∉∋→←↔⇒⇐⇔↦∝⊥∥≺≻⪯⪰")


@dataclass(frozen=True, slots=True)
class Markup:
    """A command that puts its argument in a CSL rich-text element (`<i>`, `<sc>`…)."""

    tag: str


# Commands whose one argument is shown in a CSL rich-text element.
MARKUP_COMMANDS: Mapping[str, Markup] = {
    name: Markup(tag)
    for tag, names in {
        "i": "emph textit mkbibemph mkbibitalic textsl itshape emphasize",
        "b": "textbf mkbibbold bfseries",
        "sc": "textsc mkbibsc scshape",
        "sup": "textsuperscript mkbibsuperscript",
        "sub": "textsubscript mkbibsubscript",
    }.items()
    for name in names.split()
}

# Old-style switches (`{\em …}`, `{\bf …}`) and the element they open to the group's end.
SWITCHES: Mapping[str, str] = {
    "em": "i",
    "it": "i",
    "itshape": "i",
    "sl": "i",
    "slshape": "i",
    "bf": "b",
    "bfseries": "b",
    "sc": "sc",
    "scshape": "sc",
    "rm": "",
    "sf": "",
    "tt": "",
    "upshape": "",
    "rmfamily": "",
    "sffamily": "",
    "ttfamily": "",
    "mdseries": "",
    "normalfont": "",
}

# Commands that show their argument as it is, with no markup of its own.
TRANSPARENT = frozenset(
    [
        "text",
        "textrm",
        "textsf",
        "texttt",
        "textup",
        "textmd",
        "textnormal",
        "mbox",
        "hbox",
        "makebox",
        "fbox",
        "framebox",
        "mkbibacro",
        "textlatin",
        "mkbibnamefamily",
        "mkbibnamegiven",
        "mkbibnameprefix",
        "mkbibnamesuffix",
        "bibstring",
        "biblstring",
        "bibsstring",
        "mathrm",
        "mathit",
        "mathbf",
        "mathsf",
        "mathtt",
        "mathcal",
        "mathbb",
        "mathfrak",
        "mathscr",
        "mathnormal",
        "operatorname",
        "boldsymbol",
        "bm",
        "title",
        "uline",
        "underline",
        "ul",
        "so",
        "st",
        "hl",
        "overline",
        "texorpdfstring",
        "ensuremath",
        "intitlecase",
        "NoCaseChange",
        "nocase",
    ]
)

# Commands whose argument is not text at all (sort keys, labels, colours, citations).
DROPPED_ARGUMENT = frozenset(
    [
        "noopsort",
        "noop",
        "SortNoop",
        "sortnoop",
        "footnote",
        "thanks",
        "label",
        "index",
        "nocite",
        "cite",
        "citep",
        "citet",
        "parencite",
        "textcite",
        "autocite",
        "ref",
        "pageref",
        "eqref",
        "hspace",
        "vspace",
        "color",
        "pagecolor",
        "includegraphics",
        "IfFileExists",
        "bibnamedelima",
        "bibnamedelimb",
        "phantom",
        "hphantom",
        "vphantom",
        "kern",
        "hskip",
        "vskip",
        "setlength",
        "addtolength",
        "urlstyle",
        "hyphenrules",
        "selectlanguage",
    ]
)

# Commands with a first argument that is not shown before the one that is.
SKIP_FIRST_ARGUMENT = frozenset(
    [
        "textcolor",
        "colorbox",
        "href",
        "foreignlanguage",
    ]
)

# Quoting commands and the quotation marks they print (csquotes, biblatex).
QUOTES: Mapping[str, tuple[str, str]] = {
    "enquote": ("“", "”"),
    "mkbibquote": ("“", "”"),
    "textquote": ("“", "”"),
    "mkbibparens": ("(", ")"),
    "mkbibbrackets": ("[", "]"),
    "parentext": ("(", ")"),
    "brackettext": ("[", "]"),
}


@cache
def library_symbols() -> Mapping[str, str]:
    """pylatexenc's symbol commands that need no argument (`\\alpha` → α, `\\leq` → ≤)."""
    from pylatexenc.latex2text import get_default_latex_context_db

    symbols: dict[str, str] = {}
    database = get_default_latex_context_db()
    for category in database.categories():
        for spec in database.iter_macro_specs([category]):
            replacement = spec.simplify_repl
            if isinstance(replacement, str) and "%" not in replacement:
                symbols[spec.macroname] = replacement
    symbols.pop("today", None)  # the date of the conversion, not of the work
    return symbols


def symbol(name: str) -> str | None:
    """The text a command without arguments prints, or None when it is not a symbol."""
    if name in WORDS:
        return WORDS[name]
    if name in LOGOS:
        return LOGOS[name]
    return library_symbols().get(name)
