"""Formulas converted once per shape come out exactly as converting each one whole."""

import functools
from collections.abc import Callable
from typing import TypeVar

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from latex2mathml.converter import convert

from gradquiz.content import formulas, render
from gradquiz.content.math_breaks import breakable
from gradquiz.content.mathml import polish
from gradquiz.core.packs import Pack
from gradquiz.web.rendered import RenderedPack

T = TypeVar("T")


def whole(latex: str, display: bool) -> str:
    """The formula converted whole, as before shapes were kept (an inline one with its line
    breaks)."""
    polished = polish(convert(latex, display="block" if display else "inline"))
    return polished if display else breakable(polished)


def readable_or_skipped(render_whole: Callable[[], T]) -> T:
    """What rendering whole gives; an example latex2mathml cannot read is skipped."""
    try:
        return render_whole()
    except Exception:  # not LaTeX that latex2mathml reads: nothing to compare
        assume(False)
        raise


@pytest.mark.parametrize(
    "latex",
    [
        r"\frac{\partial L}{\partial w} \approx 0.0405",
        r"g_a = 2.4 \times 10^{-3}",
        "10^-3",  # a bare ^ takes the sign; the 3 follows on its own
        "x^23",  # a bare ^ takes one digit: x^2, then 3
        "x_12 + x_{12}",
        r"\frac12 + \tfrac{1}{2}",
        "1.2.3",  # 1.2, then .3
        ".5 + 3.",
        r"\text{step 3} = 3",
        r"\mathbf{3} + 3",
        r"\sqrt[3]{8} = 2",  # the index comes after the radicand in MathML
        r"\hspace{3pt} 3",
        "w_1 x_1 + w_2 x_2 = 1000 + 1001",  # numbers that look like placeholders
        "x_1000 = 1000",
        "(-0.7, 0.8)",
        r"\sigma'(0) = \frac{1}{4}",
        "0.50 = 0.5",  # the digits as written, trailing zero kept
    ],
)
@pytest.mark.parametrize("display", [False, True])
def test_a_formula_comes_out_as_converted_whole(latex: str, display: bool) -> None:
    assert formulas.to_mathml(latex, display) == whole(latex, display)


_PIECES = [
    "x", "w_1", "x_", "x^", "^", "_", "{", "}", "(", ")", "-", "+", "=", r"\cdot",
    r"\approx", r"\frac{", "}{", r"\frac", r"\sqrt[", "]", r"\text{a ", r"\mathbf{", "pt",
    ".", " ", r"\times 10^{", r"\sigma'", r"\partial",
]  # fmt: skip
_NUMBERS = st.from_regex(r"\A[0-9]{1,4}(\.[0-9]{1,4})?\Z")


def mixes(pieces: list[str], longest: int) -> st.SearchStrategy[str]:
    """Texts joined from up to `longest` of `pieces` and numbers, in any order."""
    parts = st.one_of(st.sampled_from(pieces), _NUMBERS)
    return st.lists(parts, min_size=1, max_size=longest).map("".join)


@settings(max_examples=300, deadline=None)
@given(mixes(_PIECES, 14))
def test_any_mix_of_numbers_and_structure_comes_out_as_converted_whole(latex: str) -> None:
    expected = readable_or_skipped(lambda: whole(latex, False))
    assert formulas.to_mathml(latex, False) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Take $x = 0.5$ and $w_1 = -2$: then $u = w_1 x = -1$.",
        "The same formula twice: $3 + 4 = 7$ and $3 + 4 = 7$.",
        "Code keeps its digits: `$3$` and $3$.",
        "Costs $5 and $6 are not math; $x^23$ is.",
        r"Text in a formula: $\text{step 3} = 3$.",
        "1. a list item with $x = 1$\n2. and $y = 2$",
        "A display formula:\n\n$$x = 1.5$$\n\nand $y = 2.5$.",
        r"An escaped \$3 and $4$.",
        "Numbers in text 12 and in math $12$.",
    ],
)
@pytest.mark.parametrize("block", [False, True])
def test_markdown_renders_as_when_rendered_whole(
    text: str, block: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    renderer = render.MarkdownRenderer()
    by_shape = renderer.block(text) if block else renderer.inline(text)
    again = renderer.block(text) if block else renderer.inline(text)  # now from the cache
    monkeypatch.setattr(render, "to_mathml", whole)
    assert by_shape == again == renderer._render(text, block, False)


_MARKDOWN_PIECES = [
    "$", "$$", "x", "w_1", "^", "_", "1. ", "2) ", "\n", "\n\n", "`", "*", " ", "- ", "# ",
    "\\", "(", ")", "[a](b)", r"\text{a ", "}", "{", ".", "=", "|", "&#", ";",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(mixes(_MARKDOWN_PIECES, 16))
def test_any_mix_of_markdown_math_and_numbers_renders_as_when_rendered_whole(text: str) -> None:
    renderer = render.MarkdownRenderer()
    expected = readable_or_skipped(
        lambda: [renderer._render(text, block, False) for block in (True, False)]
    )
    assert [renderer.block(text), renderer.inline(text)] == expected


def test_every_question_of_the_pack_renders_as_with_formulas_converted_whole(
    pack: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = [q for q in pack.questions.values() if not q.parametrized]
    shown += [
        q.resolve(seed) for q in pack.questions.values() if q.parametrized for seed in range(25)
    ]

    def every_part() -> list[str]:
        rendered = RenderedPack(pack)
        parts = []
        for question in shown:
            html = rendered._question(question).render_all()
            parts += [html.stem, *html.options.values(), *html.feedback.values(), html.explanation]
        return parts

    by_shape = every_part()
    # The pack's 15,000 formulas are 3,900 distinct ones: each is converted whole once (the
    # conversion is a pure function), which halves the test's time.
    monkeypatch.setattr(render, "to_mathml", functools.cache(whole))
    monkeypatch.setattr(
        render.MarkdownRenderer, "_by_shape", render.MarkdownRenderer._render, raising=True
    )
    assert by_shape == every_part()
    assert sum(part.count("<math") for part in by_shape) > 2000
