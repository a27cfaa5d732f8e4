"""One step of an optimiser on a one-weight quadratic loss L(w) = a (w - c)^2.

The gradient comes from sympy's derivative, evaluated exactly at the drawn numbers. Each key is
checked by redoing the step with a gradient from a centred difference of the loss in float64.
"""

import random

import sympy

from gradquiz.generators import (
    Choice,
    KeyCheck,
    Variant,
    VariantRejected,
    centred_difference,
    distractors_around,
    evaluate,
    fmt,
    key_at_random_rank,
    numeric_variant,
)

w, a, c = sympy.symbols("w a c", real=True)
LOSS = a * (w - c) ** 2
GRADIENT = sympy.diff(LOSS, w)

CURVATURES = [sympy.Rational(k, 2) for k in range(1, 7)]  # a = 0.5, 1, ..., 3
CENTRES = [sympy.Rational(k, 2) for k in range(-6, 7)]  # c = -3, -2.5, ..., 3
POINTS = [sympy.Rational(k, 10) for k in range(-30, 31)]  # w = -3, -2.9, ..., 3
RATES = [sympy.Rational(1, 100), sympy.Rational(1, 20), sympy.Rational(1, 10)]
MOMENTA = [sympy.Rational(1, 2), sympy.Rational(4, 5), sympy.Rational(9, 10)]
VELOCITIES = [sympy.Rational(k, 10) for k in range(-10, 11) if k != 0]
DIGITS = 4
OPTIONS = 4  # the key and three mistakes, in ascending order


def _draw_loss(rng: random.Random) -> dict[sympy.Symbol, sympy.Rational]:
    values = {a: rng.choice(CURVATURES), c: rng.choice(CENTRES), w: rng.choice(POINTS)}
    if abs(values[w] - values[c]) < sympy.Rational(3, 10):
        raise VariantRejected("w too close to the minimum")
    return values


def _reads_exactly(value: sympy.Rational) -> bool:
    """Whether `value` is shown exactly with DIGITS significant figures."""
    text = fmt(value, DIGITS)
    return "times" not in text and sympy.Rational(text) == value


def _require_exact(*values: sympy.Rational) -> None:
    if values[0] == 0:  # a zero key could not be checked by a relative error
        raise VariantRejected("the key is 0")
    if not all(_reads_exactly(v) for v in values):
        raise VariantRejected("an option needs more digits than are shown")


def _base(values: dict[sympy.Symbol, sympy.Rational], at_w: bool = False) -> str:
    """What the stem squares, "w" or "(w + 3)"; with `at_w`, at the drawn w: "(2.6 + 3)"."""
    centre = values[c]
    if centre == 0:
        return _signed(values[w]) if at_w else "w"
    variable = fmt(values[w]) if at_w else "w"
    sign = "-" if centre > 0 else "+"
    return f"({variable} {sign} {fmt(abs(centre))})"


def _loss_text(values: dict[sympy.Symbol, sympy.Rational]) -> str:
    square = f"{_base(values)}^2"
    return square if values[a] == 1 else f"{fmt(values[a])}{square}"


def _half_gradient_text(values: dict[sympy.Symbol, sympy.Rational]) -> str:
    """The loss without its square, "2(w + 3)" or "w + 3": the gradient with the power rule's
    2 lost."""
    if values[a] == 1:
        return _base(values).removeprefix("(").removesuffix(")")
    return f"{fmt(values[a])}{_base(values)}"


def _gradient_text(values: dict[sympy.Symbol, sympy.Rational], at_w: bool = False) -> str:
    """dL/dw by the power rule, in the stem's own terms: "2 \\cdot 2\\,(w + 3)", or "2w";
    with `at_w`, at the drawn w: "2 \\cdot 2 \\cdot (2.6 + 3)"."""
    if values[a] == 1:
        factor, joint = "2", ""
    else:
        factor, joint = f"2 \\cdot {fmt(values[a])}", "\\,"
    if at_w:
        return f"{factor} \\cdot {_base(values, at_w=True)}"
    return f"{factor}{joint}{_base(values)}"


def _signed(value: sympy.Rational) -> str:
    """A number to follow a binary operator: negative ones in parentheses."""
    return f"({fmt(value, DIGITS)})" if value < 0 else fmt(value, DIGITS)


def _numeric_gradient(values: dict[sympy.Symbol, sympy.Rational]) -> float:
    av, cv = float(values[a]), float(values[c])
    return centred_difference(lambda p: av * (p[0] - cv) ** 2, [float(values[w])], 0)


def _gradient_steps(values: dict[sympy.Symbol, sympy.Rational]) -> str:
    """The worked gradient, 2 * 2(w + 3) = 2 * 2 * (2.6 + 3) = 22.4, in the stem's terms."""
    g = evaluate(GRADIENT, values, exact=True)
    return (
        f"\\frac{{\\partial L}}{{\\partial w}} = {_gradient_text(values)} = "
        f"{_gradient_text(values, at_w=True)} = {fmt(g, DIGITS)}"
    )


@key_at_random_rank(OPTIONS)
def sgd_step(rng: random.Random, rank: int) -> Variant:
    """w - eta * dL/dw after one step of gradient descent."""
    values = _draw_loss(rng)
    eta = rng.choice(RATES)
    w0 = values[w]
    g = evaluate(GRADIENT, values, exact=True)
    key = w0 - eta * g
    eta_text, w_text = fmt(eta), fmt(w0)
    correct = Choice(
        "key",
        key,
        f"Correct: $w - \\eta \\frac{{\\partial L}}{{\\partial w}} = {w_text} - {eta_text} "
        f"\\cdot {_signed(g)} = {fmt(key, DIGITS)}$.",
    )
    # The mistakes are placed by value first: their feedback is written only for a draw that
    # keeps them (most draws are redrawn for the key's rank), in the order they were drawn.
    screen = distractors_around(
        rng, correct, [Choice(n, v, "") for n, v in _sgd_mistakes(values, eta).items()], rank
    )
    _require_exact(key, *(c.value for c in screen))
    written = {c.id: c for c in _sgd_distractors(values, eta)}
    distractors = [written[c.id] for c in screen]

    numeric_g = _numeric_gradient(values)
    step_estimate = float(w0) - float(eta) * numeric_g
    return numeric_variant(
        stem=(
            f"A single weight has the loss $L(w) = {_loss_text(values)}$. It is now "
            f"$w = {w_text}$, and you take one step of gradient descent with learning rate "
            f"$\\eta = {eta_text}$. What is $w$ after the step?"
        ),
        key=correct,
        distractors=distractors,
        explanation=(
            f"The gradient at $w = {w_text}$ is ${_gradient_steps(values)}$. Gradient descent "
            "moves against it, $w \\leftarrow w - \\eta \\frac{\\partial L}{\\partial w}$: "
            f"${w_text} - {eta_text} \\cdot {_signed(g)} = {fmt(key, DIGITS)}$. " + _direction(g)
        ),
        checks=[
            KeyCheck("dL/dw by a centred difference", float(g), numeric_g),
            KeyCheck("step redone with the centred-difference gradient", float(key), step_estimate),
        ],
        digits=DIGITS,
    )


def _sgd_mistakes(
    values: dict[sympy.Symbol, sympy.Rational], eta: sympy.Rational
) -> dict[str, sympy.Rational]:
    """The new w that each mistake gives, by the id of its option."""
    w0, g = values[w], evaluate(GRADIENT, values, exact=True)
    return {
        "along-gradient": w0 + eta * g,
        "forgot-rate": w0 - g,
        "used-loss": w0 - eta * evaluate(LOSS, values, exact=True),
        "fixed-step": w0 - eta * sympy.sign(g),
        "dropped-two": w0 - eta * g / 2,
    }


def _sgd_distractors(
    values: dict[sympy.Symbol, sympy.Rational], eta: sympy.Rational
) -> list[Choice]:
    """Five computed mistakes; some land beyond the key and some short of it."""
    w0, g = values[w], evaluate(GRADIENT, values, exact=True)
    key = w0 - eta * g
    w_text, eta_text, g_text = fmt(w0), fmt(eta), fmt(g, DIGITS)
    step = f"{w_text} - {eta_text} \\cdot {_signed(g)} = {fmt(key, DIGITS)}"
    mistakes = _sgd_mistakes(values, eta)
    feedback = {
        "along-gradient": (
            "This steps along the gradient, which climbs the loss. Gradient descent moves "
            f"against it: $w - \\eta \\frac{{\\partial L}}{{\\partial w}} = {step}$."
        ),
        "forgot-rate": (
            f"This subtracts the whole gradient ${g_text}$ and forgets the learning rate. The "
            f"step is $\\eta \\frac{{\\partial L}}{{\\partial w}}$: ${step}$."
        ),
        "used-loss": (
            f"This uses the loss value "
            f"$L(w) = {fmt(evaluate(LOSS, values, exact=True), DIGITS)}$ in place of "
            "its gradient. The step follows the slope, "
            f"$\\frac{{\\partial L}}{{\\partial w}} = {_gradient_text(values)} = {g_text}$: "
            f"${step}$."
        ),
        "fixed-step": (
            f"This moves $w$ by $\\eta = {eta_text}$ alone, as if the step length ignored the "
            "size of the gradient. Gradient descent scales the step by the gradient, "
            f"${g_text}$: ${step}$."
        ),
        "dropped-two": (
            "This drops the factor $2$ of the power rule, using "
            f"${_half_gradient_text(values)} = {fmt(g / 2, DIGITS)}$ as the gradient. The "
            "derivative of "
            f"${_loss_text(values)}$ is ${_gradient_text(values)} = {g_text}$: ${step}$."
        ),
    }
    return [Choice(name, mistakes[name], feedback[name]) for name in mistakes]


def _direction(g: sympy.Rational) -> str:
    if g > 0:
        return "The gradient is positive, so the loss rises with $w$ and the step lowers $w$."
    return "The gradient is negative, so the loss falls as $w$ grows and the step raises $w$."


@key_at_random_rank(OPTIONS)
def momentum_step(rng: random.Random, rank: int) -> Variant:
    """w + (mu v - eta dL/dw) after one step of SGD with momentum."""
    values = _draw_loss(rng)
    eta, mu, v0 = rng.choice(RATES), rng.choice(MOMENTA), rng.choice(VELOCITIES)
    w0 = values[w]
    g = evaluate(GRADIENT, values, exact=True)
    velocity = mu * v0 - eta * g
    key = w0 + velocity

    numeric_g = _numeric_gradient(values)
    simulated = float(w0) + (float(mu) * float(v0) - float(eta) * numeric_g)
    w_text, eta_text, mu_text, v_text = fmt(w0), fmt(eta), fmt(mu), fmt(v0)
    vel_text, key_text = fmt(velocity, DIGITS), fmt(key, DIGITS)
    new_velocity = (
        f"v = {mu_text} \\cdot {_signed(v0)} - {eta_text} \\cdot {_signed(g)} = {vel_text}"
    )
    correct = Choice(
        "key",
        key,
        f"Correct: ${new_velocity}$, and $w = {w_text} + {_signed(velocity)} = {key_text}$.",
    )
    moved = {
        "forgot-velocity": w0 - eta * g,
        "gradient-sign": w0 + mu * v0 + eta * g,
        "old-velocity": w0 + v0,
        "dropped-mu": w0 + v0 - eta * g,
        "forgot-rate": w0 + mu * v0 - g,
    }
    # Placed by value first; feedback is written only for a draw that keeps its mistakes.
    screen = distractors_around(rng, correct, [Choice(n, v, "") for n, v in moved.items()], rank)
    _require_exact(key, velocity, *(c.value for c in screen))
    feedback = {
        "forgot-velocity": (
            "This is the plain gradient-descent step $w - \\eta "
            "\\frac{\\partial L}{\\partial w}$, which ignores the velocity. With momentum "
            f"the damped old velocity $\\mu v = {fmt(mu * v0, DIGITS)}$ is added as well: "
            f"${new_velocity}$, so $w = {key_text}$."
        ),
        "gradient-sign": (
            "This adds the gradient term to the velocity instead of subtracting it, which "
            "pushes the weight uphill. The velocity is pushed against the gradient: "
            f"${new_velocity}$, so $w = {key_text}$."
        ),
        "old-velocity": (
            f"This moves $w$ by the old velocity $v = {v_text}$, before the velocity is "
            "updated with the damping and the new gradient. The update first computes "
            f"${new_velocity}$ and then moves $w$ by it: $w = {key_text}$."
        ),
        "dropped-mu": (
            f"This keeps the whole old velocity, dropping the factor $\\mu = {mu_text}$: "
            f"$v = {_signed(v0)} - {eta_text} \\cdot {_signed(g)}$. The old velocity is "
            f"damped first: ${new_velocity}$, so $w = {key_text}$."
        ),
        "forgot-rate": (
            "This pushes the velocity by the whole gradient and forgets the learning rate. "
            f"The push is $\\eta \\frac{{\\partial L}}{{\\partial w}}$: ${new_velocity}$, so "
            f"$w = {key_text}$."
        ),
    }
    distractors = [Choice(c.id, c.value, feedback[c.id]) for c in screen]
    return numeric_variant(
        stem=(
            "SGD with momentum updates a weight by $v \\leftarrow \\mu v - \\eta "
            "\\frac{\\partial L}{\\partial w}$, then $w \\leftarrow w + v$. The loss is "
            f"$L(w) = {_loss_text(values)}$, with $\\mu = {mu_text}$ and "
            f"$\\eta = {eta_text}$. The weight is now $w = {w_text}$, and the velocity left "
            f"from the previous step is $v = {v_text}$. What is $w$ after this step?"
        ),
        key=correct,
        distractors=distractors,
        explanation=(
            f"First the gradient: ${_gradient_steps(values)}$. The velocity is damped by $\\mu$ "
            f"and pushed against the gradient: ${new_velocity}$. The weight then moves by the "
            f"new velocity: $w = {w_text} + {_signed(velocity)} = {key_text}$. The gradient "
            "changes the velocity rather than the position directly, so steps build up in "
            "directions where the gradient stays consistent."
        ),
        checks=[
            KeyCheck("dL/dw by a centred difference", float(g), numeric_g),
            KeyCheck("step simulated with the centred-difference gradient", float(key), simulated),
        ],
        digits=DIGITS,
    )
