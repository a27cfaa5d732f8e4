"""Every ```python block in the pack runs, and says what its question says it does."""

import contextlib
import io
import math
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gradquiz.content.code_blocks import (
    PSEUDOCODE,
    code_block_problems,
    fenced_code,
    python_blocks,
)
from gradquiz.content.pack_loader import builtin_pack_dir, check_pack
from tests.content.standin_micrograd import Value
from tests.factories import question_text, write_pack

Namespace = dict[str, Any]


def _neuron(w: float) -> Namespace:
    """The names seed-neuron-numeric-dw's code reads: x = 2, y = 1 and a = 0.8 at w = 0.5."""
    return {
        "sigmoid": lambda z: 1 / (1 + math.exp(-z)),
        "w": w,
        "x": 2.0,
        "b": math.log(4) - 1.0,
        "y": 1.0,
    }


def _after_reused_input(names: Namespace) -> None:
    names["f"].backward()
    assert names["f"].data == -6 and names["x"].grad == -8  # the explanation; key a


def _after_two_consumers(names: Namespace) -> None:
    names["e"].backward()
    order = names["e"].backward_order
    c, d, e = names["c"], names["d"], names["e"]
    assert order.index(c) > order.index(d) > order.index(e)  # key d: both consumers first


def _after_plus_equals(names: Namespace) -> None:
    student = type("StudentValue", (Value,), {"__add__": names["__add__"]})
    a = student(3.0)
    total = a + a
    total.backward()
    assert a.grad == 1.0  # key c: the second assignment overwrites the first


def _after_neuron(names: Namespace) -> None:
    assert abs(names["a"] - 0.8) < 1e-12  # the stem's forward pass
    step = 1e-6
    up, down = _neuron(0.5 + step), _neuron(0.5 - step)
    for shifted in (up, down):
        exec(_block("seed-neuron-numeric-dw"), shifted)
    slope = (up["L"] - down["L"]) / (2 * step)
    assert abs(slope - (-0.064)) < 1e-6  # key b, by a centred difference of the code itself


# For each question whose code reads names that its stem gives in words: those names, and
# a check that the code does what the question's key says.
CONTEXTS: dict[str, tuple[Callable[[], Namespace], Callable[[Namespace], None]]] = {
    "reused-input-three-gates": (
        lambda: {"x": Value(3.0), "y": Value(-2.0), "z": Value(4.0)},
        _after_reused_input,
    ),
    "backward-order-two-consumers": (
        lambda: {"a": Value(2.0), "b": Value(-3.0)},
        _after_two_consumers,
    ),
    "fanout-plus-equals": (lambda: {"Value": Value}, _after_plus_equals),
    "momentum-step-numeric": (
        lambda: {"mu": 0.9, "learning_rate": 0.1, "x": 2.0, "v": -0.5, "dx": 3.0},
        lambda names: _assert_close(names["x"], 1.25),  # key b
    ),
    "seed-neuron-numeric-dw": (lambda: _neuron(0.5), _after_neuron),
}
# Code that needs no names from its stem, and what it must print.
PRINTS = {"grad-accumulates-across-backward": "2.0\n"}  # key c


def _assert_close(found: float, expected: float) -> None:
    assert abs(found - expected) < 1e-12, (found, expected)


def _block(question_id: str) -> str:
    path = builtin_pack_dir() / "questions" / f"{question_id}.txt"
    (block,) = [b for b in fenced_code(path.read_text()) if b.language == "python"]
    return block.code


BLOCKS = python_blocks(builtin_pack_dir())


@pytest.fixture
def micrograd(monkeypatch: pytest.MonkeyPatch) -> None:
    """`from micrograd.engine import Value` finds the stand-in."""
    package, engine = types.ModuleType("micrograd"), types.ModuleType("micrograd.engine")
    engine.Value = Value  # type: ignore[attr-defined]
    package.engine = engine  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "micrograd", package)
    monkeypatch.setitem(sys.modules, "micrograd.engine", engine)


@pytest.mark.usefixtures("micrograd")
@pytest.mark.parametrize(("path", "block"), BLOCKS, ids=[f"{p.stem}:{b.line}" for p, b in BLOCKS])
def test_every_python_block_runs_and_agrees_with_its_key(path: Path, block: Any) -> None:
    names, after = CONTEXTS.get(path.stem, (dict, lambda names: None))
    namespace = names()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            exec(compile(block.code, str(path), "exec"), namespace)
        except NameError as error:
            pytest.fail(
                f"{path.name}:{block.line}: {error}; give the block its names in CONTEXTS, "
                f"or mark it ```{PSEUDOCODE} if it is not meant to run"
            )
    after(namespace)
    if path.stem in PRINTS:
        assert out.getvalue() == PRINTS[path.stem]


def test_every_context_belongs_to_a_block() -> None:
    assert set(CONTEXTS) | set(PRINTS) <= {path.stem for path, _ in BLOCKS}


def test_fences_are_found_with_their_language_and_line() -> None:
    text = "Intro\n\n```python\nx = 1\n```\n\n```pseudocode\ndL/da = a - y\n```\n"
    found = fenced_code(text)
    assert [(b.language, b.line) for b in found] == [("python", 3), ("pseudocode", 7)]
    assert found[0].code == "x = 1\n"


def test_a_python_block_that_does_not_parse_is_a_problem(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p")
    path = folder / "questions" / "chain-rule-easy-0.txt"
    block = "```python\ndL/da = a - y\n```"
    text = question_text("chain-rule-easy-0", stem="STEM")
    path.write_text(text.replace("STEM", f"The conceptual step\n\n{block}\n\nWhat is it?"))
    found = [str(p) for p in check_pack(folder, seeds=1)]
    assert any(
        f"{path}:11: the ```python block does not parse" in p and "```pseudocode" in p
        for p in found
    ), found
    path.write_text(path.read_text().replace("```python", f"```{PSEUDOCODE}"))
    assert code_block_problems(folder) == []
