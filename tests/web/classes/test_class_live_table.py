"""The live page's table: search, filter and sort by query (the same for live.json), a
per-row Extra time that fills in the form, refusals in an error banner with the input
kept, and notices only from fixed texts."""

import re

import pytest

from gradquiz.web.classes.live import SHOWS, SORTS
from tests.web.class_site import Site, instructor, new_class, seated
from tests.web.class_site import site as site  # the fixture


@pytest.fixture
def busy(site: Site) -> tuple[Site, str, str]:
    """A class of four: one joined only, two in progress (one with extra time), one
    submitted; returns the site, the class id and the instructor's token."""
    teacher = instructor(site)
    class_id, code = new_class(site, teacher)
    joined = site.as_(site.person("Zoe"))
    assert joined.post("/classes/join", data={"code": code}).status_code == 303
    seated(site, code, class_id, "ada", submit=False)
    seated(site, code, class_id, "alan", submit=False)
    seated(site, code, class_id, "grace", submit=True)
    given = site.as_(teacher).post(
        f"/classes/{class_id}/time",
        data={"username": "alan", "multiplier": "1.5", "extra_minutes": "10"},
    )
    assert given.status_code == 303
    return site, class_id, teacher


def names(html: str) -> list[str]:
    body = html.split('id="live-rows">')[1].split("</tbody>")[0]
    return re.findall(r'<th scope="row">([^<]+?)(?: <span|</th>)', body)


# Every filter, with who it shows, in name order.
SHOWN = {
    "all": ["ada", "alan", "grace", "Zoe"],
    "joined": ["Zoe"],
    "in-progress": ["ada", "alan"],
    "submitted": ["grace"],
    "extra-time": ["alan"],
}
# Every sort, ascending (ties in name order).
SORTED = {
    "name": ["ada", "alan", "grace", "Zoe"],
    "state": ["Zoe", "ada", "alan", "grace"],
    "answered": ["Zoe", "ada", "alan", "grace"],
    "left": ["grace", "Zoe", "ada", "alan"],
    "score": ["ada", "alan", "Zoe", "grace"],
}

# And descending (ties still in name order).
SORTED_DOWN = {
    "name": ["Zoe", "grace", "alan", "ada"],
    "state": ["grace", "ada", "alan", "Zoe"],
    "answered": ["ada", "alan", "grace", "Zoe"],
    "left": ["alan", "ada", "grace", "Zoe"],
    "score": ["grace", "ada", "alan", "Zoe"],
}


def test_every_filter_and_sort_is_covered() -> None:
    assert set(SHOWN) == set(SHOWS) and set(SORTED) == set(SORTS) == set(SORTED_DOWN)


# Every filter and every sort on one class: the table is read, never changed, so one class
# serves them all (a class per case cost 20 set-ups of four learners).
def test_each_filter_shows_its_learners_on_the_page_and_in_live_json(
    busy: tuple[Site, str, str],
) -> None:
    site, class_id, teacher = busy
    client = site.as_(teacher)
    for show, expected in SHOWN.items():
        page = client.get(f"/classes/{class_id}/live", params={"show": show})
        assert names(page.text) == expected, show
        assert f'<option value="{show}" selected>' in page.text, show
        data = client.get(f"/classes/{class_id}/live.json", params={"show": show}).json()
        assert [r["username"] for r in data["rows"]] == expected, show
        assert data["shown"] == len(expected) and data["counts"]["joined"] == 4, show


def test_each_sort_orders_both_ways(busy: tuple[Site, str, str]) -> None:
    site, class_id, teacher = busy
    client = site.as_(teacher)
    for sort, expected in SORTED.items():
        up = client.get(f"/classes/{class_id}/live", params={"sort": sort})
        assert names(up.text) == expected, sort
        assert re.search(
            rf'<th scope="col" aria-sort="ascending"><a href="[^"]*sort={sort}', up.text
        ) or (sort == "name" and 'aria-sort="ascending"><a href="?order=desc' in up.text), sort
        down = client.get(f"/classes/{class_id}/live.json", params={"sort": sort, "order": "desc"})
        assert [r["username"] for r in down.json()["rows"]] == SORTED_DOWN[sort], sort


def test_search_finds_part_of_a_username_whatever_its_case(busy: tuple[Site, str, str]) -> None:
    site, class_id, teacher = busy
    client = site.as_(teacher)
    page = client.get(f"/classes/{class_id}/live", params={"q": "A"})
    assert names(page.text) == ["ada", "alan", "grace"]
    assert 'Showing <span id="count-shown">3</span> of 4 learners.' in page.text
    assert 'value="A"' in page.text and "Show everyone" in page.text
    none = client.get(f"/classes/{class_id}/live", params={"q": "nobody", "show": "joined"})
    assert "No learner matches" in none.text
    odd = client.get(f"/classes/{class_id}/live", params={"sort": "x", "order": "up", "show": "?"})
    assert odd.status_code == 200 and names(odd.text) == SORTED["name"]


def test_a_rows_extra_time_fills_in_the_form_with_their_current_time(
    busy: tuple[Site, str, str],
) -> None:
    site, class_id, teacher = busy
    client = site.as_(teacher)
    page = client.get(f"/classes/{class_id}/live")
    assert page.text.count('">Extra time</a></td>') == 4
    # Its row header names whose it is (link purpose in context): no label per row, which
    # would add about 90 KB to a class of 2,000.
    assert '<td><a href="?time_for=alan#time">Extra time</a></td></tr>' in page.text
    filled = client.get(f"/classes/{class_id}/live", params={"time_for": "ALAN"})
    form = filled.text.split('id="time-form"')[1].split("</form>")[0]
    assert 'value="alan"' in form and 'value="1.5"' in form and 'value="10"' in form


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ({"username": "ada", "multiplier": "9", "extra_minutes": "5"}, "multiplier from 1 to 4"),
        ({"username": "ada", "multiplier": "1", "extra_minutes": "601"}, "0 to 600 minutes"),
        ({"username": "ada", "multiplier": "x", "extra_minutes": "0"}, "must be a number"),
        ({"username": "nobody", "multiplier": "1.25", "extra_minutes": "0"}, "No member"),
    ],
)
def test_a_refused_extra_time_is_an_error_with_the_input_kept(
    busy: tuple[Site, str, str], typed: dict[str, str], reason: str
) -> None:
    site, class_id, teacher = busy
    refused = site.as_(teacher).post(f"/classes/{class_id}/time", data=typed)
    assert refused.status_code == 422
    error = refused.text.split('<div class="alert error" role="alert" id="time-error">')[1]
    assert reason in error.split("</div>")[0]
    assert 'class="alert success"' not in refused.text
    form = refused.text.split('id="time-form"')[1].split("</form>")[0]
    for value in typed.values():
        assert f'value="{value}"' in form
    assert 'aria-describedby="time-error"' in form


@pytest.mark.parametrize(
    "notice", ["Closed. 999 attempts submitted.", "<b>x</b>", "closed", "time", "joined"]
)
def test_a_notice_is_a_fixed_text_never_the_address(
    busy: tuple[Site, str, str], notice: str
) -> None:
    site, class_id, teacher = busy
    page = site.as_(teacher).get(f"/classes/{class_id}/live", params={"notice": notice})
    status = re.findall(r'<div class="alert success" role="status"><p>(.*?)</p>', page.text)
    if notice == "time":  # the log has alan's extra time: the notice names it from there
        assert status == ["Extra time set: alan: time × 1.5, +10 min."]
    else:  # nothing was closed; an unknown code shows nothing
        assert status == []
    # the notice never echoes the address: neither its count nor its markup (the class id is
    # random hex and may hold "999", so look for the sentence, not the digits)
    assert "999 attempts" not in page.text and "<b>x</b>" not in page.text
