"""A variant as plain JSON-able data, to keep drawn variants ready in storage, and back."""

from dataclasses import asdict
from typing import Any

from gradquiz.core.questions import LabLink, Option
from gradquiz.core.variants import KeyCheck, Variant


def variant_record(variant: Variant) -> dict[str, Any]:
    """The variant as nested dicts and lists of plain values."""
    return asdict(variant)


def variant_from_record(record: dict[str, Any]) -> Variant:
    """The variant a record describes."""
    lab = record["lab"]
    return Variant(
        stem=record["stem"],
        options=tuple(Option(**option) for option in record["options"]),
        key=record["key"],
        explanation=record["explanation"],
        checks=tuple(KeyCheck(**check) for check in record["checks"]),
        lab=None
        if lab is None
        else LabLink(graph=lab["graph"], values=tuple((name, v) for name, v in lab["values"])),
    )
