"""Static files under content-hashed URLs, so browsers may keep them for a year."""

import hashlib
import os
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

ONE_YEAR = "public, max-age=31536000, immutable"
ONE_HOUR = "public, max-age=3600"


class HashedStaticFiles(StaticFiles):
    """Serves a folder; `url(name)` carries the file's hash, and such URLs are cached long."""

    def __init__(self, directory: Path, prefix: str) -> None:
        super().__init__(directory=directory)
        self.root = directory.resolve()
        self.prefix = prefix.rstrip("/")
        self.hashes = {
            path.relative_to(directory).as_posix(): short_digest(path.read_bytes())
            for path in sorted(directory.rglob("*"))
            if path.is_file()
        }

    def url(self, name: str) -> str:
        """The URL of static file `name`, with its content hash as the version."""
        return f"{self.prefix}/{name}?v={self.hashes[name]}"

    def file_response(
        self,
        full_path: os.PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        name = Path(full_path).resolve().relative_to(self.root).as_posix()
        current = f"v={self.hashes.get(name)}".encode()
        # Only the current version may be kept for a year; an old or missing one is revalidated.
        fresh = scope.get("query_string", b"") == current
        response.headers["Cache-Control"] = ONE_YEAR if fresh else ONE_HOUR
        return response


def short_digest(content: bytes) -> str:
    """A short content hash, enough to tell versions of one file apart."""
    return hashlib.sha256(content).hexdigest()[:12]
