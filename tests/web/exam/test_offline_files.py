"""The service worker's stable address and headers, the Workbox and idb-keyval files shipped
with their licences, and the sign-out that clears what a browser kept."""

import re
from pathlib import Path

from fastapi.testclient import TestClient

from gradquiz.web.exam.offline import CLEAR_SITE_DATA, DROPPED, WORKBOX
from tests.web.accounts.test_account_pages import sign_up
from tests.web.exam.test_exam_pages import page_text

STATIC = Path(__file__).parents[3] / "src" / "gradquiz" / "web" / "static"
README = Path(__file__).parents[3] / "README.md"


def test_the_worker_has_a_stable_address_and_loads_workbox_from_the_package(
    client: TestClient,
) -> None:
    response = client.get("/exam-sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"  # checked on every update
    assert response.headers["service-worker-allowed"] == "/attempts/"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    (workbox,) = re.findall(r'importScripts\("([^"]+)"\)', response.text)
    assert workbox.startswith(f"/static/{WORKBOX}/workbox-sw.js?v=")
    assert client.get(workbox).headers["cache-control"].endswith("immutable")
    (modules,) = re.findall(r'modulePathPrefix: "([^"]+)"', response.text)
    for name in ("workbox-core", "workbox-routing", "workbox-strategies"):
        module = client.get(f"{modules}{name}.prod.js")
        assert module.status_code == 200 and b"workbox" in module.content
    assert "__WORKBOX" not in response.text
    assert f'var DROPPED = "{DROPPED}";' in response.text and "__DROPPED__" not in response.text


def test_the_page_for_a_dropped_navigation_names_no_one_and_says_nothing_is_lost(
    client: TestClient,
) -> None:
    """Stored on the device with an attempt's pages, the same for everyone: no site
    navigation (it would name the account signed in), no attempt of anyone's."""
    sign_up(client, "kept")
    assert "kept" in page_text(client.get("/account").text).split()  # signed in
    response = client.get(DROPPED)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    text = page_text(response.text)
    assert "This page did not arrive" in text and "Nothing you answered is lost" in text
    assert "kept" not in text.split() and "Sign out" not in text and "/attempts/" not in text
    for part in ('id="network-dropped"', 'id="dropped-held"', 'id="dropped-when"'):
        assert part in response.text


def test_the_shipped_browser_libraries_carry_their_licences_and_versions() -> None:
    vendor = STATIC / "vendor"
    assert sorted(p.name for p in vendor.iterdir()) == ["idb-keyval-6.3.0", "workbox-7.4.1"]
    assert "Permission is hereby granted" in (vendor / "workbox-7.4.1" / "LICENSE").read_text()
    assert "Apache License" in (vendor / "idb-keyval-6.3.0" / "LICENCE").read_text()
    built = {p.name for p in (vendor / "workbox-7.4.1").glob("*.js")}
    assert built == {
        f"workbox-{m}.js" for m in ("sw", "core.prod", "routing.prod", "strategies.prod")
    }
    assert "7.4.1" in (vendor / "workbox-7.4.1" / "workbox-sw.js").read_text()
    readme = README.read_text()
    assert "| 7.4.1 |" in readme and "| 6.3.0 |" in readme


def test_signing_out_clears_the_browsers_storage(client: TestClient) -> None:
    response = client.post("/account/sign-out")
    assert response.status_code == 303
    assert response.headers["clear-site-data"] == CLEAR_SITE_DATA == '"cache", "storage"'
