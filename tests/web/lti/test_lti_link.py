"""Linking the account a launch made into the learner's own gradquiz account."""

from sqlalchemy import select

from gradquiz.core.accounts import Role
from gradquiz.storage.models import AccountRow, AttemptRow, LtiUserRow
from tests.web.class_site import PASSWORD
from tests.web.lti_site import LtiSite, lti_site

__all__ = ["lti_site"]


def test_a_launched_learner_links_into_their_own_account_with_its_password(
    lti_site: LtiSite,
) -> None:
    exam = lti_site.class_exam()
    lti_site.follow(lti_site.launch(class_id=exam.id, sub="learner-9"))
    client = lti_site.site.client
    attempt_id = client.post(f"/api/v1/classes/{exam.id}/attempts").json()["attempt_id"]
    assert "Link this one to it" in client.get("/account").text
    own = lti_site.site.accounts.create_account(
        username="ada", password=PASSWORD, role=Role.LEARNER
    )
    wrong = client.post("/lti/link", data={"username": "ada", "password": "not the password"})
    assert wrong.status_code == 422 and "Wrong username or password." in wrong.text
    assert 'value="ada"' in wrong.text  # the input is kept
    linked = client.post("/lti/link", data={"username": "ada", "password": PASSWORD})
    assert linked.status_code == 303 and linked.headers["location"] == "/account"
    assert "ada" in client.get("/account").text
    with lti_site.database.read() as session:
        bound = session.scalars(select(LtiUserRow).where(LtiUserRow.sub == "learner-9")).one()
        assert bound.account_id == own.id
        assert session.get(AttemptRow, attempt_id).owner == own.owner  # type: ignore[union-attr]
        assert session.scalar(select(AccountRow).where(AccountRow.password_hash == "!")) is None
    before = lti_site.accounts()
    again = lti_site.follow(lti_site.launch(class_id=exam.id, sub="learner-9"))
    assert again.headers["location"] == f"/classes/{exam.id}"
    assert lti_site.accounts() == before  # the launch lands in "ada" now
    assert client.get("/lti/link").status_code == 404  # nothing left to link


def test_an_account_an_lms_made_is_no_link_target(lti_site: LtiSite) -> None:
    exam = lti_site.class_exam()
    lti_site.follow(lti_site.launch(class_id=exam.id, sub="first"))
    with lti_site.database.read() as session:
        other = session.scalars(
            select(AccountRow.username)
            .join(LtiUserRow, LtiUserRow.account_id == AccountRow.id)
            .where(LtiUserRow.sub == "first")
        ).one()
    lti_site.follow(lti_site.launch(class_id=exam.id, sub="second"))
    refused = lti_site.site.client.post("/lti/link", data={"username": other, "password": "x" * 12})
    assert refused.status_code == 422 and "itself one an LMS made" in refused.text
