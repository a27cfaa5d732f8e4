"""Instructors' private question banks: upload a file, list, preview every question, delete.

Every page is an instructor's own (or shared with them); anyone else gets Not found. A bank's
questions appear nowhere else on the site.
"""

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from gradquiz.content.formats import Format, check_size
from gradquiz.content.formats.markup import MEDIA_PREFIX
from gradquiz.content.formats.rules import Defaults, slug
from gradquiz.content.render import MarkdownRenderer
from gradquiz.core.accounts import Account, require_instructor
from gradquiz.core.attempts import LETTERS
from gradquiz.core.questions import Difficulty, Question
from gradquiz.errors import GradquizError, InvalidInput
from gradquiz.services.banks import BankImport, BankService
from gradquiz.web.sessions import required_account
from gradquiz.web.templating import render_page, see_other

router = APIRouter(include_in_schema=False)
BankId = Annotated[str, Path(min_length=1, max_length=64)]
UPLOAD_PATH = "/classes/banks"
# The multipart envelope around the file and the form's few fields.
UPLOAD_OVERHEAD = 64 * 1024


@dataclass(frozen=True)
class PreviewOption:
    """An option as the preview shows it."""

    label: str
    html: str
    feedback_html: str
    key: bool


@dataclass(frozen=True)
class Preview:
    """A bank question rendered as learners see it, with its key and feedback."""

    number: int
    question: Question
    stem_html: str
    options: tuple[PreviewOption, ...]
    explanation_html: str


def _banks(request: Request) -> BankService:
    banks: BankService = request.app.state.banks
    return banks


def _instructor(request: Request) -> Account:
    return require_instructor(
        required_account(request, "Sign in as an instructor to use question banks.")
    )


@router.get("/classes/banks", response_class=HTMLResponse)
def banks_page(request: Request) -> Response:
    """The instructor's banks, and the form to import a file into one."""
    return _index(request, _instructor(request))


@router.post(UPLOAD_PATH)
async def upload(
    request: Request,
    file: Annotated[UploadFile, File()],
    bank: Annotated[str, Form(max_length=400)] = "",
    topic: Annotated[str, Form(max_length=400)] = "",
    difficulty: Annotated[str, Form(max_length=400)] = "medium",
    file_format: Annotated[str, Form(alias="format", max_length=400)] = "auto",
) -> Response:
    """Import an uploaded file into one of the instructor's banks; show what was done."""
    instructor = _instructor(request)
    banks = _banks(request)
    try:
        check_size(file.size or 0, banks.max_bytes)  # the whole file's size, as received
        data = await file.read(banks.max_bytes + 1)
        check_size(len(data), banks.max_bytes)
        done = banks.import_file(
            instructor=instructor,
            bank_name=bank or (file.filename or "").rsplit(".", 1)[0] or "Imported",
            data=data,
            file_name=file.filename or "",
            file_format=_format(file_format),
            defaults=_defaults(topic, difficulty),
        )
    except GradquizError as refusal:
        kept = {"bank": bank, "topic": topic, "difficulty": difficulty, "format": file_format}
        return _index(request, instructor, refusal=refusal, kept=kept)
    return _index(request, instructor, done=done)


@router.get("/classes/banks/{bank_id}", response_class=HTMLResponse)
def preview(request: Request, bank_id: BankId) -> Response:
    """Every question of the bank, rendered as learners will see it, with key and feedback."""
    instructor = _instructor(request)
    banks = _banks(request)
    bank = banks.bank(instructor=instructor, bank_id=bank_id)
    items = banks.questions(instructor=instructor, bank_id=bank_id)
    renderer: MarkdownRenderer = request.app.state.bank_markdown
    base = f"/classes/banks/{bank.id}/{MEDIA_PREFIX}"
    previews = [
        _preview(number, item.question, renderer, base)
        for number, item in enumerate(items, start=1)
    ]
    return render_page(
        request,
        "classes/bank.html",
        account=instructor,
        bank=bank,
        owned=bank.instructor_id == instructor.id,
        previews=previews,
    )


@router.get("/classes/banks/{bank_id}/media/{name}")
def media(
    request: Request, bank_id: BankId, name: Annotated[str, Path(max_length=120)]
) -> Response:
    """An image a bank's questions show (for its instructors only)."""
    mime, data = _banks(request).image(instructor=_instructor(request), bank_id=bank_id, name=name)
    return Response(data, media_type=mime, headers={"Cache-Control": "private, no-store"})


@router.post("/classes/banks/{bank_id}/delete")
def delete(
    request: Request, bank_id: BankId, confirm: Annotated[str, Form(max_length=400)] = ""
) -> Response:
    """Delete one of the instructor's own banks, once the box is ticked."""
    instructor = _instructor(request)
    if confirm != "yes":
        refusal = InvalidInput("Tick the box to delete the bank; nothing was deleted.")
        return _index(request, instructor, refusal=refusal)
    _banks(request).delete(instructor=instructor, bank_id=bank_id)
    return see_other("/classes/banks?deleted=1")


def _index(
    request: Request,
    instructor: Account,
    *,
    refusal: GradquizError | None = None,
    done: BankImport | None = None,
    kept: dict[str, str] | None = None,
) -> Response:
    """The banks page; after a refused upload, the form as it was sent (a browser cannot
    refill a file field, so only it is empty)."""
    page = render_page(
        request,
        "classes/banks.html",
        status=refusal.status if refusal else 200,
        error=refusal.message if refusal else None,
        account=instructor,
        banks=_banks(request).banks(instructor=instructor),
        done=done,
        formats=[f.value for f in Format],
        difficulties=[d.value for d in Difficulty],
        max_mb=_banks(request).max_bytes / 1e6,
        kept=kept or {},
    )
    page.headers.update(refusal.headers if refusal else {})
    return page


def _format(value: str) -> Format | None:
    if value == "auto":
        return None
    try:
        return Format(value)
    except ValueError:
        raise InvalidInput(
            f"The format {value[:20]!r} is not one of: auto, gift, moodle, qti, csv."
        ) from None


def _defaults(topic: str, difficulty: str) -> Defaults:
    try:
        chosen = Difficulty(difficulty)
    except ValueError:
        raise InvalidInput("The difficulty is one of: easy, medium, hard.") from None
    return Defaults(topic=slug(topic) if topic.strip() else None, difficulty=chosen)


def _preview(number: int, question: Question, renderer: MarkdownRenderer, base: str) -> Preview:
    def local(text: str) -> str:
        return re.sub(rf"\]\({re.escape(MEDIA_PREFIX)}", f"]({base}", text)

    options = tuple(
        PreviewOption(
            label=LETTERS[n],
            html=renderer.inline(local(option.text)),
            feedback_html=renderer.block(local(option.feedback)) if option.feedback else "",
            key=option.id == question.key,
        )
        for n, option in enumerate(question.options)
    )
    return Preview(
        number=number,
        question=question,
        stem_html=renderer.block(local(question.stem)),
        options=options,
        explanation_html=renderer.block(local(question.explanation)),
    )


def upload_limits(max_bytes: int) -> dict[str, int]:
    """The request guard's limit for the upload route: the file's limit and its envelope."""
    return {UPLOAD_PATH: max_bytes + UPLOAD_OVERHEAD}
