"""Classes: instructors create and watch class exams; learners join by code and sit them.

Pages are plain forms (JavaScript only refreshes the live table); the JSON routes under
/api/v1/classes let a learner join and start by API, as the exam's own API does the rest.
"""

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from gradquiz.core import item_flags
from gradquiz.core.accounts import Account, Role, require_instructor
from gradquiz.core.attempts import SubmitReason
from gradquiz.core.classes import (
    ATTEMPTS,
    MINUTES,
    MULTIPLIER,
    ClassExam,
    ClassRules,
    Disclosure,
    checked_window_time,
)
from gradquiz.core.item_flags import Flag
from gradquiz.core.questions import Difficulty
from gradquiz.errors import GradquizError, InvalidInput, NotFound
from gradquiz.services.classes import ClassService, Standing
from gradquiz.web import rate_limits
from gradquiz.web.private_json import PrivateJSONResponse
from gradquiz.web.rate_limits import Action
from gradquiz.web.schemas import ClassJoinIn, ClassOut, documented_errors
from gradquiz.web.sessions import required_account, signed_in
from gradquiz.web.templating import render_page, see_other
from gradquiz.web.views import result_view

router = APIRouter(include_in_schema=False)
api = APIRouter(
    prefix="/api/v1/classes",
    tags=["classes"],
    default_response_class=PrivateJSONResponse,
    responses=documented_errors(
        {
            400: "The body could not be read as JSON text.",
            403: "Not signed in, or the request came from a page of another site.",
            404: "No class exam with that code or id that you are a member of.",
            409: "The class exam is not open, or no attempts are left.",
            413: "The request body is too large.",
            422: "Invalid input.",
            429: "Too many class codes tried from this account or address; see Retry-After.",
        }
    ),
)

ClassId = Annotated[str, Path(min_length=1, max_length=64)]
# Generous bounds, so that the service, not the form parser, says what is wrong.
Text = Annotated[str, Form(max_length=400)]
REFRESH_SECONDS = 10


def _classes(request: Request) -> ClassService:
    service: ClassService = request.app.state.classes
    return service


def _account(request: Request) -> Account:
    return required_account(request, "Sign in (or sign up) to take part in a class.")


def _now(request: Request) -> datetime:
    return _classes(request).now()


# Everyone ---------------------------------------------------------------------------------


@router.get("/classes", response_class=HTMLResponse)
def index(request: Request, code: str = "") -> Response:
    """Join a class by code; your classes; for instructors, the classes you run."""
    return _index(request, signed_in(request), code, None)


@router.get("/join/{code}")
def join_link(code: str) -> Response:
    """A class's join link: the join form with its code filled in."""
    return see_other(f"/classes?code={''.join(c for c in code[:32] if c.isalnum())}#join")


@router.post("/classes/join")
def join(request: Request, code: Text) -> Response:
    """Join the class exam with this code, then see it."""
    account = signed_in(request)
    if account is None:
        return see_other("/account/sign-in")
    try:
        rate_limits.check(request, Action.JOIN, account.id)  # a wrong code counts too
        exam = _classes(request).join(learner=account, code=code)
    except GradquizError as refusal:
        return _index(request, account, code, refusal)
    return see_other(f"/classes/{exam.id}")


@router.get("/classes/new", response_class=HTMLResponse)
def new_form(request: Request) -> Response:
    """The form for a new class exam, filled in with the pack's defaults."""
    _instructor(request)
    return _new_form(request, None, {})


@router.post("/classes/new")
async def create(request: Request) -> Response:
    """Create the class exam and go to its live page."""
    account = _instructor(request)
    form = {k: str(v)[:200] for k, v in (await request.form()).items()}
    try:
        rules = _rules(form)
        bank = form.get("bank", "").strip() or None
        exam = _classes(request).create(instructor=account, rules=rules, bank_id=bank)
    except GradquizError as refusal:
        return _new_form(request, refusal, form)
    return see_other(f"/classes/{exam.id}/live")


@router.get("/classes/{class_id}", response_class=HTMLResponse)
def class_page(request: Request, class_id: ClassId) -> Response:
    """The class exam as its member sees it (its instructor goes to the live page)."""
    account = _account(request)
    classes = _classes(request)
    if _teaches(account):
        try:
            classes.owned(instructor=account, class_id=class_id)
            return see_other(f"/classes/{class_id}/live")
        except NotFound:
            pass
    view = classes.for_learner(learner=account, class_id=class_id)
    return render_page(request, "classes/learner.html", view=view, now=_now(request))


@router.get("/classes/{class_id}/media/{name}")
def class_image(
    request: Request, class_id: ClassId, name: Annotated[str, Path(max_length=120)]
) -> Response:
    """An image a question of a class exam drawn from a private bank shows."""
    mime, data = _classes(request).image(account=signed_in(request), class_id=class_id, name=name)
    return Response(data, media_type=mime, headers={"Cache-Control": "private, no-store"})


@router.post("/classes/{class_id}/start")
def start(request: Request, class_id: ClassId) -> Response:
    """Start (or resume) the member's sitting and go to its first question."""
    attempt = _classes(request).start(learner=_account(request), class_id=class_id)
    return see_other(f"/attempts/{attempt.id}")


# Instructors ------------------------------------------------------------------------------


@router.post("/instructors")
def promote(request: Request, username: Text) -> Response:
    """Make another account an instructor."""
    account = _instructor(request)
    try:
        promoted = request.app.state.accounts.promote(by=account, username=username)
    except GradquizError as refusal:
        return _index(request, account, "", refusal)
    return see_other(f"/classes?promoted={promoted.username}")


@router.get("/classes/{class_id}/live", response_class=HTMLResponse)
def live(request: Request, class_id: ClassId) -> Response:
    """Who has joined, started, answered how many, submitted, and the time each has left."""
    exam = _owned(request, class_id)
    now = _now(request)
    standings = _classes(request).standings(exam)
    return render_page(
        request,
        "classes/live.html",
        exam=exam,
        now=now,
        live=_live(exam, standings, now),
        events=_classes(request).events(exam),
        refresh=REFRESH_SECONDS,
        join_url=str(request.base_url).rstrip("/") + f"/join/{exam.code}",
        notice=request.query_params.get("notice", "")[:200],
    )


@router.get("/classes/{class_id}/live.json", include_in_schema=False)
def live_json(request: Request, class_id: ClassId) -> Response:
    """The live table's figures, for the page's own refresh."""
    exam = _owned(request, class_id)
    now = _now(request)
    return PrivateJSONResponse(_live(exam, _classes(request).standings(exam), now))


@router.post("/classes/{class_id}/time")
def give_time(
    request: Request,
    class_id: ClassId,
    username: Text,
    multiplier: Text = "1",
    extra_minutes: Text = "0",
) -> Response:
    """Set a member's extra time (a multiplier and an extension); logged."""
    account = _instructor(request)
    try:
        member = _classes(request).give_time(
            instructor=account,
            class_id=class_id,
            username=username,
            multiplier=_number(multiplier, "The multiplier", float),
            extra_minutes=int(_number(extra_minutes, "The extension", int)),
        )
    except InvalidInput as refusal:
        return see_other(f"/classes/{class_id}/live?notice={refusal.message}#time")
    notice = f"{member.username} now has time × {member.multiplier:g}"
    notice += f" and {int(member.extra.total_seconds() // 60)} extra minutes."
    return see_other(f"/classes/{class_id}/live?notice={notice}#time")


@router.post("/classes/{class_id}/close")
def close(request: Request, class_id: ClassId) -> Response:
    """Close the window now; every open sitting is submitted at once."""
    submitted = _classes(request).close_now(instructor=_instructor(request), class_id=class_id)
    notice = f"Closed. {submitted} attempt{'s' if submitted != 1 else ''} in progress submitted."
    return see_other(f"/classes/{class_id}/live?notice={notice}")


@router.get("/classes/{class_id}/results", response_class=HTMLResponse)
def results(request: Request, class_id: ClassId) -> Response:
    """Each member's sittings: score, time used, and who submitted."""
    exam = _owned(request, class_id)
    rows = _result_rows(exam, _classes(request).standings(exam))
    return render_page(request, "classes/results.html", exam=exam, rows=rows)


@router.get("/classes/{class_id}/results.csv")
def results_csv(request: Request, class_id: ClassId) -> Response:
    """The results table as CSV, one row per sitting (or per member who has not started)."""
    exam = _owned(request, class_id)
    rows = _result_rows(exam, _classes(request).standings(exam))
    columns = ["username", "attempt", "started_at", "submitted_at", "submitted_by"]
    columns += ["score", "total", "minutes_used", "time_multiplier", "extra_minutes"]
    return _csv(f"{exam.code}-results.csv", columns, [[r[c] for c in columns] for r in rows])


@router.get("/classes/{class_id}/answers.csv")
def answers_csv(request: Request, class_id: ClassId) -> Response:
    """Each submitted sitting question by question: the choice, the key, right or wrong."""
    exam = _owned(request, class_id)
    classes = _classes(request)
    names = {m.owner: m.username for m in classes.members(exam)}
    rows: list[list[Any]] = []
    for attempt, result in classes.graded_sittings(exam):
        for number, outcome in enumerate(result.outcomes, start=1):
            rows.append(
                [
                    names.get(attempt.owner, ""),
                    attempt.id,
                    number,
                    outcome.question.id,
                    outcome.chosen or "",
                    outcome.question.key,
                    int(outcome.correct),
                ]
            )
    columns = ["username", "attempt", "number", "question", "chosen", "key", "correct"]
    return _csv(f"{exam.code}-answers.csv", columns, rows)


@router.get("/classes/{class_id}/sittings/{attempt_id}", response_class=HTMLResponse)
def sitting(request: Request, class_id: ClassId, attempt_id: str) -> Response:
    """One member's submitted sitting with every key, as the instructor sees it."""
    exam = _owned(request, class_id)
    classes = _classes(request)
    attempt, graded = classes.sitting_result(exam, attempt_id)
    view = result_view(attempt, graded, classes.exam.pack, request.app.state.rendered)
    member = classes.member(exam, attempt.owner)
    return render_page(
        request,
        "exam/result.html",
        exam=exam,
        result=view,
        shown=view.questions,
        only_wrong=False,
        closed=False,
        instructor_view=member.username if member else "A learner",
    )


@router.get("/classes/{class_id}/stats", response_class=HTMLResponse)
def stats(request: Request, class_id: ClassId) -> Response:
    """Item statistics from first sittings: facility, discrimination, point-biserial, flags."""
    exam = _owned(request, class_id)
    try:
        analysis = _classes(request).statistics(exam)
    except InvalidInput:
        analysis = None
    # A bank's exam asks its own questions, at their pinned versions, not the pack's.
    questions = {question.id: question for question in _classes(request).questions_of(exam)}
    return render_page(
        request,
        "classes/stats.html",
        exam=exam,
        analysis=analysis,
        questions=questions,
        rendered=request.app.state.rendered,  # option text as the question pages show it
        flags=list(Flag),
        judging=item_flags,
        kr20_note=(
            item_flags.kr20_note(
                analysis.exam.kr20, learners=analysis.exam.learners, items=analysis.exam.items
            )
            if analysis
            else ""
        ),
    )


# The API ----------------------------------------------------------------------------------


@api.post("/join", response_model=ClassOut)
def api_join(request: Request, body: ClassJoinIn) -> ClassOut:
    """Join the class exam with this code (signed in)."""
    account = _account(request)
    rate_limits.check(request, Action.JOIN, account.id)  # a wrong code counts too
    exam = _classes(request).join(learner=account, code=body.code)
    return _class_out(exam, _now(request))


@api.post("/{class_id}/attempts", status_code=201)
def api_start(request: Request, response: Response, class_id: ClassId) -> dict[str, str]:
    """Start (or resume) your sitting; then use /api/v1/attempts/{id} as for any attempt."""
    attempt = _classes(request).start(learner=_account(request), class_id=class_id)
    response.headers["Location"] = f"/api/v1/attempts/{attempt.id}"
    return {"attempt_id": attempt.id}


# Helpers ----------------------------------------------------------------------------------


def _teaches(account: Account | None) -> bool:
    return account is not None and account.role is Role.INSTRUCTOR


def _instructor(request: Request) -> Account:
    return require_instructor(_account(request))


def _owned(request: Request, class_id: str) -> ClassExam:
    return _classes(request).owned(instructor=_instructor(request), class_id=class_id)


def _index(
    request: Request, account: Account | None, code: str, refusal: GradquizError | None
) -> Response:
    """The classes page, with the reason a form on it was refused if one was."""
    classes = _classes(request)
    page = render_page(
        request,
        "classes/index.html",
        status=refusal.status if refusal else 200,
        error=refusal.message if refusal else None,
        account=account,
        code=code[:32],
        joined=classes.joined(learner=account) if account else [],
        taught=classes.taught(instructor=account) if account and _teaches(account) else [],
        now=_now(request),
    )
    page.headers.update(refusal.headers if refusal else {})
    return page


def _new_form(request: Request, refusal: GradquizError | None, form: dict[str, str]) -> Response:
    pack = _classes(request).exam.pack
    now = _now(request).astimezone(UTC).replace(second=0, microsecond=0)
    defaults = {
        "title": f"{pack.title}",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "minutes": str(pack.minutes),
        "attempts_allowed": "1",
        "at_submit": Disclosure.SCORE.value,
        "after_close": Disclosure.EVERYTHING.value,
        **{d.value: str(n) for d, n in pack.blueprint.counts.items()},
    }
    return render_page(
        request,
        "classes/new.html",
        status=refusal.status if refusal else 200,
        error=refusal.message if refusal else None,
        form={**defaults, **form} if form else defaults,
        prefer=form.get("prefer_parametrized") == "on" if form else False,
        policies=list(Disclosure),
        difficulties=list(Difficulty),
        banks=request.app.state.banks.banks(instructor=_instructor(request)),
        limits={"minutes": MINUTES, "attempts": ATTEMPTS, "multiplier": MULTIPLIER},
    )


def _rules(form: dict[str, str]) -> ClassRules:
    def policy(name: str) -> Disclosure:
        try:
            return Disclosure(form.get(name, ""))
        except ValueError:
            raise InvalidInput("Choose what learners see from the list.") from None

    return ClassRules(
        title=form.get("title", ""),
        opens_at=_when(form.get("opens_at", ""), "The opening time"),
        closes_at=_when(form.get("closes_at", ""), "The closing time"),
        minutes=int(_number(form.get("minutes", ""), "The time limit", int)),
        counts={
            d: int(_number(form.get(d.value, "0"), f"The {d.value} count", int)) for d in Difficulty
        },
        prefer_parametrized=form.get("prefer_parametrized") == "on",
        at_submit=policy("at_submit"),
        after_close=policy("after_close"),
        attempts_allowed=int(_number(form.get("attempts_allowed", ""), "Attempts", int)),
    )


def _when(text: str, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{what} must be a date and time (YYYY-MM-DD HH:MM, UTC).") from None
    return checked_window_time(
        moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment, what
    )


def _number(text: str, what: str, kind: type[int] | type[float]) -> float:
    try:
        return kind(text.strip())
    except ValueError:
        raise InvalidInput(f"{what} must be a number, not {text.strip()[:16]!r}.") from None


def _state(sitting: Any, now: datetime) -> str:
    if sitting is None:
        return "joined"
    if sitting.submitted_at is None:
        return "in progress" if now < sitting.deadline else "time up"
    return "submitted" if sitting.submitted_by is SubmitReason.LEARNER else "submitted at deadline"


def _live(exam: ClassExam, standings: list[Standing], now: datetime) -> dict[str, Any]:
    rows = []
    counts = {"joined": len(standings), "started": 0, "in_progress": 0, "submitted": 0}
    for standing in standings:
        latest = standing.latest
        if latest is not None:
            counts["started"] += 1
            if latest.submitted_at is None:
                counts["in_progress"] += 1
            else:
                counts["submitted"] += 1
        left = (latest.deadline - now).total_seconds() if latest and not latest.submitted_at else 0
        rows.append(
            {
                "username": standing.member.username,
                "state": _state(latest, now),
                "answered": latest.answered if latest else 0,
                "total": latest.total if latest else len(exam.question_ids),
                "seconds_left": max(0, int(left)),
                "score": latest.score if latest else None,
                "extra": standing.member.multiplier != 1 or bool(standing.member.extra),
            }
        )
    return {
        "window": exam.window(now).value,
        "closes": exam.closes.isoformat(),
        "counts": counts,
        "rows": rows,
    }


def _result_rows(exam: ClassExam, standings: list[Standing]) -> list[dict[str, Any]]:
    rows = []
    for standing in standings:
        member = standing.member
        base = {
            "username": member.username,
            "time_multiplier": f"{member.multiplier:g}",
            "extra_minutes": int(member.extra.total_seconds() // 60),
        }
        if not standing.sittings:
            empty = dict.fromkeys(["attempt", "started_at", "submitted_at", "submitted_by"], "")
            rows.append(
                {**base, **empty, "score": "", "total": len(exam.question_ids), "minutes_used": ""}
            )
        for sitting in standing.sittings:
            used = (sitting.submitted_at - sitting.started_at) if sitting.submitted_at else None
            rows.append(
                {
                    **base,
                    "attempt": sitting.id,
                    "started_at": sitting.started_at.isoformat(timespec="seconds"),
                    "submitted_at": sitting.submitted_at.isoformat(timespec="seconds")
                    if sitting.submitted_at
                    else "",
                    "submitted_by": sitting.submitted_by.value if sitting.submitted_by else "",
                    "score": "" if sitting.score is None else sitting.score,
                    "total": sitting.total,
                    "minutes_used": f"{used.total_seconds() / 60:.1f}" if used else "",
                }
            )
    return rows


def _csv(filename: str, columns: list[str], rows: list[list[Any]]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _class_out(exam: ClassExam, now: datetime) -> ClassOut:
    return ClassOut(
        id=exam.id,
        title=exam.rules.title,
        opens_at=exam.rules.opens_at,
        closes_at=exam.closes,
        minutes=exam.rules.minutes,
        questions=len(exam.question_ids),
        attempts_allowed=exam.rules.attempts_allowed,
        window=exam.window(now).value,
    )
