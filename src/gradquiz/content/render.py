"""Markdown to safe HTML: MathML for `$...$`, Pygments for code, glossary links, nh3 cleaning."""

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from gradquiz.content.formulas import numbers_held, numbers_put_back, to_mathml
from gradquiz.core.packs import GlossaryTerm

_MATHML_TAGS = {
    "math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt", "mroot",
    "mstyle", "merror", "mpadded", "mphantom", "msub", "msup", "msubsup", "munder", "mover",
    "munderover", "mtable", "mtr", "mtd", "menclose", "semantics", "annotation",
}  # fmt: skip
_MATHML_ATTRIBUTES = {
    "xmlns", "display", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace",
    "accent", "accentunder", "form", "displaystyle", "scriptlevel", "columnalign", "rowspacing",
    "columnspacing", "width", "height", "depth", "notation", "linethickness", "minsize",
    "maxsize", "movablelimits", "symmetric", "largeop", "encoding",
}  # fmt: skip
# A formula on one line, as the dollarmath plugin reads `$...$` (not `$$`, not escaped).
_INLINE_MATH = re.compile(r"(?<![\\$])\$([^$\n]+)\$(?!\$)")
_ALLOWED_TAGS = nh3.ALLOWED_TAGS | _MATHML_TAGS | {"span", "div", "pre", "code"}
_ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    **{tag: _MATHML_ATTRIBUTES for tag in _MATHML_TAGS},
    "span": {"class"},
    "div": {"class", "tabindex"},
    "pre": {"class", "tabindex"},
    "code": {"class"},
    "a": {"href", "title", "class"},
}


def highlight_code(code: str, language: str = "python") -> str:
    """Highlight `code` with Pygments as a `<pre>` block (plain text for unknown languages)."""
    try:
        lexer = get_lexer_by_name(language or "text")
    except ClassNotFound:
        lexer = get_lexer_by_name("text")
    spans = highlight(code, lexer, HtmlFormatter(nowrap=True))
    return f'<pre class="highlight" tabindex="0"><code>{spans}</code></pre>'


def pygments_css() -> str:
    """Style sheet for highlighted code."""
    return str(HtmlFormatter(style="xcode").get_style_defs(".highlight"))  # type: ignore[no-untyped-call]


# Built once: passing the allow-lists to nh3.clean on every call costs most of its time.
_CLEANER = nh3.Cleaner(tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES, link_rel=None)


def sanitise(html: str) -> str:
    """Drop anything from `html` that is not on the allow-list (scripts, handlers, styles)."""
    return _CLEANER.clean(html)


class MarkdownRenderer:
    """Renders pack Markdown; glossary terms become links to their entries on the landing page."""

    def __init__(self, glossary: Sequence[GlossaryTerm] = (), glossary_url: str = "/#") -> None:
        self._md = MarkdownIt("commonmark", {"html": False, "highlight": _highlight_fence})
        self._md.use(dollarmath_plugin, allow_space=True, allow_digits=False, renderer=_math)
        self._md.enable("table")
        self._md.add_render_rule("math_block", _display_math)
        self._terms = _term_pattern(glossary)
        self._slugs = {t.term.lower(): t.slug for t in glossary}
        self._glossary_url = glossary_url
        if self._terms is not None:
            self._md.core.ruler.push("glossary_links", self._link_terms)

        self._shapes = lru_cache(maxsize=2048)(self._render)

    def block(self, text: str, *, link_glossary: bool = False) -> str:
        """Render block Markdown (paragraphs, lists, code, display math) to safe HTML."""
        return self._by_shape(text, True, link_glossary)

    def inline(self, text: str) -> str:
        """Render one line of Markdown without a wrapping paragraph (for options)."""
        return self._by_shape(text, False, False)

    def _by_shape(self, text: str, block: bool, link_glossary: bool) -> str:
        # A variant's text changes from seed to seed mostly in the numbers of its formulas.
        # Those become placeholders, the text's shape is rendered once and kept, and the
        # numbers go back into their <mn> elements. Numbers in a one-line formula do not
        # change how the Markdown around it parses; where a placeholder does not come out
        # as an <mn> of its own, the text is rendered as it is.
        numbers: dict[str, str] = {}
        shape = _INLINE_MATH.sub(lambda m: f"${numbers_held(m[1], numbers)}$", text)
        if numbers:
            html = numbers_put_back(self._shapes(shape, block, link_glossary), numbers)
            if html is not None:
                return html
        return self._render(text, block, link_glossary)

    def _render(self, text: str, block: bool, link_glossary: bool) -> str:
        env = {"link_glossary": link_glossary}
        return sanitise(self._md.render(text, env) if block else self._md.renderInline(text, env))

    def _link_terms(self, state: StateCore) -> None:
        if not state.env.get("link_glossary") or self._terms is None:
            return
        linked: set[str] = set()
        for block in state.tokens:
            if block.type == "inline" and block.children:
                block.children = list(self._split_children(block.children, linked))

    def _split_children(self, children: Iterable[Token], linked: set[str]) -> Iterable[Token]:
        depth = 0
        for token in children:
            depth += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type != "text" or depth:
                yield token
                continue
            yield from self._split_text(token.content, linked)

    def _split_text(self, text: str, linked: set[str]) -> Iterable[Token]:
        assert self._terms is not None
        position = 0
        for match in self._terms.finditer(text):
            key = match.group("term").lower()
            if key in linked:
                continue
            linked.add(key)
            if match.start() > position:
                yield _text(text[position : match.start()])
            href = f"{self._glossary_url}glossary-{self._slugs[key]}"
            yield Token("link_open", "a", 1, attrs={"href": href, "class": "glossary-link"})
            yield _text(match.group(0))
            yield Token("link_close", "a", -1)
            position = match.end()
        if position < len(text):
            yield _text(text[position:])


def _math(content: str, options: dict[str, object]) -> str:
    return to_mathml(content.strip(), bool(options.get("display_mode")))


def _display_math(
    _renderer: object, tokens: Sequence[Token], index: int, _options: object, _env: object
) -> str:
    # Focusable so that keyboard users can scroll a formula wider than a phone screen.
    mathml = to_mathml(tokens[index].content.strip(), True)
    return f'<div class="math-display" tabindex="0">{mathml}</div>\n'


def _highlight_fence(code: str, language: str, _attrs: str) -> str:
    return highlight_code(code, language)


def _term_pattern(glossary: Sequence[GlossaryTerm]) -> re.Pattern[str] | None:
    if not glossary:
        return None
    terms = sorted((re.escape(t.term) for t in glossary), key=len, reverse=True)
    return re.compile(rf"\b(?P<term>{'|'.join(terms)})s?\b", re.IGNORECASE)


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token
