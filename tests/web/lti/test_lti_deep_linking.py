"""Deep linking round trip: an instructor's first launch adds a class exam to the course."""

from typing import Any

import httpx2 as httpx
import jwt
import pytest
from jwcrypto.jwk import JWK

from tests.web.lti_platform import INSTRUCTOR
from tests.web.lti_site import LtiSite, lti_site

__all__ = ["lti_site"]
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def returned_item(lti_site: LtiSite, answer: httpx.Response) -> dict[str, Any]:
    """The one content item of the signed deep linking response on the return page."""
    token = answer.text.split('name="JWT" value="')[1].split('"')[0]
    keys = {k["kid"]: k for k in lti_site.site.client.get("/lti/jwks").json()["keys"]}
    public = JWK(**keys[jwt.get_unverified_header(token)["kid"]]).export_to_pem()
    response = jwt.decode(token, public, algorithms=["RS256"], audience=lti_site.platform.issuer)
    assert response["https://purl.imsglobal.org/spec/lti/claim/message_type"] == (
        "LtiDeepLinkingResponse"
    )
    [item] = response[f"{DL}content_items"]
    return dict(item)


def test_an_instructor_picks_a_new_class_exam_and_the_course_link_opens_its_live_page(
    lti_site: LtiSite,
) -> None:
    before = lti_site.accounts()
    launched = lti_site.launch(
        message_type="LtiDeepLinkingRequest", sub="teacher-1", roles=(INSTRUCTOR,)
    )
    picker = lti_site.follow(launched).headers["location"]
    assert picker.startswith("/lti/deep-link/")
    assert lti_site.accounts() == before + 1
    form = lti_site.site.client.get(picker)
    assert form.status_code == 200 and "Choose the class exam" in form.text
    empty = lti_site.site.client.post(picker, data={"title": " "})
    assert empty.status_code == 422 and "Pick a class exam" in empty.text
    answer = lti_site.site.client.post(picker, data={"title": "Week 5 quiz"})
    assert answer.status_code == 200
    assert f'action="{lti_site.platform.base}/deep-link-return"' in answer.text
    assert lti_site.platform.base in answer.headers["content-security-policy"]
    item = returned_item(lti_site, answer)
    custom_class = item["custom"]["gradquiz_class"]
    class_id = custom_class.rpartition(".")[0]
    assert custom_class == lti_site.lti.class_claim(lti_site.registered(), class_id)
    assert item["type"] == "ltiResourceLink" and item["url"] == "http://testserver/lti/launch"
    assert item["lineItem"] == {"scoreMaximum": 15, "label": "Week 5 quiz", "resourceId": class_id}
    again = lti_site.site.client.post(picker, data={"title": "twice"})
    assert again.status_code == 403  # the choice is made once
    landed = lti_site.follow(
        lti_site.launch(custom_class=custom_class, sub="teacher-1", roles=(INSTRUCTOR,))
    )
    assert landed.headers["location"] == f"/classes/{class_id}/live"
    assert lti_site.site.client.get(landed.headers["location"]).status_code == 200
    assert lti_site.accounts() == before + 1


def test_a_learner_cannot_deep_link(lti_site: LtiSite) -> None:
    before = lti_site.accounts()
    refused = lti_site.launch(message_type="LtiDeepLinkingRequest", sub="learner-1")
    assert refused.status_code == 403 and "Only an instructor" in refused.text
    assert lti_site.accounts() == before


@pytest.mark.parametrize(
    ("settings", "fault"),
    [
        ({"deep_link_return_url": None}, "names no deep_link_return_url"),
        ({"deep_link_return_url": "javascript:alert(1)"}, "names no deep_link_return_url"),
        ({"accept_types": ["link", "html"]}, "accept_types lacks ltiResourceLink"),
        ({"accept_types": None}, "accept_types lacks ltiResourceLink"),
    ],
)
def test_a_deep_linking_request_gradquiz_cannot_answer_is_refused(
    lti_site: LtiSite, settings: dict[str, Any], fault: str
) -> None:
    before = lti_site.accounts()
    refused = lti_site.launch(
        message_type="LtiDeepLinkingRequest",
        sub="teacher-1",
        roles=(INSTRUCTOR,),
        deep_linking=settings,
    )
    assert refused.status_code == 403 and fault in refused.text
    assert lti_site.accounts() == before


@pytest.mark.parametrize("accept_lineitem", [False, True])
def test_the_line_item_is_left_out_where_the_platform_accepts_none(
    lti_site: LtiSite, accept_lineitem: bool
) -> None:
    launched = lti_site.launch(
        message_type="LtiDeepLinkingRequest",
        sub="teacher-1",
        roles=(INSTRUCTOR,),
        deep_linking={"accept_lineitem": accept_lineitem, "accept_multiple": False},
    )
    picker = lti_site.follow(launched).headers["location"]
    item = returned_item(lti_site, lti_site.site.client.post(picker, data={"title": "Quiz"}))
    assert item["type"] == "ltiResourceLink"
    assert ("lineItem" in item) is accept_lineitem
