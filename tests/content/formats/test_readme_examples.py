"""The README's example file for each format imports as the README says it does."""

import re
from pathlib import Path

import pytest

from gradquiz.content.formats import Format, detect_format, read_questions

README = Path(__file__).parents[3] / "README.md"
EXAMPLE = re.compile(r"```(gift|xml|csv)\n(.*?)```\n\n`gradquiz import` says `([^`]+)`", re.DOTALL)


def examples() -> list[tuple[str, str, str]]:
    section = README.read_text().split("## Bringing your own questions", 1)[1].split("\n## ")[0]
    return EXAMPLE.findall(section)


def test_there_is_an_example_of_each_format() -> None:
    assert [kind for kind, _, _ in examples()] == ["gift", "xml", "xml", "csv"]


@pytest.mark.parametrize(("kind", "text", "summary"), examples())
def test_each_example_imports_as_the_readme_says(kind: str, text: str, summary: str) -> None:
    data = text.encode()
    report = read_questions(data, detect_format(f"example.{kind}", data))
    assert report.summary() == summary
    assert all(q.stem and q.key for q in report.questions)


def test_the_refusals_the_readme_names() -> None:
    found = {kind: text for kind, text, _ in examples()}
    gift = read_questions(found["gift"].encode(), Format.GIFT)
    assert [(r.name, r.rule) for r in gift.refused] == [
        ("two-keys", "2 right answers; one is needed")
    ]
    csv = read_questions(found["csv"].encode(), Format.CSV)
    assert [(r.where, r.rule) for r in csv.refused] == [("line 3", "options 1 and 2 read the same")]
