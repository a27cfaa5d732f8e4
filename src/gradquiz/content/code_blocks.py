"""Fenced code in a pack: a ```python block must be Python; pseudo-code says so.

A block whose info string starts with `pseudocode` is shown as plain text and never run;
every ```python block must parse, and the test suite runs each one.
"""

from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from gradquiz.content.problems import Problem

PSEUDOCODE = "pseudocode"
PYTHON = "python"
# The pack files that hold Markdown, directly or inside TOML strings or question sections.
MARKDOWN_FILES = ("page/*.md", "page/*.toml", "questions/**/*.txt")

_PARSER = MarkdownIt("commonmark")


@dataclass(frozen=True)
class FencedCode:
    """One fenced block: its language (the info string's first word), code and line."""

    language: str
    code: str
    line: int  # of the opening fence, counted from 1


def fenced_code(text: str) -> list[FencedCode]:
    """Every fenced code block in `text`, in order."""
    return [
        FencedCode(
            language=(token.info.split() or [""])[0].lower(),
            code=token.content,
            line=token.map[0] + 1 if token.map else 1,
        )
        for token in _PARSER.parse(text)
        if token.type == "fence"
    ]


def python_blocks(directory: Path) -> list[tuple[Path, FencedCode]]:
    """Every ```python block in the pack at `directory`, with the file that holds it."""
    return [
        (path, block)
        for path in _markdown_files(directory)
        for block in fenced_code(path.read_text(encoding="utf-8"))
        if block.language == PYTHON
    ]


def code_block_problems(directory: Path) -> list[Problem]:
    """A problem for each ```python block in the pack that is not valid Python."""
    problems = []
    for path, block in python_blocks(directory):
        try:
            compile(block.code, str(path), "exec", dont_inherit=True)
        except SyntaxError as error:
            problems.append(
                Problem(
                    path,
                    block.line + (error.lineno or 0),
                    f"the ```{PYTHON} block does not parse ({error.msg}); mark it "
                    f"```{PSEUDOCODE} if it is not meant to be Python",
                )
            )
    return problems


def _markdown_files(directory: Path) -> list[Path]:
    return sorted({p for pattern in MARKDOWN_FILES for p in directory.glob(pattern)})
