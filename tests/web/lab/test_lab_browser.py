"""Real Chromium in the lab: set values, step backward and do 'your turn' with the keyboard
alone; no serious axe violation on any lab page; nothing scrolls sideways on a phone."""

import re

import pytest

from tests.web.browsing import fits_width, serious_violations, tab_to

pytestmark = pytest.mark.browser

from playwright.sync_api import Browser, Page, expect  # noqa: E402

LAB_PAGES = [
    "/lab",
    "/lab/neuron",
    "/lab/neuron?step=6",
    "/lab/fan-out?step=4",
    "/lab/max-gate?step=2",
    "/lab/add-multiply",
    "/lab/tanh-chain?step=16",
    "/lab/softmax?step=11",
    "/lab/softmax?z1=40&z2=0&z3=0&step=11",  # every kind of rounded mark, and the note
    "/lab/expression?f=x*x%2Bmax(x,y)*z&step=3",
    "/lab/neuron/your-turn",
    "/lab/fan-out/your-turn?x=3&y=-2&grad-f=1&grad-q=1&grad-y=3&grad-x=-2",
    "/lab/flow",
    "/lab/flow?init=small&depth=50&width=256",
    "/lab/gradient-check",
    "/lab/expression?f=__import__(x)",
    "/lab/neuron?w=big",
    "/lab/flow?depth=50&width=256",
    "/lab/neuron/your-turn?grad-L=zz&grad-a=0.2",
    "/lab/gradient-check?w=1e7",
    "/lab/expression?f=x*y%24z",
    "/lab/expression/your-turn?f=relu(x)*y&x=0&y=2&grad-x=2",
    "/lab/max-gate/your-turn?x=2&y=2&z=-3&grad-x=-1.5&grad-y=-1.5",
    "/lab/expression?f=1/x&x=0.000001",
    "/lab/gradient-check?w=0.5&x=2&b=-1&y=0.5",
]


def test_set_values_step_backward_then_your_turn_with_the_keyboard(
    page: Page, live_server: str
) -> None:
    page.goto(live_server + "/lab/neuron")
    tab_to(page, "el.id === 'value-w'")
    page.keyboard.press("Control+A")
    page.keyboard.type("0.8")
    page.keyboard.press("Enter")  # submits the values form
    page.wait_for_url(re.compile(r"/lab/neuron\?w=0\.8&x=2&b=-1&y=1$"))
    expect(page.locator(".lab-graph")).to_contain_text("0.8")

    tab_to(page, "el.textContent.trim() === 'Step backward'")
    for step in range(1, 4):
        page.keyboard.press("Enter")  # lab.js puts focus back on Step backward
        page.wait_for_url(re.compile(rf"step={step}#backward$"))
        expect(page.locator("#step-status")).to_contain_text(f"Step {step} of 10")
    expect(page.locator(".lab-graph .node.current")).to_have_count(1)
    assert page.locator(".lab-graph .gradient").filter(has_text="grad").count() == 3

    tab_to(page, "el.textContent.trim() === 'Your turn'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/lab/neuron/your-turn?w=0.8&x=2&b=-1&y=1")
    expect(page.locator(".lab-graph .gradient").filter(has_text="grad")).to_have_count(0)

    tab_to(page, "el.id === 'grad-L'")
    page.keyboard.type("0")  # wrong: the output's gradient is 1
    page.keyboard.press("Enter")
    page.wait_for_url("**grad-L=0**")
    expect(page.locator("#summary")).to_have_text("0 of 10 right.")
    expect(page.locator("#summary")).to_be_focused()  # in view, and read out
    expect(page.locator("#verdict-L")).to_contain_text("starts at the output")

    tab_to(page, "el.id === 'grad-L'")
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    page.wait_for_url("**grad-L=1**")
    expect(page.locator("#summary")).to_have_text("1 of 10 right.")
    expect(page.locator("#verdict-L")).to_have_text("Right.")


def test_stepping_works_without_javascript(browser: Browser, live_server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(live_server + "/lab/fan-out")
    for step in range(1, 5):
        plain.get_by_role("link", name="Step backward").click()
        plain.wait_for_url(re.compile(rf"step={step}#backward$"))
    expect(plain.locator("#step-status")).to_contain_text(
        "running sum \u22121"
    )  # the minus sign, as the lab writes it
    context.close()


def test_no_serious_accessibility_violations_on_lab_pages(page: Page, live_server: str) -> None:
    problems = {}
    for url in LAB_PAGES:
        page.goto(live_server + url)
        problems[url] = serious_violations(page)
    assert problems == {url: [] for url in LAB_PAGES}


@pytest.mark.parametrize("width", [390, 320])
def test_lab_pages_fit_a_phone(browser: Browser, live_server: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 740}, is_mobile=True)
    phone = context.new_page()
    wide = []
    for url in LAB_PAGES:
        phone.goto(live_server + url)
        if not fits_width(phone):
            wide.append(url)
    context.close()
    assert wide == []


# Each lab form, a value it refuses, and the field the refusal is about (issue 29).
REFUSED_FORMS = [
    ("/lab/neuron", "#value-w", "big", "Set values", "not a number"),
    ("/lab", "#expression-f", "x*y$z", "Draw the graph", "At the 4th character"),
    ("/lab/neuron/your-turn", "#grad-L", "zz", "Check my gradients", "not a number"),
    ("/lab/flow", "#flow-width", "256", "Draw", "1,048,576"),
    ("/lab/gradient-check", "#value-w", "1e7", "Set values", "too large"),
]


@pytest.mark.parametrize(("url", "field", "typed", "button", "words"), REFUSED_FORMS)
def test_a_refused_form_comes_back_with_the_error_beside_its_field_without_javascript(
    browser: Browser, live_server: str, url: str, field: str, typed: str, button: str, words: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(live_server + url)
    if url == "/lab/flow":
        plain.fill("#flow-depth", "50")
    plain.fill(field, typed)
    with plain.expect_navigation() as navigation:
        plain.get_by_role("button", name=button).click()
    response = navigation.value
    assert response is not None and response.status == 422
    box = plain.locator(field)
    expect(box).to_have_value(typed)  # the input kept as typed
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_be_focused()  # a keyboard user starts at the field to mend, not at the top
    described = box.get_attribute("aria-describedby") or ""
    expect(plain.locator(f"#{described}")).to_contain_text(words)
    expect(plain.locator(f"#{described}")).to_be_visible()
    expect(plain.get_by_role("alert")).to_contain_text(words)  # announced
    assert plain.get_by_role("link", name=re.compile("Back to")).count() == 0
    if typed == "x*y$z":
        expect(plain.locator(f"#{described} mark")).to_have_text("$")
    context.close()


def test_a_graph_wider_than_its_box_shows_a_scroll_hint(browser: Browser, live_server: str) -> None:
    # Issue 29: graphs were clipped at 1280 px with no sign that they scroll.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    wide = context.new_page()
    wide.goto(live_server + "/lab/tanh-chain")
    hint = wide.locator("#graph-scroll-hint")
    expect(hint).to_be_visible()
    box = wide.get_by_role("region", name=re.compile("the graph"))
    expect(box).to_have_attribute("aria-describedby", "graph-scroll-hint")
    wide.goto(live_server + "/lab/fan-out")
    expect(wide.locator("#graph-scroll-hint")).to_be_hidden()
    context.close()
    phone = browser.new_context(viewport={"width": 320, "height": 740}, is_mobile=True)
    narrow = phone.new_page()
    narrow.goto(live_server + "/lab/fan-out")  # fits at 1280, not at 320: lab.js says so
    expect(narrow.locator("#graph-scroll-hint")).to_be_visible()
    phone.close()
