"""Account pages: the header, cookies, refusals as 4xx pages, rotation, sign-out, deletion."""

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from gradquiz.core.accounts import Role
from gradquiz.core.classes import ClassExam
from gradquiz.services.classes import ClassService
from gradquiz.services.exam import ExamService
from gradquiz.services.passwords import Passwords
from gradquiz.storage.models import AccountRow
from gradquiz.storage.ownership import OWNED
from gradquiz.web.accounts.pages import HOLDING_NAMES
from gradquiz.web.app import create_app
from gradquiz.web.identity import COOKIE
from gradquiz.web.sessions import SESSION_COOKIE
from tests.conftest import app_settings
from tests.factories import CHEAP_HASHER, class_rules
from tests.services.test_accounts import rows_mentioning
from tests.web.exam.test_exam_pages import page_text

PASSWORD = "correct horse battery"
PAGES = ("/account/sign-up", "/account/sign-in", "/account", "/account/deleted")


def accounts_app(service: ExamService, **settings: object) -> FastAPI:
    """The app, with argon2id at its cheapest so that sign-ins are quick."""
    app = create_app(app_settings(service.database, **settings), service=service)
    app.state.accounts.passwords = Passwords(CHEAP_HASHER)
    return app


@pytest.fixture
def app(service: ExamService) -> FastAPI:
    return accounts_app(service)


def sign_up(client: TestClient, name: str = "ada", password: str = PASSWORD) -> str:
    made = client.post(
        "/account/sign-up", data={"username": name, "password": password, "repeated": password}
    )
    assert made.status_code == 303, page_text(made.text)
    assert made.headers["location"] == "/account?done=welcome"
    return str(client.cookies[SESSION_COOKIE])


def sign_in(client: TestClient, name: str = "ada", password: str = PASSWORD) -> int:
    return client.post(
        "/account/sign-in", data={"username": name, "password": password}
    ).status_code


def header(client: TestClient, path: str = "/") -> str:
    markup = client.get(path).text
    found = re.search(r'<header class="site-header">.*?</header>', markup, flags=re.S)
    assert found, path
    return found.group()


def test_the_header_offers_sign_in_then_names_the_account_with_a_sign_out_form(
    client: TestClient,
) -> None:
    for path in ("/", "/lab", "/interview/chain-rule", "/no/such/page", "/account/sign-up"):
        assert 'href="/account/sign-in">Sign in</a>' in header(client, path), path
    sign_up(client, "Ada.L")
    for path in ("/", "/lab", "/interview/chain-rule", "/no/such/page", "/account"):
        signed = header(client, path)
        assert 'href="/account" class="account-link">' in signed and "Ada.L</a>" in signed, path
        assert '<form method="post" action="/account/sign-out"' in signed, path
        assert "Sign in</a>" not in signed, path


def test_the_session_cookie_is_httponly_lax_and_secure_when_set_so(service: ExamService) -> None:
    for secure in (False, True):
        app = accounts_app(service, secure_cookies=secure)
        with TestClient(app, follow_redirects=False) as client:
            made = client.post(
                "/account/sign-up",
                data={"username": f"ada{secure}", "password": PASSWORD, "repeated": PASSWORD},
            )
        cookie = made.headers["set-cookie"].lower()
        assert cookie.startswith(f"{SESSION_COOKIE}=") and "httponly" in cookie
        assert "samesite=lax" in cookie and "path=/" in cookie and "max-age=2592000" in cookie
        assert ("; secure" in cookie) is secure


def test_the_real_app_stores_argon2id_with_rfc_9106_parameters(service: ExamService) -> None:
    app = create_app(app_settings(service.database), service=service)
    with TestClient(app, follow_redirects=False) as client:
        sign_up(client)
    with service.database.read() as session:
        stored = session.scalar(select(AccountRow.password_hash))
    assert stored is not None and stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_browsers_exam_and_interview_answer_go_with_it_into_the_account(
    client: TestClient, other_client: TestClient
) -> None:
    attempt = client.post("/api/v1/attempts").json()["id"]
    client.post(f"/api/v1/attempts/{attempt}/submit")
    client.post("/interview/chain-rule/answer", data={"answer": "Local derivatives, multiplied."})
    sign_up(client)
    made = page_text(client.get("/account?done=welcome").text)
    assert "Your account is ready" in made
    assert re.search(r"Exam attempts\s*1\b", made)
    assert re.search(r"Interview answers\s*1\b", made)
    assert sign_in(other_client) == 303
    landing = page_text(other_client.get("/").text)
    assert "Your results" in landing and "1 of 6 questions answered" not in landing
    assert other_client.get(f"/api/v1/attempts/{attempt}/result").status_code == 200
    assert "Local derivatives, multiplied." in other_client.get("/interview/chain-rule").text


def test_wrong_password_and_unknown_username_get_the_same_page(client: TestClient) -> None:
    sign_up(client)
    client.cookies.clear()
    pages = [
        client.post("/account/sign-in", data={"username": name, "password": password})
        for name, password in (("ada", "wrong password!"), ("nobody", PASSWORD))
    ]
    assert [p.status_code for p in pages] == [422, 422]
    texts = [page_text(p.text).replace("nobody", "ada") for p in pages]
    assert texts[0] == texts[1] and "Wrong username or password." in texts[0]
    assert "<title>Error: Sign in" in pages[0].text
    assert 'value="ada"' in pages[0].text and "wrong password!" not in pages[0].text


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"username": "a b", "password": PASSWORD, "repeated": PASSWORD}, "3 to 32 characters"),
        ({"username": "ada", "password": "short", "repeated": "short"}, "at least 10"),
        ({"username": "ada", "password": PASSWORD, "repeated": "other"}, "differ"),
        ({"username": "ada\x00", "password": PASSWORD, "repeated": PASSWORD}, "U+0000"),
        ({"username": "x" * 300, "password": PASSWORD, "repeated": PASSWORD}, "at most 200"),
        ({"username": "ada"}, "password"),
    ],
)
def test_bad_sign_ups_are_clear_4xx_pages(
    client: TestClient, form: dict[str, str], message: str
) -> None:
    refused = client.post("/account/sign-up", data=form)
    assert refused.status_code == 422 and message in page_text(refused.text)
    assert SESSION_COOKIE not in refused.headers.get("set-cookie", "")


def test_taken_usernames_are_refused_whatever_their_case(
    client: TestClient, other_client: TestClient
) -> None:
    sign_up(client, "Ada")
    taken = other_client.post(
        "/account/sign-up", data={"username": "aDA", "password": PASSWORD, "repeated": PASSWORD}
    )
    assert taken.status_code == 422 and "aDA is taken" in page_text(taken.text)


def test_the_kelvin_sign_is_refused_at_sign_up_and_reaches_no_account_at_sign_in(
    client: TestClient, other_client: TestClient
) -> None:
    sign_up(client, "kelvin")
    look_alike = "\u212aelvin"
    refused = other_client.post(
        "/account/sign-up",
        data={"username": look_alike, "password": PASSWORD, "repeated": PASSWORD},
    )
    assert refused.status_code == 422 and "3 to 32 characters" in page_text(refused.text)
    assert sign_in(other_client, look_alike) == 422
    assert SESSION_COOKIE not in other_client.cookies
    assert sign_in(other_client, "Kelvin") == 303


def test_ten_wrong_passwords_in_a_row_are_throttled_with_retry_after(client: TestClient) -> None:
    sign_up(client)
    assert [sign_in(client, password="wrong password") for _ in range(10)] == [422] * 10
    refused = client.post("/account/sign-in", data={"username": "ada", "password": PASSWORD})
    assert refused.status_code == 429
    assert 14 * 60 <= int(refused.headers["retry-after"]) <= 15 * 60 + 1
    assert "Too many failed sign-ins for this username" in page_text(refused.text)
    assert '<form method="post" action="/account/sign-in"' in refused.text


def test_sign_in_rotates_the_session_and_the_old_cookie_stops_working(
    client: TestClient, other_client: TestClient
) -> None:
    first = sign_up(client)
    assert sign_in(client) == 303
    second = client.cookies[SESSION_COOKIE]
    assert second != first
    other_client.cookies.set(SESSION_COOKIE, first)
    assert "Sign in</a>" in header(other_client)
    assert other_client.get("/account").headers["location"] == "/account/sign-in"
    other_client.cookies.set(SESSION_COOKIE, second)
    assert "ada</a>" in header(other_client)


def test_a_planted_session_cookie_is_replaced_at_sign_in(
    client: TestClient, other_client: TestClient
) -> None:
    sign_up(client)
    planted = "p" * 43  # an attacker's chosen value, waiting for the victim to sign in
    other_client.cookies.set(SESSION_COOKIE, planted)
    signed = other_client.post("/account/sign-in", data={"username": "ada", "password": PASSWORD})
    issued = signed.headers["set-cookie"]
    assert issued.startswith(f"{SESSION_COOKIE}=") and planted not in issued
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, planted)
    assert "Sign in</a>" in header(client)


def test_sign_out_is_a_post_that_ends_the_session(client: TestClient) -> None:
    token = sign_up(client)
    identity = client.cookies[COOKIE]
    assert client.get("/account/sign-out").status_code == 405
    out = client.post("/account/sign-out")
    assert out.status_code == 303 and out.headers["location"] == "/"
    cleared = out.headers.get_list("set-cookie")
    assert any(c.startswith(f'{SESSION_COOKIE}=""') and "Max-Age=0" in c for c in cleared)
    assert client.cookies[COOKIE] not in ("", identity)
    client.cookies.set(SESSION_COOKIE, token)  # a copy of the cookie kept somewhere
    assert "Sign in</a>" in header(client)


def plant(victim: TestClient, cookie: str) -> None:
    """Put `cookie` in the victim's browser as if the app had set it (a sibling site can)."""
    victim.cookies.set(COOKIE, cookie, domain="testserver.local")


def test_sign_up_in_and_out_each_give_a_fresh_identity_so_a_planted_copy_reads_nothing(
    client: TestClient, other_client: TestClient
) -> None:
    victim, planter = client, other_client
    planters_own = planter.post("/api/v1/attempts").json()["id"]
    planter.post(f"/api/v1/attempts/{planters_own}/submit")
    planted = planter.cookies[COOKIE]
    plant(victim, planted)
    victims_own = victim.post("/api/v1/attempts").json()["id"]  # under the planted identity
    sign_up(victim)
    after_sign_up = victim.cookies[COOKIE]
    assert after_sign_up != planted
    # What the victim did before signing up is in their account, out of the planter's reach.
    assert victim.get(f"/api/v1/attempts/{victims_own}").status_code == 200
    assert planter.get(f"/api/v1/attempts/{victims_own}").status_code == 404
    # The planter works on under the old identity; signing in again brings none of it along.
    planted_later = planter.post("/api/v1/attempts").json()["id"]
    assert sign_in(victim) == 303
    assert victim.cookies[COOKIE] not in (planted, after_sign_up)
    assert victim.get(f"/api/v1/attempts/{planted_later}").status_code == 404
    assert planter.get(f"/api/v1/attempts/{planted_later}").status_code == 200
    # Planted again before signing in: the browser leaves signed in with a fresh one all the same.
    victim.post("/account/sign-out")
    plant(victim, planted)
    assert sign_in(victim) == 303 and victim.cookies[COOKIE] != planted
    assert victim.post("/account/sign-out").status_code == 303
    anonymous_again = victim.post("/api/v1/attempts").json()["id"]
    assert planter.get(f"/api/v1/attempts/{anonymous_again}").status_code == 404


def test_changing_the_password_signs_out_every_other_browser(
    client: TestClient, other_client: TestClient
) -> None:
    sign_up(client)
    assert sign_in(other_client) == 303
    new = "another long passphrase"
    wrong = client.post(
        "/account/password", data={"current": "not it!!!", "new": new, "repeated": new}
    )
    assert wrong.status_code == 422 and "current password is not right" in page_text(wrong.text)
    changed = client.post(
        "/account/password", data={"current": PASSWORD, "new": new, "repeated": new}
    )
    assert changed.status_code == 303 and changed.headers["location"] == "/account?done=password"
    assert "Your password is changed" in page_text(client.get(changed.headers["location"]).text)
    assert "Sign in</a>" in header(other_client)
    assert sign_in(other_client) == 422 and sign_in(other_client, password=new) == 303


def test_account_pages_need_a_sign_in(client: TestClient) -> None:
    assert client.get("/account").headers["location"] == "/account/sign-in"
    for path in ("/account/password", "/account/delete"):
        refused = client.post(path, data={"password": PASSWORD})
        assert refused.status_code == 403 and "not signed in" in page_text(refused.text)
    sign_up(client)
    assert client.get("/account/sign-in").headers["location"] == "/account"


def test_deleting_the_account_removes_it_and_forgets_the_browser(
    client: TestClient, service: ExamService
) -> None:
    client.post("/interview/chain-rule/answer", data={"answer": "Mine."})
    sign_up(client, "Qx-Deleted-3")
    owner = service.database
    wrong = client.post("/account/delete", data={"password": "not my password"})
    assert wrong.status_code == 422 and "That password is not right." in page_text(wrong.text)
    gone = client.post("/account/delete", data={"password": PASSWORD})
    assert gone.status_code == 303 and gone.headers["location"] == "/account/deleted"
    assert "Your account is deleted" in page_text(client.get("/account/deleted").text)
    assert rows_mentioning(owner, "qx-deleted-3", "Mine.") == []
    assert "Sign in</a>" in header(client)


def test_sign_in_and_sign_up_from_another_site_are_refused(client: TestClient) -> None:
    forged = {"Sec-Fetch-Site": "cross-site"}
    for path, form in (
        ("/account/sign-up", {"username": "ada", "password": PASSWORD, "repeated": PASSWORD}),
        ("/account/sign-in", {"username": "ada", "password": PASSWORD}),
        ("/account/sign-out", {}),
        ("/account/delete", {"password": PASSWORD}),
        ("/account/classes/some-class/hand-over", {"username": "someone"}),
        ("/account/classes/some-class/archive", {}),
    ):
        refused = client.post(path, data=form, headers=forged)
        assert refused.status_code == 403 and "another site" in refused.text, path


def test_account_pages_carry_no_inline_script_and_describe_themselves(client: TestClient) -> None:
    sign_up(client)
    for path in PAGES:
        markup = client.get(path, follow_redirects=True).text
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", markup, flags=re.S)
        assert all('src="' in attrs and not body.strip() for attrs, body in scripts), path
        assert not re.search(r"\son[a-z]+=", markup), path
        assert '<meta name="description" content="' in markup, path


def instructor_with_a_class(app: FastAPI, client: TestClient, name: str = "teach") -> ClassExam:
    """An instructor signed in on `client`, with a class exam open now."""
    app.state.accounts.create_account(username=name, password=PASSWORD, role=Role.INSTRUCTOR)
    assert sign_in(client, name) == 303
    teacher = app.state.accounts.signed_in(client.cookies[SESSION_COOKIE])
    classes: ClassService = app.state.classes
    exam: ClassExam = classes.create(instructor=teacher, rules=class_rules(classes.now()))
    return exam


def sat_and_submitted(learner: TestClient, exam: ClassExam) -> str:
    sign_up(learner, "learner")
    assert learner.post("/classes/join", data={"code": exam.code}).status_code == 303
    started = learner.post(f"/classes/{exam.id}/start")
    attempt_id = started.headers["location"].rsplit("/", 1)[-1]
    learner.put(f"/api/v1/attempts/{attempt_id}/answers/1", json={"option": "A"})
    assert learner.post(f"/api/v1/attempts/{attempt_id}/submit").status_code == 200
    return attempt_id


def test_an_instructor_is_told_what_deleting_does_and_learners_keep_their_results(
    app: FastAPI, client: TestClient, other_client: TestClient
) -> None:
    exam = instructor_with_a_class(app, client)
    attempt_id = sat_and_submitted(other_client, exam)
    told = page_text(client.get("/account").text)
    assert "You still run 1 class exam (Week 3 backprop quiz)" in told
    assert "learners keep seeing their attempts and results" in told
    refused = client.post("/account/delete", data={"password": PASSWORD})
    assert refused.status_code == 422
    assert "tick “Archive my class exams”" in page_text(refused.text)
    assert '<form method="post" action="/account/delete"' in refused.text
    assert client.get("/classes").status_code == 200  # still signed in, nothing deleted
    deleted = client.post("/account/delete", data={"password": PASSWORD, "archive_classes": "yes"})
    assert deleted.headers["location"] == "/account/deleted"
    for path in (f"/attempts/{attempt_id}/result", f"/api/v1/attempts/{attempt_id}/result"):
        assert other_client.get(path).status_code == 200, path
    class_page = other_client.get(f"/classes/{exam.id}")
    assert "Your instructor has archived this class exam" in page_text(class_page.text)
    assert f'href="/attempts/{attempt_id}/result"' in class_page.text


def test_a_class_exam_is_handed_over_or_archived_from_the_account_page(
    app: FastAPI, client: TestClient, other_client: TestClient
) -> None:
    handed = instructor_with_a_class(app, client)
    kept = app.state.classes.create(
        instructor=app.state.accounts.signed_in(client.cookies[SESSION_COOKIE]),
        rules=class_rules(app.state.classes.now(), title="Week 4 quiz"),
    )
    app.state.accounts.create_account(username="colleague", password=PASSWORD, role=Role.INSTRUCTOR)
    assert sign_in(other_client, "colleague") == 303
    page = client.get("/account")
    for exam in (handed, kept):
        assert f'action="/account/classes/{exam.id}/hand-over"' in page.text
        assert f'action="/account/classes/{exam.id}/archive"' in page.text
    refused = client.post(f"/account/classes/{handed.id}/hand-over", data={"username": "nobody"})
    assert refused.status_code == 422
    assert "There is no instructor named nobody" in page_text(refused.text)
    assert f'action="/account/classes/{handed.id}/hand-over"' in refused.text
    done = client.post(f"/account/classes/{handed.id}/hand-over", data={"username": "Colleague"})
    assert done.headers["location"] == "/account?done=handed-over#classes"
    assert "The class exam is handed over" in page_text(
        client.get("/account?done=handed-over").text
    )
    assert other_client.get(f"/classes/{handed.id}/live").status_code == 200
    assert client.get(f"/classes/{handed.id}/live").status_code == 404
    assert client.post(f"/account/classes/{handed.id}/archive").status_code == 404  # not theirs
    archived = client.post(f"/account/classes/{kept.id}/archive")
    assert archived.headers["location"] == "/account?done=archived#classes"
    after = page_text(client.get("/account?done=archived").text)
    assert "The class exam is archived" in after and "Archived: Week 4 quiz." in after
    assert "archived" in page_text(client.get("/classes").text)
    gone = client.post("/account/delete", data={"password": PASSWORD})  # nothing left to ask
    assert gone.headers["location"] == "/account/deleted"
    assert other_client.get(f"/classes/{handed.id}/live").status_code == 200


def test_what_an_account_holds_is_named_in_a_learners_words(client: TestClient) -> None:
    tables = {owned.table.name for owned in OWNED}
    assert tables <= set(HOLDING_NAMES), tables - set(HOLDING_NAMES)
    sign_up(client)
    page = client.get("/account").text
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>\d+</td></tr>', page)
    assert sorted(rows) == sorted(HOLDING_NAMES[t] for t in tables)
    assert not any("_" in row or row in ("Class members", "Review log") for row in rows)


def test_spaced_review_is_never_called_plain_review_beside_the_exams_review_and_submit(
    client: TestClient,
) -> None:
    for path in ("/", "/review", "/practice", "/progress"):
        page = client.get(path).text
        assert '<a href="/review">Spaced review</a>' in page, path
        assert '<a href="/review">Review</a>' not in page, path
