"""The characters a browser draws with the math font: every character of the pack's rendered
formulas, as Chromium's MathML shows them (a one-letter identifier in italic), so the bundled
font can hold those glyphs and no others."""

import random
import re
import unicodedata
from collections.abc import Iterable, Iterator
from html import unescape

from gradquiz.content.render import MarkdownRenderer
from gradquiz.core.packs import Pack
from gradquiz.core.questions import Question

_MATH = re.compile(r"<math\b[^>]*>(.*?)</math>", re.DOTALL)
_TOKEN = re.compile(r"<(mi|mn|mo|mtext|ms)\b([^>]*)>([^<]*)</\1>")
_VARIANT = re.compile(r'mathvariant="([a-z-]+)"')
# MathML's mathvariant values, as Unicode names the Mathematical Alphanumeric Symbols.
_STYLES = {
    "italic": "ITALIC",
    "bold": "BOLD",
    "bold-italic": "BOLD ITALIC",
    "double-struck": "DOUBLE-STRUCK",
    "script": "SCRIPT",
    "fraktur": "FRAKTUR",
    "sans-serif": "SANS-SERIF",
    "monospace": "MONOSPACE",
}
# Letters whose styled form sits outside that block (Unicode filled the gaps earlier).
_OUTSIDE = {("ITALIC", "h"): "\u210e"}
# Variants of every generated question read for its formulas (each seed is one variant).
SEEDS_PER_GENERATOR = 40


def styled(char: str, style: str) -> str:
    """`char` in a mathematical style ("ITALIC", ...), or itself if Unicode has no such form."""
    if (style, char) in _OUTSIDE:
        return _OUTSIDE[(style, char)]
    try:
        name = unicodedata.name(char)
    except ValueError:
        return char
    for prefix, size in (("LATIN CAPITAL LETTER ", "CAPITAL "), ("LATIN SMALL LETTER ", "SMALL ")):
        if name.startswith(prefix):
            name = size + name.removeprefix(prefix)
    for prefix, size in (("GREEK CAPITAL LETTER ", "CAPITAL "), ("GREEK SMALL LETTER ", "SMALL ")):
        if name.startswith(prefix):
            name = size + name.removeprefix(prefix)
    if char.isdigit() and style in ("BOLD", "DOUBLE-STRUCK", "SANS-SERIF", "MONOSPACE"):
        name = "DIGIT " + name.removeprefix("DIGIT ")
    try:
        return unicodedata.lookup(f"MATHEMATICAL {style} {name}")
    except KeyError:
        return char


def math_characters(html: str) -> set[str]:
    """Every character the math font draws in `html`'s formulas, as the browser shows it: a
    one-character identifier without a `mathvariant` in italic (MathML Core's math-auto)."""
    found: set[str] = set()
    for formula in _MATH.findall(html):
        for tag, attributes, raw in _TOKEN.findall(formula):
            text = unescape(raw).strip()
            variant = _VARIANT.search(attributes)
            style = _STYLES.get(variant[1]) if variant else None
            if style is None and not variant and tag == "mi" and len(text) == 1:
                style = "ITALIC"
            found |= {styled(char, style) if style else char for char in text}
        if "<msqrt" in formula or "<mroot" in formula:
            found.add("√")  # the browser draws the radical sign itself
    return {char for char in found if not char.isspace()}


def rendered_blocks(pack: Pack, seeds: int = SEEDS_PER_GENERATOR) -> Iterator[str]:
    """The HTML of every text block of `pack` that may hold a formula: the page around the
    exam, every static question, and `seeds` variants of every generated one."""
    renderer = MarkdownRenderer(pack.page.glossary)
    page = pack.page
    yield from (renderer.block(text) for text in (page.intro, page.why, page.interview_tip))
    yield from (renderer.block(term.definition) for term in page.glossary)
    for interview in page.interview_questions:
        yield renderer.inline(interview.text)
        yield renderer.block(interview.model_answer)
        yield from (renderer.inline(point) for point in interview.key_points)
    for question in pack.questions.values():
        for shown in _shown(question, seeds):
            yield from _question_blocks(shown, renderer)


def _shown(question: Question, seeds: int) -> Iterable[Question]:
    if not question.parametrized:
        return [question]
    rng = random.Random(question.id)
    return [question.resolve(rng.randrange(2**63)) for _ in range(seeds)]


def _question_blocks(question: Question, renderer: MarkdownRenderer) -> Iterator[str]:
    yield renderer.block(question.stem)
    yield renderer.block(question.explanation)
    for option in question.options:
        yield renderer.inline(option.text)
        yield renderer.block(option.feedback)


def margin() -> set[str]:
    """Characters a new formula is likely to need, kept in the font beyond what the pack uses
    today: printable ASCII, Greek letters, and both in the italic an identifier is shown in."""
    letters = [chr(c) for c in range(0x21, 0x7F)] + [
        chr(c) for c in (*range(0x391, 0x3AA), *range(0x3B1, 0x3CA)) if c != 0x3A2
    ]
    return set(letters) | {styled(char, "ITALIC") for char in letters}


def pack_math_characters(pack: Pack, seeds: int = SEEDS_PER_GENERATOR) -> set[str]:
    """Every character the math font draws anywhere in `pack`'s rendered text."""
    found: set[str] = set()
    for html in rendered_blocks(pack, seeds):
        found |= math_characters(html)
    return found
