"""A parser for the lab's expressions that cannot run code: its own tokens and grammar.

Nothing the learner types reaches `eval`, Python's `ast` or sympy's string parsers. The grammar
knows numbers, the lab's variables, + − × ÷, powers by a plain number, brackets and six
functions; anything else is refused with the 1-based column of the problem. Limits on length,
nesting, size, numbers and exponents keep every expression cheap to draw and differentiate.

    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := ("-" | "+") unary | power
    power   := atom (("**" | "^") exponent)?
    exponent:= "-"? NUMBER | "(" "-"? NUMBER ")"
    atom    := NUMBER | VARIABLE | FUNCTION "(" sum ("," sum)* ")" | "(" sum ")"
"""

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from gradquiz.core.lab.numbers import FieldError, number_word, shown_size

VARIABLES = ("x", "y", "z", "w", "b")
FUNCTIONS = ("exp", "log", "sigmoid", "tanh", "relu", "max")
MAX_LENGTH = 200
MAX_DEPTH = 20
MAX_NODES = 60
MAX_EXPONENT = 16.0
MAX_CONSTANT = 1e6
# A number other than 0 is at least this large in size: 1e-999999 is not silently 0, and no
# written exponent can ask exact arithmetic for a million digits.
MIN_CONSTANT = 1e-99
MAX_ARGUMENTS = 6
EXPRESSION_FIELD = "f"  # the query parameter, and form field, that holds a typed expression

# Typed forms of the operators a learner may know from paper; mapped to the ASCII ones.
_ALIASES = {"×": "*", "·": "*", "÷": "/", "−": "-"}
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SYMBOLS = ("**", "+", "-", "*", "/", "^", "(", ")", ",")


def _ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, 21st."""
    suffix = (
        "th" if number % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


class ExpressionError(FieldError):
    """An expression the lab refuses; `column` (1-based) points at the problem."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"At the {_ordinal(column)} character: {message}", EXPRESSION_FIELD)
        self.column = column
        self.reason = message


@dataclass(frozen=True)
class Number:
    """A constant, with the text it was written as."""

    value: float
    text: str
    column: int = field(default=0, compare=False)
    # For a part worked out from numbers (0.1+0.2): that part as written, else "".
    written: str = field(default="", compare=False)


@dataclass(frozen=True)
class Name:
    """A variable (or, in a prepared graph, an earlier named node)."""

    name: str
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Negate:
    """−operand."""

    operand: "Expr"
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class BinaryOp:
    """left op right, for + − × ÷."""

    op: str
    left: "Expr"
    right: "Expr"
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Power:
    """base ** exponent, where the exponent is always a plain number."""

    base: "Expr"
    exponent: Number
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Call:
    """One of the lab's functions applied to its arguments."""

    function: str
    args: tuple["Expr", ...]
    column: int = field(default=0, compare=False)


Expr = Number | Name | Negate | BinaryOp | Power | Call


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", a symbol from _SYMBOLS, or "end"
    text: str
    column: int


def describe_character(character: str) -> str:
    """A character as a message can show it: quoted if printable, else its code point."""
    if character.isprintable() and not character.isspace() and ord(character) < 0x2000:
        return f"'{character}'"
    return f"U+{ord(character):04X}"


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        character = text[position]
        column = position + 1
        if character in " \t":
            position += 1
            continue
        if character in _ALIASES:
            tokens.append(_Token(_ALIASES[character], character, column))
            position += 1
            continue
        number = _NUMBER.match(text, position)
        if number:
            tokens.append(_Token("number", number.group(), column))
            position = number.end()
            continue
        name = _NAME.match(text, position)
        if name:
            tokens.append(_Token("name", name.group(), column))
            position = name.end()
            continue
        symbol = next((s for s in _SYMBOLS if text.startswith(s, position)), None)
        if symbol:
            tokens.append(_Token(symbol, symbol, column))
            position += len(symbol)
            continue
        raise ExpressionError(_refusal(character), column)
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


def _refusal(character: str) -> str:
    if character == ".":
        return "'.' may only appear inside a number (attribute access is not allowed)"
    if character in "[]{}":
        return f"{describe_character(character)} is not allowed: use ( and ) for grouping"
    if character in "'\"":
        return "quotes are not allowed: an expression has no text in it"
    return f"the character {describe_character(character)} is not allowed in an expression"


def _shown(name: str) -> str:
    return name if len(name) <= 24 else name[:21] + "..."


class _Parser:
    def __init__(self, text: str, variables: Iterable[str]) -> None:
        self.tokens = _tokens(text)
        self.index = 0
        self.variables = tuple(variables)
        self.nodes = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, kind: str, what: str) -> _Token:
        if self.token.kind != kind:
            raise ExpressionError(f"expected {what} but found {self.found()}", self.token.column)
        return self.advance()

    def found(self) -> str:
        token = self.token
        return "the end of the expression" if token.kind == "end" else f"'{_shown(token.text)}'"

    def count(self, column: int) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ExpressionError(
                f"the expression is too large (more than {MAX_NODES} parts)", column
            )

    def deeper(self, depth: int, column: int) -> int:
        if depth >= MAX_DEPTH:
            raise ExpressionError(f"brackets and functions nest more than {MAX_DEPTH} deep", column)
        return depth + 1

    def parse(self) -> Expr:
        if self.token.kind == "end":
            raise ExpressionError("the expression is empty", 1)
        tree = self.sum(0)
        if self.token.kind != "end":
            raise ExpressionError(
                f"expected an operator but found {self.found()}", self.token.column
            )
        return tree

    def sum(self, depth: int) -> Expr:
        left = self.product(depth)
        while self.token.kind in ("+", "-"):
            operator = self.advance()
            self.count(operator.column)
            left = _folded(BinaryOp(operator.kind, left, self.product(depth), operator.column))
        return left

    def product(self, depth: int) -> Expr:
        left = self.unary(depth)
        while self.token.kind in ("*", "/"):
            operator = self.advance()
            self.count(operator.column)
            left = _folded(BinaryOp(operator.kind, left, self.unary(depth), operator.column))
        return left

    def unary(self, depth: int) -> Expr:
        if self.token.kind in ("-", "+"):
            sign = self.advance()
            operand = self.unary(self.deeper(depth, sign.column))
            if sign.kind == "+":
                return operand
            self.count(sign.column)
            return _folded(Negate(operand, sign.column))
        return self.power(depth)

    def power(self, depth: int) -> Expr:
        base = self.atom(depth)
        if self.token.kind not in ("**", "^"):
            return base
        operator = self.advance()
        self.count(operator.column)
        exponent = self.exponent()
        if self.token.kind in ("**", "^"):
            raise ExpressionError(
                "a power cannot be raised again without brackets; write (a**b)**c",
                self.token.column,
            )
        return _folded(Power(base, exponent, operator.column))

    def exponent(self) -> Number:
        bracketed = self.token.kind == "("
        if bracketed:
            self.advance()
        negative = self.token.kind == "-"
        if negative:
            self.advance()
        if self.token.kind != "number":
            raise ExpressionError(
                f"an exponent must be a plain number such as 2 or -0.5, not {self.found()}",
                self.token.column,
            )
        token = self.advance()
        if bracketed:
            self.expect(")", "')' after the exponent")
        value = _number_value(token)
        if negative:
            value = -value
        if abs(value) > MAX_EXPONENT:
            raise ExpressionError(
                f"the exponent {token.text} is too large: at most {MAX_EXPONENT:g}", token.column
            )
        return Number(value, ("-" if negative else "") + token.text, token.column)

    def atom(self, depth: int) -> Expr:
        token = self.token
        if token.kind == "number":
            self.advance()
            self.count(token.column)
            return Number(_number_value(token), token.text, token.column)
        if token.kind == "(":
            self.advance()
            inner = self.sum(self.deeper(depth, token.column))
            self.expect(")", "')'")
            return inner
        if token.kind == "name":
            return self.name(depth)
        raise ExpressionError(
            f"expected a number, a name or '(' but found {self.found()}", token.column
        )

    def name(self, depth: int) -> Expr:
        token = self.advance()
        self.count(token.column)
        calls = self.token.kind == "("
        if token.text in FUNCTIONS:
            if not calls:
                raise ExpressionError(
                    f"{token.text} is a function: write {token.text}(...)", token.column
                )
            return self.call(token, depth)
        if token.text in self.variables:
            if calls:
                raise ExpressionError(
                    f"{token.text} is a variable, not a function; write {token.text}*(...) "
                    "to multiply",
                    self.token.column,
                )
            return Name(token.text, token.column)
        if len(token.text) > 1 and all(letter in self.variables for letter in token.text):
            product = "*".join(token.text)
            raise ExpressionError(
                f"unknown name '{token.text}': write {product} to multiply", token.column
            )
        raise ExpressionError(
            f"unknown name '{_shown(token.text)}': the lab knows the variables "
            f"{', '.join(self.variables)} and the functions {', '.join(FUNCTIONS)}",
            token.column,
        )

    def call(self, function: _Token, depth: int) -> Expr:
        self.advance()  # "("
        inner = self.deeper(depth, function.column)
        args = [self.sum(inner)]
        while self.token.kind == ",":
            self.advance()
            args.append(self.sum(inner))
        self.expect(")", f"')' to close {function.text}(")
        wanted = (
            f"from two to {number_word(MAX_ARGUMENTS)} arguments"
            if function.text == "max"
            else "one argument"
        )
        if (function.text == "max") != (len(args) >= 2) or len(args) > MAX_ARGUMENTS:
            raise ExpressionError(
                f"{function.text} takes {wanted}, not {len(args)}", function.column
            )
        return _folded(Call(function.text, tuple(args), function.column))


def _number_value(token: _Token) -> float:
    if len(token.text) > 24:
        raise ExpressionError(f"the number {token.text[:12]}... has too many digits", token.column)
    value = float(token.text)
    if not value <= MAX_CONSTANT:
        raise ExpressionError(
            f"the number {_shown(token.text)} is too large: at most {shown_size(MAX_CONSTANT)}",
            token.column,
        )
    written_zero = not re.search(r"[1-9]", re.split("[eE]", token.text)[0])
    if not (written_zero or value >= MIN_CONSTANT):
        raise ExpressionError(
            f"the number {_shown(token.text)} is too small: a number other than 0 must be at "
            f"least {shown_size(MIN_CONSTANT)} in size",
            token.column,
        )
    return value


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}
_CONSTANT_RULES: dict[str, Callable[..., float]] = {
    "exp": math.exp,
    "log": math.log,
    "tanh": math.tanh,
    "sigmoid": lambda v: 1 / (1 + math.exp(-v)),
    "relu": lambda v: max(v, 0.0),
    "max": max,
}


def _folded(tree: Expr) -> Expr:
    """A part with no variable in it becomes one constant, which must be a real number.

    The limits on size are for numbers as written; a part worked out from them, such as
    1e6*10, may be any float, as x*1e6*10 (which is not folded) always could be."""
    if not all(isinstance(child, Number) for child in children(tree)):
        return tree
    try:
        value = constant_value(tree)
    except (ArithmeticError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        raise ExpressionError(
            "this constant part is undefined (a log of 0 or less, a division by 0) or too "
            "large for a float",
            tree.column,
        )
    return Number(value, repr(value), tree.column, _written(tree))


def _written(tree: Expr) -> str:
    """A part made of numbers as the learner wrote it, for saying what it was folded from
    ("0.1 + 0.2"); a part folded before it is bracketed where it has an operator around it
    (or is a negative base of a power)."""

    def part(child: Expr) -> str:
        if not isinstance(child, Number):
            return _written(child)
        text = child.written or child.text
        if " " in text or (isinstance(tree, Power) and text.startswith("-")):
            return f"({text})"
        return text

    match tree:
        case Negate(operand=operand):
            return f"-{part(operand)}"
        case BinaryOp(op=op, left=left, right=right):
            return f"{part(left)} {op} {part(right)}"
        case Power(base=base, exponent=exponent):
            return f"{part(base)}**{exponent.text}"
        case Call(function=function, args=args):
            return f"{function}({', '.join(part(a) for a in args)})"
    return repr(tree)


def constant_value(tree: Expr) -> float:
    """The value of a part whose children are all numbers (raises on a domain error)."""
    values = [child.value for child in children(tree) if isinstance(child, Number)]
    match tree:
        case Number(value=value):
            return value
        case Negate():
            return -values[0]
        case BinaryOp(op=op):
            return _ARITHMETIC[op](*values)
        case Power(exponent=exponent):
            return float(math.pow(values[0], exponent.value))
        case Call(function=function):
            return float(_CONSTANT_RULES[function](*values))
    raise ValueError("not a constant")


def children(tree: Expr) -> tuple[Expr, ...]:
    """The parts an expression is made of (the exponent of a power is not a part)."""
    match tree:
        case Negate(operand=operand):
            return (operand,)
        case BinaryOp(left=left, right=right):
            return (left, right)
        case Power(base=base):
            return (base,)
        case Call(args=args):
            return args
    return ()


def parse_expression(text: str, variables: Iterable[str] = VARIABLES) -> Expr:
    """Parse `text` into a tree, or raise ExpressionError naming the column of the problem."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(text)} characters long; the lab takes at most {MAX_LENGTH}",
            MAX_LENGTH + 1,
        )
    return _Parser(text, variables).parse()


def variables_in(tree: Expr) -> set[str]:
    """The names an expression reads."""
    if isinstance(tree, Name):
        return {tree.name}
    return set().union(*(variables_in(child) for child in children(tree)))
