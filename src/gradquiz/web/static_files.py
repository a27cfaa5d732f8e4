"""Static files under content-hashed URLs, so browsers may keep them for a year."""

import hashlib
import os
import re
from pathlib import Path, PurePosixPath

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

ONE_YEAR = "public, max-age=31536000, immutable"
ONE_HOUR = "public, max-age=3600"
# A relative url(...) in a style sheet: the file it names gets its hash too (a font, say).
_CSS_URL = re.compile(r"""url\((["']?)(?![a-z]+:|/|#)([^"')?#]+)\1\)""")


class HashedStaticFiles(StaticFiles):
    """Serves a folder; `url(name)` carries the file's hash, and such URLs are cached long.

    A style sheet is served with the files it names by relative `url(...)` under their hashed
    URLs too, and its own hash is that of what is served, so a new font makes a new sheet."""

    def __init__(self, directory: Path, prefix: str) -> None:
        super().__init__(directory=directory)
        self.root = directory.resolve()
        self.prefix = prefix.rstrip("/")
        files = sorted(p for p in directory.rglob("*") if p.is_file())
        names = [path.relative_to(directory).as_posix() for path in files]
        self.hashes = {
            name: short_digest(path.read_bytes())
            for name, path in zip(names, files, strict=True)
            if not name.endswith(".css")
        }
        # Style sheets last: their hashes cover the hashed URLs written into them.
        self.sheets = {
            name: self._with_hashed_urls(name, path.read_text(encoding="utf-8")).encode()
            for name, path in zip(names, files, strict=True)
            if name.endswith(".css")
        }
        self.hashes |= {name: short_digest(content) for name, content in self.sheets.items()}

    def url(self, name: str) -> str:
        """The URL of static file `name`, with its content hash as the version."""
        return f"{self.prefix}/{name}?v={self.hashes[name]}"

    def _with_hashed_urls(self, sheet: str, css: str) -> str:
        folder = PurePosixPath(sheet).parent

        def hashed(match: re.Match[str]) -> str:
            quote, target = match[1], match[2]
            name = os.path.normpath(folder / target).replace(os.sep, "/")
            if name not in self.hashes:
                return match[0]
            return f"url({quote}{target}?v={self.hashes[name]}{quote})"

        return _CSS_URL.sub(hashed, css)

    def file_response(
        self,
        full_path: os.PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        name = Path(full_path).resolve().relative_to(self.root).as_posix()
        if name in self.sheets:
            response = Response(self.sheets[name], status_code, media_type="text/css")
        else:
            response = super().file_response(full_path, stat_result, scope, status_code)
        current = f"v={self.hashes.get(name)}".encode()
        # Only the current version may be kept for a year; an old or missing one is revalidated.
        fresh = scope.get("query_string", b"") == current
        response.headers["Cache-Control"] = ONE_YEAR if fresh else ONE_HOUR
        return response


def short_digest(content: bytes) -> str:
    """A short content hash, enough to tell versions of one file apart."""
    return hashlib.sha256(content).hexdigest()[:12]
