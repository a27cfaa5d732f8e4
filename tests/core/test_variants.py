import random
from dataclasses import dataclass, field

import pytest

from gradquiz.core.questions import Option
from gradquiz.core.variants import (
    SEED_RANGE,
    GeneratorFailed,
    KeyCheck,
    Variant,
    VariantRejected,
    VariantSource,
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


@dataclass
class Reserve:
    """A reserve holding variants for the seeds it lists, handing each seed out once."""

    variants: dict[int, Variant]
    handed: list[int] = field(default_factory=list)

    def take(self) -> int | None:
        ready = [seed for seed in self.variants if seed not in self.handed]
        if not ready:
            return None
        self.handed.append(ready[0])
        return ready[0]

    def get(self, seed: int) -> Variant | None:
        return self.variants.get(seed)


def counting_generator() -> tuple[list[int], VariantSource]:
    """A source whose generator records each draw, with other variants reserved for 3 and 8."""
    drawn: list[int] = []

    def generate(rng: random.Random) -> Variant:
        drawn.append(rng.randrange(100))
        return variant()

    reserve = Reserve({3: variant(texts=("a", "b", "c")), 8: variant(texts=("d", "e", "f"))})
    return drawn, VariantSource("calc.f", generate, reserve)


def test_a_reserved_variant_is_served_without_running_the_generator() -> None:
    drawn, source = counting_generator()
    assert source(8).options[0].text == "d"
    assert source(3).options[0].text == "a"
    assert source.held(3) is not None and source.held(4) is None
    assert drawn == []
    # A seed the reserve does not hold (another process's, or an older attempt's) is drawn.
    assert source(123_457).key == "o1"
    assert len(drawn) == 1


def test_each_reserved_seed_is_handed_out_once_then_seeds_are_new() -> None:
    _, source = counting_generator()
    chosen = [source.choose_seed(random.Random(i)) for i in range(50)]
    assert sorted(chosen[:2]) == [3, 8]
    rest = chosen[2:]
    assert len(set(rest)) == len(rest) and all(0 <= s < SEED_RANGE for s in rest)


def test_the_seed_space_is_far_too_large_to_draw_ahead() -> None:
    assert SEED_RANGE >= 2**32
    unreserved = VariantSource("calc.g", counting_generator()[1].generate)
    seeds = {unreserved.choose_seed(random.Random(i)) for i in range(1000)}
    assert len(seeds) == 1000 and max(seeds) > 2**62
