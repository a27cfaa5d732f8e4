"""The bundled math font is cut down to the glyphs the pack's formulas use, and holds them all:
a new question with a new symbol fails here until `make font` is run."""

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from gradquiz.content.math_glyphs import margin, math_characters, pack_math_characters, styled
from gradquiz.core.packs import Pack

STATIC = Path(__file__).parents[2] / "src" / "gradquiz" / "web" / "static"
SUBSET = STATIC / "fonts" / "noto-sans-math-subset.woff2"
FULL = Path(__file__).parents[2] / "fonts" / "noto-sans-math-5.3.0.woff2"


@pytest.fixture(scope="module")
def subset() -> TTFont:
    return TTFont(SUBSET)


def test_every_character_of_the_packs_formulas_is_in_the_subset(pack: Pack, subset: TTFont) -> None:
    held = {chr(code) for code in subset.getBestCmap()}
    full = {chr(code) for code in TTFont(FULL).getBestCmap()}
    used = pack_math_characters(pack)
    assert len(used) > 80  # the pack's formulas, not an empty scan
    missing = sorted((used & full) - held)
    assert missing == [], f"not in the math font (run make font): {[hex(ord(c)) for c in missing]}"
    # Accents Noto Sans Math draws from its combining forms: the browser takes these two
    # from another font. A new character the font lacks altogether shows up here.
    assert used - full == {"\u00af", "\u02d9"}  # macron (\bar) and dot above (\dot)


def test_the_subset_keeps_the_math_table_and_is_small(subset: TTFont) -> None:
    assert "MATH" in subset  # size variants and parts for stretchy brackets and radicals
    assert subset.flavor == "woff2"
    assert SUBSET.stat().st_size < 40_000 < FULL.stat().st_size // 5


def test_the_subset_holds_the_margin_and_little_else(subset: TTFont) -> None:
    held = {chr(code) for code in subset.getBestCmap()}
    assert margin() <= held
    full = {chr(code) for code in TTFont(FULL).getBestCmap()}
    assert len(held) < len(full) // 5


@pytest.mark.parametrize(
    ("mathml", "drawn"),
    [
        ("<math><mi>x</mi></math>", {"𝑥"}),  # a one-letter identifier is italic
        ("<math><mi>h</mi></math>", {"ℎ"}),  # the italic h that Unicode keeps apart
        ("<math><mi>σ</mi><mo>′</mo></math>", {"𝜎", "′"}),
        ('<math><mi mathvariant="normal">d</mi></math>', {"d"}),
        ("<math><mi>exp</mi></math>", {"e", "x", "p"}),  # a name is upright
        ("<math><mn>0.25</mn><mo>−</mo></math>", {"0", ".", "2", "5", "−"}),
        ("<math><msqrt><mn>2</mn></msqrt></math>", {"2", "√"}),
        ("<math><mi>&lt;</mi></math>", {"<"}),
        ("<p>x and <code>σ</code> outside a formula</p>", set()),
    ],
)
def test_math_characters_are_what_the_browser_draws(mathml: str, drawn: set[str]) -> None:
    assert math_characters(mathml) == drawn


def test_styled_letters() -> None:
    assert styled("A", "ITALIC") == "𝐴" and styled("∂", "ITALIC") == "𝜕"
    assert styled("x", "BOLD") == "𝐱" and styled("2", "BOLD") == "𝟐"
    assert styled("+", "ITALIC") == "+"
