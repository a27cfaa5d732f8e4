"""Bad input never breaks the API: generated requests get documented 4xx answers, never a 500."""

from urllib.parse import quote

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


def operation_strategies(app: FastAPI) -> st.SearchStrategy[schemathesis.Case]:
    """Requests schemathesis generates from the app's own OpenAPI document, every route."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 5
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


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=json_values, question=st.text(min_size=1, max_size=20), raw=st.binary(max_size=40))
def test_answer_bodies_of_any_shape_are_refused_cleanly(
    app: FastAPI, body: object, question: str, raw: bytes
) -> None:
    with TestClient(app) as client:
        attempt = client.post("/api/v1/attempts").json()
        real = attempt["questions"][0]["id"]
        base = f"/api/v1/attempts/{attempt['id']}/answers/"
        for target, payload in ((real, body), (quote(question, safe=""), body)):
            response = client.put(base + target, json=payload)
            assert response.status_code == 200 or 400 <= response.status_code < 500, response.text
            assert response.status_code == 200 or response.json()["error"]["message"]
        response = client.put(
            base + real, content=raw, headers={"content-type": "application/json"}
        )
        assert response.status_code in (200, 400, 422), response.text
        if response.status_code == 400:
            assert (
                response.json()["error"]["message"]
                == "The request body could not be read as JSON text."
            )
        saved = client.get(f"/api/v1/attempts/{attempt['id']}").json()
        assert saved["id"] == attempt["id"]
