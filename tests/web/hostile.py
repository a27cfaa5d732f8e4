"""Inputs meant to break the lab: code, huge numbers, deep nesting, unicode tricks."""

import builtins

_CODE = [
    "__import__('os').system('ls')",
    "__import__(x)",
    "x.__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "x.real",
    "x.__add__(y)",
    "lambda: 1",
    "lambda x: x",
    "[x for x in y]",
    "{x for x in y}",
    "(x for x in y)",
    "{x: y}",
    "x[0]",
    "x[::-1]",
    "'abc'",
    '"abc"',
    "f'{x}'",
    "b'x'",
    "x if y else z",
    "x and y",
    "x or y",
    "not x",
    "x < y",
    "x == y",
    "x @ y",
    "x % y",
    "x // y",
    "~x",
    "x << 2",
    "x >> 2",
    "x & y",
    "x | y",
    "x ^^ y",
    "x; y",
    "x = 1",
    "x := 1",
    "*x",
    "**x",
    "x,",
    "x, y",
    "(x, y)",
    "...",
    "sigmoid(x)(y)",
    "exp",
    "exp()",
    "max(x)",
    "max()",
    "log(x, y)",
    "relu(x, y)",
    "x(y)",
    "0x10",
    "1_000",
    "1j",
    "x # comment",
    "`x`",
    "$x",
    "x\\y",
    "x?y",
    "x!",
    "@x",
    "#",
    "x\ny",
    "x\r\ny",
    "",
    "   ",
    "x +",
    "(x",
    "x)",
    "((x)",
]
_HUGE = [
    "9**9**9",
    "(9**9)**9",
    "x**99999",
    "x**-99",
    "x**1e6",
    "2**16**2*x",  # (a constant part may be any float: 2**64*x is drawn)
    "((1e6**16)**16)*x",
    "1e309",
    "1e999*x",
    "99999999999999999999999*x",
    "exp(exp(exp(999)))*x",
    "log(0)*x",
    "1/0*x",
    "(-1)**0.5*x",
    "exp(x*1000000)",
    "x**16**16",
    "((((x**16)**16)**16)**16)",
    "1" * 60 + "*x",
    "0." + "0" * 40 + "1*x",
]
_NESTING = [
    "(" * 100 + "x" + ")" * 100,
    "-" * 500 + "x",
    "sigmoid(" * 50 + "x" + ")" * 50,
    "x" + "+x" * 200,
    "x*" * 2000 + "x",
    "x" * 10_000,
    "+".join(["x*y"] * 40),
    "max(" + ", ".join(["x"] * 40) + ")",
]
_UNICODE = [
    "x\x00",
    "\x00",
    "x\x00+y",
    "ｘ+1",  # fullwidth x
    "х+1",  # Cyrillic x
    "x\u200b+y",  # zero-width space
    "x\u202e+y",  # right-to-left override
    "x\ufeff",
    "𝑥+1",  # mathematical italic x
    "x\u00a0+y",  # no-break space
    "x⁺y",
    "x²",
    "√x",
    "x\u0301",  # combining accent
    "ℯ**x",
    "π*x",
    "x\x1b[31m",
    "x\x7f",
    "x\u2028y",
]
_NAMES = [f"{name}(x)" for name in dir(builtins) if not name.startswith("_")][:40]
_DUNDERS = [
    f"{name}" for name in ("__builtins__", "__class__", "__dict__", "__globals__", "__code__")
]

HOSTILE_EXPRESSIONS: list[str] = _CODE + _HUGE + _NESTING + _UNICODE + _NAMES + _DUNDERS

HOSTILE_NUMBERS: list[tuple[str, str]] = [
    ("w", "nan"),
    ("w", "NaN"),
    ("x", "inf"),
    ("x", "-inf"),
    ("b", "1e309"),
    ("b", "1e7"),
    ("y", "abc"),
    ("y", ""),
    ("w", "0x10"),
    ("w", "1_000"),
    ("w", "1j"),
    ("w", "\x00"),
    ("w", "1\x00"),
    ("x", "9" * 400),
    ("x", "１"),  # fullwidth digit
    ("x", "٣"),  # Arabic-Indic digit
    ("b", "2**10"),
    ("b", "__import__('os')"),
    ("step", "-1"),
    ("step", "99"),
    ("step", "1.5"),
    ("step", "nan"),
    ("step", "9" * 100),
]

# Already percent-encoded: bytes that are not UTF-8 at all.
HOSTILE_ENCODED = ["%ED%A0%80", "%FF%FE", "x%C0%AE", "%E2%80"]
