"""The bank reads as one text: one transpose notation, sentences that hold for every number a
generator can draw, and what the pack's page says of itself."""

import importlib.util
import random
import re
from collections.abc import Iterator
from types import ModuleType

import pytest

from gradquiz.content.pack_loader import builtin_pack_dir
from gradquiz.core.packs import Pack
from gradquiz.core.questions import Question

SEEDS = 100
# Transposes written otherwise than the bank's `^\top`: ^T, ^{T}, ^\intercal, ^{\mathsf{T}} ...
OTHER_TRANSPOSE = re.compile(
    r"\^\s*\{?\s*(?:T|\\intercal|\\mathsf\{T\}|\\mathrm\{T\}|\\text\{T\}|\\tau)\s*\}?(?![A-Za-z])"
    r"|ᵀ"
)
# A count of one with a plural noun: "$1$ passes", "all $1$ outputs".
ONE_WITH_PLURAL = re.compile(
    r"\$1\$ (?:passes|outputs|inputs|steps|layers|units|rows|columns|examples|entries)\b"
    r"|\ball \$1\$"
)


def texts_of(question: Question) -> Iterator[tuple[str, str]]:
    """Every text a learner can read of one shown question, each with where it is."""
    yield "stem", question.stem
    yield "explanation", question.explanation
    for option in question.options:
        yield f"option {option.id}", option.text
        yield f"feedback {option.id}", option.feedback


def shown_texts(pack: Pack) -> Iterator[tuple[str, str]]:
    """Every static question's texts, and every generator's for SEEDS seeds."""
    for question in pack.questions.values():
        seeds = range(SEEDS) if question.parametrized else [None]
        for seed in seeds:
            shown = question.resolve(seed) if seed is not None else question
            for where, text in texts_of(shown):
                yield f"{question.id} seed {seed}, {where}", text


def page_texts(pack: Pack) -> Iterator[tuple[str, str]]:
    """The pack page's glossary and interview answers."""
    for term in pack.page.glossary:
        yield f"glossary {term.term}", term.definition
    for asked in pack.page.interview_questions:
        yield f"interview {asked.id}", asked.model_answer
        for point in asked.key_points:
            yield f"interview {asked.id} key point", point


def test_one_transpose_notation_across_the_bank(pack: Pack) -> None:
    texts = [*shown_texts(pack), *page_texts(pack)]
    others = [f"{where}: {m.group(0)}" for where, t in texts for m in OTHER_TRANSPOSE.finditer(t)]
    assert others == [], others[:10]  # before: matmul-gradient-shapes wrote X^T, ten times
    assert sum("^\\top" in text for _, text in texts) > 20  # the notation the bank uses


def test_no_count_of_one_takes_a_plural_in_any_generated_text(pack: Pack) -> None:
    found = [
        f"{where}: {m.group(0)}"
        for where, text in shown_texts(pack)
        for m in ONE_WITH_PLURAL.finditer(text)
    ]
    assert found == [], found[:10]


def _generator_module(name: str) -> ModuleType:
    path = builtin_pack_dir() / "generators" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{name}_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Forced(random.Random):
    """A Random whose first random() picks the branch and whose first randint() gives m."""

    def __init__(self, branch: float, m: int) -> None:
        super().__init__(m)
        self.branch: float | None = branch
        self.m: int | None = m

    def random(self) -> float:
        if self.branch is not None:
            branch, self.branch = self.branch, None
            return branch
        return super().random()

    def randint(self, a: int, b: int) -> int:
        if self.m is not None:
            m, self.m = self.m, None
            assert a <= m <= b
            return m
        return super().randint(a, b)


def test_the_pass_count_generator_reads_right_for_every_number_of_outputs() -> None:
    autodiff = _generator_module("autodiff")
    drawn = [(0.0, m) for m in range(1, autodiff.MAX_OUTPUTS + 1)]  # reverse mode cheaper
    drawn += [(0.9, m) for m in range(4, autodiff.MAX_OUTPUTS + 1)]  # forward mode cheaper
    for branch, m in drawn:
        variant = autodiff.pass_counts(_Forced(branch, m))
        assert f"to ${m}$ output" in variant.stem
        texts = [variant.stem, variant.explanation]
        texts += [text for o in variant.options for text in (o.text, o.feedback)]
        for text in texts:
            # Before: at m = 1, "the derivatives of all $1$ outputs", and "A scalar loss,
            # $m = 1$, is the extreme case" right after "Here $m = 1$".
            assert not ONE_WITH_PLURAL.search(text), (m, text)
            assert "A scalar loss, $m = 1$" not in text or m != 1, (m, text)


@pytest.mark.parametrize("term", ["original page", "the seed page"])
def test_the_glossary_does_not_speak_of_a_page_the_learner_never_saw(pack: Pack, term: str) -> None:
    assert all(term not in t.definition.lower() for t in pack.page.glossary)
