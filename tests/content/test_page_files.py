"""The worked example's runnable version runs and prints the right numbers."""

import ast
import contextlib
import io
import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from gradquiz.content.pack_loader import builtin_pack_dir, check_pack
from gradquiz.core.packs import Pack
from tests.factories import write_pack

EXAMPLE = builtin_pack_dir() / "page" / "example-runnable.py"
# The example sets its numbers on one line, so that the test can run it with others too.
VALUES_LINE = re.compile(r"^w, x, b, y = .*$", re.MULTILINE)
PRINTED = re.compile(r"(\S+) = (-?\d+\.\d+)")
STEP = 1e-5
# The example prints 4 decimals: half a unit in the last place, and some room for the
# centred difference's own error.
TOLERANCE = 0.5e-4 + 1e-8


def run(source: str) -> str:
    """What `source` prints when run as a script."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, str(EXAMPLE), "exec"), {"__name__": "__main__"})
    return out.getvalue()


def values_of(source: str) -> tuple[float, float, float, float]:
    """The numbers on the example's `w, x, b, y = ...` line."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "(w, x, b, y)":
            w, x, b, y = (float(v) for v in ast.literal_eval(node.value))
            return w, x, b, y
    raise AssertionError("the example has no line 'w, x, b, y = ...'")


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def _centred(function: Callable[[float], float], at: float) -> float:
    return (function(at + STEP) - function(at - STEP)) / (2 * STEP)


def independent(w: float, x: float, b: float, y: float) -> dict[str, float]:
    """z, a, L and every gradient, the gradients by centred differences of the loss."""
    z = w * x + b
    a = _sigmoid(z)
    return {
        "z": z,
        "a": a,
        "L": 0.5 * (y - a) ** 2,
        "dL/da": _centred(lambda a_: 0.5 * (y - a_) ** 2, a),
        "dL/dz": _centred(lambda z_: 0.5 * (y - _sigmoid(z_)) ** 2, z),
        "dL/dw": _centred(lambda w_: 0.5 * (y - _sigmoid(w_ * x + b)) ** 2, w),
        "dL/db": _centred(lambda b_: 0.5 * (y - _sigmoid(w * x + b_)) ** 2, b),
    }


def check_printed(printed: str, expected: dict[str, float]) -> None:
    """Every quantity is printed once and agrees with its independent value."""
    found = {name: float(value) for name, value in PRINTED.findall(printed)}
    assert sorted(found) == sorted(expected), printed
    for name, value in expected.items():
        assert abs(found[name] - value) <= TOLERANCE, (name, found[name], value)


def test_the_runnable_example_is_on_the_page(pack: Pack) -> None:
    assert pack.page.code_runnable == EXAMPLE.read_text(encoding="utf-8").strip()
    assert "dL/da = a - y" in pack.page.code_example  # the conceptual lines stay as written


def test_the_runnable_example_prints_what_centred_differences_give() -> None:
    source = EXAMPLE.read_text(encoding="utf-8")
    check_printed(run(source), independent(*values_of(source)))


def test_the_output_shown_in_the_example_is_what_it_prints() -> None:
    source = EXAMPLE.read_text(encoding="utf-8")
    shown = source.split("# It prints:\n", 1)[1]
    assert [line.removeprefix("# ") for line in shown.splitlines()] == run(source).splitlines()


@pytest.mark.parametrize(
    "values", [(0.5, 1.5, -0.25, 1.0), (-1.2, 0.7, 0.4, 0.0), (2.0, -1.5, 1.0, 1.0)]
)
def test_the_runnable_example_computes_rather_than_quotes(
    values: tuple[float, float, float, float],
) -> None:
    source = VALUES_LINE.sub("w, x, b, y = " + ", ".join(map(str, values)), EXAMPLE.read_text())
    assert values_of(source) == values
    check_printed(run(source), independent(*values))


def test_the_example_file_is_a_required_page_file(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p")
    (folder / "page" / "example-runnable.py").unlink()
    assert any(
        "page file page/example-runnable.py is missing" in str(p) for p in check_pack(folder)
    )
