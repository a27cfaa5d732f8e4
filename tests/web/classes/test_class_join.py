"""A join link carries a signed-out learner through sign-in or sign-up into the class,
joined; `next` sends a browser only to a path on this site (no open redirect)."""

import re
from datetime import datetime

import pytest

from gradquiz.web.destinations import join_code_of, local_path, with_next
from tests.web.class_site import PASSWORD, Site, instructor, new_class
from tests.web.class_site import site as site  # the fixture

LOCAL = ["/", "/classes", "/join/ABC234", "/progress?topic=chain-rule", "/a/b.c_d-e~f"]
# Every way a `next` could send the browser to another site, or carry a header break.
FOREIGN = [
    "//evil.example",
    "///evil.example",
    "//evil.example/join/ABC234",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "https://evil.example",
    "http:evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "evil.example",
    " /classes",
    "/classes\r\nSet-Cookie: x=1",
    "/classes\t",
    "/classes#top",
    "/" + "a" * 200,
    "",
]


@pytest.mark.parametrize("path", LOCAL)
def test_a_local_path_is_kept(path: str) -> None:
    assert local_path(path) == path


@pytest.mark.parametrize("path", FOREIGN)
def test_anything_that_could_leave_the_site_is_dropped(path: str) -> None:
    assert local_path(path) is None


def test_join_links_and_next_parameters_are_read_back() -> None:
    assert join_code_of("/join/ABC234") == "ABC234"
    assert join_code_of("/join/ABC234/x") is None and join_code_of(None) is None
    assert with_next("/account/sign-in", "/join/ABC234") == "/account/sign-in?next=/join/ABC234"
    assert with_next("/account/sign-in", "/p?a=1&b=2") == "/account/sign-in?next=/p%3Fa%3D1%26b%3D2"
    assert with_next("/account/sign-in", None) == "/account/sign-in"


def test_a_signed_out_learner_sees_the_code_and_the_way_in(site: Site) -> None:
    _, code = new_class(site, instructor(site))
    site.client.cookies.clear()
    page = site.client.get(f"/join/{code}")
    assert page.status_code == 200
    assert f'<strong class="join-code">{code}</strong>' in page.text
    assert f'href="/account/sign-in?next=/join/{code}"' in page.text
    assert f'href="/account/sign-up?next=/join/{code}"' in page.text
    assert "come back with the class code" not in page.text
    sign_in = site.client.get(f"/account/sign-in?next=/join/{code}")
    assert f'<input type="hidden" name="next" value="/join/{code}">' in sign_in.text
    assert f'href="/account/sign-up?next=/join/{code}"' in sign_in.text
    assert f'join the class with code <strong class="join-code">{code}</strong>' in sign_in.text


def test_sign_up_from_a_join_link_lands_in_the_class_joined(site: Site) -> None:
    class_id, code = new_class(site, instructor(site))
    site.client.cookies.clear()
    made = site.client.post(
        "/account/sign-up",
        data={
            "username": "ada",
            "password": PASSWORD,
            "repeated": PASSWORD,
            "next": f"/join/{code}",
        },
    )
    assert made.status_code == 303
    assert made.headers["location"] == f"/classes/{class_id}?notice=joined"
    page = site.client.get(made.headers["location"])
    assert page.status_code == 200 and "You have joined this class exam." in page.text
    assert "Start the exam" in page.text


def test_sign_in_from_a_join_link_lands_in_the_class_joined(site: Site) -> None:
    class_id, code = new_class(site, instructor(site))
    site.person("grace")
    site.client.cookies.clear()
    signed = site.client.post(
        "/account/sign-in",
        data={"username": "grace", "password": PASSWORD, "next": f"/join/{code}"},
    )
    assert signed.headers["location"] == f"/classes/{class_id}?notice=joined"
    assert site.client.get(f"/classes/{class_id}").status_code == 200  # a member now


def test_a_refused_join_after_sign_in_says_why_on_the_join_form(site: Site) -> None:
    teacher = instructor(site)
    class_id, code = new_class(site, teacher)
    closing = site.as_(teacher).post(f"/classes/{class_id}/close", data={"confirm": "yes"})
    assert closing.status_code == 303
    site.person("grace")
    site.client.cookies.clear()
    signed = site.client.post(
        "/account/sign-in", data={"username": "grace", "password": PASSWORD, "next": "/join/ZZZZZZ"}
    )
    assert signed.headers["location"] == "/classes?code=ZZZZZZ&refused=unknown#join"
    page = site.client.get(signed.headers["location"])
    assert "No class exam has that code" in page.text and 'value="ZZZZZZ"' in page.text
    again = site.client.post(
        "/account/sign-in",
        data={"username": "grace", "password": PASSWORD, "next": f"/join/{code}"},
    )
    assert again.headers["location"].endswith("refused=closed#join")
    assert "This class exam has closed" in site.client.get(again.headers["location"]).text


@pytest.mark.parametrize("foreign", FOREIGN)
def test_sign_in_never_sends_the_browser_to_another_site(site: Site, foreign: str) -> None:
    site.person("grace")
    site.client.cookies.clear()
    form = site.client.get("/account/sign-in", params={"next": foreign})
    assert 'name="next"' not in form.text
    signed = site.client.post(
        "/account/sign-in", data={"username": "grace", "password": PASSWORD, "next": foreign}
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/"


@pytest.mark.parametrize("foreign", FOREIGN[:8])
def test_sign_up_never_sends_the_browser_to_another_site(site: Site, foreign: str) -> None:
    made = site.client.post(
        "/account/sign-up",
        data={"username": "ada", "password": PASSWORD, "repeated": PASSWORD, "next": foreign},
    )
    assert made.status_code == 303 and made.headers["location"] == "/account?done=welcome"


def test_a_local_next_is_where_sign_in_goes_and_a_signed_in_browser_goes_straight_on(
    site: Site,
) -> None:
    token = site.person("grace")
    site.client.cookies.clear()
    signed = site.client.post(
        "/account/sign-in", data={"username": "grace", "password": PASSWORD, "next": "/progress"}
    )
    assert signed.headers["location"] == "/progress"
    again = site.as_(token).get("/account/sign-in", params={"next": "/review"})
    assert again.status_code == 303 and again.headers["location"] == "/review"
    foreign = site.as_(token).get("/account/sign-in", params={"next": "//evil.example"})
    assert foreign.headers["location"] == "/account"


def test_a_page_that_needs_an_account_offers_to_sign_in_and_come_back(site: Site) -> None:
    class_id, _ = new_class(site, instructor(site))
    site.client.cookies.clear()
    page = site.client.get(f"/classes/{class_id}")
    assert page.status_code == 403
    assert re.search(rf'href="/account/sign-in\?next=/classes/{class_id}"', page.text)
    posted = site.client.post("/classes/join", data={"code": "abc-234"})
    assert posted.headers["location"] == "/account/sign-in?next=/join/abc234"


def test_the_learner_page_states_their_time_as_the_deadline_counts_it(site: Site) -> None:
    teacher = instructor(site)
    class_id, code = new_class(site, teacher)
    learner = site.person("ada")
    assert site.as_(learner).post("/classes/join", data={"code": code}).status_code == 303
    given = site.as_(teacher).post(
        f"/classes/{class_id}/time",
        data={"username": "ada", "multiplier": "1.25", "extra_minutes": "0"},
    )
    assert given.status_code == 303
    page = site.as_(learner).get(f"/classes/{class_id}")
    # A 25-minute exam × 1.25 is 31 min 15 s: round(1) showed "31.2 minutes".
    assert "31 minutes 15 seconds (with your extra time)" in page.text
    started = site.as_(learner).post(f"/api/v1/classes/{class_id}/attempts").json()
    attempt = site.as_(learner).get(f"/api/v1/attempts/{started['attempt_id']}").json()
    begun, deadline = (datetime.fromisoformat(attempt[k]) for k in ("started_at", "deadline"))
    assert (deadline - begun).total_seconds() == 31 * 60 + 15


def test_every_sign_in_link_on_the_sign_up_page_from_a_join_link_keeps_the_class(
    site: Site,
) -> None:
    _, code = new_class(site, instructor(site))
    site.client.cookies.clear()
    for path in (f"/join/{code}", f"/account/sign-up?next=/join/{code}"):
        page = site.client.get(path).text
        links = re.findall(r'href="(/account/sign-in[^"]*)"', page)
        assert links and set(links) == {f"/account/sign-in?next=/join/{code}"}, (path, links)


def test_a_join_link_while_signed_in_shows_the_class_and_joins_with_one_named_button(
    site: Site,
) -> None:
    class_id, code = new_class(site, instructor(site))
    token = site.person("grace")
    page = site.as_(token).get(f"/join/{code}")
    assert page.status_code == 200
    title = re.search(r"Join ([^<?]+)\?</h2>", page.text)
    assert title and title.group(1)
    named = title.group(1)
    assert f'<button type="submit" class="button primary">Join {named}</button>' in page.text
    assert "Time limit" in page.text and "Window" in page.text
    assert f'<input type="hidden" name="code" value="{code}">' in page.text
    joined = site.as_(token).post("/classes/join", data={"code": code})
    assert joined.headers["location"] == f"/classes/{class_id}"
    again = site.as_(token).get(f"/join/{code}")
    assert again.status_code == 303 and again.headers["location"] == f"/classes/{class_id}"
    unknown = site.as_(token).get("/join/ZZZZZZ")
    assert unknown.headers["location"] == "/classes?code=ZZZZZZ#join"
