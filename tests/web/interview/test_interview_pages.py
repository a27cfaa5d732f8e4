import re

from fastapi.testclient import TestClient

from tests.web.exam.test_exam_pages import page_text


def test_model_answer_appears_only_after_the_learner_answers(client: TestClient) -> None:
    page = client.get("/interview/gradient-clipping")
    assert page.status_code == 200
    assert "What is gradient clipping and when is it used?" in page_text(page.text)
    assert "Model answer" not in page.text and "Pascanu" not in page.text
    saved = client.post(
        "/interview/gradient-clipping/answer", data={"answer": "It caps the gradient norm."}
    )
    assert saved.status_code == 303 and "gradquiz_id=" in saved.headers["set-cookie"]
    after = client.get("/interview/gradient-clipping")
    text = page_text(after.text)
    assert "Model answer" in text and "Pascanu" in text
    assert "It caps the gradient norm." in after.text
    assert "You marked 0 of 7 as covered." in text


def test_ticked_points_are_kept_and_shown_on_the_landing_page(client: TestClient) -> None:
    client.post(
        "/interview/chain-rule/answer", data={"answer": "Multiply local derivatives backwards."}
    )
    ticked = client.post("/interview/chain-rule/points", data={"covered": ["1", "2"]})
    assert ticked.status_code == 303
    page = client.get("/interview/chain-rule")
    assert "You marked 2 of 6 as covered." in page_text(page.text)
    assert re.search(r'value="1" id="point-1"\s+checked', page.text)
    landing = page_text(client.get("/").text)
    assert "2 of 6 key points" in landing
    assert landing.count("not answered yet") == 5


def test_interview_errors_are_clear(client: TestClient, other_client: TestClient) -> None:
    empty = client.post("/interview/chain-rule/answer", data={"answer": "  "})
    assert empty.status_code == 422 and "Write your own answer first" in page_text(empty.text)
    assert client.get("/interview/nope").status_code == 404
    early = other_client.post("/interview/chain-rule/points", data={"covered": ["0"]})
    assert early.status_code == 422
    client.post("/interview/chain-rule/answer", data={"answer": "Product rule."})
    bad = client.post("/interview/chain-rule/points", data={"covered": ["9"]})
    assert bad.status_code == 422 and "key points 1 to 6" in page_text(bad.text)
    junk = client.post("/interview/chain-rule/points", data={"covered": ["x"]})
    assert junk.status_code == 422
