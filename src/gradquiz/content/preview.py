"""The opening words of a rendered stem, for lists that name questions without showing them."""

from html import escape
from html.parser import HTMLParser

# A formula counts as this many characters of the preview, however long its markup.
_FORMULA_WIDTH = 6
_VOID = {"br", "img", "mspace", "wbr"}


def first_words(html: str, limit: int = 90) -> str:
    """The first paragraph of `html` cut after about `limit` visible characters, with "…".

    Formulas are kept whole and tags are closed, so the result is as safe as its input.
    Code blocks and display formulas end the preview.
    """
    parser = _Preview(limit)
    parser.feed(html)
    parser.close()
    return parser.result()


class _Preview(HTMLParser):
    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=True)
        self.limit = limit
        self.width = 0
        self.parts: list[str] = []
        self.open: list[str] = []
        self.math_depth = 0
        self.done = False
        self.cut = False
        self.unfinished = False  # the paragraph ended mid-sentence: anything after is cut

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            self.cut = self.cut or self.unfinished
            return
        if tag in {"pre", "table", "ul", "ol"} or (
            tag == "div" and ("class", "math-display") in attrs
        ):
            self._stop(cut=bool(self.parts))
            return
        if tag == "p":
            return
        if tag == "math":
            self.math_depth += 1
        self.parts.append(self.get_starttag_text() or "")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.done:
            return
        if tag == "p":
            # "A computational graph computes" then a display formula: the sentence goes on
            # past the preview, so it ends "…" if anything follows.
            text = "".join(self.parts).rstrip()
            self.unfinished = bool(text) and not text.endswith((".", "?", "!", ":", ">"))
            self._stop(cut=False)
            return
        if self.open and self.open[-1] == tag:
            self.open.pop()
            self.parts.append(f"</{tag}>")
        if tag == "math":
            self.math_depth -= 1
            self.width += _FORMULA_WIDTH
            if self.width >= self.limit:
                self._stop(cut=True)

    def handle_data(self, data: str) -> None:
        if self.done:
            self.cut = self.cut or (self.unfinished and bool(data.strip()))
            return
        if self.math_depth:
            self.parts.append(escape(data, quote=False))
            return
        room = self.limit - self.width
        if len(data) <= room:
            self.parts.append(escape(data, quote=False))
            self.width += len(data)
            return
        cut = data[:room].rsplit(" ", 1)[0] if " " in data[:room] else data[:room]
        self.parts.append(escape(cut.rstrip(" ,;:"), quote=False))
        self._stop(cut=True)

    def _stop(self, *, cut: bool) -> None:
        self.done = True
        self.cut = cut

    def result(self) -> str:
        closing = "".join(f"</{tag}>" for tag in reversed(self.open))
        return "".join(self.parts).strip() + closing + ("…" if self.cut else "")
