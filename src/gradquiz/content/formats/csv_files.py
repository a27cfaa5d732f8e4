"""CSV: the headerless six columns of public benchmarks, and a headed layout with feedback."""

import csv
import io
from collections.abc import Iterator, Sequence

from gradquiz.content.formats.markup import plain_to_markdown
from gradquiz.content.formats.report import BankQuestion, FileRefused, Refused
from gradquiz.content.formats.rules import OPTION_IDS, Draft, DraftOption, split_reference

HEADERLESS_COLUMNS = 6  # question, A, B, C, D, answer letter
COLUMNS = (
    "id",
    "question",
    *OPTION_IDS,
    "key",
    "topic",
    "difficulty",
    "shuffle",
    *(f"feedback_{letter}" for letter in OPTION_IDS),
    "explanation",
    "reference",
)
_KNOWN = set(COLUMNS)


def read_csv(text: str) -> Iterator[Draft | Refused]:
    """Every row as a draft: headed when the first row names 'question' and 'key'."""
    rows = _rows(text)
    if not rows:
        raise FileRefused("Not CSV: the file is empty.")
    header = [cell.strip().lower() for cell in rows[0][1]]
    if "question" in header and "key" in header:
        yield from _headed(header, rows[1:])
    else:
        yield from _headerless(rows)


def _delimiter(text: str) -> str:
    """',' unless the first line holds more ';' or tabs (as spreadsheets set to some locales
    write CSV)."""
    first = text.split("\n", 1)[0]
    return max(",;\t", key=lambda d: (first.count(d), d == ","))


def _rows(text: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    rows = []
    line = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as error:
        raise FileRefused(f"Not CSV: line {reader.line_num}: {error}") from None
    return rows


def _headerless(rows: list[tuple[int, list[str]]]) -> Iterator[Draft | Refused]:
    if not any(len(row) == HEADERLESS_COLUMNS for _, row in rows):
        raise FileRefused(
            "Not CSV as gradquiz reads it: no row has the 6 columns (question, A, B, C, D, "
            "answer letter) and the first row does not name the columns 'question' and 'key'."
        )
    for line, row in rows:
        where = f"line {line}"
        if len(row) != HEADERLESS_COLUMNS:
            name = " ".join(row[0].split()[:8])
            yield Refused(name, where, f"{len(row)} columns; the headerless layout has 6")
            continue
        letter = row[5].strip().lower()
        draft = Draft(where, "", plain_to_markdown(row[0]), [])
        draft.options = [
            DraftOption(plain_to_markdown(text), correct=OPTION_IDS[n] == letter)
            for n, text in enumerate(row[1:5])
        ]
        if letter not in OPTION_IDS[:4]:
            draft.faults.append(f"answer {row[5].strip()!r} is not a letter A to D")
        yield draft


def _headed(header: list[str], rows: list[tuple[int, list[str]]]) -> Iterator[Draft]:
    unknown = [name for name in header if name not in _KNOWN]
    if unknown:
        raise FileRefused(f"Line 1: unknown column {unknown[0]!r} (columns: {', '.join(COLUMNS)}).")
    letters = [letter for letter in OPTION_IDS if letter in header]
    for line, row in rows:
        cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
        where = f"line {line}"
        last = max((n for n, letter in enumerate(letters) if cells.get(letter)), default=-1)
        key = cells.get("key", "").lower()
        explanation, reference = split_reference(cells.get("explanation", ""))
        draft = Draft(
            where=where,
            title=cells.get("id", ""),
            stem=cells.get("question", ""),
            options=[
                DraftOption(
                    cells.get(letter, ""), cells.get(f"feedback_{letter}", ""), letter == key
                )
                for letter in letters[: last + 1]
            ],
            explanation=explanation,
            topic=cells.get("topic", ""),
            difficulty=cells.get("difficulty", ""),
            reference=cells.get("reference", "") or reference,
            shuffle=cells.get("shuffle", "yes").lower() not in {"no", "false", "0"},
        )
        if len(row) > len(header):
            draft.faults.append(f"{len(row)} cells; the header names {len(header)} columns")
        if key not in letters[: last + 1]:
            draft.faults.append(f"key {cells.get('key', '')!r} does not name an option column")
        yield draft


def write_csv(items: Sequence[BankQuestion]) -> bytes:
    """The questions as headed CSV (UTF-8, with the byte-order mark Excel needs)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in items:
        question = item.question
        letters = {option.id: OPTION_IDS[n] for n, option in enumerate(question.options)}
        texts = [o.text for o in question.options] + [""] * (
            len(OPTION_IDS) - len(question.options)
        )
        feedback = [o.feedback for o in question.options]
        feedback += [""] * (len(OPTION_IDS) - len(feedback))
        writer.writerow(
            [
                question.id,
                question.stem,
                *texts,
                letters[question.key],
                question.topic,
                question.difficulty.value,
                "yes" if question.shuffle else "no",
                *feedback,
                question.explanation,
                question.reference,
            ]
        )
    return out.getvalue().encode("utf-8-sig")
