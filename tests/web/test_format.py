"""The pages' Jinja filters, and every percentage a page shows going through one helper."""

import re
from pathlib import Path

from jinja2 import Environment

import gradquiz.web
from gradquiz.web.format import install_filters

TEMPLATES = Path(gradquiz.web.__file__).parent / "templates"


def test_the_percent_filter_rounds_half_up() -> None:
    env = Environment(autoescape=True)
    install_filters(env)
    page = env.from_string(
        "{{ 1|percent(8) }} {{ 5|percent(8) }} {{ 3|percent(8) }} {{ s|percent }}"
    )
    assert page.render(s=0.125) == "13 63 38 13"


def test_every_percentage_a_template_shows_is_rounded_by_the_helper() -> None:
    # "{{ … }}%" (or " %") is a percentage; it must come from Tally.percent or |percent, never
    # |round or "%.0f", which take a half to the even neighbour.
    shown = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for expression in re.findall(r"\{\{([^}]*)\}\}\s?%", path.read_text()):
            shown.append(expression)
            assert "percent" in expression, f"{path.name}: {expression}"
    assert len(shown) >= 10  # the scan found the pages' percentages
