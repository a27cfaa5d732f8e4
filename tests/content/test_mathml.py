"""Golden MathML for the cases that read wrongly before they were polished."""

import pytest

from gradquiz.content.mathml import polish
from gradquiz.content.render import MarkdownRenderer

PREFIX = '<mo form="prefix" lspace="0" rspace="0">−</mo>'


def inline(tex: str) -> str:
    """The MathML inside the <math> element that `$tex$` renders to."""
    html = MarkdownRenderer().inline(f"${tex}$")
    start = html.index('display="inline">') + len('display="inline">')
    return html[start : html.index("</math>")]


@pytest.mark.parametrize(
    ("tex", "golden"),
    [
        (
            "(-0.7, 0.8)",
            f'<mrow><mo stretchy="false">(</mo>{PREFIX}<mn>0.7</mn><mo>,</mo><mn>0.8</mn>'
            '<mo stretchy="false">)</mo></mrow>',
        ),
        ("L = -1", f"<mrow><mi>L</mi><mo>=</mo>{PREFIX}<mn>1</mn></mrow>"),
        ("-3 + 2", f"<mrow>{PREFIX}<mn>3</mn><mo>+</mo><mn>2</mn></mrow>"),
        ("e^{-x}", f"<mrow><msup><mi>e</mi><mrow>{PREFIX}<mi>x</mi></mrow></msup></mrow>"),
        ("a - b", "<mrow><mi>a</mi><mo>−</mo><mi>b</mi></mrow>"),
        (
            "|-x| - 1",
            f'<mrow><mo stretchy="false" lspace="0" rspace="0">|</mo>{PREFIX}<mi>x</mi>'
            '<mo stretchy="false" lspace="0" rspace="0">|</mo><mo>−</mo><mn>1</mn></mrow>',
        ),
        (
            r"-\log p_2",
            f'<mrow>{PREFIX}<mi>log</mi><mspace width="0.1667em"></mspace>'
            "<msub><mi>p</mi><mn>2</mn></msub></mrow>",
        ),
        (
            r"\log(x)",
            '<mrow><mi>log</mi><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo></mrow>',
        ),
        (
            "p_2 x_{i}",
            "<mrow><msub><mi>p</mi><mn>2</mn></msub><msub><mi>x</mi><mrow><mi>i</mi></mrow></msub></mrow>",
        ),
        (
            r"\frac{1}{4}",
            '<mrow><mfrac displaystyle="true"><mrow><mn>1</mn></mrow><mrow><mn>4</mn></mrow></mfrac></mrow>',
        ),
        (
            r"x^{\frac12}",
            "<mrow><msup><mi>x</mi><mrow><mfrac><mn>1</mn><mn>2</mn></mfrac></mrow></msup></mrow>",
        ),
        (
            r"\sigma'(z)",
            '<mrow><mi>σ</mi><mo lspace="0" rspace="0">′</mo><mo stretchy="false">(</mo>'
            '<mi>z</mi><mo stretchy="false">)</mo></mrow>',
        ),
        (
            r"\tanh^{\prime}(z) + F_1^{\prime}",
            '<mrow><mi>tanh</mi><mo lspace="0" rspace="0">′</mo><mo stretchy="false">(</mo>'
            '<mi>z</mi><mo stretchy="false">)</mo><mo>+</mo><msub><mi>F</mi><mn>1</mn></msub>'
            '<mo lspace="0" rspace="0">′</mo></mrow>',
        ),
        (
            "|z| < 1",
            '<mrow><mo stretchy="false" lspace="0" rspace="0">|</mo><mi>z</mi>'
            '<mo stretchy="false" lspace="0" rspace="0">|</mo><mo>&lt;</mo><mn>1</mn></mrow>',
        ),
        (
            "(X^T G)_{dm}",
            '<mrow><msub><mrow><mo stretchy="false">(</mo><msup><mi>X</mi><mi>T</mi></msup>'
            '<mi>G</mi><mo stretchy="false">)</mo></mrow><mrow><mi>d</mi><mi>m</mi></mrow></msub></mrow>',
        ),
        (
            "(-x)^2",
            f'<mrow><msup><mrow><mo stretchy="false">(</mo>{PREFIX}<mi>x</mi>'
            '<mo stretchy="false">)</mo></mrow><mn>2</mn></msup></mrow>',
        ),
        (
            r"\tfrac{1}{2}",
            '<mrow><mstyle displaystyle="false" scriptlevel="0"><mfrac><mrow><mn>1</mn></mrow>'
            "<mrow><mn>2</mn></mrow></mfrac></mstyle></mrow>",
        ),
    ],
)
def test_polished_mathml_matches_its_golden_copy(tex: str, golden: str) -> None:
    assert inline(tex) == golden


def test_display_fractions_keep_their_own_style() -> None:
    html = MarkdownRenderer().block("$$\n\\frac{a}{b}\n$$")
    assert "<mfrac>" in html and 'displaystyle="true"' not in html


def test_polish_keeps_the_mathml_namespace_without_prefixes() -> None:
    out = polish('<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math>')
    assert out == '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math>'
