"""Hostile LTI input: login and launch parameters at and past their limits, tokens that are
not JWTs, signed tokens whose claims have any JSON value, and the deep linking form's
fields. Each is refused with a page (or, for the form, its error with the input kept);
none reaches a server error (the test client raises one), and nothing is created."""

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gradquiz.web.lti.routes import MAX_PARAMS, MAX_VALUE_CHARS
from tests.web.lti_platform import CLAIM, INSTRUCTOR
from tests.web.lti_site import LtiSite, lti_site

__all__ = ["lti_site"]

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
CLAIMS = [
    "iss",
    "aud",
    "sub",
    "nonce",
    "name",
    "azp",
    f"{CLAIM}message_type",
    f"{CLAIM}version",
    f"{CLAIM}deployment_id",
    f"{CLAIM}resource_link",
    f"{CLAIM}roles",
    f"{CLAIM}custom",
    "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint",
    "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice",
    "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings",
]


@pytest.mark.parametrize(
    ("size", "status"),
    [(MAX_VALUE_CHARS, 403), (MAX_VALUE_CHARS + 1, 403), (4 * MAX_VALUE_CHARS, 413)],
)
def test_login_parameters_at_and_past_their_limit_are_refused(
    lti_site: LtiSite, size: int, status: int
) -> None:
    answer = lti_site.site.client.post(
        "/lti/login", data={"iss": "i" * size, "login_hint": "h" * size}
    )
    assert answer.status_code == status  # past the body limit, the request guard's 413
    if status == 403:
        assert "No platform is registered" in answer.text


def test_login_takes_at_most_max_params_parameters(lti_site: LtiSite) -> None:
    base = {"iss": lti_site.platform.issuer, "login_hint": "h", "client_id": "gradquiz-client"}
    padded = {**base, **{f"p{n}": "x" for n in range(MAX_PARAMS - len(base))}}
    assert lti_site.site.client.get("/lti/login", params=padded).status_code == 302
    past = {**{f"p{n}": "x" for n in range(MAX_PARAMS)}, **base}
    refused = lti_site.site.client.get("/lti/login", params=past)
    assert refused.status_code == 403 and "Could not find issuer" in refused.text


@FUZZ
@given(token=st.text(max_size=200) | st.sampled_from(["a.b.c", "e30.e30.e30", "W10.W10.x"]))
def test_a_launch_whose_token_is_not_a_jwt_is_refused(lti_site: LtiSite, token: str) -> None:
    before = lti_site.accounts()
    sent = lti_site.login()
    refused = lti_site.post_launch(token, sent["state"])
    assert refused.status_code in (403, 422)  # 422: the body guard's, for a NUL character
    assert lti_site.accounts() == before


@pytest.mark.parametrize("size", [MAX_VALUE_CHARS, MAX_VALUE_CHARS + 1])
def test_a_launch_token_at_and_past_the_limit_is_refused(lti_site: LtiSite, size: int) -> None:
    sent = lti_site.login()
    refused = lti_site.post_launch("x" * size, sent["state"])
    assert refused.status_code == 403 and "not a JSON Web Token" in refused.text


@FUZZ
@given(claim=st.sampled_from(CLAIMS), value=JSON, teacher=st.booleans())
def test_a_signed_launch_with_any_value_in_a_claim_never_fails_the_server(
    lti_site: LtiSite, claim: str, value: Any, teacher: bool
) -> None:
    assume(claim != "iss" or isinstance(value, str))  # PyJWT signs no other issuer
    exam = lti_site.shared_exam()
    before = lti_site.accounts()
    sent = lti_site.login()
    body = lti_site.platform.claims(
        nonce=sent["nonce"], class_id=exam.id, roles=(INSTRUCTOR,) if teacher else ()
    )
    body[claim] = value
    answer = lti_site.post_launch(lti_site.platform.sign(body), sent["state"])
    assert answer.status_code in (303, 403, 409), answer.text
    if answer.status_code != 303:
        assert lti_site.accounts() == before


@pytest.mark.parametrize(
    ("title", "status"),
    [("t" * 120, 200), ("t" * 121, 422), ("t" * 400, 422), ("", 422)],
)
def test_the_deep_linking_title_is_checked_at_and_past_its_limit(
    lti_site: LtiSite, title: str, status: int
) -> None:
    launched = lti_site.launch(message_type="LtiDeepLinkingRequest", sub="t", roles=(INSTRUCTOR,))
    picker = lti_site.follow(launched).headers["location"]
    answer = lti_site.site.client.post(picker, data={"title": title})
    assert answer.status_code == status
    if status == 422 and title:
        assert "title of 1 to 120 characters" in answer.text
        assert f'value="{title}"' in answer.text  # the input is kept
    too_long = lti_site.site.client.post(picker, data={"title": "t" * 401})
    assert too_long.status_code in (403, 422)  # the form parser's own bound


@pytest.mark.parametrize("path", ["/lti/continue/%00", "/lti/window/%00", "/lti/deep-link/%00"])
def test_a_nul_in_a_ticket_or_choice_is_refused(lti_site: LtiSite, path: str) -> None:
    assert lti_site.site.client.get(path).status_code == 400  # the request guard's


def test_a_nul_in_the_login_issuer_is_refused(lti_site: LtiSite) -> None:
    refused = lti_site.site.client.get("/lti/login", params={"iss": "a\x00b", "login_hint": "h"})
    assert refused.status_code == 400  # the request guard's
