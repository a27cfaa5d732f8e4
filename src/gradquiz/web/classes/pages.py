"""Classes: instructors create and watch class exams; learners join by code and sit them.

Pages are plain forms (JavaScript only refreshes the live table); the JSON routes under
/api/v1/classes let a learner join and start by API, as the exam's own API does the rest.
"""

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from gradquiz.core import item_flags
from gradquiz.core.accounts import Account, Role, require_instructor
from gradquiz.core.classes import (
    ATTEMPTS,
    MINUTES,
    MULTIPLIER,
    ClassExam,
    Disclosure,
    Window,
)
from gradquiz.core.item_flags import Flag
from gradquiz.core.packs import Pack
from gradquiz.core.questions import Difficulty, Question
from gradquiz.errors import GradquizError, InvalidInput, NotFound, TooManyRequests
from gradquiz.services.classes import KEY, ClassRefused, ClassService
from gradquiz.web import rate_limits
from gradquiz.web.api.schemas import NO_CONTROL_CHARACTERS, ClassJoinIn, ClassOut, documented_errors
from gradquiz.web.classes.forms import (
    QuestionSource,
    class_rules_of,
    form_number,
    question_sources,
    refused_field,
)
from gradquiz.web.classes.late import late_counts, late_rows
from gradquiz.web.classes.live import SHOWS, SORTS, TableView, live_table, notice_text, time_form
from gradquiz.web.classes.questions import (
    SEEDS_SEARCHED,
    ClassQuestion,
    OptionElsewhere,
    class_questions,
    options_elsewhere,
)
from gradquiz.web.classes.results import csv_download, result_rows
from gradquiz.web.classes.time_zones import DEFAULT as DEFAULT_ZONE
from gradquiz.web.classes.time_zones import wall_clock, zone_names
from gradquiz.web.exam.views import result_view
from gradquiz.web.private_json import PrivateJSONResponse
from gradquiz.web.rate_limits import Action
from gradquiz.web.sessions import required_account, signed_in
from gradquiz.web.templating import render_page, see_other

if TYPE_CHECKING:  # numpy, which item statistics need, loads when they are first computed
    from gradquiz.core.item_stats import ItemAnalysis

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

ClassId = Annotated[str, Path(min_length=1, max_length=64, pattern=NO_CONTROL_CHARACTERS)]
# Why joining from a join link after signing in was refused: fixed texts, named in the query.
JOIN_REFUSED = {
    "unknown": "No class exam has that code; check it with your instructor.",
    "closed": "This class exam has closed; it takes no new members.",
    "busy": "Too many class codes tried from this account or address; try again later.",
    "other": "The class could not be joined; try the code again.",
}
JOIN_REFUSALS: dict[str, type[GradquizError]] = {
    "unknown": NotFound,
    "closed": ClassRefused,
    "busy": TooManyRequests,
}
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
def index(request: Request, code: str = "", refused: str = "") -> Response:
    """Join a class by code; your classes; for instructors, the classes you run."""
    refusal = GradquizError(JOIN_REFUSED[refused]) if refused in JOIN_REFUSED else None
    return _index(request, signed_in(request), _typed_code(code), refusal, status=200)


@router.get("/join/{code}")
def join_link(request: Request, code: str) -> Response:
    """A class's join link: the join form with its code filled in; signed out, the code and
    the way in (sign in or sign up, then land in the class, joined)."""
    typed = _typed_code(code)
    account = signed_in(request)
    if account is None:
        return _index(request, None, typed, None)
    classes = _classes(request)
    try:
        exam = classes.by_code(typed)
    except GradquizError:
        return see_other(f"/classes?code={typed}#join")
    if exam.instructor == account.id:
        return see_other(f"/classes/{exam.id}/live")  # their own class: nothing to join
    if any(joined.id == exam.id for joined in classes.joined(learner=account)):
        return see_other(f"/classes/{exam.id}")
    return _index(request, account, typed, None, found=exam)


def join_on_arrival(request: Request, account: Account, code: str) -> str:
    """Join the class with `code` for an account that has just signed in (or up) from its
    join link; the class page to land on, or the join form saying why it was refused."""
    try:
        rate_limits.check(request, Action.JOIN, account.id)  # a wrong code counts too
        exam = _classes(request).join(learner=account, code=code)
    except GradquizError as refusal:
        kinds = JOIN_REFUSALS.items()
        reason = next((r for r, kind in kinds if isinstance(refusal, kind)), "other")
        return f"/classes?code={_typed_code(code)}&refused={reason}#join"
    return f"/classes/{exam.id}?notice=joined"


@router.post("/classes/join")
def join(request: Request, code: Text) -> Response:
    """Join the class exam with this code, then see it."""
    account = signed_in(request)
    if account is None:
        typed = _typed_code(code)
        return see_other(f"/account/sign-in?next=/join/{typed}" if typed else "/account/sign-in")
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
        rules = class_rules_of(form)
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
    joined = request.query_params.get("notice") == "joined"
    return render_page(request, "classes/learner.html", view=view, now=_now(request), joined=joined)


@router.get("/classes/{class_id}/media/{name}")
def class_image(
    request: Request,
    class_id: ClassId,
    name: Annotated[str, Path(max_length=120, pattern=NO_CONTROL_CHARACTERS)],
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
    exam, co_teacher = _followed(request, class_id)
    return _live_page(request, exam, co_teacher=co_teacher)


@router.get("/classes/{class_id}/live.json", include_in_schema=False)
def live_json(request: Request, class_id: ClassId) -> Response:
    """The live table's figures, for the page's own refresh (the same query as the page)."""
    exam, _ = _followed(request, class_id)
    view = TableView.of(request.query_params)
    classes = _classes(request)
    late = late_counts(classes.late_answers(exam))
    return PrivateJSONResponse(live_table(exam, classes.standings(exam), _now(request), view, late))


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
        _classes(request).give_time(
            instructor=account,
            class_id=class_id,
            username=username,
            multiplier=form_number(multiplier, "The multiplier", float),
            extra_minutes=int(form_number(extra_minutes, "The extension", int)),
        )
    except InvalidInput as refusal:
        typed = {"username": username, "multiplier": multiplier, "extra_minutes": extra_minutes}
        return _live_page(request, _owned(request, class_id), refusal, typed)
    return see_other(f"/classes/{class_id}/live?notice=time#time")


@router.get("/classes/{class_id}/close", response_class=HTMLResponse)
def close_form(request: Request, class_id: ClassId) -> Response:
    """What closing now would do, with how many attempts are in progress, and the button."""
    exam = _owned(request, class_id)
    classes = _classes(request)
    if exam.window(_now(request)) is Window.CLOSED:
        return see_other(f"/classes/{class_id}/live")
    return render_page(
        request, "classes/close.html", exam=exam, in_progress=classes.in_progress(exam)
    )


@router.post("/classes/{class_id}/close")
def close(request: Request, class_id: ClassId, confirm: Text = "") -> Response:
    """Close the window now, once confirmed; every open sitting is submitted at once."""
    if confirm != "yes":  # a post from an old page, or without the confirmation step
        _owned(request, class_id)
        return see_other(f"/classes/{class_id}/close")
    _classes(request).close_now(instructor=_instructor(request), class_id=class_id)
    return see_other(f"/classes/{class_id}/live?notice=closed")


@router.get("/classes/{class_id}/results", response_class=HTMLResponse)
def results(request: Request, class_id: ClassId) -> Response:
    """Each member's sittings: score, time used, and who submitted."""
    exam = _owned(request, class_id)
    classes = _classes(request)
    standings = classes.standings(exam)
    rows = result_rows(exam, standings)
    late = late_rows(standings, classes.late_answers(exam))
    grades = request.app.state.lti_grades
    return render_page(
        request,
        "classes/results.html",
        exam=exam,
        rows=rows,
        late_rows=late,
        lti_scores=grades.scores(exam.id),
        lti_names=grades.names(exam.id),
    )


@router.get("/classes/{class_id}/results.csv")
def results_csv(request: Request, class_id: ClassId) -> Response:
    """The results table as CSV, one row per sitting (or per member who has not started)."""
    exam = _owned(request, class_id)
    rows = result_rows(exam, _classes(request).standings(exam))
    columns = ["username", "attempt", "started_at", "submitted_at", "submitted_by"]
    columns += ["score", "total", "minutes_used", "time_multiplier", "extra_minutes"]
    return csv_download(
        f"{exam.code}-results.csv", columns, [[r[c] for c in columns] for r in rows]
    )


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
    return csv_download(f"{exam.code}-answers.csv", columns, rows)


@router.get("/classes/{class_id}/sittings/{attempt_id}", response_class=HTMLResponse)
def sitting(request: Request, class_id: ClassId, attempt_id: str) -> Response:
    """One member's submitted sitting with every key, as the instructor sees it."""
    exam = _owned(request, class_id)
    classes = _classes(request)
    attempt, graded = classes.sitting_result(exam, attempt_id)
    late = classes.exam.late_answers(attempt)
    view = result_view(attempt, graded, classes.exam.pack, request.app.state.rendered, late=late)
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
    # A bank's exam asks its own questions, at their pinned versions, not the pack's: read once.
    asked = _classes(request).questions_of(exam)
    questions = {question.id: question for question in asked}
    shown = _shown_questions(request, asked)
    return render_page(
        request,
        "classes/stats.html",
        exam=exam,
        analysis=analysis,
        questions=questions,
        rendered=request.app.state.rendered,  # option text as the question pages show it
        shown=shown,
        elsewhere=_options_elsewhere(request, analysis, questions, shown),
        seeds_searched=SEEDS_SEARCHED,
        flags=list(Flag),
        judging=item_flags,
        unchosen_rule=item_flags.unchosen_rule(
            max((o.wrong_options for i in analysis.items for o in i.options), default=0)
            if analysis
            else 0
        ),
        kr20_note=(
            item_flags.kr20_note(
                analysis.exam.kr20, learners=analysis.exam.learners, items=analysis.exam.items
            )
            if analysis
            else ""
        ),
    )


def _options_elsewhere(
    request: Request,
    analysis: "ItemAnalysis | None",
    questions: dict[str, Question],
    shown: dict[str, ClassQuestion],
) -> list[tuple[int, str, tuple[OptionElsewhere, ...], list[str]]]:
    """For each generated question (by its number and id), the options its statistics count
    that its sample does not show, each as another variant words it, and the ids of any that
    no variant searched shows."""
    if analysis is None:
        return []
    described = []
    for number, item in enumerate(analysis.items, start=1):
        if not questions[item.item].parametrized:
            continue
        missing = [
            o.option
            for o in item.options
            if o.option != KEY and not shown[item.item].option_html(o.option)
        ]
        if missing:
            found = options_elsewhere(questions[item.item], missing, request.app.state.rendered)
            unfound = [i for i in missing if i not in {o.id for o in found}]
            described.append((number, item.item, found, unfound))
    return described


@router.get("/classes/{class_id}/preview", response_class=HTMLResponse)
def preview(request: Request, class_id: ClassId) -> Response:
    """The class exam's questions as learners see them, without starting an attempt."""
    exam = _owned(request, class_id)
    return render_page(
        request,
        "classes/preview.html",
        exam=exam,
        questions=list(_shown_questions(request, _classes(request).questions_of(exam)).values()),
    )


# The API ----------------------------------------------------------------------------------


@api.post("/join", response_model=ClassOut, summary="Join a class exam", operation_id="joinClass")
def api_join(request: Request, body: ClassJoinIn) -> ClassOut:
    """Join the class exam with this code (signed in)."""
    account = _account(request)
    rate_limits.check(request, Action.JOIN, account.id)  # a wrong code counts too
    exam = _classes(request).join(learner=account, code=body.code)
    return _class_out(exam, _now(request))


@api.post(
    "/{class_id}/attempts",
    status_code=201,
    summary="Start a class exam sitting",
    operation_id="startClassSitting",
)
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


def _followed(request: Request, class_id: str) -> tuple[ClassExam, bool]:
    """The instructor's class exam, or one another teacher of an LMS course runs that this
    instructor launched from it (then True: they follow it, read only)."""
    account = _instructor(request)
    try:
        return _classes(request).owned(instructor=account, class_id=class_id), False
    except NotFound:
        if not request.app.state.lti.co_teaches(account, class_id):
            raise
    return _classes(request).unowned(class_id=class_id), True


def _typed_code(text: str) -> str:
    return "".join(c for c in text[:32] if c.isascii() and c.isalnum())


def _shown_questions(request: Request, asked: list[Question]) -> dict[str, ClassQuestion]:
    return class_questions(_classes(request).exam.pack, request.app.state.rendered, asked)


def _live_page(
    request: Request,
    exam: ClassExam,
    refusal: GradquizError | None = None,
    typed: dict[str, str] | None = None,
    *,
    co_teacher: bool = False,
) -> Response:
    """The live page; with a refused extra-time form, the reason and the form as typed
    (`co_teacher`: without the instructor's forms)."""
    classes, now = _classes(request), _now(request)
    standings = classes.standings(exam)
    view = TableView.of(request.query_params)
    events = classes.events(exam)
    late = classes.late_answers(exam)
    return render_page(
        request,
        "classes/live.html",
        status=refusal.status if refusal else 200,
        exam=exam,
        now=now,
        live=live_table(exam, standings, now, view, late_counts(late)),
        late_rows=late_rows(standings, late),
        view=view,
        shows=SHOWS,
        sorts=SORTS,
        events=events,
        refresh=REFRESH_SECONDS,
        join_url=str(request.base_url).rstrip("/") + f"/join/{exam.code}",
        notice=notice_text(request.query_params.get("notice", ""), events),
        time_error=refusal.message if refusal else None,
        time_form=typed or time_form(standings, request.query_params.get("time_for", "")),
        in_progress=sum(1 for s in standings if s.latest and s.latest.submitted_at is None),
        co_teacher=co_teacher,
    )


def _index(
    request: Request,
    account: Account | None,
    code: str,
    refusal: GradquizError | None,
    status: int | None = None,
    found: ClassExam | None = None,
) -> Response:
    """The classes page, with the reason a form on it was refused if one was; from a join
    link, the class `found` by its code, to join with one press."""
    classes = _classes(request)
    code = code[:32]
    page = render_page(
        request,
        "classes/index.html",
        status=status or (refusal.status if refusal else 200),
        error=refusal.message if refusal else None,
        account=account,
        code=code,
        join_path=f"/join/{_typed_code(code)}" if _typed_code(code) else None,
        joined=classes.joined(learner=account) if account else [],
        taught=classes.taught(instructor=account) if account and _teaches(account) else [],
        now=_now(request),
        found=found,
    )
    page.headers.update(refusal.headers if refusal else {})
    return page


def _new_form(request: Request, refusal: GradquizError | None, form: dict[str, str]) -> Response:
    pack = _classes(request).exam.pack
    now = _now(request).astimezone(UTC).replace(second=0, microsecond=0)
    zone_name = form.get("time_zone", DEFAULT_ZONE)
    if zone_name not in zone_names():
        zone_name = DEFAULT_ZONE
    defaults = {
        "title": f"{pack.title}",
        "time_zone": zone_name,
        "opens_at": wall_clock(now, zone_name),
        "closes_at": wall_clock(now + timedelta(days=1), zone_name),
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
        error_field=refused_field(refusal.message) if refusal else None,
        form={**defaults, **form} if form else defaults,
        fresh=not form,
        zones=zone_names(),
        prefer=form.get("prefer_parametrized") == "on" if form else False,
        policies=list(Disclosure),
        difficulties=list(Difficulty),
        sources=_sources(request, pack),
        blueprint_text=", ".join(f"{n} {d.value}" for d, n in pack.blueprint.counts.items()),
        limits={"minutes": MINUTES, "attempts": ATTEMPTS, "multiplier": MULTIPLIER},
    )


def _sources(request: Request, pack: Pack) -> list[QuestionSource]:
    """The pack and each bank the instructor may use, with its questions per difficulty."""
    instructor = _instructor(request)
    banks = request.app.state.banks
    found = [(b.id, f"Your bank: {b.name}") for b in banks.banks(instructor=instructor)]
    return question_sources(pack, found, banks.difficulties(instructor=instructor))


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
