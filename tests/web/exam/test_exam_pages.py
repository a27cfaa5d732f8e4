import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gradquiz.core.attempts import Slot
from gradquiz.core.questions import Question
from gradquiz.services.exam import ExamService
from gradquiz.storage.attempts import load_attempt

SEED = next((Path(__file__).parents[4] / "shared" / "seed").glob("*.txt"), None)


def page_text(markup: str) -> str:
    """Visible text of a page, whitespace folded, entities decoded."""
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", markup, flags=re.S)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\s+", " ", html.unescape(text))


SEED_PHRASES = [
    "Backpropagation deep dive",
    "15 questions · 25 min",
    "Backpropagation MCQ · test your gradient flow knowledge",
    "From chain rule to computational graphs – 15 questions covering the mechanics of backprop, vanishing gradients, and optimisation.",
    "Easy: 5",
    "Medium: 6",
    "Hard: 4",
    "Chain rule",
    "Gradient descent",
    "Computation graph",
    "Vanishing gradient",
    "Backpropagation: the engine of deep learning",
    # "every weight" became "every parameter" (weights and biases); the rest is the seed's.
    'Backpropagation, short for "backward propagation of errors," is the algorithm that computes gradients of the loss function with respect to every',
    "It applies the chain rule repeatedly, propagating error signals from the output layer back to the input. This MCQ tests your understanding of the chain rule, computational graphs, gradient flow issues, and practical aspects.",
    "Why backprop matters",
    "Without efficient gradient computation, training deep networks would be infeasible. Backprop leverages the chain rule to compute exact gradients in linear time relative to the forward pass",
    "Backprop glossary – key concepts",
    "Calculus principle: derivative of composite function = product of derivatives. Backprop applies it from output to input.",
    "Directed graph representing operations and dependencies. Each node gets a gradient during backward pass.",
    "Gradients become very small in early layers, slowing learning. Common with sigmoid/tanh.",
    "Gradients grow exponentially, causing unstable updates. Gradient clipping helps.",
    "Framework that implements backprop (e.g., TensorFlow, PyTorch). Two modes: forward and reverse (backprop is reverse mode).",
    "How gradients propagate through layers; obstructed by saturation or bad activations.",
    "# Conceptual backprop for a simple neuron (z = wx+b, a = σ(z), loss L)",
    "L = 0.5*(y - a)**2",
    "da/dz = a*(1-a) # sigmoid derivative",
    "dL/dw = dL/dz * x",
    "dL/db = dL/dz",
    "Interview tip: Be ready to walk through a simple computational graph, explain why ReLU helps with vanishing gradients, and discuss gradient checking. This MCQ covers these foundational topics.",
    "Common backprop interview questions",
    "Explain the chain rule in the context of neural networks.",
    "What is a computational graph and how is it used in backprop?",
    "Why do sigmoid/tanh activations cause vanishing gradients?",
    "How does backprop differ from forward-mode automatic differentiation?",
    "What is gradient clipping and when is it used?",
    "Describe the role of the loss function gradient in weight updates.",
]


def test_landing_page_shows_every_element_of_the_seed_page(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    text = page_text(response.text)
    missing = [p for p in SEED_PHRASES if p.lower() not in text.lower()]
    assert missing == []
    assert '<form method="post" action="/attempts"' in response.text
    assert ">Start exam</button>" in response.text
    for slug in (
        "chain-rule",
        "computational-graph",
        "vanishing-gradient",
        "exploding-gradient",
        "automatic-differentiation",
        "gradient-flow",
    ):
        assert f'id="glossary-{slug}"' in response.text


def test_seed_phrases_really_come_from_the_seed_page() -> None:
    if SEED is None:  # the seed lives beside the repository, not inside it
        return
    seed = re.sub(r"\s+", " ", SEED.read_text())
    for phrase in SEED_PHRASES:
        if phrase in ("15 questions · 25 min",):
            continue
        assert re.sub(r"\s+", " ", phrase) in seed, phrase


def test_landing_page_reads_well_on_a_phone(client: TestClient) -> None:
    markup = client.get("/").text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in markup
    assert '<html lang="en">' in markup


def start_exam(client: TestClient) -> str:
    response = client.post("/attempts")
    assert response.status_code == 303
    location = response.headers["location"]
    assert re.fullmatch(r"/attempts/[\w-]{20,}/questions/1", location)
    return location.split("/")[2]


def test_whole_exam_without_javascript(client: TestClient) -> None:
    attempt_id = start_exam(client)
    page = client.get(f"/attempts/{attempt_id}/questions/1")
    assert page.status_code == 200
    assert 'role="timer"' in page.text and "25:00" in page.text
    for number in range(1, 16):
        response = client.post(
            f"/attempts/{attempt_id}/questions/{number}",
            data={"option": "A", "go": "next", **({"marked": "1"} if number == 2 else {})},
        )
        assert response.status_code == 303
    assert response.headers["location"] == f"/attempts/{attempt_id}/review"
    review = client.get(f"/attempts/{attempt_id}/review")
    assert "15 of 15 answered, 1 marked for review" in page_text(review.text)
    submitted = client.post(f"/attempts/{attempt_id}/submit")
    assert submitted.headers["location"] == f"/attempts/{attempt_id}/result"
    result = client.get(f"/attempts/{attempt_id}/result")
    text = page_text(result.text)
    assert "Your result" in text and "By difficulty" in text and "By topic" in text
    assert text.count("Explanation") == 15
    assert text.count("Your answer") == 15
    assert text.count("Correct answer") == 15
    assert "Reference:" in text
    assert client.get(f"/attempts/{attempt_id}/questions/3").headers["location"].endswith("/result")


def test_choices_persist_and_palette_buttons_save_before_moving(client: TestClient) -> None:
    attempt_id = start_exam(client)
    moved = client.post(f"/attempts/{attempt_id}/questions/1", data={"option": "C", "go": "7"})
    assert moved.headers["location"] == f"/attempts/{attempt_id}/questions/7"
    page = client.get(f"/attempts/{attempt_id}/questions/1").text
    assert re.search(r'value="C"\s+checked', page)
    assert 'aria-label="Question 1, answered"' in page
    resumed = client.get(f"/attempts/{attempt_id}")
    assert resumed.headers["location"] == f"/attempts/{attempt_id}/questions/2"


def test_submit_with_unanswered_questions_asks_to_confirm(client: TestClient) -> None:
    attempt_id = start_exam(client)
    client.post(f"/attempts/{attempt_id}/questions/1", data={"option": "B", "go": "next"})
    asked = client.post(f"/attempts/{attempt_id}/submit")
    assert asked.status_code == 303
    assert asked.headers["location"] == f"/attempts/{attempt_id}/review?confirm=1#confirm-box"
    for _ in range(2):  # reloading the confirmation shows it again, never "Method not allowed"
        confirm = client.get(f"/attempts/{attempt_id}/review?confirm=1")
        assert confirm.status_code == 200
        assert "Submit with 14 unanswered questions?" in page_text(confirm.text)
    old_address = client.get(f"/attempts/{attempt_id}/submit")
    assert old_address.status_code == 303
    assert old_address.headers["location"] == f"/attempts/{attempt_id}/review"
    assert client.get(f"/attempts/{attempt_id}/result").status_code == 303  # still open
    done = client.post(f"/attempts/{attempt_id}/submit", data={"confirm": "yes"})
    assert done.headers["location"] == f"/attempts/{attempt_id}/result"
    assert "Not answered" in page_text(client.get(f"/attempts/{attempt_id}/result").text)


def test_late_form_save_shows_a_clear_page(client: TestClient, clock) -> None:  # type: ignore[no-untyped-def]
    attempt_id = start_exam(client)
    client.post(f"/attempts/{attempt_id}/questions/1", data={"option": "B", "go": "next"})
    view = client.get(f"/attempts/{attempt_id}/questions/2")
    assert view.status_code == 200
    clock.advance(minutes=26)
    late = client.post(f"/attempts/{attempt_id}/questions/2", data={"option": "A", "go": "next"})
    assert late.status_code == 303 and late.headers["location"].endswith("/result?closed=1")
    result = client.get(late.headers["location"])
    assert "the answer you sent last was not saved" in page_text(result.text)
    assert "Submitted automatically when time ran out" in page_text(result.text)


def test_bad_form_input_is_a_page_not_a_traceback(client: TestClient) -> None:
    attempt_id = start_exam(client)
    response = client.post(f"/attempts/{attempt_id}/questions/1", data={"option": "Q"})
    assert response.status_code == 422
    assert "'Q' is not an option of this question" in page_text(response.text)
    assert "<html" in response.text
    assert client.get(f"/attempts/{attempt_id}/questions/99").status_code == 404
    assert client.get(f"/attempts/{attempt_id}/questions/abc").status_code == 422
    missing = client.get("/attempts/nope/questions/1")
    assert missing.status_code == 404 and "No such attempt." in missing.text
    assert client.get("/no/such/page").status_code == 404


def test_explanations_link_glossary_terms(client: TestClient) -> None:
    attempt_id = start_exam(client)
    client.post(f"/attempts/{attempt_id}/submit", data={"confirm": "yes"})
    result = client.get(f"/attempts/{attempt_id}/result").text
    assert 'class="glossary-link"' in result
    assert re.search(r'href="/#glossary-[a-z-]+"', result)


def test_unexpected_errors_are_a_plain_message_without_traceback(app) -> None:  # type: ignore[no-untyped-def]
    def boom() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/boom", boom)
    app.add_api_route("/api/v1/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/boom")
        api = client.get("/api/v1/boom")
    assert page.status_code == 500 and api.status_code == 500
    assert "nothing you saved was lost" in page.text and "secret internals" not in page.text
    assert "Traceback" not in page.text
    assert api.json()["error"]["status"] == 500
    assert "secret internals" not in api.text


def chosen_on(client: TestClient, attempt_id: str, number: int) -> str | None:
    page = client.get(f"/attempts/{attempt_id}/questions/{number}").text
    match = re.search(r'value="([A-E])"\s+checked', page)
    return match.group(1) if match else None


def test_every_way_off_a_question_page_saves_the_choice_first(client: TestClient) -> None:
    attempt_id = start_exam(client)
    page = client.get(f"/attempts/{attempt_id}/questions/2").text
    # Each way off the page is a button of the answer form, the header's link included.
    exits = set(re.findall(r'name="go" value="([^"]+)"', page))
    assert {"home", "review", "next", "prev", "clear"} | {str(n) for n in range(1, 16)} <= exits
    assert 'form="answer-form" name="go" value="home"' in page
    for number, (go, letter, lands) in enumerate(
        [
            ("home", "A", "/"),
            ("review", "B", f"/attempts/{attempt_id}/review"),
            ("prev", "C", f"/attempts/{attempt_id}/questions/3"),
            ("next", "B", f"/attempts/{attempt_id}/questions/6"),
            ("9", "A", f"/attempts/{attempt_id}/questions/9"),
        ],
        start=2,
    ):
        moved = client.post(
            f"/attempts/{attempt_id}/questions/{number}", data={"option": letter, "go": go}
        )
        assert moved.status_code == 303 and moved.headers["location"] == lands
        assert chosen_on(client, attempt_id, number) == letter


def test_a_choice_can_be_cleared(client: TestClient) -> None:
    attempt_id = start_exam(client)
    client.post(f"/attempts/{attempt_id}/questions/3", data={"option": "B", "go": "3"})
    assert chosen_on(client, attempt_id, 3) == "B"
    cleared = client.post(
        f"/attempts/{attempt_id}/questions/3", data={"option": "B", "go": "clear"}
    )
    assert cleared.headers["location"] == f"/attempts/{attempt_id}/questions/3"
    assert chosen_on(client, attempt_id, 3) is None
    assert (
        'aria-label="Question 3, not answered"'
        in client.get(f"/attempts/{attempt_id}/questions/3").text
    )


def test_without_javascript_the_timer_says_it_shows_the_time_at_page_load(
    client: TestClient,
) -> None:
    attempt_id = start_exam(client)
    html = client.get(f"/attempts/{attempt_id}/questions/1").text
    text = page_text(html)
    assert "Time left 25:00" in text
    # Said below the bar, in <noscript>, so the bar is the same size with JavaScript.
    assert re.search(
        r"<noscript><p class=\"hint timer-note\">The time left is what remained "
        r"when this page loaded; it counts down only with JavaScript",
        html,
    )


def test_landing_page_offers_resume_and_lists_past_results(
    client: TestClient,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    assert "Your results" not in page_text(client.get("/").text)
    attempt_id = start_exam(client)
    client.post(f"/attempts/{attempt_id}/questions/1", data={"option": "B", "go": "next"})
    clock.advance(minutes=5)
    landing = page_text(client.get("/").text)
    assert "Exam in progress 1 of 15 answered · 20:00 left" in landing
    assert f'href="/attempts/{attempt_id}"' in client.get("/").text
    again = client.post("/attempts")  # never a silent second attempt
    assert again.status_code == 409
    offered = page_text(again.text)
    assert "You have an exam in progress" in offered and "Resume it" in offered
    assert "Abandon it and start a new exam" in offered
    replaced = client.post("/attempts", data={"replacing": attempt_id})
    assert replaced.status_code == 303 and attempt_id not in replaced.headers["location"]
    markup = client.get("/").text
    assert "Your results" in page_text(markup)
    assert f'href="/attempts/{attempt_id}/result"' in markup
    assert re.search(
        r'<time datetime="2026-01-05T09:00:00\+00:00">2026-01-05 09:00 UTC</time>', markup
    )
    assert "abandoned" in page_text(markup)


def test_review_page_names_each_question_by_topic_and_opening_words(
    client: TestClient,
    service,  # type: ignore[no-untyped-def]
) -> None:
    from gradquiz.storage.attempts import load_attempt

    attempt_id = start_exam(client)
    review = client.get(f"/attempts/{attempt_id}/review").text
    with service.database.read() as session:
        attempt = load_attempt(session=session, attempt_id=attempt_id)
    for number, slot in enumerate(attempt.slots, start=1):
        question = service.pack.questions[slot.question_id].resolve(slot.seed)
        opening = " ".join(question.stem.split()[:2]).replace("$", "")
        assert f"Question {number}" in review
        assert service.pack.topic_name(question.topic) in review
        if "$" not in " ".join(question.stem.split()[:2]):
            assert html.escape(opening, quote=False) in review, opening
    assert review.count('class="review-preview"') == 15


def test_result_page_has_a_jump_list_a_wrong_only_view_and_linked_references(
    client: TestClient,
) -> None:
    attempt_id = start_exam(client)
    client.post(f"/attempts/{attempt_id}/questions/1", data={"option": "A", "go": "next"})
    client.post(f"/attempts/{attempt_id}/submit", data={"confirm": "yes"})
    full = client.get(f"/attempts/{attempt_id}/result").text
    assert full.count('class="jump ') == 15
    assert full.count('<article class="reviewed') == 15
    assert re.search(r'<a href="https://[^"]+" rel="noopener">', full)
    assert "@media print" in client.get("/static/style.css").text
    wrong = client.get(f"/attempts/{attempt_id}/result?only=wrong").text
    correct = full.count('<article class="reviewed correct"')
    assert wrong.count('<article class="reviewed') == 15 - correct
    assert "Show all questions" in page_text(wrong)


def test_the_site_icon_and_offline_api_docs(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assets = re.findall(r'(?:src|href)="(/api/docs/assets/[^"]+)"', docs.text)
    assert len(assets) == 2 and "cdn" not in docs.text.lower()
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200 and len(served.content) > 10_000
    assert "<script>" not in docs.text


def test_a_question_page_offers_no_way_off_that_skips_saving(client: TestClient) -> None:
    attempt_id = start_exam(client)
    page = client.get(f"/attempts/{attempt_id}/questions/4").text
    header = page[page.index('<header class="site-header">') : page.index("</header>")]
    assert "<a " not in header and 'class="site-nav"' not in header
    assert 'form="answer-form" name="go" value="home"' in header
    footer = page[page.index('<footer class="site-footer">') : page.index("</footer>")]
    assert "<a " not in footer  # a link there would leave without saving
    landing = client.get("/").text
    assert 'class="site-nav"' in landing and 'href="/practice"' in landing


def test_a_question_page_looks_up_only_the_question_it_shows(
    client: TestClient, service: ExamService, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempt_id = start_exam(client)
    with service.database.reading() as connection:
        attempt = load_attempt(session=connection, attempt_id=attempt_id)
    assert attempt is not None
    asked: list[str] = []
    of_slot = service.shown.of_slot

    def recording(slot: Slot) -> Question:
        asked.append(slot.question_id)
        return of_slot(slot)

    monkeypatch.setattr(service.shown, "of_slot", recording)
    page = client.get(f"/attempts/{attempt_id}/questions/3")
    assert page.status_code == 200
    # The palette still shows all 15; only question 3 was drawn and rendered.
    palette = re.findall(r'name="go" value="(\d+)"', page.text)
    assert palette == [str(n) for n in range(1, 16)]
    assert asked == [attempt.slots[2].question_id]
    shown = service.shown.of_slot(attempt.slots[2])
    assert html.escape(service.pack.topic_name(shown.topic)) in page.text
