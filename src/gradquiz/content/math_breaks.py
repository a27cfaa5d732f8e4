"""Line breaks in long inline formulas. A browser never breaks a line inside a `<math>`
element, so a long formula in running text (`f(w+h) − f(w−h) over 2h = … = 12.01`) made a
phone's page scroll sideways. As TeX and KaTeX do, such a formula may break after a relation
or a binary operator at its top level: it is written as one `<math>` per piece, each ending
with its operator, with a `<wbr>` between them."""

import xml.etree.ElementTree as ET

from gradquiz.content.mathml import MATHML_NS

_TAG = f"{{{MATHML_NS}}}"
_RELATIONS = {"=", "\u2248", "<", ">", "\u2264", "\u2265", "\u2260", "\u2190", "\u2192", "\u221d"}
_BINARY = {"+", "-", "\u2212", "\u00b1", "\u00d7", "\u22c5", "\u00b7"}
_OPEN, _CLOSE = {"(", "[", "{", "\u27e8"}, {")", "]", "}", "\u27e9"}
# A formula narrower than this many tokens fits any line: it stays whole. Width is told by
# structure, not characters (a number is one token however many digits it has; a fraction
# is as wide as its wider part; a script counts 0.7), so a formula breaks the same way for
# every seed of a generator, as the shape its numbers are put back into.
LONG = 10
_TOKENS = {f"{_TAG}{name}" for name in ("mi", "mn", "mo", "mtext")}
_WIDEST = {f"{_TAG}{name}" for name in ("mfrac", "munder", "mover", "munderover")}
_SCRIPTED = {f"{_TAG}{name}" for name in ("msub", "msup", "msubsup")}


def width(element: ET.Element) -> float:
    """About how many tokens wide `element` is drawn."""
    if element.tag in _TOKENS:
        return 1.0
    parts = [width(child) for child in element]
    if element.tag in _WIDEST:
        return max(parts, default=0.0)
    if element.tag in _SCRIPTED and parts:
        return parts[0] + 0.7 * sum(parts[1:])
    return sum(parts)


def breakable(mathml: str) -> str:
    """The inline formula `mathml` as pieces a line may break between (itself if short,
    displayed, or without an operator to break after)."""
    root = ET.fromstring(mathml)
    if root.get("display") == "block":
        return mathml
    row = root[0] if len(root) == 1 and root[0].tag == f"{_TAG}mrow" else root
    if width(row) < LONG:
        return mathml
    pieces: list[list[ET.Element]] = [[]]
    depth = 0
    for child in list(row):
        pieces[-1].append(child)
        text = (child.text or "").strip() if child.tag == f"{_TAG}mo" else ""
        depth += (text in _OPEN) - (text in _CLOSE)
        if depth == 0 and child.get("form") != "prefix" and text in _RELATIONS | _BINARY:
            pieces.append([])
    pieces = [piece for piece in pieces if piece]
    if len(pieces) < 2:
        return mathml
    return "<wbr>".join(_math(root, piece) for piece in pieces)


def _math(root: ET.Element, children: list[ET.Element]) -> str:
    math = ET.Element(root.tag, dict(root.attrib))
    row = ET.SubElement(math, f"{_TAG}mrow")
    row.extend(children)
    return ET.tostring(math, encoding="unicode")
