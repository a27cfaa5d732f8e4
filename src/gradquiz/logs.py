"""One log format for gradquiz and uvicorn, in the main process and every worker."""

from typing import Any

FORMAT = "%(asctime)s %(levelname)s %(name)s [pid %(process)d]: %(message)s"


def log_config(level: str) -> dict[str, Any]:
    """A logging.config dictionary: every line to stderr as time, level, logger, process."""
    handler = {"handlers": ["stderr"], "level": level.upper(), "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": FORMAT}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {name: dict(handler) for name in ("gradquiz", "uvicorn", "uvicorn.access")},
    }
