import random

import pytest

from gradquiz.core.questions import Option
from gradquiz.core.variants import (
    GeneratorFailed,
    KeyCheck,
    Variant,
    VariantRejected,
    draw_variant,
    variant_problems,
)


def variant(
    key_value: float = 2.0, estimate: float = 2.0, texts: tuple[str, ...] = ("1", "2", "3")
) -> Variant:
    options = tuple(
        Option(id=f"o{i}", text=t, feedback="" if i == 1 else "names the mistake")
        for i, t in enumerate(texts)
    )
    return Variant("stem", options, "o1", "why", (KeyCheck("d", key_value, estimate),))


def test_relative_error_and_tolerance() -> None:
    assert KeyCheck("x", 1.0, 1.0 + 1e-9).passes
    assert not KeyCheck("x", 1.0, 1.0 + 1e-5).passes
    assert KeyCheck("x", 0.0, 0.0).relative_error == 0
    assert KeyCheck("x", -2.0, 2.0).relative_error == 2.0
    assert not KeyCheck("x", float("nan"), 1.0).passes


def test_a_good_variant_has_no_problems() -> None:
    assert variant_problems(variant()) == []


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        (variant(estimate=2.1), "check 'd' disagrees"),
        (variant(texts=("1", "2", "2")), "options coincide"),
        (Variant("s", variant().options, "zz", "e", variant().checks), "key 'zz' is not one of"),
        (Variant("s", variant().options, "o1", "e", ()), "no independent check"),
    ],
)
def test_variant_problems_name_the_fault(bad: Variant, fragment: str) -> None:
    assert any(fragment in p for p in variant_problems(bad))


def test_draw_variant_is_deterministic_and_redraws_rejected_numbers() -> None:
    calls: list[float] = []

    def generator(rng: random.Random) -> Variant:
        value = rng.random()
        calls.append(value)
        if value < 0.5:
            raise VariantRejected("too small")
        return variant(texts=("a", f"{value:.6f}", "c"))

    first = draw_variant(generator, 42)
    assert first == draw_variant(generator, 42)
    assert float(first.options[1].text) >= 0.5
    assert draw_variant(generator, 43) != first


def test_draw_variant_redraws_when_the_key_check_fails_and_gives_up_eventually() -> None:
    def bad_key(rng: random.Random) -> Variant:
        return variant(key_value=1.0, estimate=1.5 + rng.random())

    with pytest.raises(GeneratorFailed, match="no usable variant for seed 7"):
        draw_variant(bad_key, 7)
