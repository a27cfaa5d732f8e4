"""Bad input never breaks the app: generated requests get clear 4xx answers, never a 500.

Every field and path segment is fuzzed with raw bytes, NUL, other control characters and
digits from other scripts ("٣", "²"), and nothing saved before is ever lost.
"""

from urllib.parse import quote, urlencode

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)

# Digits that str.isdigit() accepts but int() or ASCII do not, NUL and friends, and text.
TRICKY_VALUES = ["٣", "²", "１", "\x00", "1\x00", "\x7f", "", " ", "-1", "1e3"]
TRICKY = st.sampled_from(TRICKY_VALUES)
field_values = (
    TRICKY
    | st.text(max_size=12)
    | st.from_regex(r"[0-9]{1,3}", fullmatch=True)
    | st.binary(max_size=6)  # sent percent-encoded: invalid UTF-8 included
)
FORM = {"content-type": "application/x-www-form-urlencoded"}
SLOW = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))


def operation_strategies(app: FastAPI) -> st.SearchStrategy[schemathesis.Case]:
    """Requests schemathesis generates from the app's own OpenAPI document, every route."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7  # five of the exam, two of classes
    return st.one_of(*(operation.as_strategy() for operation in operations))


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_documented_route_answers_without_server_errors(
    app: FastAPI, data: st.DataObject
) -> None:
    case = data.draw(operation_strategies(app))
    response = case.call()
    assert response.status_code < 500, response.text
    case.validate_response(response)


@pytest.fixture
def exam(client: TestClient) -> tuple[TestClient, str]:
    """A browser with an attempt whose first question is answered B."""
    attempt = client.post("/api/v1/attempts").json()
    saved = client.put(f"/api/v1/attempts/{attempt['id']}/answers/1", json={"option": "B"})
    assert saved.status_code == 200
    return client, attempt["id"]


def assert_clean(response, *allowed: int) -> None:  # type: ignore[no-untyped-def]
    """A 2xx/3xx the caller allows, or a 4xx with a readable message; never a 500."""
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.status_code in allowed or 400 <= response.status_code < 500
        if response.headers.get("content-type", "").startswith("application/json"):
            assert response.json()["error"]["message"]
        else:
            assert "<h1" in response.text


def assert_first_answer_kept(client: TestClient, attempt_id: str) -> None:
    read = client.get(f"/api/v1/attempts/{attempt_id}").json()
    assert read["questions"][0]["chosen"] == "B"


# The generated requests run on SQLite; PostgreSQL gets every TRICKY value and byte string
# below on every field and path (test_the_tricky_values_are_refused_cleanly_on_each_database),
# which holds what it alone could refuse (NUL in text, bytes that are not UTF-8).
ON_SQLITE = pytest.mark.parametrize("database", ["sqlite"], indirect=True)
TRICKY_BYTES = [b"\xff", b"\x80abc", b"\x00", b"a\x00b", b"\xc3("]


@ON_SQLITE
@SLOW
@given(body=json_values, number=field_values, raw=st.binary(max_size=40))
def test_answer_bodies_and_numbers_of_any_shape_are_refused_cleanly(
    exam: tuple[TestClient, str], body: object, number: str | bytes, raw: bytes
) -> None:
    answer_bodies_are_refused_cleanly(*exam, body, number, raw)


def answer_bodies_are_refused_cleanly(
    client: TestClient, attempt_id: str, body: object, number: str | bytes, raw: bytes
) -> None:
    base = f"/api/v1/attempts/{attempt_id}/answers/"
    for target in ("2", quote(number, safe="")):
        assert_clean(client.put(base + target, json=body))
    response = client.put(base + "2", content=raw, headers={"content-type": "application/json"})
    assert response.status_code in (200, 400, 422), response.text
    assert_first_answer_kept(client, attempt_id)


@ON_SQLITE
@SLOW
@given(
    option=field_values,
    marked=field_values,
    seq=field_values,
    go=field_values,
    raw=st.binary(max_size=60),
)
def test_question_page_form_fields_of_any_shape_are_refused_cleanly(
    exam: tuple[TestClient, str],
    option: str | bytes,
    marked: str | bytes,
    seq: str | bytes,
    go: str | bytes,
    raw: bytes,
) -> None:
    fields = {"option": option, "marked": marked, "seq": seq, "go": go}
    form_fields_are_refused_cleanly(*exam, fields, raw)


def form_fields_are_refused_cleanly(
    client: TestClient, attempt_id: str, fields: dict[str, str | bytes], raw: bytes
) -> None:
    url = f"/attempts/{attempt_id}/questions/2"
    form = urlencode(fields).encode()
    for body in (form, raw):
        assert_clean(client.post(url, content=body, headers=FORM))
    assert_first_answer_kept(client, attempt_id)


@ON_SQLITE
@SLOW
@given(segment=field_values, query=field_values)
def test_paths_and_queries_of_any_shape_are_refused_cleanly(
    exam: tuple[TestClient, str], segment: str | bytes, query: str | bytes
) -> None:
    paths_and_queries_are_refused_cleanly(*exam, segment, query)


def paths_and_queries_are_refused_cleanly(
    client: TestClient, attempt_id: str, segment: str | bytes, query: str | bytes
) -> None:
    piece = quote(segment, safe="")
    params = "?" + urlencode({"only": query, "confirm": query, "replacing": query})
    for path in (
        f"/attempts/{piece}",
        f"/attempts/{attempt_id}/questions/{piece}",
        f"/attempts/{attempt_id}/review{params}",
        f"/attempts/{attempt_id}/result{params}",
        f"/api/v1/attempts/{piece}",
        f"/interview/{piece}",
        f"/{piece}",
    ):
        assert_clean(client.get(path))
    answer = urlencode({"answer": query})
    assert_clean(client.post(f"/interview/{piece}/answer", content=answer, headers=FORM))
    replacing = urlencode({"replacing": segment})
    assert_clean(client.post("/attempts", content=replacing, headers=FORM), 409)
    assert_clean(client.post(f"/api/v1/attempts{params}"), 409)
    assert_first_answer_kept(client, attempt_id)


def test_the_tricky_values_are_refused_cleanly_on_each_database(
    exam: tuple[TestClient, str],
) -> None:
    values: list[str | bytes] = [*TRICKY_VALUES, *TRICKY_BYTES]
    for value in values:
        raw = value if isinstance(value, bytes) else value.encode()
        answer_bodies_are_refused_cleanly(
            *exam, {"option": value} if isinstance(value, str) else None, value, raw
        )
        fields = dict.fromkeys(("option", "marked", "seq", "go"), value)
        form_fields_are_refused_cleanly(*exam, fields, raw)
        paths_and_queries_are_refused_cleanly(*exam, value, value)


def test_a_digit_from_another_script_moves_nowhere_and_saves_nothing(
    exam: tuple[TestClient, str],
) -> None:
    client, attempt_id = exam
    for go in ("٣", "²", "１"):
        response = client.post(
            f"/attempts/{attempt_id}/questions/1", data={"option": "C", "go": go}
        )
        assert response.status_code == 422 and "is not a place to go" in response.text
    assert_first_answer_kept(client, attempt_id)


def test_nul_bytes_anywhere_are_a_400_or_422(client: TestClient) -> None:
    assert client.get("/attempts/ab%00cd").status_code == 400
    assert client.get("/?x=%00").status_code == 400
    assert client.get("/api/v1/attempts/ab%00cd").json()["error"]["status"] == 400
    written = client.post("/interview/chain-rule/answer", data={"answer": "chain\x00rule"})
    assert written.status_code == 422 and "control character (U+0000)" in written.text


def test_a_nul_byte_never_reaches_the_log(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    exam = client.post("/api/v1/attempts").json()["id"]
    client.get("/attempts/ab%00cd")
    client.put(f"/api/v1/attempts/{exam}/answers/1", json={"option": "A\x00"})
    client.post(f"/attempts/{exam}/questions/1", data={"option": "A", "go": "1\x00"})
    client.post("/interview/chain-rule/answer", data={"answer": "chain\x00rule"})
    assert caplog.records, "nothing was logged, so nothing was checked"
    assert not [r for r in caplog.records if "\x00" in r.getMessage()]
