"""A fresh install gets the versions the tests passed with: constraints.txt pins them all."""

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).parents[1]


def pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    found = (re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line.strip()) for line in lines)
    return {_normal(m.group(1)): m.group(2) for m in found if m}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_declared_dependency_is_pinned() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    names = {_normal(re.split(r"[\[<>=!~; ]", spec, maxsplit=1)[0]) for spec in declared}
    assert names - set(pins()) == set()


def test_the_suite_runs_on_the_pinned_versions() -> None:
    wrong = {}
    for name, pinned in pins().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            continue  # a pin for another platform (the Makefile installs with the constraints)
        if installed != pinned:
            wrong[name] = (installed, pinned)
    assert wrong == {}, "run `make` again: the environment differs from constraints.txt"
