"""A lock every process writing one SQLite file takes, so writers queue instead of polling."""

import os
from pathlib import Path
from types import TracebackType

try:
    import fcntl
except ImportError:  # Windows: SQLite's own busy timeout is the only queue
    fcntl = None  # type: ignore[assignment]


class ProcessWriteLock:
    """An exclusive advisory lock on a file beside the database (flock), held per write.

    The kernel wakes a waiting process as soon as the holder lets go, where SQLite's busy
    handler would have each one sleep and retry. Threads of one process must hold a lock of
    their own first (Database does): they share the one file descriptor.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._descriptor: int | None = None

    @classmethod
    def beside(cls, database: str | None) -> "ProcessWriteLock":
        """The lock for the SQLite file `database` (none for an in-memory database)."""
        if fcntl is None or not database or database == ":memory:" or database.startswith("file:"):
            return cls(None)
        return cls(Path(database).expanduser().with_name(Path(database).name + ".write-lock"))

    def __enter__(self) -> None:
        if self.path is None:
            return
        if self._descriptor is None:
            self._descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._descriptor, fcntl.LOCK_EX)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._descriptor is not None:
            fcntl.flock(self._descriptor, fcntl.LOCK_UN)
