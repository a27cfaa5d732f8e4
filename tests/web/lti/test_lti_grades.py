"""Scores posted to the simulated LMS's line item, and its roster pulled."""

import contextlib
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from pylti1p3.exception import LtiServiceException
from sqlalchemy import select

from gradquiz.core.classes import Disclosure
from gradquiz.core.scoring import grade_attempt
from gradquiz.errors import GradquizError
from gradquiz.services.lti_grades import SCORE_SCOPE, LtiGrades
from gradquiz.storage import lti as store
from gradquiz.storage.models import AccountRow, LtiUserRow
from tests.web.lti_platform import CLIENT_ID, LEARNER
from tests.web.lti_site import LtiSite, lti_site

__all__ = ["lti_site"]


def grades(lti_site: LtiSite) -> LtiGrades:
    made: LtiGrades = lti_site.site.client.app.state.lti_grades  # type: ignore[attr-defined]
    made.background = False  # the test posts; the server's thread stays out of the way
    return made


def sitting(lti_site: LtiSite, class_id: str, sub: str, **claims: str) -> str:
    """A learner launched from the course, who starts and answers the first question."""
    lti_site.follow(lti_site.launch(class_id=class_id, sub=sub, **claims))
    client = lti_site.site.client
    attempt_id = str(client.post(f"/api/v1/classes/{class_id}/attempts").json()["attempt_id"])
    assert (
        client.put(f"/api/v1/attempts/{attempt_id}/answers/1", json={"option": "A"}).status_code
        == 200
    )
    return attempt_id


def submitted(lti_site: LtiSite, class_id: str, sub: str, **claims: str) -> str:
    """A learner's sitting, started from the course and submitted."""
    attempt_id = sitting(lti_site, class_id, sub, **claims)
    assert lti_site.site.client.post(f"/api/v1/attempts/{attempt_id}/submit").status_code == 200
    return attempt_id


def owner_of(lti_site: LtiSite, sub: str) -> str:
    with lti_site.database.read() as session:
        return str(
            session.scalar(
                select(AccountRow.owner_key)
                .join(LtiUserRow, LtiUserRow.account_id == AccountRow.id)
                .where(LtiUserRow.sub == sub)
            )
        )


@pytest.mark.parametrize("policy", list(Disclosure))
def test_a_score_is_posted_once_after_submit_and_not_before(
    lti_site: LtiSite, policy: Disclosure
) -> None:
    exam = lti_site.class_exam(at_submit=policy)
    posting = grades(lti_site)
    attempt_id = sitting(lti_site, exam.id, "learner-1")
    assert posting.sync() == 0 and lti_site.platform.scores == []  # still open: nothing
    submitted = lti_site.site.client.post(f"/api/v1/attempts/{attempt_id}/submit")
    assert submitted.status_code == 200
    assert posting.sync() == 1
    assert posting.sync() == 0  # once only
    [score] = lti_site.platform.scores
    assert score["item"] == "1" and score["userId"] == "learner-1"
    assert score["scoreMaximum"] == 15 and 0 <= score["scoreGiven"] <= 1
    attempt = lti_site.site.service.attempt(
        learner=owner_of(lti_site, "learner-1"), attempt_id=attempt_id
    )
    shown = lti_site.site.service.shown.of(attempt)
    assert score["scoreGiven"] == grade_attempt(attempt, shown).score.correct
    assert score["activityProgress"] == "Completed"
    assert score["gradingProgress"] == "FullyGraded"
    assert score["timestamp"].startswith(lti_site.site.clock().date().isoformat())
    # ISO 8601 with milliseconds and an offset, as the AGS examples write it
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", score["timestamp"])
    [row] = posting.scores(exam.id)
    assert row.state == "posted" and row.attempt_id == attempt_id


def test_a_class_linked_from_two_courses_posts_each_score_to_the_learners_course_only(
    lti_site: LtiSite,
) -> None:
    exam = lti_site.class_exam()
    posting = grades(lti_site)
    second = f"{lti_site.platform.base}/lineitems/2"
    submitted(lti_site, exam.id, "learner-a")  # course-1, link-1, line item 1
    submitted(lti_site, exam.id, "learner-b", course="course-2", link="link-2", line_item=second)
    assert posting.sync() == 2
    posted = sorted((s["userId"], s["item"]) for s in lti_site.platform.scores)
    assert posted == [("learner-a", "1"), ("learner-b", "2")]
    with lti_site.database.read() as session:
        links = store.links_of_class(session=session, class_id=exam.id)
    assert sorted((link.resource_link_id, link.context_id) for link in links) == [
        ("link-1", "course-1"),
        ("link-2", "course-2"),
    ]


def test_a_score_is_tried_again_with_backoff_while_the_platform_answers_503(
    lti_site: LtiSite,
) -> None:
    exam = lti_site.class_exam()
    posting = grades(lti_site)
    submitted(lti_site, exam.id, "learner-2")
    lti_site.platform.failures_left = 2
    assert posting.sync() == 0
    [waiting] = posting.scores(exam.id)
    assert waiting.state == "waiting" and "503" in waiting.message
    assert posting.post_due() == 0  # not before its wait is over
    lti_site.site.clock.advance(seconds=31)
    assert posting.post_due() == 0
    [again] = posting.scores(exam.id)
    assert again.tries == 2 and again.next_try_at - lti_site.site.clock() > posting.first_wait
    lti_site.site.clock.advance(seconds=61)
    assert posting.post_due() == 1
    assert len(lti_site.platform.scores) == 1
    [posted] = posting.scores(exam.id)
    assert posted.state == "posted" and posted.message == ""


def test_twenty_concurrent_submits_post_one_score(lti_site: LtiSite) -> None:
    exam = lti_site.class_exam()
    posting = grades(lti_site)
    attempt_id = sitting(lti_site, exam.id, "learner-3")
    owner = owner_of(lti_site, "learner-3")
    start = threading.Barrier(20)

    def submit_and_post(_: int) -> int:
        start.wait()
        with contextlib.suppress(GradquizError):  # submitted already by another thread
            lti_site.site.service.submit(learner=owner, attempt_id=attempt_id)
        return posting.sync()

    with ThreadPoolExecutor(20) as pool:
        posted = sum(pool.map(submit_and_post, range(20)))
    assert posted == 1
    assert len(lti_site.platform.scores) == 1


def test_the_results_page_lists_each_scores_state_and_posts_again(lti_site: LtiSite) -> None:
    exam = lti_site.class_exam()
    posting = grades(lti_site)
    attempt_id = sitting(lti_site, exam.id, "learner-4")
    lti_site.site.client.post(f"/api/v1/attempts/{attempt_id}/submit")
    lti_site.platform.failures_left = 100
    posting.max_tries = 1
    posting.sync()
    client = lti_site.site.as_(lti_site.instructor_token(exam))
    page = client.get(f"/classes/{exam.id}/results")
    assert "Grades sent to the course" in page.text
    assert "failed: The platform answered 503" in page.text
    [failed] = posting.scores(exam.id)
    lti_site.platform.failures_left = 0
    again = client.post(f"/classes/{exam.id}/scores/{failed.id}/post-again")
    assert again.status_code == 303
    assert posting.post_due() == 1
    assert ">posted<" in client.get(f"/classes/{exam.id}/results").text


def test_the_roster_lists_course_learners_who_have_not_started(lti_site: LtiSite) -> None:
    exam = lti_site.class_exam()
    sitting(lti_site, exam.id, "learner-5")
    lti_site.platform.members = [
        {"user_id": "learner-5", "name": "Ada Lovelace", "roles": [LEARNER], "status": "Active"},
        {"user_id": "learner-6", "name": "Alan Turing", "roles": [LEARNER], "status": "Active"},
        {"user_id": "teacher", "name": "Prof", "roles": ["Instructor"], "status": "Active"},
    ]
    page = lti_site.site.as_(lti_site.instructor_token(exam)).get(f"/classes/{exam.id}/roster")
    assert page.status_code == 200
    assert '<th scope="row">Ada Lovelace</th><td>in progress</td>' in page.text
    assert '<th scope="row">Alan Turing</th><td>not started</td>' in page.text
    assert "Prof" not in page.text.split("<tbody>")[1]


def test_the_roster_follows_the_platforms_pages_up_to_its_caps(lti_site: LtiSite) -> None:
    exam = lti_site.class_exam()
    sitting(lti_site, exam.id, "learner-1")  # the course's link, with its roster URL
    posting = grades(lti_site)
    lti_site.platform.members = [
        {"user_id": f"l-{n}", "name": f"Learner {n}", "roles": [LEARNER]} for n in range(5)
    ]
    lti_site.platform.members_per_page = 2
    roster = posting.roster(exam.id, {})
    assert roster is not None and [e.user_id for e in roster] == [f"l-{n}" for n in range(5)]
    assert lti_site.platform.member_pages_served == 3  # two Link headers followed
    lti_site.platform.endless_roster = True  # every page names a next one
    lti_site.platform.member_pages_served = 0
    posting.roster_pages = 7
    endless = posting.roster(exam.id, {})
    assert lti_site.platform.member_pages_served == 7 and endless is not None
    assert len(endless) == 5  # the pages past the members are empty
    lti_site.platform.member_pages_served = 0
    posting.roster_seconds = 0  # past the deadline after the first page
    assert posting.roster(exam.id, {}) is not None
    assert lti_site.platform.member_pages_served == 1
    posting.roster_seconds = 30
    lti_site.platform.member_pages_served = 0
    lti_site.platform.next_page_base = "http://127.0.0.2:9"  # another host gets no token
    assert posting.roster(exam.id, {}) is not None
    assert lti_site.platform.member_pages_served == 1


def test_two_registrations_of_one_issuer_each_use_their_own_token(lti_site: LtiSite) -> None:
    """Every Canvas Cloud school has the issuer https://canvas.instructure.com: a score for
    one school's course must not carry another's bearer token."""
    posting = grades(lti_site)
    first = lti_site.registered()
    second = lti_site.lti.add_platform(
        **{**lti_site.platform.registration(), "client_id": "second-school"}
    )
    lti_site.platform.client_ids.add("second-school")
    tokens = [posting._connector(p).get_access_token([SCORE_SCOPE]) for p in (first, second, first)]
    assert tokens[0] != tokens[1] and tokens[2] == tokens[0]  # kept, each under its own key
    assert [lti_site.platform.tokens[t] for t in tokens[:2]] == [CLIENT_ID, "second-school"]
    elsewhere = lti_site.lti.add_platform(
        **{
            **lti_site.platform.registration(),
            "client_id": "third-school",
            "auth_token_url": f"{lti_site.platform.base}/no-such-token-endpoint",
        }
    )
    with pytest.raises(LtiServiceException):  # its own token URL is asked, and answers 404
        posting._connector(elsewhere).get_access_token([SCORE_SCOPE])


def test_a_token_the_platform_revoked_is_dropped_and_a_new_one_asked_for(
    lti_site: LtiSite,
) -> None:
    posting, exam = grades(lti_site), lti_site.class_exam()
    submitted(lti_site, exam.id, "learner-5")
    assert posting.sync() == 1
    issued = lti_site.platform.tokens_issued
    lti_site.platform.tokens.clear()  # the platform revokes every token it gave
    submitted(lti_site, exam.id, "learner-6")
    assert posting.sync() == 1
    assert lti_site.platform.tokens_issued == issued + 1
    assert [s.state for s in posting.scores(exam.id)] == ["posted", "posted"]
