"""Every static file is served under a content-hashed URL and kept for a year: those the pages
name, the lab's script, and the math font the style sheet names."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gradquiz.web.static_files import ONE_HOUR, ONE_YEAR, HashedStaticFiles, short_digest

PAGES = ("/", "/practice", "/progress", "/review", "/classes", "/lab", "/lab/neuron", "/api/docs")
STATIC_URL = re.compile(r"""(?:src|href)="(/(?:static|api/docs/assets)/[^"]+)\"""")


def started_exam(client: TestClient) -> str:
    response = client.post("/attempts")
    assert response.status_code == 303
    return str(response.headers["location"])


def test_every_static_file_is_kept_for_a_year_at_its_hashed_url(client: TestClient) -> None:
    static: HashedStaticFiles = client.app.state.static  # type: ignore[attr-defined]
    assert "fonts/noto-sans-math-subset.woff2" in static.hashes and "lab.js" in static.hashes
    for name in static.hashes:
        response = client.get(static.url(name))
        assert response.status_code == 200, name
        assert response.headers["cache-control"] == ONE_YEAR, name
        assert short_digest(response.content) == static.hashes[name], name
        stale = client.get(f"/static/{name}?v=0")
        assert stale.headers["cache-control"] == ONE_HOUR, name


def test_every_static_url_a_page_names_carries_its_hash(client: TestClient) -> None:
    question = started_exam(client)
    named: set[str] = set()
    for path in (*PAGES, question, question.replace("/questions/1", "/review")):
        page = client.get(path)
        assert page.status_code == 200, path
        urls = STATIC_URL.findall(page.text)
        assert urls, path
        named |= set(urls)
    unhashed = [url for url in named if not re.search(r"\?v=[0-9a-f]{12}$", url)]
    assert unhashed == []
    assert any("/lab.js?v=" in url for url in named) and any(
        "favicon.ico?v=" in url for url in named
    )
    for url in named:
        assert client.get(url).headers["cache-control"] == ONE_YEAR, url


def test_the_style_sheet_names_its_font_by_hash(client: TestClient) -> None:
    static: HashedStaticFiles = client.app.state.static  # type: ignore[attr-defined]
    sheet = client.get(static.url("style.css"))
    # Every file the sheet fetches (a data: URL, such as the timer's clock, fetches none).
    fonts = [u for u in re.findall(r'url\("([^"]+)"\)', sheet.text) if not u.startswith("data:")]
    font_hash = static.hashes["fonts/noto-sans-math-subset.woff2"]
    assert fonts == [f"fonts/noto-sans-math-subset.woff2?v={font_hash}"]
    font = client.get("/static/" + fonts[0])
    assert font.headers["cache-control"] == ONE_YEAR
    assert font.headers["content-type"] == "font/woff2"
    assert sheet.headers["content-type"].startswith("text/css")
    # A page with formulas preloads exactly that URL, so the font is fetched once, early.
    question = client.get(started_exam(client)).text
    preload = re.search(r'<link rel="preload" href="([^"]+)" as="font"', question)
    assert preload is not None and preload.group(1) == "/static/" + fonts[0]
    assert 'rel="preload"' not in client.get("/progress").text  # no formulas, no font


@pytest.mark.parametrize(
    ("css", "expected"),
    [
        ('url("fonts/a.woff2")', 'url("fonts/a.woff2?v={a}")'),
        ("url(fonts/a.woff2)", "url(fonts/a.woff2?v={a})"),
        ("url('./fonts/a.woff2')", "url('./fonts/a.woff2?v={a}')"),
        ('url("data:image/png;base64,AAAA")', 'url("data:image/png;base64,AAAA")'),
        ('url("/elsewhere.png")', 'url("/elsewhere.png")'),
        ('url("https://example.org/x.woff2")', 'url("https://example.org/x.woff2")'),
        ('url("fonts/missing.woff2")', 'url("fonts/missing.woff2")'),
    ],
)
def test_relative_urls_in_a_sheet_get_the_named_files_hash(
    tmp_path: Path, css: str, expected: str
) -> None:
    folder = tmp_path
    (folder / "fonts").mkdir()
    (folder / "fonts" / "a.woff2").write_bytes(b"font")
    (folder / "style.css").write_text(f"@font-face {{ src: {css}; }}")
    static = HashedStaticFiles(folder, "/static")
    served = static.sheets["style.css"].decode()
    assert served == f"@font-face {{ src: {expected.format(a=short_digest(b'font'))}; }}"
    assert static.hashes["style.css"] == short_digest(served.encode())
