"""Nothing can be forged or flooded: cross-site posts, planted cookies, headers, sizes, rates."""

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from opentelemetry import trace
from secure import Secure

from gradquiz.services.exam import ExamService
from gradquiz.web.app import create_app
from gradquiz.web.identity import COOKIE
from gradquiz.web.security import security_headers
from tests.conftest import app_settings

OTHER_ORIGIN = "http://127.0.0.1:9999"


def start(client: TestClient) -> str:
    response = client.post("/api/v1/attempts")
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": OTHER_ORIGIN},
        {"Origin": "null"},
    ],
)
def test_state_changing_requests_from_other_sites_are_refused(
    client: TestClient, headers: dict[str, str]
) -> None:
    attempt_id = start(client)
    client.put(f"/api/v1/attempts/{attempt_id}/answers/1", json={"option": "A"})
    forged = [
        client.post(f"/attempts/{attempt_id}/submit", data={"confirm": "yes"}, headers=headers),
        client.post(f"/attempts/{attempt_id}/questions/1", data={"option": "B"}, headers=headers),
        client.put(
            f"/api/v1/attempts/{attempt_id}/answers/1", json={"option": "C"}, headers=headers
        ),
        client.post("/interview/chain-rule/answer", data={"answer": "forged"}, headers=headers),
        client.post("/attempts", headers=headers),
    ]
    for response in forged:
        assert response.status_code == 403, response.text
        assert "another site" in response.text
    assert forged[2].json()["error"]["status"] == 403
    held = client.get(f"/api/v1/attempts/{attempt_id}").json()
    assert not held["submitted"] and held["questions"][0]["chosen"] == "A"


def test_the_apps_own_pages_and_plain_clients_may_change_state(client: TestClient) -> None:
    attempt_id = start(client)
    same = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}
    saved = client.put(
        f"/api/v1/attempts/{attempt_id}/answers/1", json={"option": "B"}, headers=same
    )
    assert saved.status_code == 200
    assert client.post(f"/api/v1/attempts/{attempt_id}/submit").status_code == 200


def test_only_identities_the_server_signed_are_accepted(
    client: TestClient, other_client: TestClient
) -> None:
    attempt_id = start(client)
    signed = client.cookies[COOKIE]
    planted = "a" * 43  # a value an attacker chose and planted in a victim's browser
    for forged in (planted, signed[:-2] + "xx", signed.split(".")[0]):
        other_client.cookies.set(COOKIE, forged)
        assert other_client.get(f"/api/v1/attempts/{attempt_id}").status_code == 404
        started = other_client.post("/api/v1/attempts")
        assert started.status_code == 201
        issued = started.headers["set-cookie"]
        assert f"{COOKIE}=" in issued and forged not in issued
        other_client.cookies.clear()
    assert client.get(f"/api/v1/attempts/{attempt_id}").status_code == 200


def test_a_cookie_another_key_signed_is_refused_after_this_one_was_accepted(
    service: ExamService,
) -> None:
    """Checked signatures are kept per signer: a server with another key refuses the cookie."""
    with TestClient(create_app(app_settings(service.database, secret_key="one-key"))) as first:
        attempt_id = start(first)
        assert first.get(f"/api/v1/attempts/{attempt_id}").status_code == 200
        cookie = first.cookies[COOKIE]
    with TestClient(create_app(app_settings(service.database, secret_key="other-key"))) as second:
        second.cookies.set(COOKIE, cookie)
        assert second.get(f"/api/v1/attempts/{attempt_id}").status_code == 404


def test_the_security_headers_are_the_ones_secure_builds() -> None:
    fixed = security_headers()
    assert fixed.headers is fixed.headers  # serialised once
    built_now = Secure.headers.fget(fixed)  # type: ignore[attr-defined]
    assert dict(fixed.headers) == dict(built_now)
    assert "frame-ancestors 'none'" in fixed.headers["Content-Security-Policy"]


@pytest.mark.parametrize("reported", [False, True])
def test_requests_look_for_opentelemetry_providers_only_when_asked(
    service: ExamService, monkeypatch: pytest.MonkeyPatch, reported: bool
) -> None:
    looked = []
    real = trace.get_tracer_provider
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: looked.append(1) or real())
    app = create_app(app_settings(service.database, opentelemetry=reported))
    with TestClient(app) as client:
        looked.clear()
        assert client.get("/").status_code == 200
    assert bool(looked) is reported


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    attempt_id = start(client)
    responses = {
        "page": client.get("/"),
        "question": client.get(f"/attempts/{attempt_id}/questions/1"),
        "api": client.get(f"/api/v1/attempts/{attempt_id}"),
        "redirect": client.post(f"/attempts/{attempt_id}/submit"),
        "interview redirect": client.post("/interview/chain-rule/answer", data={"answer": "x"}),
        "points redirect": client.post("/interview/chain-rule/points", data={"covered": "0"}),
        "deletion redirect": client.post("/progress/delete-my-data", data={"confirm": "yes"}),
        "static": client.get("/static/style.css"),
        "missing": client.get("/no/such/page"),
        "refused": client.post("/attempts", headers={"Sec-Fetch-Site": "cross-site"}),
        "too large": client.post("/attempts", content=b"x" * 70_000),
        "docs": client.get("/api/docs"),
    }
    for name, response in responses.items():
        headers = response.headers
        policy = headers.get("content-security-policy", "")
        assert (
            "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
        ), name
        assert "frame-ancestors 'none'" in policy, name
        assert headers.get("x-content-type-options") == "nosniff", name
        assert headers.get("referrer-policy") == "strict-origin-when-cross-origin", name
        assert headers.get("x-frame-options") == "DENY", name
    redirects = ("redirect", "interview redirect", "points redirect", "deletion redirect")
    for name in ("page", "question", "api", *redirects, "missing", "refused"):
        assert responses[name].headers["cache-control"] == "no-store", name


def test_pages_carry_no_inline_script(client: TestClient) -> None:
    attempt_id = start(client)
    client.post(f"/attempts/{attempt_id}/submit", data={"confirm": "yes"})
    for path in (
        "/",
        f"/attempts/{attempt_id}/result",
        "/interview/chain-rule",
        "/api/docs",
    ):
        markup = client.get(path).text
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", markup, flags=re.S)
        assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
        assert not re.search(r"\son[a-z]+=", markup), path
        assert '<meta name="description" content="' in markup, path


def test_static_files_have_hashed_urls_cached_for_a_year(client: TestClient) -> None:
    markup = client.get("/").text
    url = re.search(r'href="(/static/style\.css\?v=[0-9a-f]{12})"', markup)
    assert url is not None
    assert (
        client.get(url.group(1)).headers["cache-control"] == "public, max-age=31536000, immutable"
    )
    assert (
        client.get("/static/style.css?v=stale").headers["cache-control"] == "public, max-age=3600"
    )


def test_large_bodies_are_refused_before_anything_is_saved(client: TestClient) -> None:
    attempt_id = start(client)
    big = {"option": "A", "marked": False, "padding": "x" * 100_000}
    response = client.put(f"/api/v1/attempts/{attempt_id}/answers/1", json=big)
    assert response.status_code == 413
    assert "larger than 64 KB" in response.json()["error"]["message"]
    page = client.post(
        f"/attempts/{attempt_id}/questions/1", data={"option": "A", "go": "x" * 70_000}
    )
    assert page.status_code == 413 and "larger than 64 KB" in page.text

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(100):  # no Content-Length: cut off once past the limit
            yield b"x" * 10_000

    streamed = client.post(
        "/interview/chain-rule/answer",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert streamed.status_code == 413
    assert client.get(f"/api/v1/attempts/{attempt_id}").json()["answered"] == 0


def limited_app(service: ExamService, **limits: str) -> FastAPI:
    return create_app(app_settings(service.database, **limits), service=service)


def test_starts_are_limited_per_browser_and_per_address(service: ExamService) -> None:
    # Hour windows: the limiter's sliding window weighs the previous window down as the clock
    # moves, so starts that straddle a window's end can pass; an hour makes that unlikely.
    app = limited_app(service, start_limit_per_address="3/hour")
    with TestClient(app) as anyone:
        codes = []
        for _ in range(4):
            anyone.cookies.clear()  # a fresh identity each time, as a harvesting script would
            codes.append(anyone.post("/api/v1/attempts").status_code)
        assert codes == [201, 201, 201, 429]
        refused = anyone.post("/api/v1/attempts")
        assert int(refused.headers["retry-after"]) >= 1
        assert "Too many exams started" in refused.json()["error"]["message"]
        assert anyone.post("/attempts").status_code == 429
    per_browser = limited_app(service, start_limit_per_identity="2/hour")
    with TestClient(per_browser) as browser:
        first = browser.post("/api/v1/attempts").json()["id"]
        second = browser.post("/api/v1/attempts", params={"replacing": first})
        assert second.status_code == 201
        third = browser.post("/api/v1/attempts", params={"replacing": second.json()["id"]})
        assert third.status_code == 201  # the first start, without an identity yet, is not counted
        fourth = browser.post("/api/v1/attempts", params={"replacing": third.json()["id"]})
        assert fourth.status_code == 429


def test_the_database_holds_a_hash_of_the_identity_never_the_cookie(
    client: TestClient, service: ExamService
) -> None:
    from gradquiz.services.identity import owner_key
    from gradquiz.storage.attempts import load_attempt

    attempt_id = start(client)
    cookie = client.cookies[COOKIE]
    identity = cookie.rsplit(".", 1)[0]  # the signed value is identity.signature
    with service.database.read() as session:
        stored = load_attempt(session=session, attempt_id=attempt_id)
    assert stored is not None
    assert stored.owner == owner_key(identity) and identity not in stored.owner
    assert cookie not in stored.owner


def test_the_math_font_is_bundled_served_and_used(client: TestClient) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200 and 'url("fonts/noto-sans-math-subset.woff2?v=' in css.text
    font = client.get("/static/fonts/noto-sans-math-subset.woff2")
    assert font.status_code == 200 and font.content[:4] == b"wOF2"
    assert "SIL Open Font License" in client.get("/static/fonts/OFL.txt").text
