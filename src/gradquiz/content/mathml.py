"""Typographic fixes to latex2mathml's output, so formulas read as they would in print.

latex2mathml emits one flat `<mrow>` per group, and a browser lays out an operator by
its position in that row. Three things come out wrong, and are put right here:

- a minus that starts a quantity (`(-0.7, 0.8)`, `= -1`) is spaced like a subtraction;
- a named function (`\\log p_2`) runs into its argument with no space;
- an inline fraction is set at script size, too small to read on a phone;
- a script after a bracket (`(y - a)^2`, `(X^T G)_{dm}`) is attached to the closing
  bracket alone, so it sits with the bracket instead of the bracketed group;
- a prime (`\\sigma'`) is set as a superscript, shrunk to a dot: the prime sign is
  already raised, so it follows its base at full size instead;
- bars of an absolute value (`|z|`) are spaced like relations.
"""

import xml.etree.ElementTree as ET
from functools import cache

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_TAG = f"{{{MATHML_NS}}}"
_SIGNS = {"\u2212", "+", "-", "\u00b1"}
# After these a sign starts a quantity; after anything else (a number, a letter, a closing
# bracket, a script) it is a binary operator.
_OPENERS = {"(", "[", "{", ",", ";", ":", "=", "<", ">", "\u2264", "\u2265", "\u2248", "\u2260"}
_OPENERS |= {"+", "-", "\u2212", "\u00b1", "\u00d7", "\u22c5", "\u2217", "/", "\u2190", "\u2192"}
_FUNCTIONS = {"log", "ln", "exp", "sin", "cos", "tan", "tanh", "sinh", "cosh", "max", "min"}
_FUNCTIONS |= {"arg", "argmax", "argmin", "det", "sup", "inf", "lim", "relu", "ReLU", "softmax"}
_THIN_SPACE = "0.1667em"

ET.register_namespace("", MATHML_NS)


def polish(mathml: str) -> str:
    """The same formula with prefix signs, function spacing and inline fractions fixed."""
    root = ET.fromstring(mathml)
    _visit(root)
    if root.get("display") != "block":
        _enlarge_fractions(root)
    return ET.tostring(root, encoding="unicode")


def _visit(element: ET.Element) -> None:
    _group_scripted_brackets(element)
    _unraise_primes(element)
    children = list(element)
    _mark_prefix_signs(children)
    _space_after_functions(element, children)
    for child in element:
        _visit(child)


_PRIMES = {"\u2032", "\u2033", "'"}
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def _unraise_primes(element: ET.Element) -> None:
    for position, child in reversed(list(enumerate(element))):
        if not _is(child, "msup", "msubsup") or len(child) < 2:
            continue
        script = child[-1]
        inner = script[0] if _is(script, "mrow") and len(script) == 1 else script
        if (inner.text or "").strip() not in _PRIMES or len(inner):
            continue
        prime = ET.Element(f"{_TAG}mo", {"lspace": "0", "rspace": "0"})
        prime.text = (inner.text or "").strip().replace("'", "\u2032")
        if _is(child, "msup"):
            element.remove(child)
            element.insert(position, child[0])
        else:
            child.tag = f"{_TAG}msub"
            child.remove(script)
        element.insert(position + 1, prime)


def _group_scripted_brackets(element: ET.Element) -> None:
    children = list(element)
    for position, child in enumerate(children):
        if not _is(child, "msub", "msup", "msubsup") or not len(child):
            continue
        base = child[0]
        opener = _CLOSERS.get((base.text or "").strip()) if _is(base, "mo") else None
        start = _matching_opener(children, position, opener) if opener else None
        if start is None:
            continue
        group = ET.Element(f"{_TAG}mrow")
        for inner in children[start:position]:
            element.remove(inner)
            group.append(inner)
        child.remove(base)
        group.append(base)
        child.insert(0, group)
        _group_scripted_brackets(element)  # positions moved: start again on the new row
        return


def _matching_opener(children: list[ET.Element], closer: int, opener: str) -> int | None:
    closing = (children[closer][0].text or "").strip()
    depth = 1
    for position in range(closer - 1, -1, -1):
        text = (children[position].text or "").strip() if _is(children[position], "mo") else ""
        depth += (text == closing) - (text == opener)
        if depth == 0:
            return position
    return None


def _mark_prefix_signs(children: list[ET.Element]) -> None:
    bars_open = False
    previous: ET.Element | None = None
    for child in children:
        text = (child.text or "").strip()
        if _is(child, "mo") and text in _SIGNS and _starts_quantity(previous, bars_open):
            child.set("form", "prefix")
            child.set("lspace", "0")
            child.set("rspace", "0")
        if _is(child, "mo") and text in {"|", "\u2016"}:
            bars_open = not bars_open
            child.set("lspace", "0")
            child.set("rspace", "0")
        previous = child


def _starts_quantity(previous: ET.Element | None, bars_open: bool) -> bool:
    if previous is None:
        return True
    if not _is(previous, "mo"):
        return False
    text = (previous.text or "").strip()
    if text in {"|", "\u2016"}:
        # A bar that opens an absolute value is followed by a quantity; one that closes is not.
        return bars_open
    return text in _OPENERS


def _space_after_functions(element: ET.Element, children: list[ET.Element]) -> None:
    for position, child in reversed(list(enumerate(children))):
        if not (_is(child, "mi") and (child.text or "").strip() in _FUNCTIONS):
            continue
        following = children[position + 1] if position + 1 < len(children) else None
        if following is None or _is(following, "mspace"):
            continue
        if (
            _is(following, "mo")
            and (following.text or "").strip() in {"(", "[", "\u2061"} | _PRIMES
        ):
            continue
        space = ET.Element(f"{_TAG}mspace", {"width": _THIN_SPACE})
        element.insert(position + 1, space)


def _enlarge_fractions(element: ET.Element) -> None:
    # Only fractions in the running text: one inside a script or another fraction stays small.
    for child in element:
        if _is(child, "mfrac"):
            child.set("displaystyle", "true")
        elif _is(child, "mstyle") and child.get("displaystyle") == "false":
            continue  # \tfrac: the author asked for a small fraction
        elif not _is(child, "msub", "msup", "msubsup", "munder", "mover", "munderover", "mroot"):
            _enlarge_fractions(child)


def _is(element: ET.Element, *names: str) -> bool:
    return element.tag in _tags(names)


@cache
def _tags(names: tuple[str, ...]) -> frozenset[str]:
    # Built once per set of names: building it on every call was a third of polish's time.
    return frozenset(_TAG + name for name in names)
