"""Question text between gradquiz's Markdown and what exchange formats carry: HTML, plain text.

Exports write HTML with formulas as `\\(…\\)` and `\\[…\\]`, as Moodle's MathJax and most
QTI players read them; imports turn HTML (sanitised first, with the pack pages' allow-list)
back into Markdown with `$…$` and `$$…$$`. Markdown → HTML → Markdown → HTML gives the same
HTML twice, so exports of imports are byte-identical.
"""

import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from gradquiz.content.render import sanitise

MEDIA_PREFIX = "media/"
# Formulas in HTML or plain text, as MathJax delimits them (and `$$…$$`, which it reads too).
_LATEX = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$", re.DOTALL)
# The same in Markdown, where `$$…$$` is already gradquiz's own.
_MARKDOWN_LATEX = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.DOTALL)
# Characters that would make plain text read as Markdown markup or a formula.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]$|])")
_SPACES = re.compile(r"\s+")
_NEEDS_ESCAPE = re.compile(r"[\\`*_\[\]$|&<]")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_AUTOLINK_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
# What would start a heading, quote, list or underline at the start of a line.
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)](\s|$)))")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLOCK_TAGS = {
    "p", "div", "pre", "table", "ul", "ol", "blockquote", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
}  # fmt: skip


def _render_rule(template: str) -> Any:
    def rule(_self: object, tokens: Sequence[Token], index: int, _o: object, _e: object) -> str:
        return template.format(escapeHtml(tokens[index].content.strip()))

    return rule


@cache
def _exchange_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": True})
    md.use(dollarmath_plugin, allow_space=True, allow_digits=False)
    md.enable("table")
    md.add_render_rule("math_inline", _render_rule("\\({}\\)"))
    md.add_render_rule("math_inline_double", _render_rule("\\[{}\\]"))
    md.add_render_rule("math_block", _render_rule("<p>\\[{}\\]</p>\n"))
    return md


def markdown_to_html(text: str, *, inline: bool = False) -> str:
    """Exchange HTML for gradquiz Markdown: XHTML, formulas as MathJax-delimited LaTeX."""
    md = _exchange_markdown()
    html: str = md.renderInline(text) if inline else md.render(text)
    return html.strip()


def latex_to_dollars(markdown: str) -> str:
    """Markdown whose formulas are written `\\(…\\)` or `\\[…\\]`, with `$…$` and `$$…$$`."""
    return _MARKDOWN_LATEX.sub(
        lambda m: f"${m[1].strip()}$" if m[1] is not None else f"$${m[2].strip()}$$", markdown
    )


def plain_to_markdown(text: str) -> str:
    """Plain text as Markdown that shows it as written (formulas in it kept as formulas)."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(
        _escape_line_starts(_escape_text(" ".join(p.split()))) for p in paragraphs if p.strip()
    )


def html_to_markdown(html: str, media: Mapping[str, str] | None = None) -> str:
    """Sanitised HTML as Markdown; images `media` maps are kept, others become their alt text."""
    if "<" not in html and "&" not in html:  # text alone, as most options are: no parsing
        return _escape_line_starts(_tidy(_collapse(_CONTROL.sub("", html))))
    import lxml.html  # imported on first use: a server that imports nothing never needs it

    clean = _CONTROL.sub("", sanitise(html)).strip()  # lxml takes no control characters
    if not clean:
        return ""
    root = lxml.html.fragment_fromstring(clean, create_parent="div")
    return "\n\n".join(_Converter(media or {}).blocks(root)).strip()


def _escape_text(text: str) -> str:
    """Text as Markdown: formulas become `$…$`/`$$…$$`, everything else is escaped."""
    if "\\" not in text and "$$" not in text:  # no formula: the common case, and quick
        return _escape_plain(text)
    parts = []
    position = 0
    for match in _LATEX.finditer(text):
        parts.append(_escape_plain(text[position : match.start()]))
        if match.group(1) is not None:
            parts.append(f"${match.group(1).strip()}$")
        else:
            parts.append(f"$${(match.group(2) or match.group(3)).strip()}$$")
        position = match.end()
    parts.append(_escape_plain(text[position:]))
    return "".join(parts)


def escape_markdown(text: str) -> str:
    """Plain text (a reference, say) as Markdown that shows it as written."""
    return _escape_plain(text)


def unescape_markdown(text: str) -> str:
    """Undo Markdown's backslash escapes of punctuation."""
    return _ESCAPED.sub(r"\1", text)


def _escape_plain(text: str) -> str:
    if not _NEEDS_ESCAPE.search(text):
        return text
    text = _MARKDOWN_SPECIALS.sub(r"\\\1", text)
    text = _ENTITY_LIKE.sub(r"\\&", text)
    return _AUTOLINK_LIKE.sub(r"\\<", text)


def _escape_line_starts(text: str) -> str:
    return "\n".join(_LINE_START.sub(_escape_marker, line) for line in text.split("\n"))


def _escape_marker(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    # A list number is kept and its '.' or ')' escaped: a backslash escapes punctuation only.
    return f"{indent}{marker}\\" if marker[0].isdigit() else f"{indent}\\{marker}"


class _Converter:
    """Walks sanitised HTML: block elements become Markdown blocks, the rest inline text."""

    def __init__(self, media: Mapping[str, str]) -> None:
        self._media = media

    def blocks(self, element: Any) -> list[str]:
        found: list[str] = []
        inline: list[str] = [_collapse(element.text)]

        def flush() -> None:
            text = "".join(inline).strip()
            inline.clear()
            if text:
                found.append(_escape_line_starts(_tidy(text)))

        for child in element:
            if not isinstance(child.tag, str):
                inline.append(_collapse(child.tail))
                continue
            if child.tag in _BLOCK_TAGS:
                flush()
                found.extend(self._block(child))
            else:
                inline.append(self.inline(child))
            inline.append(_collapse(child.tail))
        flush()
        return found

    def _block(self, element: Any) -> list[str]:
        tag = element.tag
        if tag == "pre":
            code = element.find("code")
            source = code if code is not None else element
            language = ""
            for name in (source.get("class") or "").split():
                language = name.removeprefix("language-") if name.startswith("language-") else ""
            body = source.text_content().rstrip("\n")
            fence = "```" if "```" not in body else "~~~~"
            return [f"{fence}{language}\n{body}\n{fence}"]
        if tag in {"ul", "ol"}:
            items = [li for li in element if isinstance(li.tag, str) and li.tag == "li"]
            marks = [f"{n}." if tag == "ol" else "-" for n in range(1, len(items) + 1)]
            lines = [
                f"{mark} {' '.join(self.blocks(li))}" for mark, li in zip(marks, items, strict=True)
            ]
            return ["\n".join(lines)] if lines else []
        if tag == "table":
            return self._table(element)
        if tag == "hr":
            return ["***"]
        if tag[0] == "h" and tag[1:].isdigit():
            return [f"{'#' * int(tag[1:])} {_tidy(self.inline_children(element))}"]
        inner = self.blocks(element)
        if tag == "blockquote":
            return ["\n".join(f"> {line}" for line in "\n\n".join(inner).split("\n"))]
        return inner

    def _table(self, element: Any) -> list[str]:
        rows = [row for row in element.iter("tr")]
        if not rows:
            return []
        cells = [
            [
                _tidy(self.inline_children(c)).replace("\n", " ")
                for c in row
                if c.tag in {"th", "td"}
            ]
            for row in rows
        ]
        width = max(len(row) for row in cells)
        lines = ["| " + " | ".join(row + [""] * (width - len(row))) + " |" for row in cells]
        lines.insert(1, "|" + "---|" * width)
        return ["\n".join(lines)]

    def inline_children(self, element: Any) -> str:
        parts = [_collapse(element.text)]
        for child in element:
            if isinstance(child.tag, str):
                parts.append(self.inline(child))
            parts.append(_collapse(child.tail))
        return "".join(parts)

    def inline(self, element: Any) -> str:
        tag = element.tag
        if tag == "br":
            return "\\\n"
        if tag == "img":
            name = self._media.get(element.get("src") or "")
            alt = _escape_text(element.get("alt") or "")
            return f"![{alt}]({MEDIA_PREFIX}{name})" if name else alt
        if tag == "code":
            body = element.text_content()
            ticks = "``" if "`" in body else "`"
            return f"{ticks}{body}{ticks}"
        if tag in _BLOCK_TAGS or tag == "li":
            return " ".join(self.blocks(element))
        if tag == "math":
            return _mathml(element)
        inner = self.inline_children(element)
        if not inner.strip():
            return inner
        if tag in {"strong", "b"}:
            return f"**{inner.strip()}**"
        if tag in {"em", "i"}:
            return f"*{inner.strip()}*"
        if tag == "a" and element.get("href"):
            return f"[{inner}](<{element.get('href').replace('>', '%3E')}>)"
        return inner


def _mathml(element: Any) -> str:
    for annotation in element.iter("annotation"):
        if "tex" in (annotation.get("encoding") or "").lower():
            return f"${annotation.text_content().strip()}$"
    return _escape_text(" ".join(element.text_content().split()))


def _collapse(text: str | None) -> str:
    """HTML text as Markdown: runs of white space fold to one space, then it is escaped."""
    if not text:
        return ""
    return _escape_text(_SPACES.sub(" ", text))


def _tidy(text: str) -> str:
    return "\n".join(line.strip() for line in text.strip().split("\n"))
