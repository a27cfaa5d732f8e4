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


def test_a_time_allowed_is_shown_to_the_second_halves_up() -> None:
    from datetime import timedelta

    from gradquiz.web.format import duration

    # 25 minutes × 1.25: round(1) showed "31.2" (half to even); 31.3 would promise 3 s more.
    assert duration(timedelta(minutes=25) * 1.25) == "31 minutes 15 seconds"
    assert duration(timedelta(minutes=25)) == "25 minutes"
    assert duration(timedelta(minutes=1)) == "1 minute"
    assert duration(timedelta(minutes=25) * 1.333) == "33 minutes 20 seconds"  # 19.5 s, half up
    assert duration(timedelta(seconds=61)) == "1 minute 1 second"
    assert duration(timedelta(seconds=59.5)) == "1 minute"
    assert duration(timedelta(seconds=45)) == "45 seconds"
    assert duration(timedelta(minutes=25) * 4 + timedelta(minutes=600)) == "700 minutes"


def test_no_template_rounds_with_jinjas_round() -> None:
    # Jinja's |round takes a half to the even neighbour (31.25 → 31.2), unlike every page.
    for path in sorted(TEMPLATES.rglob("*.html")):
        assert not re.search(r"\|\s*round\b", path.read_text()), path.name


def test_a_negative_two_decimal_figure_takes_the_minus_sign() -> None:
    # "-0.17 (negative)" on the statistics page, "−" in practice.
    env = Environment(autoescape=True)
    install_filters(env)
    page = env.from_string("{{ d|hundredths }} {{ p|hundredths }} {{ z|hundredths }}")
    assert page.render(d=-0.17, p=0.17, z=-0.001) == "\N{MINUS SIGN}0.17 0.17 0.00"
