"""A lab form as a page shows it: every field's text, and a refusal beside the field to blame.

A refused lab request answers 422 with its form shown again, the learner's input kept as
typed and the message next to the field it is about (or above the form when no one field is).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from gradquiz.core.lab.operations import NoDerivative
from gradquiz.errors import InvalidInput


@dataclass(frozen=True)
class LabForm:
    """The texts a form's fields show, and the refusal of one of them, if any."""

    texts: Mapping[str, str]
    errors: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None  # a refusal that no single field on the form is to blame for
    columns: Mapping[str, int] = field(default_factory=dict)  # 1-based, in a field's text
    # The refusal's heading where "That could not be read" is not true: at (x − 2)**0.5 with
    # x = 2 every value was read, and f has no derivative there.
    heading: str | None = None

    @classmethod
    def refusing(
        cls, texts: Mapping[str, str], refusal: InvalidInput, shown: Iterable[str]
    ) -> "LabForm":
        """The form again with `refusal` beside its field, or above the form."""
        name = getattr(refusal, "field", None)
        if name is not None and name in set(shown):
            column = getattr(refusal, "column", None)
            columns = {name: column} if isinstance(column, int) and column > 0 else {}
            return cls(texts, {name: refusal.message}, columns=columns)
        if isinstance(refusal, NoDerivative):
            return cls(texts, error=refusal.message, heading="No derivative at this point")
        return cls(texts, error=refusal.message)

    @property
    def message(self) -> str | None:
        """The refusal, wherever it is shown."""
        return self.error or next(iter(self.errors.values()), None)

    def text(self, name: str) -> str:
        """A field's text as typed (empty if it was not sent)."""
        return self.texts.get(name, "")

    def marked(self, name: str) -> tuple[str, str, str] | None:
        """A field's text split around the character its refusal points at (the column),
        which is "" past the end; None when the refusal names no column."""
        column = self.columns.get(name)
        if column is None:
            return None
        text = self.text(name)
        at = min(column, len(text) + 1) - 1
        return text[:at], text[at : at + 1], text[at + 1 :]


def texts_of(query: Mapping[str, str], names: Iterable[str]) -> dict[str, str]:
    """The texts the query gave these fields, as typed."""
    return {name: query[name] for name in names if name in query}
