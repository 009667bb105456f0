"""LaTeX in field values → Unicode text and CSL rich text: every command readable, none fatal."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refs.latex import latex_to_markup, latex_to_text, unknown_commands
from refs.latextree import MAX_DEPTH


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        pytest.param(r"The {\TeX}book", "The TeXbook", id="logo-braced"),
        pytest.param(r"\LaTeX{} and \BibTeX", "LaTeX and BibTeX", id="logos"),
        pytest.param(r"The \TeX book", "The TeXbook", id="logo-eats-space-as-tex-does"),
        pytest.param(
            r"\LaTeXe, \XeTeX, \MF, \eTeX", "LaTeX2ε, XeTeX, Metafont, ε-TeX", id="logos-2"
        ),
        pytest.param(r"\TUB\ issue", "TUGboat issue", id="logo-control-space"),
        pytest.param(r"\foo{bar} baz", "bar baz", id="unknown-macro-keeps-argument"),
        pytest.param(r"\Acronym plus", "Acronym plus", id="unknown-macro-shows-its-name"),
        pytest.param(r"{\CSTUG{}} news", "CSTUG news", id="unknown-macro-ended-by-braces"),
        pytest.param(r"\href{https://x.org/a%20b}{the site}", "the site", id="href"),
        pytest.param(r"Title\footnote{Thanks to all}", "Title", id="footnote"),
        pytest.param(r"$\sqrt{2}$ and $\sqrt{x+1}$", "√2 and √(x+1)", id="sqrt"),
        pytest.param(r"\textcolor{red}{Red} ink", "Red ink", id="textcolor"),
        pytest.param(r"\title{A Title}", "A Title", id="title-command"),
        pytest.param(
            r"$\left(\begin{array}{cc}a&b\\c&d\end{array}\right)$", "(a b; c d)", id="array"
        ),
        pytest.param(r"\noopsort{1957b}Pravda", "Pravda", id="noopsort"),
        pytest.param(r"Anti\hyphen{}Party", "Anti-Party", id="hyphen"),
        pytest.param(r"and\slash or", "and/or", id="slash"),
        pytest.param(r"\pounds 5", "£5", id="pounds"),
        pytest.param(r"the \nth{20} century", "the 20th century", id="nth"),
        pytest.param(r"\nth{1}, \nth{2}, \nth{3}, \nth{11}, \nth{22}", "1st, 2nd, 3rd, 11th, 22nd"),
        pytest.param(r"\mkbibquote{Secret} speech", "“Secret” speech", id="mkbibquote"),
        pytest.param(r"\enquote{Secret} speech", "“Secret” speech", id="enquote"),
        pytest.param(r"``Secret'' speech", "“Secret” speech", id="tex-quotes"),
        pytest.param(r"`single'", "‘single’", id="tex-single-quotes"),
        pytest.param(r"\texttt{florilegium}", "florilegium", id="texttt"),
        pytest.param(r"{A}~B", "A\u00a0B", id="tie-after-group-keeps-space"),
        pytest.param(r"1957--1964 --- a", "1957–1964 — a", id="dashes"),
        pytest.param(r"Mi{\'c}unovi{\'c}", "Mićunović", id="accent-braced"),
        pytest.param(r"\v{S}koda \c{C}a\u{g}lar \H{o} \k{a} \={a} \.{z}", "Škoda Çağlar ő ą ā ż"),
        pytest.param(
            r"Stadtb\"ucherei {\ss} \o\ \l{}\'od\'z {\aa} \AE", "Stadtbücherei ß ø łódź å Æ"
        ),
        pytest.param(r"na\"{\i}ve \'{\i}", "naïve í", id="accent-dotless-i"),
        pytest.param(r"\'{}", "´", id="accent-alone"),
        pytest.param(r"x\textsuperscript{2} H\textsubscript{2}O", "x² H₂O", id="scripts"),
        pytest.param(r"$\{0,1\}^n$", "{0,1}ⁿ", id="math-braces-kept"),
        pytest.param(r"$\alpha$-helix $O(n \log n)$", "α-helix O(n log n)", id="math-symbols"),
        pytest.param(r"\url{http://a.b/~c%20d_e}", "http://a.b/~c%20d_e", id="url-verbatim"),
        pytest.param(r"\verb|a%b~c|", "a%b~c", id="verb"),
        pytest.param(r"e-mail: \path|bnb@math.ams.org|", "e-mail: bnb@math.ams.org", id="path"),
        pytest.param(r"A\&B 50\% \$3 \#1 \_x", "A&B 50% $3 #1 _x", id="escapes"),
        pytest.param(r"Ko\-ni\-ku", "Koniku", id="discretionary-hyphen"),
        pytest.param(r"line\\break", "line break", id="line-break"),
        pytest.param(r"\cite[p.~5]{key} tail", "tail", id="citation-dropped"),
        pytest.param(r"\MakeUppercase{ussr}", "USSR", id="uppercase"),
        pytest.param(r"Хрущёв {\em Пленум}", "Хрущёв Пленум", id="cyrillic"),
        pytest.param("\\", "", id="lone-backslash"),
        pytest.param("{{{", "", id="unclosed-groups"),
        pytest.param("}}a", "a", id="stray-closing-braces"),
    ],
)
def test_latex_becomes_readable_text(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


@pytest.mark.parametrize(
    ("latex", "markup"),
    [
        pytest.param(
            r"{USSR} and \emph{Pravda}",
            '<span class="nocase">USSR</span> and <i>Pravda</i>',
            id="protection-and-emphasis",
        ),
        pytest.param(r"{\em Izvestiia} now", "<i>Izvestiia</i> now", id="em-switch"),
        pytest.param(r"\textbf{Bold} {\bf b}", "<b>Bold</b> <b>b</b>", id="bold"),
        pytest.param(r"\textsc{Nato} {\sc x}", "<sc>Nato</sc> <sc>x</sc>", id="small-caps"),
        pytest.param(r"x\textsuperscript{2}", "x<sup>2</sup>", id="superscript"),
        pytest.param(r"H\textsubscript{2}O", "H<sub>2</sub>O", id="subscript"),
        pytest.param(r"{\'E}tudes", "Études", id="special-character-is-not-protection"),
        pytest.param(r"{{Library of Congress}}", '<span class="nocase">Library of Congress</span>'),
        pytest.param(
            r"$x^2$ in title", '<span class="nocase">x<sup>2</sup></span> in title', id="math"
        ),
        pytest.param(
            r"\emph{The {USSR}}",
            '<i>The <span class="nocase">USSR</span></i>',
            id="protection-inside-emphasis",
        ),
        pytest.param(r"\textcolor{red}{Red}", "Red", id="colour-argument-not-protected"),
        pytest.param(r"\mkbibemph{On \mkbibquote{War}}", "<i>On “War”</i>", id="nested-markup"),
    ],
)
def test_title_latex_becomes_csl_rich_text(latex: str, markup: str) -> None:
    assert latex_to_markup(latex) == markup


def test_unknown_commands_are_reported_by_name() -> None:
    assert unknown_commands(r"\foo{bar} \baz{} \TeX \emph{x}") == {"foo", "baz"}


def test_groups_nested_past_the_limit_keep_their_text() -> None:
    deep = "{" * (MAX_DEPTH * 3) + "Pravda" + "}" * (MAX_DEPTH * 3)
    assert latex_to_text(deep) == "Pravda"
    assert latex_to_markup(deep) == '<span class="nocase">Pravda</span>'


_SOUP = st.lists(
    st.sampled_from(
        [
            "\\",
            "{",
            "}",
            "$",
            "$$",
            "~",
            "^",
            "_",
            "[",
            "]",
            "%",
            "&",
            "#",
            " ",
            "\n",
            "--",
            "``",
            "''",
            "a",
            "Ж",
            "\\'",
            '\\"',
            "\\c",
            "\\v",
            "\\emph",
            "\\textbf",
            "\\href",
            "\\url",
            "\\verb|",
            "\\footnote",
            "\\sqrt",
            "\\frac",
            "\\textcolor",
            "\\begin{array}",
            "\\end{array}",
            "\\\\",
            "\\(",
            "\\)",
            "\\[",
            "\\]",
            "\\TeX",
            "\\nth",
            "\\enquote*",
            "\\cite",
            "\\foo",
            "\\i",
            "\\MakeUppercase",
        ]
    ),
    max_size=60,
).map("".join)


@settings(deadline=None, max_examples=400)  # a loaded 2-core machine is slow, not wrong
@given(_SOUP)
def test_any_macro_soup_converts_without_raising(latex: str) -> None:
    text = latex_to_text(latex)
    markup = latex_to_markup(latex)
    assert "<" not in text or "<" in latex
    assert markup.count("<span") == markup.count("</span>")


@settings(deadline=None)
@given(st.text(max_size=80))
def test_any_text_converts_without_raising(value: str) -> None:
    assert isinstance(latex_to_text(value), str)
    assert isinstance(latex_to_markup(value), str)
