"""`gradquiz check` refuses a bank whose keys favour one position among ordered options."""

import textwrap
from pathlib import Path

from typer.testing import CliRunner

from gradquiz.cli import app
from gradquiz.content.key_balance import Placement, imbalances
from gradquiz.content.pack_loader import check_pack
from tests.factories import write_pack

runner = CliRunner()


def test_positions_are_judged_against_their_fair_share() -> None:
    assert imbalances([Placement(p, 4) for p in (0, 1, 2, 3, 0, 1, 2, 3)]) == []
    (found,) = imbalances([Placement(p, 4) for p in (1, 1, 1, 1, 0, 2, 3, 3)])
    assert (found.letter, found.count, found.fair_share) == ("B", 4, 2.0)
    # Three 3-option and three 4-option items: D exists in half of them.
    mixed = [Placement(p, 3) for p in (0, 1, 2)] + [Placement(p, 4) for p in (0, 1, 2)]
    (missing,) = imbalances(mixed)
    assert (missing.letter, missing.count, missing.fair_share) == ("D", 0, 0.75)


def _key_at(text: str, position: int) -> str:
    """The question with its key's option (b) moved to `position` among a, b, c, d."""
    head, rest = text.split("--- option a\n", 1)
    body, tail = rest.split("--- explanation", 1)
    blocks = ["--- option " + b for b in ("a\n" + body).split("--- option ")]
    key = blocks.pop(1)
    blocks.insert(position, key)
    return head + "".join(blocks) + "--- explanation" + tail


def _written_order(folder: Path, positions: list[int]) -> None:
    """Every factory question kept in written order, the n-th with its key at positions[n]."""
    paths = sorted((folder / "questions").glob("*.txt"))
    for path, position in zip(paths, positions, strict=True):
        text = path.read_text().replace("--- stem", "shuffle: no\n\n--- stem", 1)
        path.write_text(_key_at(text, position))


def test_check_reports_keys_piled_on_one_letter(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p")
    _written_order(folder, [1] * 24)
    result = runner.invoke(app, ["check", str(folder)])
    assert result.exit_code == 1
    manifest = folder / "pack.toml"
    assert (
        f"{manifest}:1: the key is at B in 24 of 24 questions kept in written order "
        "(shuffle: no); its fair share is 6.0 (allowed 3.0 to 9.0); move some of these "
        "keys elsewhere: chain-rule-easy-0," in result.output
    )
    assert f"{manifest}:1: the key is at A in 0 of 24" in result.output
    assert "put more keys there" in result.output


def test_keys_within_the_band_pass_and_outside_it_do_not(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p")
    _written_order(folder, [0, 1, 2, 3] * 6)
    assert check_pack(folder, seeds=1) == []
    folder = write_pack(tmp_path / "q")
    _written_order(folder, [0] * 10 + [1, 2, 3] * 4 + [1, 2])  # A: 10 of 24, above 9
    found = [str(p) for p in check_pack(folder, seeds=1)]
    assert len(found) == 1 and "the key is at A in 10 of 24" in found[0], found


GENERATORS = """
import random
from gradquiz.generators import (
    Choice, KeyCheck, distractors_around, key_at_random_rank, numeric_variant,
)

def _variant(x, distractors):
    return numeric_variant(
        stem=f"What is the derivative of $x^2$ at $x = {x}$?",
        key=Choice("key", 2 * x, "Correct."),
        distractors=distractors,
        explanation="$2x$.",
        checks=[KeyCheck("d/dx", 2 * x, 2 * x)],
    )

def always_second(rng: random.Random):
    x = rng.randint(2, 9)
    return _variant(x, [Choice("half", x, "Forgot the 2."), Choice("cube", 3 * x**2, "Cubed."),
                        Choice("square", 4 * x**2 + 1, "Squared.")])

@key_at_random_rank(4)
def any_rank(rng: random.Random, rank: int):
    x = rng.randint(2, 9)
    mistakes = [Choice("half", x, "Forgot the 2."), Choice("zero", 0, "Constant."),
                Choice("negative", -2 * x, "Sign."), Choice("cube", 3 * x**2, "Cubed."),
                Choice("square", 4 * x**2 + 1, "Squared."), Choice("hundred", 100 * x, "Scale.")]
    return _variant(x, distractors_around(rng, Choice("key", 2 * x, ""), mistakes, rank))
"""


def _generated(qid: str, generator: str) -> str:
    return textwrap.dedent(
        f"""\
        id: {qid}
        topic: chain-rule
        difficulty: easy
        reference: Nielsen, ch. 2
        generator: {generator}
        shuffle: no
        """
    )


def test_check_reports_a_generator_whose_key_sits_at_one_rank(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p")
    (folder / "generators").mkdir()
    (folder / "generators" / "calculus.py").write_text(GENERATORS)
    questions = folder / "questions"
    (questions / "fixed-rank.txt").write_text(_generated("fixed-rank", "calculus.always_second"))
    (questions / "drawn-rank.txt").write_text(_generated("drawn-rank", "calculus.any_rank"))
    found = [str(p) for p in check_pack(folder, seeds=200)]
    fixed = questions / "fixed-rank.txt"
    assert f"{fixed}:1: generator 'calculus.always_second': the key is at B in 200 of 200 " in (
        "\n".join(found)
    )
    assert any(
        f"{fixed}:1: generator 'calculus.always_second': the key is at A in 0" in p for p in found
    )
    assert not any("drawn-rank" in p for p in found), found
    # Few seeds say little about balance, so a quick check leaves generators alone.
    assert not any("fixed-rank" in p for p in check_pack(folder, seeds=20))
