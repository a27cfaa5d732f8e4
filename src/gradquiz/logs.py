"""One log format for gradquiz and uvicorn, in the main process and every worker."""

import logging
import re
from typing import Any

FORMAT = "%(asctime)s %(levelname)s %(name)s [pid %(process)d]: %(message)s"
# An LTI launch's one-time ticket is in the path of the page it opens: never in the log.
_TICKET_PATH = re.compile(r"(/lti/(?:continue|window)/)[^\s?/\"]+")


class TicketRedaction(logging.Filter):
    """Drops LTI launch tickets from the access log's request lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TICKET_PATH.sub(r"\1…", a) if isinstance(a, str) else a for a in record.args
            )
        if isinstance(record.msg, str):
            record.msg = _TICKET_PATH.sub(r"\1…", record.msg)
        return True


def log_config(level: str) -> dict[str, Any]:
    """A logging.config dictionary: every line to stderr as time, level, logger, process."""
    handler = {"handlers": ["stderr"], "level": level.upper(), "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": FORMAT}},
        "filters": {"tickets": {"()": TicketRedaction}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stderr",
                "filters": ["tickets"],
            }
        },
        "loggers": {name: dict(handler) for name in ("gradquiz", "uvicorn", "uvicorn.access")},
    }
