import pytest

from gradquiz.core.lab.expressions import (
    MAX_LENGTH,
    BinaryOp,
    Call,
    ExpressionError,
    Name,
    Negate,
    Number,
    Power,
    parse_expression,
    variables_in,
)
from gradquiz.errors import InvalidInput


def test_the_seed_neuron_parses_with_precedence_and_powers() -> None:
    tree = parse_expression("0.5*(y - sigmoid(w*x + b))**2")
    assert isinstance(tree, BinaryOp) and tree.op == "*"
    assert tree.left == Number(0.5, "0.5")
    assert isinstance(tree.right, Power) and tree.right.exponent.value == 2
    assert variables_in(tree) == {"y", "w", "x", "b"}


def test_minus_binds_looser_than_a_power_and_powers_take_signed_numbers() -> None:
    assert parse_expression("-x**2") == Negate(Power(Name("x"), Number(2.0, "2")))
    assert parse_expression("x**(-0.5)") == Power(Name("x"), Number(-0.5, "-0.5"))


def test_paper_operators_are_accepted() -> None:
    assert parse_expression("x × y − 2 ÷ w") == parse_expression("x * y - 2 / w")


def test_constant_parts_are_folded_into_one_number() -> None:
    tree = parse_expression("2*3*x + exp(0)")
    assert tree == BinaryOp("+", BinaryOp("*", Number(6.0, "6.0"), Name("x")), Number(1.0, "1.0"))


def test_max_takes_several_arguments() -> None:
    tree = parse_expression("max(x, y, z)")
    assert isinstance(tree, Call) and len(tree.args) == 3


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("", 1, "empty"),
        ("x +", 4, "expected a number"),
        ("x.real", 2, "attribute access"),
        ("__import__(x)", 1, "unknown name '__import__'"),
        ("xy", 1, "write x*y"),
        ("x(2)", 2, "variable, not a function"),
        ("sigmoid", 1, "is a function"),
        ("9**9**9", 5, "raised again"),
        ("x**y", 4, "plain number"),
        ("x**17", 4, "too large"),
        ("(1e6**16)**16*x", 10, "too large for a float"),
        ("log(0)*x", 1, "undefined"),
        ("max(x)", 1, "max takes from two to six arguments, not 1"),
        ("max(x, y, z, w, b, x, y)", 1, "max takes from two to six arguments, not 7"),
        ("exp(x, y)", 1, "exp takes one argument, not 2"),
        ("x\x00", 2, "U+0000"),
        ("ｘ", 1, "U+FF58"),
        ("[x]", 1, "use ( and )"),
        ("2 x", 3, "expected an operator"),
        ("1e999", 1, "too large"),
        ("x*1e-999999+x*1e-999998", 3, "1e-999999 is too small"),
        ("x*9.9e-100", 3, "too small"),
    ],
)
def test_refusals_name_the_column(text: str, column: int, words: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    assert caught.value.column == column
    assert words in caught.value.message
    assert caught.value.message.startswith(f"At the {column}")
    assert isinstance(caught.value, InvalidInput) and caught.value.status == 422


def test_numbers_from_1e_minus_99_to_a_million_and_0_are_taken() -> None:
    for text in ["1e-99", "1000000", "0", "0e-999999", "0.000"]:
        assert isinstance(parse_expression(f"x*{text}"), BinaryOp), text


def test_limits_on_length_depth_and_size() -> None:
    with pytest.raises(ExpressionError, match="at most 200"):
        parse_expression("x" + "+x" * MAX_LENGTH)
    with pytest.raises(ExpressionError, match="nest more than"):
        parse_expression("(" * 30 + "x" + ")" * 30)
    with pytest.raises(ExpressionError, match="nest more than"):
        parse_expression("-" * 40 + "x")
    with pytest.raises(ExpressionError, match="too large"):
        parse_expression("+".join(["x*y"] * 33))


def test_a_constant_part_may_be_any_float_wherever_it_is_written() -> None:
    # Issue 28: 1e6*10*x was refused ("larger than 1,000,000") while x*1e6*10 was drawn.
    for text in ["1e6*10*x", "x*1e6*10", "1e-60*1e-60*x", "x*1e-60*1e-60", "(9**9)*x"]:
        assert isinstance(parse_expression(text), BinaryOp), text
    folded = parse_expression("1e6*10*x")
    assert isinstance(folded, BinaryOp) and folded.left == Number(1e7, "10000000.0")
