"""Screenshots of every page a new learner and a new instructor meet, at 390 px.

Walks a served site the way a first-time user would: signs up a learner and an
instructor (promoted on the server with ``gradquiz admin promote``), creates two
class exams (one of a minute, to reach time-up), joins them, sits a self-study exam,
practises, opens the lab, and saves a full-page PNG of each page state into
``docs/screenshots/`` (``390-<state>.png``), clipped to its first 2,500 px and
reduced to 256 colours so each stays small.

For every state it also prints the page's width at 390 and 320 px, so a page that
scrolls sideways shows in the output.

    GRADQUIZ_DATABASE_URL=sqlite:////tmp/walk.db .venv/bin/gradquiz serve --port 8320 &
    GRADQUIZ_DATABASE_URL=sqlite:////tmp/walk.db .venv/bin/python bench/screenshots.py

The database URL must be the served site's: the instructor is promoted through it.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

WIDTH, HEIGHT = 390, 844
NARROW = 320
CLIP_PX = 2500
PASSWORD = "a-long-walk-pass-1"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
GIFT = """// A small bank to try the upload with
::chain rule one::What is d/dx of sin(2x)?{
=2 cos(2x)#The outer derivative times the inner one.
~cos(2x)#This forgets the inner derivative.
~2 sin(2x)#This differentiates the wrong function.
}

::learning rate::A learning rate that is too large makes gradient descent...{
=overshoot and diverge#Each step jumps past the minimum.
~converge more slowly#That is a rate too small.
~stop at a saddle point#Saddle points are not caused by the rate.
}
"""


@dataclass
class Walk:
    base: str
    out: Path
    widths: list[tuple[str, int, int]] = field(default_factory=list)

    def shot(self, page: Page, name: str) -> None:
        """Save the page as docs/screenshots/390-<name>.png and note its widths."""
        page.wait_for_load_state("load")
        wide = page.evaluate("document.documentElement.scrollWidth")
        png = page.screenshot(full_page=True, animations="disabled")
        image: Image.Image = Image.open(io.BytesIO(png))
        if image.height > CLIP_PX:
            image = image.crop((0, 0, image.width, CLIP_PX))
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        path = self.out / f"390-{name}.png"
        small.save(path, optimize=True)
        page.set_viewport_size({"width": NARROW, "height": HEIGHT})
        narrow = page.evaluate("document.documentElement.scrollWidth")
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
        self.widths.append((name, wide, narrow))
        flag = "  <- scrolls sideways" if wide > WIDTH or narrow > NARROW else ""
        print(
            f"{path.name:34} {path.stat().st_size // 1024:4} KB  "
            f"width {wide} at {WIDTH}, {narrow} at {NARROW}{flag}  {page.url}"
        )

    def go(self, page: Page, path: str) -> None:
        page.goto(self.base + path)


def sign_up(page: Page, walk: Walk, username: str, next_path: str = "") -> None:
    walk.go(page, "/account/sign-up" + (f"?next={next_path}" if next_path else ""))
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.fill("#repeated", PASSWORD)
    page.click("button:has-text('Create account')")
    page.wait_for_load_state("load")


def promote(username: str) -> None:
    gradquiz = Path(sys.executable).with_name("gradquiz")
    subprocess.run([str(gradquiz), "admin", "promote", username], check=True)


def create_class(page: Page, walk: Walk, title: str, minutes: int, shot: bool) -> tuple[str, str]:
    """Create a class exam; return its id and join code."""
    walk.go(page, "/classes/new")
    if shot:
        walk.shot(page, "class-new")
    page.fill("#title", title)
    page.fill("#minutes", str(minutes))
    page.select_option("#at_submit", index=1)
    page.click("button:has-text('Create class exam')")
    page.wait_for_load_state("load")
    class_id = re.search(r"/classes/([^/?#]+)", page.url)
    assert class_id, page.url
    walk.go(page, f"/classes/{class_id.group(1)}/live")
    code = page.inner_text(".join-code").strip()
    return class_id.group(1), code


def answer_exam_question(page: Page, letter_index: int) -> None:
    options = page.locator("input[name=option]")
    if options.count():
        options.nth(letter_index % options.count()).check()


def practise(page: Page, walk: Walk) -> None:
    walk.go(page, "/practice")
    walk.shot(page, "practice-setup")
    page.click("button:has-text('Start practising')")
    page.wait_for_load_state("load")
    page.click("button:has-text('Check my answer')")  # nothing chosen
    walk.shot(page, "practice-error")
    for number in range(1, 60):
        if page.locator("input[name=option]").count():
            page.locator("input[name=option]").first.check()
        elif page.locator("#typed").count():
            page.fill("#typed", "0.5")
        page.click("label[for=confidence-unsure]")
        page.click("button:has-text('Check my answer')")
        page.wait_for_load_state("load")
        if number == 1:
            walk.shot(page, "practice-feedback")
        done = page.locator("a:has-text('See how the set went')")
        if done.count():
            done.first.click()
            break
        page.locator("a.button.primary, button.primary").first.click()
        page.wait_for_load_state("load")
    walk.shot(page, "practice-summary")


def self_study_exam(page: Page, walk: Walk) -> None:
    walk.go(page, "/")
    page.click("button:has-text('Start exam')")
    page.wait_for_load_state("load")
    page.wait_for_timeout(1500)  # the countdown has started
    walk.shot(page, "question")
    for n in range(11):  # answer 11 of 15, mark one, leave four for the confirmation
        answer_exam_question(page, n)
        if n == 3:
            page.locator("#marked").check()
        page.click("button[value=next].primary")
        page.wait_for_load_state("load")
    page.click("button.review-submit")
    page.wait_for_load_state("load")
    walk.shot(page, "review")
    page.click("button:has-text('Submit exam')")
    page.wait_for_load_state("load")
    walk.shot(page, "submit-confirm")
    page.click("button:has-text('Submit anyway')")
    page.wait_for_load_state("load")
    walk.shot(page, "result")


def lab(page: Page, walk: Walk) -> None:
    walk.go(page, "/lab")
    walk.shot(page, "lab")
    walk.go(page, "/lab/expression?f=x*(y%2B&x=1.5&y=-2")
    walk.shot(page, "lab-bad-expression")
    walk.go(page, "/lab/neuron/your-turn?w=0.5&x=2&b=-1&y=1")
    walk.shot(page, "lab-your-turn")
    fields = page.locator(".turn-form input:not([type=hidden])")
    for i in range(fields.count()):
        fields.nth(i).fill(["0.1", "-0.2", "abc", "0"][i % 4])
    page.click("button:has-text('Check my gradients')")
    walk.shot(page, "lab-your-turn-checked")
    walk.go(page, "/lab/flow")
    walk.shot(page, "lab-flow")


def sit_until_time_up(page: Page, walk: Walk, code: str) -> None:
    walk.go(page, f"/join/{code}")  # signed in, the link fills in the code to confirm
    walk.shot(page, "join-signed-in")
    page.click("button:has-text('Join')")
    page.wait_for_load_state("load")
    page.click("button:has-text('Start the exam')")
    page.wait_for_load_state("load")
    answer_exam_question(page, 0)
    page.locator("#time-up").wait_for(state="visible", timeout=90_000)
    walk.shot(page, "time-up")
    page.wait_for_url(re.compile(r"/result"), timeout=60_000)
    walk.shot(page, "class-result-learner")


def bank(page: Page, walk: Walk, gift: Path) -> None:
    walk.go(page, "/classes/banks")
    walk.shot(page, "bank-upload")
    broken = gift.with_suffix(".broken.gift")  # no blank line between two questions
    broken.write_text(GIFT.replace("}\n\n::", "}\n::"), encoding="utf-8")
    page.set_input_files("#file", str(broken))
    page.fill("#bank", "Week 3 warm-up")
    page.click("button:has-text('Import')")
    page.wait_for_load_state("load")
    walk.shot(page, "bank-upload-error")
    broken.unlink()
    page.set_input_files("#file", str(gift))
    page.fill("#bank", "Week 3 warm-up")
    page.click("button:has-text('Import')")
    page.wait_for_load_state("load")
    walk.shot(page, "bank-report")
    link = page.locator("a[href^='/classes/banks/']").first
    link.click()
    page.wait_for_load_state("load")
    walk.shot(page, "bank-preview")


def new_context(browser: Browser, javascript: bool = True) -> BrowserContext:
    return browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=1,
        java_script_enabled=javascript,
        timezone_id="Europe/Berlin",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8320")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if "GRADQUIZ_DATABASE_URL" not in os.environ:
        sys.exit(
            "Set GRADQUIZ_DATABASE_URL to the served site's database (to promote the instructor)."
        )
    args.out.mkdir(parents=True, exist_ok=True)
    walk = Walk(args.base.rstrip("/"), args.out)
    tag = secrets.token_hex(3)
    learner_name, teacher_name, late_name = f"ada-{tag}", f"prof-{tag}", f"ben-{tag}"
    scratch = tempfile.TemporaryDirectory()
    gift = Path(scratch.name) / "week3-warm-up.gift"
    gift.write_text(GIFT, encoding="utf-8")
    started = time.monotonic()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        stranger = new_context(browser).new_page()
        walk.go(stranger, "/")
        walk.shot(stranger, "landing")
        walk.go(stranger, "/account/sign-in")
        walk.shot(stranger, "sign-in")

        learner = new_context(browser).new_page()
        walk.go(learner, "/progress")
        walk.shot(learner, "progress-empty")
        sign_up(learner, walk, learner_name)
        # Before any class exam opens: an open one keeps its questions out of self-study.
        self_study_exam(learner, walk)
        practise(learner, walk)
        walk.go(learner, "/progress")
        walk.shot(learner, "progress")
        lab(learner, walk)

        teacher = new_context(browser).new_page()
        sign_up(teacher, walk, teacher_name)
        promote(teacher_name)
        class_id, code = create_class(teacher, walk, "Backprop week 1 (class exam)", 25, shot=True)
        short_id, short_code = create_class(teacher, walk, "One-minute check", 1, shot=False)

        walk.go(stranger, f"/join/{code}")
        walk.shot(stranger, "join-signed-out")

        late = new_context(browser).new_page()
        walk.go(late, f"/join/{code}")
        late.click("a:has-text('Create an account')")
        late.wait_for_load_state("load")
        walk.shot(late, "sign-up-to-join")
        late.fill("#username", late_name)
        late.fill("#password", PASSWORD)
        late.fill("#repeated", PASSWORD)
        late.click("button:has-text('Create account')")
        late.wait_for_load_state("load")
        walk.shot(late, "class-joined")
        late.click("button:has-text('Start the exam')")
        late.wait_for_load_state("load")
        answer_exam_question(late, 1)
        late.click("button[value=next].primary")

        sit_until_time_up(learner, walk, short_code)

        walk.go(teacher, f"/classes/{class_id}/preview")
        walk.shot(teacher, "class-preview")
        walk.go(teacher, f"/classes/{class_id}/live")
        walk.shot(teacher, "class-live")
        walk.go(teacher, f"/classes/{class_id}/close")
        walk.shot(teacher, "class-close")
        walk.go(teacher, f"/classes/{short_id}/results")
        walk.shot(teacher, "class-results")
        walk.go(teacher, f"/classes/{short_id}/stats")
        walk.shot(teacher, "class-stats")
        bank(teacher, walk, gift)
        browser.close()
    scratch.cleanup()
    total = sum(f.stat().st_size for f in args.out.glob("390-*.png"))
    print(f"{len(walk.widths)} screenshots, {total // 1024} KB, {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
