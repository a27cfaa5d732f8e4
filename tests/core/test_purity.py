"""The core is pure: it reads no clock and knows nothing of the web or of SQL."""

import ast
from pathlib import Path

import gradquiz.core

CORE = Path(gradquiz.core.__file__).parent
FORBIDDEN_MODULES = ("sqlalchemy", "fastapi", "starlette", "alembic", "psycopg", "gradquiz.web")
FORBIDDEN_MODULES += ("gradquiz.storage", "gradquiz.services")
# Calls that read the time of day; `now` is always passed in.
CLOCK_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"), ("time", "time")}


def modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text())) for path in sorted(CORE.rglob("*.py"))]


def test_the_core_imports_no_web_sql_storage_or_services() -> None:
    found = []
    for path, tree in modules():
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [f"{path.name}: {n}" for n in names if n.startswith(FORBIDDEN_MODULES)]
    assert len(modules()) > 20 and found == []


def test_the_core_reads_no_clock() -> None:
    found = []
    for path, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
                if (name, node.func.attr) in CLOCK_CALLS:
                    found.append(f"{path.name}:{node.lineno}")
    assert found == []
