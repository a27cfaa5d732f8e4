"""A long inline formula may break after a top-level relation or operator; nothing is lost."""

import re
import xml.etree.ElementTree as ET

import pytest

from gradquiz.content.formulas import to_mathml
from gradquiz.content.render import MarkdownRenderer


def pieces(html: str) -> list[str]:
    return html.split("<wbr>")


def text(mathml: str) -> str:
    return "".join("".join(ET.fromstring(piece).itertext()) for piece in pieces(mathml))


def whole(latex: str) -> str:
    """The formula converted as one piece (displayed formulas never break)."""
    return text(to_mathml(latex, True))


@pytest.mark.parametrize(
    ("latex", "ends"),
    [
        (
            r"\frac{f(w + h) - f(w - h)}{2h} = \frac{9.261 - 6.859}{0.2} = 12.01",
            ["=", "=", "12.01"],
        ),
        (
            r"\sigma'(z_4) \cdot w_4 \cdot \sigma'(z_3) \cdot w_3 \approx 0.0042",
            ["·", "·", "·", "≈", "0.0042"],
        ),
        (r"\lVert g \rVert = \sqrt{1296 + 81 + 144} = 39 > 3", ["=", "=", ">", "3"]),
    ],
)
def test_a_long_formula_breaks_after_its_top_level_operators(latex: str, ends: list[str]) -> None:
    inline = to_mathml(latex, False)
    parts = pieces(inline)
    assert [list(ET.fromstring(p).itertext())[-1] for p in parts] == ends
    assert all(p.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">')
               for p in parts)  # fmt: skip
    assert text(inline) == whole(latex)  # every character kept, in order


@pytest.mark.parametrize(
    "latex",
    [
        r"a = b + c",  # short: it fits any line
        r"\tanh^{\prime}(z) + F_1^{\prime}",
        r"\frac{9.261 - 6.859}{0.2} = \frac{2.402}{0.2} = 12.01",  # a fraction is one column
        r"\left(a + b + c + d + e + f + g + h\right)",  # all inside one bracket
        r"(a + b + c + d + e + f + g + h + i + j)",
        r"-\frac{\partial L}{\partial w_{12}}\,\eta\,x_{3}",  # a leading sign is no break
    ],
)
def test_a_short_or_bracketed_formula_stays_whole(latex: str) -> None:
    assert "<wbr>" not in to_mathml(latex, False)


def test_a_displayed_formula_never_breaks() -> None:
    assert "<wbr>" not in to_mathml(r"a + b + c + d + e + f + g + h + i + j + k = 1", True)


def test_breaks_survive_rendering_and_its_numbers() -> None:
    renderer = MarkdownRenderer()
    html = renderer.block(
        r"So $\frac{f(w + h) - f(w - h)}{2h} = \frac{9.261 - 6.859}{0.2} = 12.01$ here."
    )
    assert html.count("<wbr>") == 2 and html.count("<math") == 3
    assert re.findall(r"<mn>([\d.]+)</mn>", html) == ["2", "9.261", "6.859", "0.2", "12.01"]
