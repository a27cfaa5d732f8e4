"""Stored variants: `gradquiz variants` writes them, a server gives them out without running
the generator, and `gradquiz check` refuses any that the generator no longer gives."""

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gradquiz.cli import app
from gradquiz.content.pack_loader import builtin_pack_dir, check_pack, load_pack, serving_pack
from gradquiz.content.stored_variants import STORED_SEEDS, variant_line, variants_path
from gradquiz.core.attempts import slot_for
from gradquiz.core.variants import draw_variant
from tests.content.test_key_balance import GENERATORS, _generated
from tests.factories import write_pack

runner = CliRunner()
NAME = "calculus.any_rank"


def generated_pack(tmp_path: Path, count: int) -> Path:
    """A pack with one generated question, its variants stored for seeds 0 to count−1."""
    folder = write_pack(tmp_path / "p")
    (folder / "generators").mkdir()
    (folder / "generators" / "calculus.py").write_text(GENERATORS)
    (folder / "questions" / "drawn-rank.txt").write_text(_generated("drawn-rank", NAME))
    result = runner.invoke(app, ["variants", str(folder), "--count", str(count)])
    assert result.exit_code == 0, result.output
    return folder


def test_the_variants_command_stores_what_the_generator_draws(tmp_path: Path) -> None:
    folder = generated_pack(tmp_path, 12)
    lines = variants_path(folder, NAME).read_text().splitlines()
    source = load_pack(folder).questions["drawn-rank"].generator
    assert source is not None and source.stored is not None
    assert list(source.stored.seeds) == list(range(12))
    for seed, line in enumerate(lines):
        drawn = draw_variant(source.generate, seed)
        assert line == variant_line(seed, drawn)
        assert source.stored.get(seed) == drawn
        assert json.loads(line)["seed"] == seed


def test_a_server_gives_out_stored_variants_without_running_the_generator(
    tmp_path: Path,
) -> None:
    folder = generated_pack(tmp_path, 5)
    stored = variants_path(folder, NAME).read_text().splitlines()
    (folder / "generators" / "calculus.py").write_text(
        "def any_rank(rng):\n    raise RuntimeError('the generator ran')\n"
    )
    question = serving_pack(folder).questions["drawn-rank"]
    seeds = {slot_for(question, random.Random(i)).seed for i in range(60)}
    assert seeds == set(range(5))
    for seed in range(5):
        shown = question.resolve(seed)
        assert json.loads(stored[seed])["stem"] == shown.stem
    with pytest.raises(RuntimeError, match="the generator ran"):
        question.resolve(5)  # not stored: an older attempt's seed is drawn as before


def test_check_refuses_a_stored_variant_the_generator_no_longer_gives(tmp_path: Path) -> None:
    folder = generated_pack(tmp_path, 30)
    path = variants_path(folder, NAME)
    lines = path.read_text().splitlines()
    lines[17] = lines[17].replace("Correct.", "Right.")
    path.write_text("\n".join(lines) + "\n")
    found = [str(p) for p in check_pack(folder, seeds=1)]
    assert found == [
        f"{folder / 'questions' / 'drawn-rank.txt'}:1: generator '{NAME}' seed 17: the stored "
        "variant differs from what the generator gives now (run `gradquiz variants` on the pack)"
    ]


def test_check_refuses_stored_variants_whose_keys_sit_at_one_rank(tmp_path: Path) -> None:
    folder = generated_pack(tmp_path, 60)
    path = variants_path(folder, NAME)
    first = [
        line
        for line in path.read_text().splitlines()
        if json.loads(line)["options"][0]["id"] == "key"
    ]
    path.write_text("\n".join(first) + "\n")
    found = "\n".join(str(p) for p in check_pack(folder, seeds=200))
    assert (
        f"generator '{NAME}': the key is at A in {len(first)} of {len(first)} stored variants"
        in found
    )
    assert "of 200 seeds" not in found  # the generator itself places its key evenly


def test_a_generator_two_questions_name_is_written_once(tmp_path: Path) -> None:
    folder = generated_pack(tmp_path, 3)
    twin = _generated("drawn-rank-twin", NAME)
    (folder / "questions" / "drawn-rank-twin.txt").write_text(twin)
    result = runner.invoke(app, ["variants", str(folder), "--count", "3"])
    assert result.exit_code == 0, result.output
    assert result.output.count(str(variants_path(folder, NAME))) == 1
    assert "1 generator(s), 3 variants each" in result.output


def test_writing_again_removes_the_files_of_generators_no_question_names(tmp_path: Path) -> None:
    folder = generated_pack(tmp_path, 3)
    gone = variants_path(folder, "calculus.retired")
    gone.write_text(variants_path(folder, NAME).read_text())
    runner.invoke(app, ["variants", str(folder), "--count", "3"])
    assert not gone.exists() and variants_path(folder, NAME).is_file()


def test_every_generator_of_the_builtin_pack_has_its_variants_stored() -> None:
    pack = load_pack(builtin_pack_dir())
    sources = [q.generator for q in pack.questions.values() if q.generator is not None]
    assert len(sources) >= 16
    for source in sources:
        assert source.stored is not None, source.name
        assert list(source.stored.seeds) == list(range(STORED_SEEDS)), source.name
    # Their agreement with the generators is `gradquiz check`'s (see test_pack_loader).


def test_serving_the_builtin_pack_leaves_sympy_unimported() -> None:
    script = """
import random, sys
from gradquiz.content.pack_loader import builtin_pack_dir, serving_pack, warm_up
from gradquiz.core.attempts import slot_for
pack = serving_pack(builtin_pack_dir())
assert warm_up(pack) == []
for question in pack.questions.values():
    for i in range(200):
        question.resolve(slot_for(question, random.Random(i)).seed)
print("sympy" in sys.modules, any(m.startswith("gradquiz.generators") for m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        ('{"seed": 2, "stem": ', "JSONDecodeError"),
        ('{"seed": 2, "stem": "x"}', "KeyError: 'lab'"),
        ('"just text"', "TypeError"),
    ],
)
def test_an_unreadable_variants_file_is_reported_and_its_generator_draws_instead(
    tmp_path: Path, broken: str, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    folder = generated_pack(tmp_path, 4)
    path = variants_path(folder, NAME)
    lines = path.read_text().splitlines()
    lines[2] = broken
    path.write_text("\n".join(lines) + "\n")
    found = [str(p) for p in check_pack(folder, seeds=1)]
    assert len(found) == 1 and found[0].startswith(f"{path}:3: not a stored variant: "), found
    assert reason in found[0]
    question = serving_pack(folder).questions["drawn-rank"]
    assert question.generator is not None
    assert question.resolve(1) == question.resolve(1)  # drawn, no traceback
    assert question.resolve(1).stem == draw_variant(question.generator.generate, 1).stem
    assert slot_for(question, random.Random(0)).seed not in range(4)  # no stored seeds
    assert "its generator draws the variants instead" in caplog.text
