"""Where things live: each mode in one place per layer, and dependencies that point one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import gradquiz

ROOT = Path(gradquiz.__file__).parent
WEB = ROOT / "web"
MODES = [
    "exam",
    "practice",
    "review",
    "progress",
    "interview",
    "accounts",
    "lab",
    "classes",
    "banks",
    "lti",
]
# What every mode's package shares: errors, security, templating, static files, sessions.
SHARED_WEB_MODULES = {
    "__init__",
    "app",
    "asgi",
    "body_nul",
    "charts",
    "destinations",
    "errors",
    "format",
    "identity",
    "private_json",
    "rate_limits",
    "rendered",
    "request_guard",
    "security",
    "sessions",
    "site_routes",
    "static_files",
    "templating",
}
# A layer may import the layers listed for it and nothing above them.
MAY_IMPORT = {
    "core": set(),
    "content": {"core"},
    "storage": {"core"},
    "services": {"core", "content", "storage"},
    "web": {"core", "content", "storage", "services"},
}


@pytest.mark.parametrize("mode", MODES)
def test_each_mode_has_a_service_a_web_package_and_a_template_folder(mode: str) -> None:
    assert (ROOT / "services" / f"{mode}.py").is_file()
    assert (WEB / mode / "__init__.py").is_file()
    assert (WEB / mode / "routes.py").is_file() or (WEB / mode / "pages.py").is_file()
    assert (WEB / "templates" / mode).is_dir()


def test_the_api_has_its_own_web_package() -> None:
    assert (WEB / "api" / "exam.py").is_file() and (WEB / "api" / "schemas.py").is_file()


def test_web_holds_only_shared_modules_beside_the_mode_packages() -> None:
    loose = {path.stem for path in WEB.glob("*.py")}
    assert loose == SHARED_WEB_MODULES, sorted(loose ^ SHARED_WEB_MODULES)
    packages = {p.name for p in WEB.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(MODES) | {"api"}, sorted(packages ^ (set(MODES) | {"api"}))


def _imported_layers(path: Path) -> set[str]:
    layers = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "gradquiz" and len(parts) > 1 and parts[1] in MAY_IMPORT:
                layers.add(parts[1])
    return layers


@pytest.mark.parametrize("layer", sorted(MAY_IMPORT))
def test_dependencies_point_one_way(layer: str) -> None:
    wrong = {
        str(path.relative_to(ROOT)): sorted(found)
        for path in sorted((ROOT / layer).rglob("*.py"))
        if (found := _imported_layers(path) - MAY_IMPORT[layer] - {layer})
    }
    assert wrong == {}


def test_the_files_make_test_starts_first_are_test_files_that_exist() -> None:
    from tests.conftest import LONGEST_FILES

    root = Path(__file__).resolve().parent.parent
    missing = [path for path in LONGEST_FILES if not (root / path).is_file()]
    assert missing == [] and len(set(LONGEST_FILES)) == len(LONGEST_FILES)
