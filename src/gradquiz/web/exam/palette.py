"""The question palette's cells, built in Python: the template's loop over 15 cells with its
dozens of escapes per cell cost more than the rest of the question page together."""

from markupsafe import Markup, escape

from gradquiz.web.exam.views import AttemptView


def palette_cells(attempt: AttemptView, current: int | None, in_form: bool) -> Markup:
    """One <li> per question: a submit button of the page's form, or a link."""
    cells = []
    attempt_id = escape(attempt.id)
    for q in attempt.questions:
        status = ("answered" if q.chosen else "not answered") + (
            ", marked for review" if q.marked else ""
        )
        classes = f"cell {q.state}{' marked' if q.marked else ''}"
        label = f'data-seq="{q.next_seq - 1}" aria-label="Question {q.number}, {status}"'
        inside = (
            f'<span class="cell-number">{q.number}</span>'
            '<span class="cell-icon" aria-hidden="true"></span>'
        )
        if in_form:
            is_current = current == q.number
            extra = ' aria-current="step"' if is_current else ""
            classes += " current" if is_current else ""
            cells.append(
                f'<li><button type="submit" name="go" value="{q.number}" class="{classes}" '
                f'data-number="{q.number}" {label}{extra}>{inside}</button></li>'
            )
        else:
            cells.append(
                f'<li><a href="/attempts/{attempt_id}/questions/{q.number}" class="{classes}" '
                f'data-number="{q.number}" {label}>{inside}</a></li>'
            )
    return Markup("\n".join(cells))
