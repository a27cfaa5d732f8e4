"""Reading TOML files into strict pydantic models, with every fault located by line."""

import re
import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from gradquiz.content.problems import Problem

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """A schema that refuses unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def load_toml_model(path: Path, model: type[M], problems: list[Problem]) -> M | None:
    """Parse `path` into `model`; on failure add located problems and return None."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None) or _toml_error_line(str(error))
        problems.append(Problem(path, line, f"invalid TOML: {error}"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for detail in error.errors():
            location = ".".join(str(part) for part in detail["loc"])
            first = str(detail["loc"][0]) if detail["loc"] else ""
            line = line_of(path, first) if first else 1
            message = detail["msg"]
            if detail["type"] == "extra_forbidden":
                message = "unknown key"
            problems.append(Problem(path, line, f"{location}: {message}"))
        return None


def _toml_error_line(message: str) -> int:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else 1


def line_of(path: Path, name: str, sep: str = "=") -> int:
    """The first line of `path` that sets `name` (or opens table `[name]`), else 1."""
    pattern = re.compile(rf"^\s*(\[+\s*{re.escape(name)}\s*\]+|{re.escape(name)}\s*{sep})")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            return number
    return 1
