from gradquiz.content.render import MarkdownRenderer, highlight_code, sanitise
from gradquiz.core.packs import GlossaryTerm

GLOSSARY = (
    GlossaryTerm("Chain rule", "chain-rule", "d"),
    GlossaryTerm("Computational graph", "computational-graph", "d"),
)


def test_inline_math_becomes_mathml() -> None:
    html = MarkdownRenderer().block(r"Since $\sigma'(z) \le \frac{1}{4}$, gradients shrink.")
    assert "<math" in html and "<mfrac" in html and "$" not in html


def test_display_math_is_a_block() -> None:
    html = MarkdownRenderer().block("$$\nf = x \\cdot y\n$$")
    assert 'display="block"' in html


def test_code_fence_is_highlighted_with_pygments() -> None:
    html = MarkdownRenderer().block("```python\nw.grad += 1\n```")
    assert '<pre class="highlight"' in html and '<span class="o">+=</span>' in html


def test_raw_html_and_scripts_never_survive() -> None:
    html = MarkdownRenderer().block(
        "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert "<script" not in sanitise('<p onclick="x()">hi<script>bad()</script></p>')


def test_glossary_terms_link_once_in_explanations_only() -> None:
    renderer = MarkdownRenderer(GLOSSARY)
    text = "The chain rule and computational graphs; the chain rule again."
    linked = renderer.block(text, link_glossary=True)
    assert linked.count('href="/#glossary-chain-rule"') == 1
    assert 'href="/#glossary-computational-graph"' in linked
    assert ">computational graphs</a>" in linked
    assert "glossary-link" not in renderer.block(text)


def test_glossary_terms_are_not_linked_inside_code_or_links() -> None:
    renderer = MarkdownRenderer(GLOSSARY)
    html = renderer.block("`chain rule` and [chain rule](https://example.org)", link_glossary=True)
    assert "glossary-link" not in html


def test_unknown_language_falls_back_to_plain_text() -> None:
    assert "<pre" in highlight_code("x := 1", "no-such-language")
