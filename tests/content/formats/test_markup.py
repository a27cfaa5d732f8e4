"""Markdown ⇄ exchange HTML: what imports make of foreign HTML, and the fixed point exports need."""

import pytest

from gradquiz.content.formats.markup import html_to_markdown, markdown_to_html, plain_to_markdown


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>0.25, at z = 0</p>", "0.25, at z = 0"),
        ("<p>1. not a list</p>", "1\\. not a list"),
        ("<p>12) not a list</p>", "12\\) not a list"),
        ("<p># not a heading</p>", "\\# not a heading"),
        ("<p>- not a bullet</p>", "\\- not a bullet"),
        ("<p>a * b_c [d] $5 | e</p>", "a \\* b\\_c \\[d\\] \\$5 \\| e"),
        ("<p>&amp;copy; &lt;br&gt;</p>", "\\&copy; \\<br>"),
        ("<p>x \\(a_1\\) y \\[b\\] $$c$$</p>", "x $a_1$ y $$b$$ $$c$$"),
        ("<p><b>bold</b> <i>it</i> <code>a*b</code></p>", "**bold** *it* `a*b`"),
        ('<p><a href="https://x.org/a b">link</a></p>', "[link](<https://x.org/a b>)"),
        ("<ul><li>one</li><li>two</li></ul>", "- one\n- two"),
        ("<ol><li>one</li><li>two</li></ol>", "1. one\n2. two"),
        ("<h2>Title</h2><p>text</p>", "## Title\n\ntext"),
        ("<blockquote><p>quoted</p></blockquote>", "> quoted"),
        ('<pre><code class="language-python">x = 1\n</code></pre>', "```python\nx = 1\n```"),
        ("<p>line<br>break</p>", "line\\\nbreak"),
        ('<p><img src="http://tracker/x.png" alt="a chart"></p>', "a chart"),
        (
            '<math><semantics><mi>x</mi><annotation encoding="application/x-tex">x^2'
            "</annotation></semantics></math>",
            "$x^2$",
        ),
        ("<p>a <script>alert(1)</script><style>p{}</style>b</p>", "a b"),
    ],
)
def test_foreign_html_becomes_markdown_that_shows_the_same(html: str, markdown: str) -> None:
    assert html_to_markdown(html) == markdown


@pytest.mark.parametrize(
    "markdown",
    [
        "A node $s = a + b$ and `x*y` with **bold** and 3 < 4 & 5_6.",
        "$$\\frac{a}{b}$$",
        "```python\nc = a * b\nd = c + a\n```",
        "| p | q |\n|---|---|\n| $p$ | `4` |",
        "- one\n- two\n\n1. first\n2. second",
        "Reference: Karpathy, micrograd, engine.py (Value.__add__)",
    ],
)
def test_markdown_to_html_to_markdown_to_html_is_a_fixed_point(markdown: str) -> None:
    html = markdown_to_html(markdown)
    assert markdown_to_html(html_to_markdown(html)) == html


def test_exchange_html_writes_formulas_for_mathjax() -> None:
    assert markdown_to_html("Find $x^2$.") == "<p>Find \\(x^2\\).</p>"
    assert markdown_to_html("$$y < 1$$") == "<p>\\[y &lt; 1\\]</p>"
    assert markdown_to_html("an *option*", inline=True) == "an <em>option</em>"


def test_plain_text_is_escaped_paragraph_by_paragraph() -> None:
    assert (
        plain_to_markdown("1. Cost *is*\n  $5\n\n\nnext \\(x\\)")
        == "1\\. Cost \\*is\\* \\$5\n\nnext $x$"
    )


def test_a_server_imports_no_format_library_until_a_file_is_read() -> None:
    import subprocess
    import sys

    probe = (
        "import sys; import gradquiz.web.app;"
        "print(*(m in sys.modules for m in ('lark', 'lxml', 'defusedxml')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False False"
