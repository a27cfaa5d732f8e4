"""A served pack defers its generators to first use; `warm_up` imports and runs them."""

import subprocess
import sys
from pathlib import Path

from gradquiz.content.pack_loader import builtin_pack_dir, load_pack, serving_pack, warm_up
from tests.factories import write_pack


def test_a_served_pack_gives_the_same_variants_as_a_checked_one() -> None:
    served, checked = serving_pack(builtin_pack_dir()), load_pack(builtin_pack_dir())
    assert served.questions.keys() == checked.questions.keys()
    assert warm_up(served) == []
    for question_id, question in served.questions.items():
        for seed in (0, 5, 99):
            assert question.resolve(seed).stem == checked.questions[question_id].resolve(seed).stem


def test_serving_the_pack_imports_no_sympy_and_no_numpy() -> None:
    # Both load on first use (a generator, the lab, class statistics), not at start-up.
    probe = (
        "import sys; from gradquiz.content.pack_loader import builtin_pack_dir, serving_pack;"
        "import gradquiz.web.app; serving_pack(builtin_pack_dir());"
        "print('sympy' in sys.modules, 'numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_a_broken_generator_is_reported_by_warm_up_not_at_load(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "pack")
    (folder / "generators").mkdir()
    (folder / "generators" / "broken.py").write_text("def boom(rng):\n    raise ValueError('no')\n")
    (folder / "questions" / "generated-0.txt").write_text(
        "id: generated-0\ntopic: chain-rule\ndifficulty: easy\n"
        "reference: Nielsen, ch. 2\ngenerator: broken.boom\n"
    )
    pack = serving_pack(folder)
    failures = warm_up(pack)
    assert len(failures) == 1 and "generated-0" in failures[0] and "no" in failures[0]
