"""LTI 1.3 launches against the simulated LMS: first launches, the way on from a framed page
whose cookies the browser refused, the tool's keys, and every refusal the issue lists."""

import logging
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from sqlalchemy import func, select

from gradquiz.config import Settings
from gradquiz.core.accounts import Role
from gradquiz.errors import InvalidInput
from gradquiz.services.lti import KEY_OVERLAP, LAUNCH_SECONDS, LOGIN_SECONDS
from gradquiz.storage import classes as classes_store
from gradquiz.storage import lti as lti_store
from gradquiz.storage.models import AccountRow, LtiLaunchDataRow, LtiUserRow
from gradquiz.web.lti.views import FRAMED_COOKIE
from gradquiz.web.rate_limits import RateLimits
from gradquiz.web.sessions import SESSION_COOKIE
from tests.web.lti_platform import CLAIM, CLIENT_ID, INSTRUCTOR, SigningKey, login_redirect
from tests.web.lti_site import LtiSite, lti_site

__all__ = ["lti_site"]


def test_a_learners_first_launch_makes_a_bound_account_joined_to_the_class(
    lti_site: LtiSite,
) -> None:
    exam = lti_site.class_exam()
    before = lti_site.accounts()
    landed = lti_site.follow(lti_site.launch(class_id=exam.id, sub="learner-7"))
    assert landed.headers["location"] == f"/classes/{exam.id}"
    page = lti_site.site.client.get(landed.headers["location"])
    assert page.status_code == 200 and exam.rules.title in page.text
    with lti_site.database.read() as session:
        bound = session.scalars(select(LtiUserRow).where(LtiUserRow.sub == "learner-7")).one()
        row = session.get(AccountRow, bound.account_id)
        assert row is not None and row.role == "learner" and row.password_hash == "!"
        assert row.username.startswith("Ada-Lovelace-")
        assert classes_store.member(session=session, class_id=exam.id, owner=row.owner_key)
    assert lti_site.accounts() == before + 1
    again = lti_site.follow(lti_site.launch(class_id=exam.id, sub="learner-7"))
    assert again.headers["location"] == f"/classes/{exam.id}"
    assert lti_site.accounts() == before + 1  # the same account, not a second one


def test_a_co_teacher_launching_another_instructors_class_follows_its_live_page_only(
    lti_site: LtiSite,
) -> None:
    exam = lti_site.class_exam()
    before = lti_site.accounts()
    landed = lti_site.follow(
        lti_site.launch(class_id=exam.id, sub="teacher-2", roles=(INSTRUCTOR,))
    )
    assert landed.headers["location"] == f"/classes/{exam.id}/live"
    client = lti_site.site.client
    live = client.get(landed.headers["location"])
    assert live.status_code == 200 and exam.rules.title in live.text
    assert "You follow this class exam as a teacher of the course" in live.text
    assert 'id="time-form"' not in live.text and "/close" not in live.text
    assert client.get(f"/classes/{exam.id}/live.json").status_code == 200
    same = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    for path in ("results", "stats", "roster", "preview", "close"):
        assert client.get(f"/classes/{exam.id}/{path}").status_code == 404, path
    data = {"username": "prof", "multiplier": "2", "extra_minutes": "0"}
    assert client.post(f"/classes/{exam.id}/time", data=data, headers=same).status_code == 404
    assert lti_site.accounts() == before + 1
    with lti_site.database.read() as session:  # not made a member of the class
        assert not classes_store.members(session=session, class_id=exam.id)
        bound = session.scalars(select(LtiUserRow).where(LtiUserRow.sub == "teacher-2")).one()
        assert session.get(AccountRow, bound.account_id).role == "instructor"  # type: ignore[union-attr]


def test_institution_and_system_roles_do_not_make_a_course_instructor(lti_site: LtiSite) -> None:
    """An institution's Instructor taking a course as a student is a learner in it."""
    exam = lti_site.class_exam()
    institution = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"
    system = "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"
    learner = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
    landed = lti_site.follow(
        lti_site.launch(class_id=exam.id, sub="staff-1", roles=(institution, system, learner))
    )
    assert landed.headers["location"] == f"/classes/{exam.id}"
    with lti_site.database.read() as session:
        bound = session.scalars(select(LtiUserRow).where(LtiUserRow.sub == "staff-1")).one()
        row = session.get(AccountRow, bound.account_id)
        assert row is not None and row.role == "learner"
        assert classes_store.member(session=session, class_id=exam.id, owner=row.owner_key)


def test_a_class_not_deep_linked_from_this_platform_is_refused(lti_site: LtiSite) -> None:
    exam = lti_site.class_exam("someone-else")  # never deep-linked to this course
    other = lti_site.lti.add_platform(
        **{**lti_site.platform.registration(), "client_id": "another-client"}
    )
    before = lti_site.accounts()
    for forged in (exam.id, f"{exam.id}.", lti_site.lti.class_claim(other, exam.id)):
        refused = lti_site.launch(custom_class=forged, sub="stranger", link="mine")
        assert refused.status_code == 403, forged
        assert "not added to the course from this LMS" in refused.text
    assert lti_site.accounts() == before
    with lti_site.database.read() as session:
        assert not classes_store.members(session=session, class_id=exam.id)


def test_a_browser_that_refuses_the_frames_cookies_opens_a_new_window(lti_site: LtiSite) -> None:
    exam = lti_site.class_exam()
    launched = lti_site.launch(class_id=exam.id)
    assert launched.status_code == 303
    lti_site.site.client.cookies.clear()  # the browser dropped the framed page's cookies
    offered = lti_site.site.client.get(launched.headers["location"])
    assert offered.status_code == 200
    assert "Open gradquiz in a new window" in offered.text
    window = offered.text.split('href="/lti/window/')[1].split('"')[0]
    opened = lti_site.site.client.get(f"/lti/window/{window}")
    assert opened.status_code == 303 and opened.headers["location"] == f"/classes/{exam.id}"
    assert lti_site.site.client.cookies.get(SESSION_COOKIE)
    assert lti_site.site.client.get(f"/classes/{exam.id}").status_code == 200
    used = lti_site.site.client.get(f"/lti/window/{window}")
    assert used.status_code == 403 and "used already" in used.text


def test_the_lti_pages_may_be_framed_by_the_platform_and_no_other_page_is(
    lti_site: LtiSite,
) -> None:
    framed = lti_site.site.client.get("/lti/config")
    policy = framed.headers["content-security-policy"]
    assert f"frame-ancestors 'self' {lti_site.platform.base}" in policy
    assert "x-frame-options" not in framed.headers
    lti_site.site.client.cookies.clear()
    home = lti_site.site.client.get("/")
    assert "frame-ancestors 'none'" in home.headers["content-security-policy"]
    assert home.headers["x-frame-options"] == "DENY"


def test_a_platform_with_frame_origins_frames_the_tool_and_launches_from_them(
    lti_site: LtiSite,
) -> None:
    """Canvas: its issuer and login URL are not the school's host, which frames the tool."""
    school = "https://school.instructure.com"
    canvas = lti_site.lti.add_platform(
        issuer="https://canvas.instructure.com",
        client_id="10000000000001",
        deployment_ids=["1:abc"],
        auth_login_url="https://sso.canvaslms.com/api/lti/authorize_redirect",
        auth_token_url="https://sso.canvaslms.com/login/oauth2/token",
        jwks_url="https://sso.canvaslms.com/api/lti/security/jwks",
        frame_origins=[f"{school}/courses/1", school, "https://other.example.edu:8443/x"],
    )
    assert canvas.frame_origins == (school, "https://other.example.edu:8443")
    assert lti_site.lti.platform(canvas.issuer, canvas.client_id) == canvas
    lti_site.site.client.app.framing.forget()  # type: ignore[attr-defined]
    answer = lti_site.site.client.get("/lti/config")
    policy = answer.headers["content-security-policy"]
    assert school in policy.split("frame-ancestors")[1].split(";")[0]
    with pytest.raises(InvalidInput, match="frame origin must start with https://"):
        lti_site.lti.add_platform(
            **{**lti_site.platform.registration(), "client_id": "c2"},
            frame_origins=["http://school.example.edu"],
        )
    mine = lti_site.lti.add_platform(
        **{**lti_site.platform.registration(), "client_id": "c3"},
        frame_origins=["http://localhost:9999"],
    )
    lti_site.platform.client_ids.add("c3")
    exam = lti_site.class_exam()
    sent = lti_site.login(client_id="c3")
    body = lti_site.platform.claims(
        nonce=sent["nonce"], audience="c3", custom_class=lti_site.lti.class_claim(mine, exam.id)
    )
    landed = lti_site.site.client.post(
        "/lti/launch",
        data={"id_token": lti_site.platform.sign(body), "state": sent["state"]},
        headers={"Origin": "http://localhost:9999", "Sec-Fetch-Site": "cross-site"},
    )
    assert landed.status_code == 303, landed.text


def test_the_tool_key_is_published_and_a_rotated_one_stays_until_its_tokens_expire(
    lti_site: LtiSite,
) -> None:
    first = lti_site.site.client.get("/lti/jwks").json()["keys"]
    assert len(first) == 1 and first[0]["alg"] == "RS256" and first[0]["use"] == "sig"
    new_kid = lti_site.lti.rotate_key()
    both = [k["kid"] for k in lti_site.site.client.get("/lti/jwks").json()["keys"]]
    assert both == [new_kid, first[0]["kid"]]
    assert lti_site.lti.signing_key()[0] == new_kid
    lti_site.site.clock.advance(seconds=KEY_OVERLAP.total_seconds() + 1)
    after = [k["kid"] for k in lti_site.site.client.get("/lti/jwks").json()["keys"]]
    assert after == [new_kid]


def test_a_login_from_an_unregistered_platform_is_refused(lti_site: LtiSite) -> None:
    refused = lti_site.site.client.get(
        "/lti/login", params={"iss": "https://lms.example", "login_hint": "x"}
    )
    assert refused.status_code == 403
    assert "No platform is registered with issuer &#39;https://lms.example&#39;" in refused.text


def _stranger(platform_kid: str) -> Callable[[dict[str, Any]], str]:
    """Signs with a key the platform never published, under the platform's own kid."""
    stranger = SigningKey.new()

    def sign(body: dict[str, Any]) -> str:
        return jwt.encode(body, stranger.private, algorithm="RS256", headers={"kid": platform_kid})

    return sign


REFUSALS: dict[str, tuple[dict[str, Any], str]] = {
    "wrong aud": ({"audience": "someone-else"}, "client id (aud) &#39;someone-else&#39;"),
    "expired token": ({"lifetime": -120}, "The launch token has expired."),
    "unregistered deployment": (
        {"deployment": "deployment-9"},
        "The deployment ID &#34;deployment-9&#34; is not recognised.",
    ),
    "wrong message type": (
        {"message_type": "LtiSubmissionReviewRequest"},
        "gradquiz takes no &#39;LtiSubmissionReviewRequest&#39; message.",
    ),
    "another tool's target_link_uri": (
        {"target": "https://other-tool.example/lti/launch"},
        "is for &#39;https://other-tool.example/lti/launch&#39;, not gradquiz&#39;s launch URL"
        " (target_link_uri)",
    ),
    "no target_link_uri": ({"target": ""}, "not gradquiz&#39;s launch URL (target_link_uri)"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_launch_is_refused_naming_its_fault_and_creates_nothing(
    lti_site: LtiSite, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    exam = lti_site.class_exam()
    claims, fault = REFUSALS[case]
    before = lti_site.accounts()
    with caplog.at_level(logging.WARNING):
        refused = lti_site.launch(class_id=exam.id, **claims)
    assert refused.status_code == 403
    assert fault in refused.text
    assert lti_site.accounts() == before
    assert SESSION_COOKIE not in refused.headers.get("set-cookie", "")
    assert any("LTI launch refused" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("version", ["1.1", "1.3.1", ""])
def test_a_launch_of_another_lti_version_is_refused(lti_site: LtiSite, version: str) -> None:
    exam = lti_site.class_exam()
    before = lti_site.accounts()
    refused = lti_site.launch(
        lambda body: lti_site.platform.sign({**body, f"{CLAIM}version": version}),
        class_id=exam.id,
    )
    assert refused.status_code == 403
    assert "gradquiz takes LTI version 1.3.0 messages only." in refused.text
    assert lti_site.accounts() == before


def test_a_bad_signature_is_refused(lti_site: LtiSite) -> None:
    exam = lti_site.class_exam()
    before = lti_site.accounts()
    refused = lti_site.launch(_stranger(lti_site.platform.keys[-1].kid), class_id=exam.id)
    assert refused.status_code == 403
    assert "signature does not match the platform&#39;s key" in refused.text
    assert lti_site.accounts() == before


def test_an_unknown_kid_is_refused_and_a_rotated_platform_key_is_fetched_and_accepted(
    lti_site: LtiSite,
) -> None:
    exam = lti_site.class_exam()
    assert lti_site.follow(lti_site.launch(class_id=exam.id)).status_code == 303  # keys kept
    unpublished = SigningKey.new()
    refused = lti_site.launch(lambda body: lti_site.platform.sign(body, key=unpublished))
    assert refused.status_code == 403
    assert f"has no key &#39;{unpublished.kid}&#39;" in refused.text
    rotated = lti_site.platform.rotate()
    accepted = lti_site.launch(
        lambda body: lti_site.platform.sign(body, key=rotated), class_id=exam.id
    )
    assert lti_site.follow(accepted).headers["location"] == f"/classes/{exam.id}"


def test_a_key_replaced_under_its_kid_is_fetched_again_when_a_signature_fails(
    lti_site: LtiSite,
) -> None:
    exam = lti_site.class_exam()
    assert lti_site.follow(lti_site.launch(class_id=exam.id)).status_code == 303  # keys kept
    old = lti_site.platform.keys[-1]
    lti_site.platform.keys[-1] = SigningKey(kid=old.kid, private=SigningKey.new().private)
    accepted = lti_site.launch(class_id=exam.id)  # the new key at once, no restart
    assert lti_site.follow(accepted).headers["location"] == f"/classes/{exam.id}"
    refused = lti_site.launch(lambda body: lti_site.platform.sign(body, key=old))
    assert refused.status_code == 403 and "signature does not match" in refused.text


def test_a_token_signed_with_another_algorithm_than_its_key_is_refused(lti_site: LtiSite) -> None:
    key = lti_site.platform.keys[-1]
    refused = lti_site.launch(
        lambda body: jwt.encode(body, key.private, algorithm="RS512", headers={"kid": key.kid})
    )
    assert refused.status_code == 403
    assert (
        f"signed with &#39;RS512&#39;, but the platform&#39;s key &#39;{key.kid}&#39; is for"
        in (refused.text)
    )


def test_a_replayed_launch_is_refused_by_its_used_state_and_nonce(lti_site: LtiSite) -> None:
    exam = lti_site.class_exam()
    sent = lti_site.login()
    token = lti_site.platform.sign(lti_site.platform.claims(nonce=sent["nonce"], class_id=exam.id))
    assert lti_site.post_launch(token, sent["state"]).status_code == 303
    replayed = lti_site.post_launch(token, sent["state"])
    assert replayed.status_code == 403 and "used already" in replayed.text
    fresh = lti_site.login()  # a new state, but the old token and its used nonce
    again = lti_site.post_launch(token, fresh["state"])
    assert again.status_code == 403
    assert "nonce is not the one its login issued" in again.text


def test_a_launch_without_a_login_is_refused(lti_site: LtiSite) -> None:
    token = lti_site.platform.sign(lti_site.platform.claims(nonce="n"))
    refused = lti_site.post_launch(token, "state-made-up")
    assert refused.status_code == 403 and "state is unknown" in refused.text


def test_roles_make_instructors_of_instructors_and_administrators_only() -> None:
    from gradquiz.services.lti import INSTRUCTOR_ROLES, role_of

    claim = "https://purl.imsglobal.org/spec/lti/claim/roles"
    for role in INSTRUCTOR_ROLES:
        assert role_of({claim: [role]}) is Role.INSTRUCTOR
    learner = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
    person = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
    system = "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"
    for roles in (
        [],
        [learner],
        ["Mentor"],
        "Instructor",
        [f"{person}Instructor"],
        [f"{person}Administrator", learner],
        [system],
    ):
        assert role_of({claim: roles}) is Role.LEARNER, roles


def test_the_configuration_names_the_tools_addresses_for_moodle_and_canvas(
    lti_site: LtiSite,
) -> None:
    page = lti_site.site.client.get("/lti/config")
    for address in ("/lti/launch", "/lti/login", "/lti/jwks"):
        assert f"<code>http://testserver{address}</code>" in page.text
    canvas = lti_site.site.client.get("/lti/config.json").json()
    assert canvas["oidc_initiation_url"] == "http://testserver/lti/login"
    assert canvas["target_link_uri"] == "http://testserver/lti/launch"
    assert canvas["public_jwk_url"] == "http://testserver/lti/jwks"
    assert canvas["scopes"] == [  # only those gradquiz uses
        "https://purl.imsglobal.org/spec/lti-ags/scope/score",
        "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
    ]
    placements = canvas["extensions"][0]["settings"]["placements"]
    assert {p["message_type"] for p in placements} == {"LtiDeepLinkingRequest"}


@pytest.mark.parametrize(
    "changes",
    [{"azp": "someone-else"}, {"aud": ["gradquiz-client", "another-tool"]}],
)
def test_a_launch_for_another_authorized_party_is_refused(
    lti_site: LtiSite, changes: dict[str, Any]
) -> None:
    exam = lti_site.class_exam()
    refused = lti_site.launch(
        lambda body: lti_site.platform.sign({**body, **changes}), class_id=exam.id
    )
    assert refused.status_code == 403
    assert "authorized party (azp) is not gradquiz" in refused.text


def test_a_launch_whose_aud_list_names_gradquiz_after_another_audience_is_taken(
    lti_site: LtiSite,
) -> None:
    exam = lti_site.class_exam()
    audiences = {"aud": ["another-tool", CLIENT_ID], "azp": CLIENT_ID}
    landed = lti_site.follow(
        lti_site.launch(
            lambda body: lti_site.platform.sign({**body, **audiences}),
            class_id=exam.id,
            sub="learner-azp",
        )
    )
    assert landed.headers["location"] == f"/classes/{exam.id}"
    picking = lti_site.follow(
        lti_site.launch(
            lambda body: lti_site.platform.sign({**body, **audiences}),
            message_type="LtiDeepLinkingRequest",
            sub="teacher-azp",
            roles=(INSTRUCTOR,),
        )
    )
    answer = lti_site.site.client.post(picking.headers["location"], data={"title": "Quiz"})
    assert answer.status_code == 200 and "deep-link-return" in answer.text


def test_a_token_issued_in_the_future_is_refused(lti_site: LtiSite) -> None:
    exam = lti_site.class_exam()
    refused = lti_site.launch(
        lambda body: lti_site.platform.sign({**body, "iat": body["iat"] + 600}),
        class_id=exam.id,
    )
    assert refused.status_code == 403 and "issued in the future" in refused.text


def test_only_login_and_launch_take_posts_from_other_sites(lti_site: LtiSite) -> None:
    cross = {"Sec-Fetch-Site": "cross-site", "Origin": lti_site.platform.base}
    for path in ("/lti/link", "/lti/deep-link/some-choice"):
        refused = lti_site.site.client.post(path, data={"title": "x"}, headers=cross)
        assert refused.status_code == 403 and "another site" in refused.text
    sent = lti_site.login()
    taken = lti_site.site.client.post(
        "/lti/launch", data={"id_token": "a.b.c", "state": sent["state"]}, headers=cross
    )
    assert taken.status_code == 403 and "another site" not in taken.text


def test_logins_and_launches_are_limited_per_address_and_expired_state_is_purged(
    lti_site: LtiSite,
) -> None:
    app = lti_site.site.client.app
    app.state.rate_limits = RateLimits(Settings(lti_limit_per_address="3/hour"))  # type: ignore[attr-defined]
    sent = [lti_site.login() for _ in range(3)]  # at the limit: each answered
    assert state_rows(lti_site) == 6  # a state and a nonce each
    past = lti_site.site.client.get(
        "/lti/login",
        params={"iss": lti_site.platform.issuer, "login_hint": "h", "client_id": CLIENT_ID},
    )
    assert refused(past, "Too many LMS logins from this network address")
    assert state_rows(lti_site) == 6  # the refused login stored nothing
    tokens = [lti_site.platform.sign(lti_site.platform.claims(nonce=s["nonce"])) for s in sent]
    for token, login in zip(tokens, sent, strict=True):
        answer = lti_site.post_launch(token, login["state"])
        assert answer.status_code != 429
    assert refused(
        lti_site.post_launch(tokens[0], sent[0]["state"]),
        "Too many LMS launches from this network address",
    )
    app.state.rate_limits = RateLimits(Settings())  # type: ignore[attr-defined]
    lti_site.site.clock.advance(seconds=LOGIN_SECONDS + LAUNCH_SECONDS + 1)
    lti_site.login()  # a login forgets every row that has expired
    assert state_rows(lti_site) == 2


def state_rows(lti_site: LtiSite) -> int:
    with lti_site.database.read() as session:
        return int(session.scalar(select(func.count()).select_from(LtiLaunchDataRow)) or 0)


def test_an_attackers_unused_launch_posted_from_another_site_signs_nobody_in(
    lti_site: LtiSite,
) -> None:
    """Login CSRF: the attacker's own state and id_token, posted from the attacker's page."""
    exam = lti_site.class_exam()
    sent = lti_site.login()  # the attacker's own login
    body = lti_site.platform.claims(nonce=sent["nonce"], class_id=exam.id, sub="attacker")
    lti_site.site.client.cookies.clear()  # the victim's browser
    before = lti_site.accounts()
    answer = lti_site.site.client.post(
        "/lti/launch",
        data={"id_token": lti_site.platform.sign(body), "state": sent["state"]},
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert answer.status_code == 403 and "not from the LMS" in answer.text
    assert not lti_site.site.client.cookies.get(SESSION_COOKIE)
    assert lti_site.accounts() == before


def test_a_launch_whose_browser_logged_in_as_someone_else_is_refused(lti_site: LtiSite) -> None:
    exam = lti_site.class_exam()
    attackers = lti_site.login()
    lti_site.login()  # the victim's browser has a login (and its browser cookie) of its own
    body = lti_site.platform.claims(nonce=attackers["nonce"], class_id=exam.id, sub="attacker")
    answer = lti_site.post_launch(lti_site.platform.sign(body), attackers["state"])
    assert answer.status_code == 403 and "started in another browser" in answer.text
    assert not lti_site.site.client.cookies.get(SESSION_COOKIE)


def refused(answer: Any, message: str) -> bool:
    """A 429 page (framable, as every LTI page is) saying `message`, with a Retry-After."""
    waits = int(answer.headers.get("retry-after", "0"))
    return answer.status_code == 429 and waits >= 1 and message in answer.text


def test_removing_a_platform_that_courses_link_to_needs_force_and_says_how_many(
    lti_site: LtiSite,
) -> None:
    exam = lti_site.class_exam()
    lti_site.follow(lti_site.launch(class_id=exam.id, sub="learner-1"))
    lti_site.follow(lti_site.launch(class_id=exam.id, sub="learner-2", link="link-2"))
    issuer = lti_site.platform.issuer
    with pytest.raises(InvalidInput, match=r"has 2 course link\(s\), 2 bound user\(s\) and 0"):
        lti_site.lti.remove_platform(issuer=issuer)
    assert lti_site.lti.platform(issuer, None) is not None  # nothing was removed
    removed = lti_site.lti.remove_platform(issuer=issuer, force=True)
    assert removed.issuer == issuer and lti_site.lti.platform(issuer, None) is None
    with lti_site.database.read() as session:
        assert not lti_store.links_of_class(session=session, class_id=exam.id)


def test_cookies_set_inside_the_lms_frame_are_partitioned_over_https(lti_site: LtiSite) -> None:
    app = lti_site.site.client.app
    app.state.settings = app.state.settings.model_copy(update={"secure_cookies": True})  # type: ignore[attr-defined]
    exam = lti_site.class_exam()
    client = lti_site.site.client
    client.cookies.clear()
    platform = lti_site.platform
    login = client.get(
        "https://testserver/lti/login",
        params={"iss": platform.issuer, "login_hint": "h", "client_id": CLIENT_ID},
    )
    assert login.status_code == 302, login.text
    sent = login_redirect(login.headers["location"])
    body = platform.claims(
        nonce=sent["nonce"], class_id=exam.id, target="https://testserver/lti/launch"
    )
    launched = client.post(
        "https://testserver/lti/launch",
        data={"id_token": platform.sign(body), "state": sent["state"]},
        headers={"Origin": platform.base},
    )
    assert launched.status_code == 303, launched.text
    cookies = login.headers.get_list("set-cookie") + launched.headers.get_list("set-cookie")
    names = sorted(c.split("=")[0].split("-state-")[0] for c in cookies)
    assert names == sorted(["lti1p3-browser", "lti1p3", SESSION_COOKIE, FRAMED_COOKIE]), names
    for cookie in cookies:
        attributes = {a.strip().lower() for a in cookie.split(";")[1:]}
        assert {"samesite=none", "secure", "httponly", "partitioned"} <= attributes, cookie
