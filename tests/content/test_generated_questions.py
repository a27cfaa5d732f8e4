import textwrap
from pathlib import Path

import pytest

from gradquiz.content.generator_check import check_generators
from gradquiz.content.pack_loader import check_pack, load_pack
from gradquiz.core.packs import Pack
from tests.factories import write_pack

GENERATORS = """
import random
from gradquiz.generators import Choice, KeyCheck, centred_difference, numeric_variant

def square(rng: random.Random):
    x = rng.randint(2, 9)
    key = 2 * x
    estimate = centred_difference(lambda p: p[0] ** 2, [x], 0)
    return numeric_variant(
        stem=f"What is the derivative of $x^2$ at $x = {x}$?",
        key=Choice("key", key, "Correct."),
        distractors=[
            Choice("forgot-factor", x, "Forgot the factor 2."),
            Choice("value", x * x, "This is the value, not the slope."),
            Choice("sign", -key, "Sign error."),
        ],
        explanation="$2x$.",
        checks=[KeyCheck("d/dx", key, estimate)],
    )

def wrong_key(rng: random.Random):
    x = rng.randint(2, 9)
    return numeric_variant(
        stem="?",
        key=Choice("key", 3 * x, "Correct."),
        distractors=[Choice("a", -x, "no"), Choice("b", 100 + x, "no"), Choice("c", 1000, "no")],
        explanation=".",
        checks=[KeyCheck("d/dx", 3 * x, centred_difference(lambda p: p[0] ** 2, [x], 0))],
    )

def explodes(rng: random.Random):
    raise ZeroDivisionError("boom")
"""


def generated(qid: str, generator: str, extra: str = "") -> str:
    return (
        textwrap.dedent(
            f"""\
        id: {qid}
        topic: chain-rule
        difficulty: easy
        reference: Nielsen, ch. 2
        generator: {generator}
        shuffle: no
        """
        )
        + extra
    )


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    folder = write_pack(tmp_path / "p")
    (folder / "generators").mkdir()
    (folder / "generators" / "calculus.py").write_text(GENERATORS)
    (folder / "questions" / "square-slope.txt").write_text(
        generated("square-slope", "calculus.square")
    )
    return folder


def test_a_generated_question_loads_and_resolves_per_seed(pack_dir: Path) -> None:
    pack = load_pack(pack_dir)
    question = pack.questions["square-slope"]
    assert question.parametrized and question.generator is not None
    shown = question.resolve(5)
    assert shown == question.resolve(5)
    assert shown.key == "key" and len(shown.options) == 4
    assert [o.text for o in shown.options] == sorted(
        (o.text for o in shown.options), key=lambda t: float(t.strip("$"))
    )
    stems = {question.resolve(seed).stem for seed in range(30)}
    assert len(stems) > 1


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            generated("square-slope", "calculus.missing"),
            "generator 'calculus.missing': generators/calculus.py has no function 'missing'",
        ),
        (generated("square-slope", "nomodule.square"), "there is no file generators/nomodule.py"),
        (generated("square-slope", "square"), "expected 'module.function'"),
        (
            generated("square-slope", "calculus.square").replace("shuffle: no", "key: a"),
            "key is computed by its generator",
        ),
        (
            generated("square-slope", "calculus.square", "\n--- stem\nText\n"),
            "takes its text from the generator",
        ),
    ],
)
def test_generated_question_file_faults(pack_dir: Path, text: str, fragment: str) -> None:
    (pack_dir / "questions" / "square-slope.txt").write_text(text)
    found = [str(p) for p in check_pack(pack_dir, seeds=5)]
    assert any(fragment in p for p in found), found


def test_check_runs_generators_over_many_seeds_and_reports_faults(pack_dir: Path) -> None:
    questions = pack_dir / "questions"
    (questions / "wrong-key.txt").write_text(generated("wrong-key", "calculus.wrong_key"))
    (questions / "explodes.txt").write_text(generated("explodes", "calculus.explodes"))
    found = [str(p) for p in check_pack(pack_dir, seeds=20)]
    assert any(
        "wrong-key.txt:1: generator 'calculus.wrong_key' seed 0: check 'd/dx' disagrees" in p
        for p in found
    ), found
    assert any(
        "explodes.txt:1: generator 'calculus.explodes' seed 0: ZeroDivisionError: boom" in p
        for p in found
    )
    assert any("and 17 more failing seeds" in p for p in found)
    assert not any("square-slope" in p for p in found)


def test_a_broken_generator_module_is_a_problem_not_a_crash(pack_dir: Path) -> None:
    (pack_dir / "generators" / "calculus.py").write_text("import nowhere_to_be_found\n")
    found = [str(p) for p in check_pack(pack_dir, seeds=5)]
    assert any(
        "importing generators/calculus.py failed: ModuleNotFoundError" in p for p in found
    ), found


def test_every_builtin_generator_is_deterministic_and_varies(pack: Pack) -> None:
    generated_questions = [q for q in pack.questions.values() if q.parametrized]
    assert len(generated_questions) >= 4
    for question in generated_questions:
        assert question.resolve(11) == question.resolve(11)
        stems = {question.resolve(seed).stem for seed in range(25)}
        assert len(stems) >= 5, question.id


def test_builtin_generators_pass_200_seeds(pack: Pack) -> None:
    paths = {q.id: Path(f"{q.id}.txt") for q in pack.questions.values()}
    assert check_generators(pack.questions, paths, seeds=200) == []


def test_the_chain_generators_slope_formulas_are_the_activations_derivatives() -> None:
    import importlib.util

    from gradquiz.content.pack_loader import builtin_pack_dir

    path = builtin_pack_dir() / "generators" / "chain.py"
    spec = importlib.util.spec_from_file_location("chain_under_test", path)
    assert spec is not None and spec.loader is not None
    chain = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(chain)
    assert chain.slope_formulas_agree()
    broken = chain._Activation(
        name="x",
        function=chain.sympy.tanh(chain.U),
        slope_from_output=1 - chain.H,  # not tanh's derivative
        slope_tex="",
        float_function=float,
        max_pre_activation=1.0,
    )
    chain.ACTIVATIONS = (*chain.ACTIVATIONS, broken)
    assert not chain.slope_formulas_agree()
