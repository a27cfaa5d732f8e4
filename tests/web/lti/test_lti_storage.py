"""Platform storage (1EdTech "Client Side postMessages"): a login naming an
`lti_storage_target` keeps state and nonce in the LMS's storage, and its launch is accepted
only when gradquiz's own page posts them back as the LMS's storage gave them; where the
storage does not answer, the login falls back to the server-side state."""

import html
import re

import httpx2 as httpx

from gradquiz.web.sessions import SESSION_COOKIE
from tests.web.lti_site import LtiSite, lti_site

__all__ = ["lti_site"]
SAME_ORIGIN = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}


def page_data(answer: httpx.Response) -> dict[str, str]:
    """The data-* values of the storage page's box."""
    return {k: html.unescape(v) for k, v in re.findall(r'data-(\w+)="([^"]*)"', answer.text)}


def storage_login(lti_site: LtiSite) -> dict[str, str]:
    """A login naming a storage target, in a framed browser that keeps no cookie."""
    answer = lti_site.initiate(lti_storage_target="_parent")
    assert answer.status_code == 200, answer.text
    lti_site.site.client.cookies.clear()
    return page_data(answer)


def test_a_storage_login_puts_state_and_nonce_in_the_lms_and_its_launch_reads_them_back(
    lti_site: LtiSite,
) -> None:
    exam = lti_site.class_exam()
    put = storage_login(lti_site)
    assert put["mode"] == "put" and put["target"] == "_parent"
    assert put["origin"] == lti_site.platform.base  # the platform's login's origin
    assert put["next"].startswith(f"{lti_site.platform.base}/auth?")
    assert f"state={put['state']}" in put["next"] and f"nonce={put['nonce']}" in put["next"]
    token = lti_site.platform.sign(lti_site.platform.claims(nonce=put["nonce"], class_id=exam.id))
    first = lti_site.post_launch(token, put["state"])
    assert first.status_code == 200 and not first.cookies.get(SESSION_COOKIE)
    get = page_data(first)
    assert (get["mode"], get["state"], get["nonce"]) == ("get", put["state"], put["nonce"])
    assert 'name="lti_storage_state"' in first.text and token in first.text
    back = {"id_token": token, "state": put["state"]}
    landed = lti_site.site.client.post(
        "/lti/launch",
        data={**back, "lti_storage_state": put["state"], "lti_storage_nonce": put["nonce"]},
        headers=SAME_ORIGIN,
    )
    assert landed.status_code == 303, landed.text
    assert landed.headers["location"].startswith("/lti/continue/")


def test_a_storage_launch_without_the_lms_values_or_from_another_site_is_refused(
    lti_site: LtiSite,
) -> None:
    exam = lti_site.class_exam()
    before = lti_site.accounts()
    cases = [
        ({"lti_storage_state": "state-of-another-login"}, SAME_ORIGIN, "does not hold"),
        ({"lti_storage_state": ""}, SAME_ORIGIN, "does not hold"),
        ({}, {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, "elsewhere"),
        ({}, {"Sec-Fetch-Site": "same-site"}, "elsewhere"),
    ]
    for changed, headers, fault in cases:
        put = storage_login(lti_site)
        body = lti_site.platform.claims(nonce=put["nonce"], class_id=exam.id, sub="attacker")
        values = {"lti_storage_state": put["state"], "lti_storage_nonce": put["nonce"]}
        answer = lti_site.site.client.post(
            "/lti/launch",
            data={
                "id_token": lti_site.platform.sign(body),
                "state": put["state"],
                **values,
                **changed,
            },
            headers=headers,
        )
        assert answer.status_code == 403 and fault in answer.text, (changed, answer.text)
        assert not answer.cookies.get(SESSION_COOKIE)
    assert lti_site.accounts() == before


def test_a_login_whose_lms_storage_does_not_answer_falls_back_to_the_server_side_state(
    lti_site: LtiSite,
) -> None:
    exam = lti_site.class_exam()
    put = storage_login(lti_site)
    went = lti_site.site.client.get(put["fallback"].removeprefix("http://testserver"))
    assert went.status_code == 302 and went.headers["location"] == put["next"]
    token = lti_site.platform.sign(lti_site.platform.claims(nonce=put["nonce"], class_id=exam.id))
    landed = lti_site.post_launch(token, put["state"])
    assert landed.status_code == 303, landed.text
    used = lti_site.site.client.get(put["fallback"].removeprefix("http://testserver"))
    assert used.status_code == 403 and "used already" in used.text
