from pathlib import Path

from typer.testing import CliRunner

from gradquiz.cli import app
from gradquiz.content.generator_check import SPACING_SEEDS
from gradquiz.content.pack_loader import builtin_pack_dir
from tests.factories import write_pack

runner = CliRunner()


def test_check_sweeps_10000_seeds_unless_told_otherwise() -> None:
    assert SPACING_SEEDS >= 10_000


def test_check_builtin_pack_is_clean_over_10000_seeds() -> None:
    # `gradquiz check` as it ships: every generator with numeric options on SPACING_SEEDS
    # seeds, no two options closer than 2 %. The sweep is here rather than in make test's
    # `gradquiz check` step (which checks the pack's rules on 200 seeds), so that its 35 s
    # of CPU overlap the other tests on the other core.
    result = runner.invoke(app, ["check", str(builtin_pack_dir())])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: backprop:")
    assert "exam draws 15 in 25 min" in result.output


def test_check_prints_file_line_message_and_exits_1(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p")
    bad = folder / "questions" / "chain-rule-easy-0.txt"
    bad.write_text(bad.read_text().replace("key: b", "key: q"))
    result = runner.invoke(app, ["check", str(folder)])
    assert result.exit_code == 1
    assert f"{bad}:4: key 'q' is not one of the options (a, b, c, d)" in result.output


def test_check_missing_folder_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "pack.toml:1: pack.toml is missing" in result.output
