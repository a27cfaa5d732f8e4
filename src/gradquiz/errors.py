"""One error hierarchy: every error a user can cause carries a message and an HTTP status."""

import time
from datetime import datetime, timedelta
from typing import Any


class GradquizError(Exception):
    """An error with a message meant for the person who caused it."""

    status: int = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def headers(self) -> dict[str, str]:
        """Extra HTTP headers the response should carry."""
        return {}


class NotFound(GradquizError):
    """The thing asked for does not exist, or is not yours to see."""

    status = 404


class InvalidInput(GradquizError):
    """The request names something that cannot be accepted (an unknown option, say)."""

    status = 422


class SignInRequired(GradquizError):
    """The request needs a signed-in account, and this browser is not signed in to one."""

    status = 403


class AttemptClosed(GradquizError):
    """The attempt no longer takes answers: it was submitted or its time ran out."""

    status = 409


class AttemptInProgress(GradquizError):
    """A new attempt is asked for while the learner still has one open at the pack."""

    status = 409

    def __init__(self, message: str, attempt_id: str) -> None:
        super().__init__(message)
        self.attempt_id = attempt_id


class NotSubmitted(GradquizError):
    """The result is asked for before the attempt was submitted."""

    status = 409


class Withheld(GradquizError):
    """A class exam's review policy does not yet show this attempt's keys and feedback.

    It carries what the policy does show from: the policy in force, the attempt and its grade,
    and when everything will be shown (None if the policy never shows it).
    """

    status = 403

    def __init__(
        self, shown: Any, attempt: Any, result: Any, everything_from: datetime | None
    ) -> None:
        super().__init__(
            "Your instructor shows this exam's answers later; until then you see "
            + ("your score." if shown == "score" else "your score and which answers were right.")
        )
        self.shown = shown
        self.attempt = attempt
        self.result = result
        self.everything_from = everything_from


class HeldBack(GradquizError):
    """A class exam's open window holds back the questions this needs until `until`."""

    status = 409

    def __init__(
        self,
        message: str,
        until: datetime,
        *,
        open_classes: int = 1,
        last_close: datetime | None = None,
    ) -> None:
        super().__init__(f"{message}. The class exam closes at {until:%Y-%m-%d %H:%M} UTC.")
        self.until = until
        self.open_classes = open_classes  # how many class windows hold questions now
        self.last_close = last_close or until  # when the last of them closes


class TooManyRequests(GradquizError):
    """The same browser or address asked for something too often; `retry_after` is a Unix time."""

    status = 429

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    @classmethod
    def waiting(cls, message: str, wait: timedelta) -> "TooManyRequests":
        """Refused for `wait` from now (a wait measured on a service's own clock)."""
        return cls(message, retry_after=time.time() + wait.total_seconds())

    @property
    def headers(self) -> dict[str, str]:
        """Retry-After in whole seconds from now."""
        return {"Retry-After": str(max(1, int(self.retry_after - time.time()) + 1))}


class BlueprintUnfillable(GradquizError):
    """The question bank cannot fill the exam blueprint."""

    status = 500


class PackInvalid(GradquizError):
    """A content pack failed validation; `problems` lists every fault found."""

    status = 500

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems
