"""The class statistics page's wording against what it counts, and a class member's /progress:
a written question's options rendered as on the question pages, the row that counts an option
only where it was a wrong option, the population SD, and class exams kept apart from one's own."""

import random
from collections.abc import Iterator

import lxml.html
import pytest

from gradquiz.core.accounts import Account, Role
from gradquiz.core.packs import Pack
from gradquiz.core.questions import Question
from gradquiz.services import classes as classes_module
from gradquiz.services.classes import KEY
from gradquiz.storage.database import Database
from gradquiz.web.classes.questions import SAMPLE_SEED
from gradquiz.web.format import hundredths
from tests.factories import FrozenClock, class_rules
from tests.web.class_site import built_in_site
from tests.web.classes.test_class_pages import Site
from tests.web.exam.test_exam_pages import page_text

WRITTEN = "input-scale-weight-step"  # options $-2.99$, $-1.99$, $0.025$, $3.01$
GENERATED = "gradcheck-verdict-numeric"  # its key's id differs between variants
LEARNERS = 16


@pytest.fixture
def site(
    database: Database, clock: FrozenClock, pack: Pack, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Site]:
    """The built-in pack, whose class exams draw exactly WRITTEN and GENERATED."""

    def drawn(pack: Pack, rules: object, rng: random.Random) -> list[Question]:
        return [pack.questions[WRITTEN], pack.questions[GENERATED]]

    monkeypatch.setattr(classes_module, "class_questions", drawn)
    yield from built_in_site(database, clock, pack)


def account_of(site: Site, token: str) -> Account:
    found = site.accounts.signed_in(token)
    assert found is not None
    return found


def sat_class(site: Site, learners: int = LEARNERS) -> tuple[str, str, str]:
    """A class exam that `learners` learners sat, each choosing A twice; return the teacher's
    token, the class id and the first learner's token."""
    teacher = site.person("teacher", Role.INSTRUCTOR)
    exam = site.classes.create(
        instructor=account_of(site, teacher), rules=class_rules(site.clock())
    )
    assert exam.question_ids == (WRITTEN, GENERATED)
    tokens = []
    for n in range(learners):
        token = site.person(f"learner{n}")
        tokens.append(token)
        learner = account_of(site, token)
        site.classes.join(learner=learner, code=exam.code)
        attempt = site.classes.start(learner=learner, class_id=exam.id)
        for number in (1, 2):
            site.service.save_answer(
                learner=learner.owner, attempt_id=attempt.id, number=number, letter="A"
            )
        site.service.submit(learner=learner.owner, attempt_id=attempt.id)
    return teacher, exam.id, tokens[0]


def test_stats_render_option_text_name_the_wrong_option_count_and_the_population_sd(
    site: Site,
) -> None:
    teacher, class_id, _ = sat_class(site)
    exam = site.classes.owned(instructor=account_of(site, teacher), class_id=class_id)
    analysis = site.classes.statistics(exam)
    generated = analysis.items[1]
    assert generated.options[0].option == KEY  # the keys varied, as the case needs
    # Every learner was shown every option of the generated question, yet its rows count only
    # those for whom the option was a wrong option: fewer than LEARNERS for some option.
    assert min(o.shown for o in generated.options if o.option != KEY) < LEARNERS

    page = site.as_(teacher).get(f"/classes/{class_id}/stats")
    assert page.status_code == 200
    markup = page.text
    # Before: "Shown to" on both, "16 (84%)"-style figures read as everyone shown it.
    # The written question's table and the generated one's right-answer table; its options'.
    assert markup.count('<th scope="col">Shown to</th>') == 2
    assert markup.count('<th scope="col">Shown as a wrong option</th>') == 1
    text = page_text(markup)
    assert "only among the learners for whom it was a wrong option" in text
    # Before: the raw source, "a $-2.99$".
    assert "$" not in text
    for value in ("2.99", "1.99", "0.025", "3.01"):
        assert f"<mn>{value}</mn>" in markup
    # Before: "Standard deviation 2.83", the population SD unnamed.
    assert "Standard deviation (population: the class is the whole group, divided by n)" in text


def option_tables(markup: str, number: int) -> list[tuple[list[str], list[str]]]:
    """Question `number`'s option tables: each one's column headers and row labels, as text."""
    section = lxml.html.fromstring(markup).get_element_by_id(f"item-{number}").getparent()
    return [
        (
            [" ".join(th.text_content().split()) for th in table.xpath(".//thead//th")],
            [" ".join(th.text_content().split()) for th in table.xpath(".//tbody//th")],
        )
        for table in section.xpath(".//table")
    ]


def test_stats_show_a_varying_key_as_the_key_and_never_among_the_wrong_options(
    site: Site,
) -> None:
    teacher, class_id, _ = sat_class(site)
    sample = site.service.pack.questions[GENERATED].resolve(SAMPLE_SEED)
    key_text = next(o.text for o in sample.options if o.id == sample.key)
    markup = site.as_(teacher).get(f"/classes/{class_id}/stats").text
    tables = option_tables(markup, 2)
    keys = [(heads, rows) for heads, rows in tables if any(r.startswith("✓") for r in rows)]
    # Before: one table, its key row "(right answer)" under "Shown as a wrong option".
    assert len(keys) == 1
    heads, rows = keys[0]
    assert rows == [next(r for r in rows if r.startswith("✓ Key:"))]
    assert not any("wrong" in h.lower() for h in heads), heads
    assert heads[1] == "Shown to"
    wrong = [(heads, rows) for heads, rows in tables if (heads, rows) not in keys]
    assert len(wrong) == 1
    heads, rows = wrong[0]
    assert heads[1] == "Shown as a wrong option"
    assert len(rows) == len(sample.options)  # every option id, each where it was wrong
    # Before: the sample's key, "D. Above …: the gradient is probably wrong", listed among
    # the wrong options without a word, and "(sample numbers; right)" on a wrong option.
    first_words = key_text.split("$")[0].strip()
    assert first_words and not any(first_words in r for r in rows), rows
    assert first_words in keys[0][1][0]
    assert not any(r.endswith("; right)") for r in rows), rows
    assert all("option id" in r for r in rows), rows
    # The written question keeps one table, every learner shown every option, the key marked.
    [(heads, rows)] = option_tables(markup, 1)
    assert heads[1] == "Shown to"
    assert sum(r.startswith("✓ Key:") for r in rows) == 1


def test_progress_of_a_learner_with_only_a_class_exam_sends_them_to_the_class(
    site: Site,
) -> None:
    _, _, learner = sat_class(site)
    text = page_text(site.as_(learner).get("/progress").text)
    # Before: "No exam submitted yet", though they had just submitted one in class.
    assert "No exam submitted yet" not in text
    assert "No exam of your own submitted yet (class exams are shown in their class)" in text


def test_the_unchosen_options_note_names_options_as_the_tables_do(site: Site) -> None:
    # In a class of 6 the note said "D: 1 wrong answer among the learners
    # shown it" while the page showed D as the sample's key, whose wrong-options row is
    # "option id … (the sample's key …)", with no letter.
    teacher, class_id, _ = sat_class(site, learners=6)
    sample = site.service.pack.questions[GENERATED].resolve(SAMPLE_SEED)
    markup = site.as_(teacher).get(f"/classes/{class_id}/stats").text
    section = lxml.html.fromstring(markup).get_element_by_id("item-2").getparent()
    [note] = section.xpath(".//p[contains(@class, 'unjudged-distractors')]")
    text = " ".join(note.text_content().split())
    assert f"option id {sample.key} (the sample's key" in text, text
    letters = {o.id: chr(ord("A") + i) for i, o in enumerate(sample.options)}
    assert f"{letters[sample.key]}:" not in text and f"{letters[sample.key]} (" not in text, text
    for option in sample.options:
        if option.id != sample.key and f"option id {option.id}" in text:
            assert f"{letters[option.id]} (option id {option.id})" in text, text


def test_the_stats_page_names_the_rounding_it_does(site: Site) -> None:
    # A negative D of −0.125 is shown −0.13: a half away from zero, which the page called
    # "halves up" (that would be −0.12).
    assert hundredths(-0.125) == "−0.13" and hundredths(0.125) == "0.13"
    teacher, class_id, _ = sat_class(site)
    text = page_text(site.as_(teacher).get(f"/classes/{class_id}/stats").text)
    assert "rounded to two decimals, halves away from zero (0.125 is 0.13, −0.125 is −0.13)" in text
    assert "halves up" not in text
