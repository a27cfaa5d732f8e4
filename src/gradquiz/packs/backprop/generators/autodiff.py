"""How many passes forward and reverse mode need for a full Jacobian (Baydin et al. 2018, §3).

Forward mode gives one column of the m x n Jacobian per pass (one pass per input); reverse
mode gives one row per pass (one pass per output). The key follows that rule; the check builds
the seed vectors each mode needs to recover every entry of the Jacobian and counts them.
"""

import math
import random

from gradquiz.generators import Choice, KeyCheck, Variant, text_variant

MAX_INPUTS = 2000
MAX_OUTPUTS = 50
FORWARD, REVERSE = 1, 2  # the cheaper mode, encoded as a number for the check


def _passes(count: int) -> str:
    return f"${count}$ pass" if count == 1 else f"${count}$ passes"


def _seeds_to_cover(rows: int, columns: int, *, seed_columns: bool) -> int:
    """Seed unit vectors, one per pass, until every entry of a rows x columns Jacobian is known.

    A forward pass seeded with the input direction e_i yields J e_i, the whole column i; a
    reverse pass seeded with the output direction e_j yields e_j^T J, the whole row j.
    """
    lines = columns if seed_columns else rows  # the columns or rows one seed can reveal
    line_length = rows if seed_columns else columns
    revealed: set[int] = set()
    seeds: list[dict[int, float]] = []
    for index in range(lines):
        if len(revealed) * line_length == rows * columns:
            break
        seed = {index: 1.0}  # the unit vector e_index, stored sparsely
        seeds.append(seed)
        revealed.update(seed)
    if len(revealed) * line_length != rows * columns:
        raise AssertionError("the seeds did not reveal the whole Jacobian")
    return len(seeds)


def _log_uniform_int(rng: random.Random, low: int, high: int) -> int:
    return round(math.exp(rng.uniform(math.log(low), math.log(high))))


def pass_counts(rng: random.Random) -> Variant:
    """The cheaper mode for an n-input, m-output function's Jacobian, and its pass count."""
    if rng.random() < 0.5:  # reverse mode is cheaper: fewer outputs than inputs
        m = rng.randint(1, MAX_OUTPUTS)
        n = _log_uniform_int(rng, max(2, 2 * m), MAX_INPUTS)
    else:  # forward mode is cheaper: fewer inputs than outputs
        m = rng.randint(4, MAX_OUTPUTS)
        n = rng.randint(2, m // 2)
    reverse_cheaper = m < n
    key_mode = REVERSE if reverse_cheaper else FORWARD
    key_passes = m if reverse_cheaper else n

    # Brute force: seed passes until every entry of the m x n Jacobian is known.
    forward_count = _seeds_to_cover(m, n, seed_columns=True)
    reverse_count = _seeds_to_cover(m, n, seed_columns=False)
    counted_mode = REVERSE if reverse_count < forward_count else FORWARD

    reverse = Choice(
        "reverse-per-output",
        f"Reverse mode, with {_passes(m)}",
        "This chooses the mode with more passes. A reverse pass is seeded at one output and "
        f"returns one row of the Jacobian, so reverse mode needs ${m}$ passes, while forward "
        f"mode needs one per input, only ${n}$.",
    )
    forward = Choice(
        "forward-per-input",
        f"Forward mode, with {_passes(n)}",
        "This chooses the mode with more passes. A forward pass is seeded with one input "
        f"direction and returns one column, so forward mode needs ${n}$ passes, while reverse "
        f"mode needs one per output, only ${m}$.",
    )
    reverse_per_input = Choice(
        "reverse-per-input",
        f"Reverse mode, with {_passes(n)}",
        "This counts reverse mode per input. A reverse pass is seeded at one output and "
        f"returns a whole row, that output's gradient with respect to all ${n}$ inputs, so "
        f"reverse mode needs one pass per output: ${m}$.",
    )
    forward_per_output = Choice(
        "forward-per-output",
        f"Forward mode, with {_passes(m)}",
        "This counts forward mode per output. A forward pass is seeded with one input "
        "direction and returns a whole column, the "
        + ("derivative of the one output" if m == 1 else f"derivatives of all ${m}$ outputs")
        + f", so forward mode needs one pass per input: ${n}$.",
    )
    if reverse_cheaper:
        key = Choice(reverse.id, reverse.value, f"Correct: one reverse pass per output, ${m}$.")
        distractors = [forward, reverse_per_input, forward_per_output]
        extreme = (
            "A single output, like a scalar loss, is" if m == 1 else "A scalar loss, $m = 1$, is"
        )
        verdict = (
            f"Here $m = {m}$ is smaller than $n = {n}$, so reverse mode is cheaper, with "
            f"{_passes(m)}. {extreme} the extreme case: one reverse pass "
            "gives its gradient with respect to every input, which is why the gradient used to "
            "train a network is computed by backpropagation, a special case of reverse mode."
        )
    else:
        key = Choice(forward.id, forward.value, f"Correct: one forward pass per input, ${n}$.")
        distractors = [reverse, reverse_per_input, forward_per_output]
        verdict = (
            f"Here $n = {n}$ is smaller than $m = {m}$, so forward mode is cheaper, with "
            f"{_passes(n)}: reverse mode is not always the better choice."
        )

    return text_variant(
        stem=(
            f"A differentiable program maps ${n}$ inputs to ${m}$ "
            f"output{'' if m == 1 else 's'}, and you need its full ${m} \\times {n}$ Jacobian. "
            "Each forward-mode or reverse-mode pass costs a small constant multiple of one "
            "run of the program. Which mode of automatic differentiation needs fewer passes, "
            "and how many?"
        ),
        key=key,
        distractors=distractors,
        explanation=(
            "A forward-mode pass carries one input direction $e_i$ through the program and "
            "yields one column of the Jacobian, so forward mode needs one pass per input, "
            f"$n = {n}$. A reverse-mode pass starts from one output direction $e_j$ and sweeps "
            "back to every input, yielding one row, so reverse mode needs one pass per output, "
            f"$m = {m}$ (Baydin et al. 2018, §3). {verdict}"
        ),
        checks=[
            KeyCheck(
                "passes, by counting the seed vectors",
                key_passes,
                min(forward_count, reverse_count),
            ),
            KeyCheck("cheaper mode, by counting the seed vectors", key_mode, counted_mode),
        ],
    )
