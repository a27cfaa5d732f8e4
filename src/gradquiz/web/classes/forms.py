"""The new-class-exam form read into rules: numbers, policies, and a window typed in the
instructor's time zone (stored in UTC); and what each source of questions holds."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from gradquiz.core.classes import (
    ClassRules,
    Disclosure,
    by_difficulty,
    checked_window_time,
    shortfall,
)
from gradquiz.core.packs import Pack
from gradquiz.core.questions import Difficulty
from gradquiz.errors import InvalidInput
from gradquiz.web.classes.time_zones import DEFAULT as DEFAULT_ZONE
from gradquiz.web.classes.time_zones import zone

# The field each of the form's refusals is about, by how its message begins (core and this
# module write them; test_class_pages checks every one lands beside a field).
_FIELD_OF = (
    ("Give the class exam a title", "title"),
    ("There is no such bank", "bank"),
    ("The opening time", "opens_at"),
    ("The closing time", "closes_at"),
    ("The window must close after it opens", "closes_at"),
    ("The time limit", "minutes"),
    ("Attempts", "attempts_allowed"),
    ("Allow ", "attempts_allowed"),
    ("After the window closes", "after_close"),
    ("Choose what learners see", "at_submit"),
    *((f"The {d.value} count", f"count-{d.value}") for d in Difficulty),
    ("The exam needs at least one question", f"count-{next(iter(Difficulty)).value}"),
)


def refused_field(message: str) -> str | None:
    """The id of the form field a refusal of the new-class-exam form is about, if one is."""
    for start, field in _FIELD_OF:
        if message.startswith(start):
            return field
    short = re.match(r"The (?:pack|bank) has \d+ (\w+) questions?, not ", message)
    for d in Difficulty:  # "The bank has 3 hard questions, not 5: ask for fewer, …"
        if short and short.group(1) == d.value:
            return f"count-{d.value}"
    return None


def class_rules_of(form: dict[str, str]) -> ClassRules:
    """The rules the new-class-exam form asks for; InvalidInput naming the first fault."""

    def policy(name: str) -> Disclosure:
        try:
            return Disclosure(form.get(name, ""))
        except ValueError:
            raise InvalidInput("Choose what learners see from the list.") from None

    zone_name = form.get("time_zone", DEFAULT_ZONE)
    return ClassRules(
        title=form.get("title", ""),
        opens_at=window_time(form.get("opens_at", ""), "The opening time", zone_name),
        closes_at=window_time(form.get("closes_at", ""), "The closing time", zone_name),
        minutes=int(form_number(form.get("minutes", ""), "The time limit", int)),
        counts={
            d: int(form_number(form.get(d.value, "0"), f"The {d.value} count", int))
            for d in Difficulty
        },
        prefer_parametrized=form.get("prefer_parametrized") == "on",
        at_submit=policy("at_submit"),
        after_close=policy("after_close"),
        attempts_allowed=int(form_number(form.get("attempts_allowed", ""), "Attempts", int)),
    )


def window_time(text: str, what: str, zone_name: str) -> datetime:
    """A time typed in the form's time zone (or with its own offset), in UTC."""
    where = zone(zone_name)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"{what} must be a date and time (YYYY-MM-DD HH:MM, {zone_name} time)."
        ) from None
    return checked_window_time(
        moment.replace(tzinfo=where) if moment.tzinfo is None else moment, what
    )


def form_number(text: str, what: str, kind: type[int] | type[float]) -> float:
    """A number typed in a form field; InvalidInput naming the field otherwise."""
    try:
        return kind(text.strip())
    except ValueError:
        raise InvalidInput(f"{what} must be a number, not {text.strip()[:16]!r}.") from None


@dataclass(frozen=True)
class QuestionSource:
    """The pack or a bank as the form lists it: questions of each difficulty, and those of
    the blueprint it cannot fill ((difficulty, have, wanted))."""

    value: str  # the form's `bank` field: "" for the pack
    name: str
    counts: Mapping[Difficulty, int]
    missing: list[tuple[Difficulty, int, int]]


def question_sources(
    pack: Pack, banks: list[tuple[str, str]], counts: Mapping[str, Mapping[Difficulty, int]]
) -> list[QuestionSource]:
    """The pack, then each (id, name) bank, measured against the pack's blueprint."""
    wanted = pack.blueprint.counts
    held = by_difficulty(pack.questions.values())
    sources = [QuestionSource("", f"The {pack.title} pack", held, shortfall(held, wanted))]
    for bank_id, name in banks:
        have = counts.get(bank_id, dict.fromkeys(Difficulty, 0))
        sources.append(QuestionSource(bank_id, name, have, shortfall(have, wanted)))
    return sources
