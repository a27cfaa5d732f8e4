"""Every operation of the JSON API has a summary and an operation id written for people:
Swagger shows them, and clients generate method names from them ("Api Join" was neither)."""

import re

from fastapi.testclient import TestClient

OPERATIONS = {
    ("post", "/api/v1/attempts"): ("Start an exam attempt", "startAttempt"),
    ("get", "/api/v1/attempts/{attempt_id}"): ("Read an attempt", "readAttempt"),
    ("put", "/api/v1/attempts/{attempt_id}/answers/{number}"): ("Save an answer", "saveAnswer"),
    ("post", "/api/v1/attempts/{attempt_id}/submit"): ("Submit an attempt", "submitAttempt"),
    ("get", "/api/v1/attempts/{attempt_id}/result"): ("Read a result", "readResult"),
    ("post", "/api/v1/classes/join"): ("Join a class exam", "joinClass"),
    ("post", "/api/v1/classes/{class_id}/attempts"): (
        "Start a class exam sitting",
        "startClassSitting",
    ),
}


def test_every_operation_has_a_written_summary_and_operation_id(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    found = {
        (method, path): (operation.get("summary"), operation.get("operationId"))
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    }
    assert found == OPERATIONS
    for summary, operation_id in found.values():
        assert not summary.startswith("Api ") and summary[0].isupper()
        assert re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)+", operation_id)
