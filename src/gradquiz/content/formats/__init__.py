"""Question exchange formats: GIFT, Moodle XML, QTI 3.0 and CSV, read into and written from
gradquiz's own question model."""

from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path

# Each format's module (lark, lxml, defusedxml) is imported when it is first used: a server
# that never imports a file does not pay for them at start-up.
from gradquiz.content.formats.report import (
    BankQuestion,
    FileRefused,
    ImportReport,
    Refused,
    Skipped,
)
from gradquiz.content.formats.rules import Defaults, Draft, accept
from gradquiz.content.formats.safe_input import check_size, utf8_text

DEFAULT_IMPORT_MAX_BYTES = 5 * 1024 * 1024


class Format(StrEnum):
    """A question exchange format gradquiz reads and writes."""

    GIFT = "gift"
    MOODLE = "moodle"
    QTI = "qti"
    CSV = "csv"


SUFFIXES = {Format.GIFT: ".gift", Format.MOODLE: ".xml", Format.QTI: ".zip", Format.CSV: ".csv"}


def detect_format(name: str, data: bytes) -> Format:
    """The format of a file, from its content first and its name's suffix second."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"PK\x03\x04"):
        return Format.QTI
    if head.startswith(b"<"):
        return (
            Format.QTI
            if b"qti-assessment-item" in head or b"assessmentItem" in head
            else (Format.MOODLE)
        )
    suffix = Path(name).suffix.lower()
    if suffix in {".gift", ".txt"}:
        return Format.GIFT
    if suffix in {".csv", ".tsv"}:
        return Format.CSV
    return Format.GIFT if b"{" in data and b"}" in data else Format.CSV


def read_questions(
    data: bytes,
    file_format: Format,
    defaults: Defaults = Defaults(),
    *,
    max_bytes: int = DEFAULT_IMPORT_MAX_BYTES,
) -> ImportReport:
    """Read a file of questions: what is imported, skipped by type and refused by rule.

    A file that cannot be read at all (wrong format or encoding, too large, unsafe XML, a zip
    bomb) raises FileRefused naming the line and the fault.
    """
    check_size(len(data), max_bytes)
    if file_format in {Format.GIFT, Format.CSV} and data.startswith(b"PK\x03\x04"):
        name = "GIFT" if file_format is Format.GIFT else "CSV"
        raise FileRefused(f"Not {name}: the file is a zip archive (a QTI content package?).")
    found: Iterable[Draft | Skipped | Refused]
    if file_format is Format.GIFT:
        from gradquiz.content.formats.gift import read_gift

        found = list(read_gift(utf8_text(data)))
    elif file_format is Format.CSV:
        from gradquiz.content.formats.csv_files import read_csv

        found = list(read_csv(utf8_text(data)))
    elif file_format is Format.MOODLE:
        from gradquiz.content.formats.moodle_xml import read_moodle_xml

        found = list(read_moodle_xml(data))
    else:
        from gradquiz.content.formats.qti import read_qti

        found = list(read_qti(data))
    return accept(found, ImportReport(file_format.value), defaults)


def write_questions(
    items: Sequence[BankQuestion], file_format: Format, *, pack_id: str, title: str = ""
) -> bytes:
    """The questions in one format; reading the bytes back gives the same questions."""
    if file_format is Format.GIFT:
        from gradquiz.content.formats.gift import write_gift

        return write_gift(items, pack_id)
    if file_format is Format.MOODLE:
        from gradquiz.content.formats.moodle_xml import write_moodle_xml

        return write_moodle_xml(items, pack_id)
    if file_format is Format.QTI:
        from gradquiz.content.formats.qti import write_qti

        return write_qti(items, pack_id, title or pack_id)
    from gradquiz.content.formats.csv_files import write_csv

    return write_csv(items)


__all__ = [
    "BankQuestion",
    "Defaults",
    "FileRefused",
    "Format",
    "ImportReport",
    "check_size",
    "detect_format",
    "read_questions",
    "write_questions",
]
