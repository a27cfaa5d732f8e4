"""The minutes a sitting used, as the results page and its CSV give them."""

from datetime import timedelta

import pytest

from gradquiz.web.classes.results import minutes_used


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(1875, "31.3"), (1871, "31.2"), (63, "1.1"), (3, "0.1"), (90, "1.5"), (0.5, "0.0")],
)
def test_minutes_used_round_a_half_up(seconds: float, shown: str) -> None:
    # ":.1f" took 31.25 minutes (1,875 s) to 31.2, half to even.
    assert minutes_used(timedelta(seconds=seconds)) == shown
