"""A learner's data: all of it as CSV files in one zip, or deleted for good."""

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gradquiz.storage.database import Database
from gradquiz.storage.export import learner_rows
from gradquiz.storage.ownership import delete_owner

# A cell starting with one of these is a formula to a spreadsheet; a quote makes it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class LearnerData:
    """Exports and deletes everything one learner owns."""

    database: Database

    def export(self, *, learner: str | None) -> bytes:
        """A zip with one CSV per kind of data (only headers for a learner with none)."""
        with self.database.read() as session:
            rows = learner_rows(session=session, owner=learner or "")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, (columns, values) in rows.items():
                archive.writestr(f"{name}.csv", _csv(columns, values))
        return buffer.getvalue()

    def delete(self, *, learner: str | None) -> None:
        """Delete every row the learner owns, in every table, at once."""
        if learner:
            with self.database.write() as session:
                delete_owner(session=session, owner=learner)


def _csv(columns: list[str], rows: Any) -> str:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return text.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
