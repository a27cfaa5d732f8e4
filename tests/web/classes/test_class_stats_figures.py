"""The class statistics page's figures as a psychometrician reads them: D undefined where the
upper and lower groups are the same learners, no "check the key" for a question everyone got
right or wrong (its D is 0 by construction), every figure rounded half away from zero, its band and flags
read from the figure shown; and a generated question's options that its sample lacks
described by another variant."""

import random
from collections.abc import Iterator

import pytest

from gradquiz.core.accounts import Role
from gradquiz.core.packs import Pack
from gradquiz.core.questions import Question
from gradquiz.services import classes as classes_module
from gradquiz.services.classes import KEY
from gradquiz.storage.database import Database
from gradquiz.web.classes.questions import SAMPLE_SEED, options_elsewhere
from tests.factories import FrozenClock, class_rules
from tests.web.class_site import built_in_site
from tests.web.classes.test_class_stats_page import WRITTEN, Site, account_of
from tests.web.classes.test_class_stats_page import site as site  # the fixture
from tests.web.exam.test_exam_pages import page_text

POOR_ADVICE = "check the key, then the wording"


def sat(site: Site, choices: list[tuple[str, str]]) -> tuple[str, str]:
    """A class exam (WRITTEN, whose key is D, then a generated question) that one learner per
    pair of choices sat: a letter, or for the generated question "right" or "wrong" (its key
    varies); return the teacher's token and the class id."""
    teacher = site.person("teacher", Role.INSTRUCTOR)
    exam = site.classes.create(
        instructor=account_of(site, teacher), rules=class_rules(site.clock())
    )
    assert exam.question_ids[0] == WRITTEN
    for n, chosen in enumerate(choices):
        learner = account_of(site, site.person(f"learner{n}"))
        site.classes.join(learner=learner, code=exam.code)
        attempt = site.classes.start(learner=learner, class_id=exam.id)
        key = attempt.slots[1].letter_of(site.service.shown.of(attempt)[1].key)
        wrong = next(letter for letter in "ABCD" if letter != key)
        for number, letter in enumerate(chosen, start=1):
            letter = {"right": key, "wrong": wrong}.get(letter, letter)
            site.service.save_answer(
                learner=learner.owner, attempt_id=attempt.id, number=number, letter=letter
            )
        site.service.submit(learner=learner.owner, attempt_id=attempt.id)
    return teacher, exam.id


def table_rows(markup: str) -> list[str]:
    """The rows of the questions table."""
    return markup.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]


def point_biserial_cell(row: str) -> str:
    """A row's Point-biserial cell (Question, Facility, D, Point-biserial, Flags)."""
    return "<td>" + row.split("<td>")[4].strip()


def question_section(markup: str, number: int) -> str:
    """The page's section on question `number`."""
    return markup.split(f'<h2 id="item-{number}">')[1].split("</section>")[0]


def test_one_learner_has_no_d_and_no_check_the_key_flag(site: Site) -> None:
    teacher, class_id = sat(site, [("A", "A")])
    page = site.as_(teacher).get(f"/classes/{class_id}/stats")
    assert page.status_code == 200
    text = page_text(page.text)
    # Before: "From the first attempt of each of 1 learner".
    assert "each of 1 learner" not in text
    assert "From the first attempt of the one learner, over 2 questions." in text
    # Before: D "0.00 (poor)" on every row and "check the key, then the wording" on each.
    assert "(poor)" not in text and POOR_ADVICE not in text
    assert page.text.count('<td>– <span class="hint">(undefined)</span></td>') == 2
    assert (
        "With one learner, the upper and the lower group are that learner: D compares a group "
        "with itself, so it is undefined (–) for every question, and no question is flagged "
        "by it." in text
    )
    # "the learner with the highest and the learner with the lowest
    # score", "each learner's rest score", "some got right and some wrong" of one learner.
    assert "upper and lower groups are" not in text and "tied at a group's edge" not in text
    assert "one learner gives nothing to correlate" in text
    assert "each learner's rest score" not in text and "some got right" not in text
    assert "every learner has the same total" not in text
    # WRITTEN, answered A (its key is D): it read "⚑ too hard" (and the other question
    # "⚑ too easy") from one learner's answers. Now no flag but what is too few to judge.
    assert "Fewer than 20% of learners got it right" not in text
    assert "More than 95% of learners got it right" not in text and "⚑" not in text
    # Each row listed all four unjudged flags; now only the one its
    # figures would raise (nobody right on WRITTEN, everybody on the other).
    assert "too few learners to judge negative discrimination" not in text
    assert "would be flagged too hard, but too few learners to judge" in text  # WRITTEN
    assert (
        text.count("would be flagged too hard, but too few learners to judge")
        + text.count("would be flagged too easy, but too few learners to judge")
    ) == 2
    assert "This class has 1 learner: too few to judge" in text
    assert "too easy needs 20 learners" in text and "too hard 5" in text
    assert "D's bands and flags, poor and negative alike, need 17" in text


def test_equal_totals_show_no_point_biserial_and_small_groups_read_as_words(site: Site) -> None:
    # Two learners on 1 each showed D "–" but a point-biserial of
    # −1.00 on both questions; "the 1 learner with the highest and the 1 with the lowest".
    teacher, class_id = sat(site, [("D", "wrong"), ("A", "right")])
    markup = site.as_(teacher).get(f"/classes/{class_id}/stats").text
    text = page_text(markup)
    rows = markup.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "-1.00" not in rows
    cells = [point_biserial_cell(row) for row in table_rows(markup)]
    assert [page_text(cell) for cell in cells] == ["– (−1.00 by construction: equal totals)"] * 2
    # "undefined (–)" and "would be −1.00 by construction" in one
    # sentence; it is −1.00 on a question that splits the class, and is not shown.
    assert "The point-biserial is not shown (–)" in text and "undefined (–) too" not in text
    assert "some got right and some wrong it is −1.00 by construction" in text
    # The legend agrees with the table: no "D = 0 by construction" where D is undefined.
    assert "D = 0 by construction" not in text
    assert "so D is undefined (–) for every question (above)" in text
    # Every learner on one total read "The upper and lower groups are the
    # learner with the highest and the learner with the lowest score", then the tie: the
    # page now says the tie first, and no highest and lowest.
    assert "the learner with the highest and the learner with the lowest score" not in text
    assert "Every learner has the same total, so the upper and the lower group are" in text
    assert "the 1 learner" not in text and "the 1 with" not in text


def test_a_question_everyone_got_wrong_gets_no_band_and_no_check_the_key(site: Site) -> None:
    # Totals 1, 1, 0, 0 (the generated question splits them); nobody got WRITTEN right.
    teacher, class_id = sat(site, [("A", "right"), ("B", "right"), ("C", "wrong"), ("A", "wrong")])
    exam = site.classes.owned(instructor=account_of(site, teacher), class_id=class_id)
    analysis = site.classes.statistics(exam)
    written = analysis.items[0]
    assert not analysis.same_groups
    assert (written.facility, written.discrimination, written.band) == (0, 0, None)
    markup = site.as_(teacher).get(f"/classes/{class_id}/stats").text
    assert '0.00 <span class="hint">(everyone wrong: no band)</span>' in markup
    # Before: "0.00 (poor)" with "check the key, then the wording" beside "too hard".
    first = question_section(markup, 1)
    assert POOR_ADVICE not in first
    # Four learners: too few for "too hard" (5) and for D's bands (17). It read "⚑ too
    # hard" here and D = 1.00 "(very good)" for the generated question, from groups of one.
    assert "Fewer than 20% of learners got it right" not in first
    assert '1.00 <span class="hint">(too few learners to judge)</span>' in markup
    assert "(very good)" not in markup
    rows = table_rows(markup)
    assert "would be flagged too hard, but too few learners to judge" in page_text(rows[0])
    assert "would be flagged" not in rows[1] and rows[1].rstrip().endswith("<td>–</td></tr>")


def test_a_row_lists_only_the_unjudged_flags_its_figures_would_raise(site: Site) -> None:
    # In a class under 17 every row read "too few learners to judge too
    # easy, too hard, negative discrimination, poor discrimination", even a facility of 0.50
    # that no class size makes too easy or too hard. Six learners: too hard is judged (5),
    # too easy (20) and D's flags (17) are not.
    choices = [("D", "right"), ("D", "wrong"), ("A", "right")] * 2
    teacher, class_id = sat(site, choices)
    markup = site.as_(teacher).get(f"/classes/{class_id}/stats").text
    text = page_text(markup)
    assert "too few learners to judge negative discrimination, poor discrimination" not in text
    # Both questions: facility 0.67, D 0.50, which raise no flag at any class size.
    rows = table_rows(markup)
    assert len(rows) == 2
    for row in rows:
        assert "0.67" in row and "would be flagged" not in row and "too easy" not in row
        assert row.rstrip().endswith("<td>–</td></tr>"), row
    # The class-level sentence still names what this class is too small to judge.
    assert "This class has 6 learners: too few to judge" in text


def test_figures_are_rounded_half_up_as_the_bar_beside_them(site: Site) -> None:
    # 5 of 8 right on WRITTEN: facility 0.625, the bar 63 %.
    teacher, class_id = sat(site, [("D", "right")] * 5 + [("A", "right")] * 3)
    markup = site.as_(teacher).get(f"/classes/{class_id}/stats").text
    # Before: "%.2f" took the half to even, "0.62" beside a bar of 63 %.
    assert 'style="width: 63%"></span></span> 0.63</td>' in markup
    assert "0.62</td>" not in markup
    assert "each band and flag is read from the figure as shown" in page_text(markup)


SGD = "sgd-step-numeric"  # its sample (seed 1) lacks the options forgot-rate and used-loss


@pytest.fixture
def sgd_site(
    database: Database, clock: FrozenClock, pack: Pack, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Site]:
    """The built-in pack, whose class exams draw exactly WRITTEN and SGD."""

    def drawn(drawn_from: Pack, rules: object, rng: random.Random) -> list[Question]:
        return [drawn_from.questions[WRITTEN], drawn_from.questions[SGD]]

    monkeypatch.setattr(classes_module, "class_questions", drawn)
    yield from built_in_site(database, clock, pack)


def test_an_option_the_sample_lacks_is_described_by_another_variant(sgd_site: Site) -> None:
    site = sgd_site
    teacher, class_id = sat(site, [("A", "wrong")] * 12)
    exam = site.classes.owned(instructor=account_of(site, teacher), class_id=class_id)
    sample = {o.id for o in site.service.pack.questions[SGD].resolve(SAMPLE_SEED).options}
    counted = {o.option for o in site.classes.statistics(exam).items[1].options}
    lacking = sorted(counted - sample - {KEY})
    assert lacking  # 12 learners, each shown 3 of its 5 mistakes: the sample shows 3
    markup = site.as_(teacher).get(f"/classes/{class_id}/stats").text
    section = markup.split('<h2 id="elsewhere-title">')[1].split("</section>")[0]
    # Before: a row named "forgot-rate" alone, with no text or letter anywhere on the page.
    # The row named by its id alone had no pointer to its wording.
    number = 2  # items[1]
    for option_id in lacking:
        anchor = f"elsewhere-{number}-{option_id}"
        assert f'<dt id="{anchor}">option id <code>{option_id}</code>: ' in section
        assert f'<a href="#{anchor}">option id <code>{option_id}</code></a>' in markup
    assert section.count("<dd>") == len(lacking)
    if "forgot-rate" in lacking:
        assert "forgets the learning rate" in section
    # The option's numbers were another variant's, under the sample's stem.
    assert section.count("In that variant the question reads:") == len(lacking)


def test_the_first_variant_showing_an_option_words_it() -> None:
    from gradquiz.content.pack_loader import builtin_pack_dir, load_pack
    from gradquiz.web.rendered import RenderedPack

    pack = load_pack(builtin_pack_dir())
    found = options_elsewhere(
        pack.questions[SGD], ["used-loss", "forgot-rate", "no-such-id"], RenderedPack(pack)
    )
    assert [o.id for o in found] == ["used-loss", "forgot-rate"]
    assert "in place of" in page_text(
        found[0].feedback_html
    )  # "uses the loss value … in place of its gradient"
    assert "forgets the learning rate" in page_text(found[1].feedback_html)
    assert "<math" in found[1].text_html
    # Each comes with the stem of the variant whose numbers it shows.
    renderer = RenderedPack(pack).renderer
    sample_stem = renderer.block(pack.questions[SGD].resolve(SAMPLE_SEED).stem)
    for option in found:
        seed = next(
            seed
            for seed in range(SAMPLE_SEED + 1, SAMPLE_SEED + 1000)
            if option.id in {o.id for o in pack.questions[SGD].resolve(seed).options}
        )
        variant = pack.questions[SGD].resolve(seed)
        assert option.stem_html == renderer.block(variant.stem) != sample_stem
        assert page_text(option.text_html) in page_text(
            renderer.inline(next(o.text for o in variant.options if o.id == option.id))
        )


def test_an_unchosen_option_is_judged_only_from_enough_wrong_answers(site: Site) -> None:
    # Flagged once the wrong answers were as many as the wrong options. One
    # learner wrong on WRITTEN (A; key D): B and C unchosen from one wrong answer.
    teacher, class_id = sat(site, [("A", "right")])
    markup = site.as_(teacher).get(f"/classes/{class_id}/stats").text
    text = page_text(markup)
    assert (
        "A wrong option is flagged as unchosen only when, among the learners shown it, the "
        "number k of wrong answers is large enough that, were they spread evenly at random "
        "over the m wrong options those learners were shown (the most any of them was shown), "
        "the chance (1 − 1/m)ᵏ that this option gets none is below 5 %: k at least 1 for 1, "
        "5 for 2, 8 for 3"
    ) in text
    first = page_text(question_section(markup, 1))
    assert (
        "Too few wrong answers were seen to judge whether these wrong options are worth "
        "keeping, though nobody chose them: B: 1 wrong answer among the learners shown it, "
        "8 needed with 3 wrong options; C: 1 wrong answer among the learners shown it, 8 "
        "needed with 3 wrong options."
    ) in first
    assert "unchosen distractor" not in text


def test_an_undefined_point_biserial_says_why_beside_it(site: Site) -> None:
    # In a class of two with totals 2 and 1, question 1 showed "–" with
    # no reason: the rest score (the generated question, right for both) is 1 for both.
    teacher, class_id = sat(site, [("D", "right"), ("A", "right")])
    exam = site.classes.owned(instructor=account_of(site, teacher), class_id=class_id)
    analysis = site.classes.statistics(exam)
    assert not analysis.same_groups
    assert [item.point_biserial for item in analysis.items] == [None, None]
    markup = site.as_(teacher).get(f"/classes/{class_id}/stats").text
    rows = markup.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert (
        '<td>– <span class="hint">(undefined: the rest score, the total less this question, '
        "is the same for every learner)</span></td>" in rows
    )
    assert (
        '<td>– <span class="hint">(undefined: everyone got it right, so its score does not '
        "vary)</span></td>" in rows
    )
    assert all(point_biserial_cell(row) != "<td>–</td>" for row in table_rows(markup))


def test_a_one_question_exam_says_over_1_question(
    site: Site, pack: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "From the first attempt of the one learner, over 1 questions."
    def drawn(pack: Pack, rules: object, rng: random.Random) -> list[Question]:
        return [pack.questions[WRITTEN]]

    monkeypatch.setattr(classes_module, "class_questions", drawn)
    teacher = site.person("teacher", Role.INSTRUCTOR)
    exam = site.classes.create(
        instructor=account_of(site, teacher), rules=class_rules(site.clock())
    )
    assert exam.question_ids == (WRITTEN,)
    learner = account_of(site, site.person("learner"))
    site.classes.join(learner=learner, code=exam.code)
    attempt = site.classes.start(learner=learner, class_id=exam.id)
    site.service.save_answer(learner=learner.owner, attempt_id=attempt.id, number=1, letter="A")
    site.service.submit(learner=learner.owner, attempt_id=attempt.id)
    text = page_text(site.as_(teacher).get(f"/classes/{exam.id}/stats").text)
    assert "From the first attempt of the one learner, over 1 question." in text


@pytest.mark.parametrize("answer", [("D", "right"), ("A", "wrong")])
def test_a_class_alike_on_every_question_is_not_told_of_questions_that_split_it(
    site: Site, answer: tuple[str, str]
) -> None:
    # Where every learner got every question right (or all wrong), the
    # note said the point-biserial "would be −1.00 by construction on any question some got
    # right and some wrong", a case not on the page.
    teacher, class_id = sat(site, [answer] * 3)
    text = page_text(site.as_(teacher).get(f"/classes/{class_id}/stats").text)
    assert "Every learner has the same total" in text
    assert "some got right and some wrong" not in text and "−1.00" not in text
    assert "every learner got each question alike (all right, or all wrong)" in text
    # The legend said such a question "has D = 0 by construction" while
    # the table showed "– (undefined)".
    assert "D = 0 by construction" not in text


def test_a_point_biserial_from_too_few_learners_says_so_as_d_does(site: Site) -> None:
    # Two learners, totals 2 and 0: each question's correlation with the rest is +1.00, as any
    # correlation of two points is ±1, and it stood bare beside D's "too few learners to judge".
    teacher, class_id = sat(site, [("D", "right"), ("A", "wrong")])
    markup = site.as_(teacher).get(f"/classes/{class_id}/stats").text
    cells = [page_text(point_biserial_cell(row)) for row in table_rows(markup)]
    assert cells == ["1.00 (too few learners to judge: with two, any correlation is +1 or −1)"] * 2
    assert "with two learners any correlation is +1 or −1" in page_text(markup)
