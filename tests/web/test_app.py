"""The app's background work: SQLite's write-ahead log is checkpointed off the request path."""

import time
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gradquiz.content.pack_loader import builtin_pack_dir, load_pack
from gradquiz.services.exam import ExamService
from gradquiz.storage.database import Database
from gradquiz.web import app as app_module
from gradquiz.web.app import create_app
from tests.conftest import app_settings
from tests.factories import filler_rows


def test_a_running_app_copies_the_log_into_the_database_file_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "CHECKPOINT_SECONDS", 0.05)
    path = tmp_path / "gradquiz.db"
    database = Database(f"sqlite:///{path}", background_checkpoints=True)
    database.migrate()
    service = ExamService(
        database=database, pack=load_pack(builtin_pack_dir()), grace=timedelta(seconds=1)
    )
    app = create_app(app_settings(database), service=service)
    with TestClient(app):
        size_before = path.stat().st_size
        filler_rows(database, 50)
        # Far below the 10,000 pages at which a commit would checkpoint by itself.
        deadline = time.monotonic() + 10
        while path.stat().st_size < size_before + 50 * 2000 and time.monotonic() < deadline:
            time.sleep(0.05)
        grown = path.stat().st_size - size_before
    database.dispose()
    assert grown > 50 * 2000


def test_apps_of_one_process_render_a_pack_once_and_compile_each_template_once(
    tmp_path: Path,
) -> None:
    from gradquiz.web.rendered import RECENT_PACKS, RenderedPack

    database = Database(f"sqlite:///{tmp_path / 'two-apps.db'}")
    database.migrate()
    pack = load_pack(builtin_pack_dir())
    apps = [
        create_app(app_settings(database), service=ExamService(database=database, pack=pack))
        for _ in range(2)
    ]
    assert apps[0].state.rendered is apps[1].state.rendered
    others = [load_pack(builtin_pack_dir()) for _ in range(RECENT_PACKS)]
    assert RenderedPack.for_pack(others[0]) is not apps[0].state.rendered  # another pack object
    for other in others:
        assert RenderedPack.for_pack(other).pack is other
    assert RenderedPack.for_pack(pack) is not apps[0].state.rendered  # the oldest went
    compiled = app_module._COMPILED
    pages = []
    for app in apps:
        with TestClient(app) as client:
            before = len(compiled._compiled)
            pages.append(client.get("/").text)
            grew = len(compiled._compiled) - before
        if app is apps[1]:
            assert grew == 0, "the second app compiled templates the first had compiled"
    assert pages[0] == pages[1]
    database.dispose()
