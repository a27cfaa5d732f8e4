"""Tools for writing a pack's question generators.

A generator takes a seeded `random.Random` and returns a `Variant`. Its key is derived with
sympy, checked against an independent numeric estimate (`KeyCheck`), and every distractor is
the value a named mistake produces (`Choice`). `numeric_variant` assembles the options and
redraws (by raising `VariantRejected`) when two of them would read the same or lie closer
than OPTION_SPACING, exact or as shown, so a typed number can never mean two of them;
`key_at_random_rank` and `distractors_around` place the key at a uniformly drawn rank among
ordered options.
"""

from gradquiz.core.option_spacing import OPTION_SPACING, relative_error
from gradquiz.core.questions import LabLink, Option
from gradquiz.core.variants import KeyCheck, Variant, VariantRejected
from gradquiz.generators.numbers import (
    approx,
    centred_difference,
    compiled,
    evaluate,
    fmt,
    shown_difference,
)
from gradquiz.generators.options import (
    Choice,
    distractors_around,
    key_at_random_rank,
    numeric_variant,
    text_variant,
)

__all__ = [
    "OPTION_SPACING",
    "Choice",
    "KeyCheck",
    "LabLink",
    "Option",
    "Variant",
    "VariantRejected",
    "approx",
    "centred_difference",
    "compiled",
    "distractors_around",
    "evaluate",
    "fmt",
    "key_at_random_rank",
    "numeric_variant",
    "relative_error",
    "shown_difference",
    "text_variant",
]
