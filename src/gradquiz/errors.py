"""One error hierarchy: every error a user can cause carries a message and an HTTP status."""


class GradquizError(Exception):
    """An error with a message meant for the person who caused it."""

    status: int = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(GradquizError):
    """The thing asked for does not exist, or is not yours to see."""

    status = 404


class InvalidInput(GradquizError):
    """The request names something that cannot be accepted (an unknown option, say)."""

    status = 422


class AttemptClosed(GradquizError):
    """The attempt no longer takes answers: it was submitted or its time ran out."""

    status = 409


class NotSubmitted(GradquizError):
    """The result is asked for before the attempt was submitted."""

    status = 409


class BlueprintUnfillable(GradquizError):
    """The question bank cannot fill the exam blueprint."""

    status = 500


class PackInvalid(GradquizError):
    """A content pack failed validation; `problems` lists every fault found."""

    status = 500

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems
