"""A class exam's questions as the instructor's pages show them: rendered as learners see
them (Markdown and formulas through the pack's renderer), never by their ids alone.

A parametrized question is shown by a sample variant: every learner draws their own
numbers, so the sample stands for the kind of question, and its options (one per
misconception, the generator's stable option ids) name the statistics' option rows.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import escape

from gradquiz.content.preview import first_words
from gradquiz.core.attempts import LETTERS
from gradquiz.core.packs import Pack
from gradquiz.core.questions import Option, Question
from gradquiz.web.rendered import RenderedPack

# The sample variant's seed. Pooled and drawn variants come from secret 63-bit seeds, so a
# learner meets this one no more often than any other.
SAMPLE_SEED = 1
# The seeds after the sample searched for a variant that shows an option the sample does not
# (every generator of the built-in pack shows each of its options within its first 12).
SEEDS_SEARCHED = 200


@dataclass(frozen=True)
class ShownOption:
    """An option as the bank orders it: its letter there, its id and its text as HTML."""

    letter: str
    id: str
    html: str
    is_key: bool


@dataclass(frozen=True)
class ClassQuestion:
    """One question of a class exam, rendered: what the preview and the statistics show."""

    number: int
    id: str
    topic_name: str
    difficulty: str
    parametrized: bool
    stem_html: str
    options: tuple[ShownOption, ...]

    @property
    def title_html(self) -> str:
        """The stem's opening words, to name the question by (its id if the stem opens
        with a code block or a display formula)."""
        return first_words(self.stem_html) or str(escape(self.id))

    @property
    def key_id(self) -> str:
        """The id of the key (of the sample, for a parametrized question)."""
        return next(o.id for o in self.options if o.is_key)

    def option_html(self, option_id: str) -> str:
        """An option's text as HTML ("" for an id this question's sample does not show)."""
        return next((o.html for o in self.options if o.id == option_id), "")

    def option_letter(self, option_id: str) -> str:
        """An option's letter in the bank's order ("" for an id the sample does not show)."""
        return next((o.letter for o in self.options if o.id == option_id), "")


def class_questions(
    pack: Pack, rendered: RenderedPack, questions: Iterable[Question]
) -> dict[str, ClassQuestion]:
    """The class exam's questions (the pack's, or a private bank's at their pinned versions)
    by id, in exam order, each rendered once."""
    shown: dict[str, ClassQuestion] = {}
    for number, bank in enumerate(questions, start=1):
        question = bank.resolve(SAMPLE_SEED) if bank.parametrized else bank
        shown[bank.id] = _rendered(number, bank, question, pack, rendered)
    return shown


def _rendered(
    number: int, bank: Question, question: Question, pack: Pack, rendered: RenderedPack
) -> ClassQuestion:
    html = rendered.of(question)
    return ClassQuestion(
        number=number,
        id=bank.id,
        topic_name=pack.topic_name(question.topic),
        difficulty=question.difficulty.value,
        parametrized=bank.parametrized,
        stem_html=html.stem,
        options=tuple(
            ShownOption(LETTERS[i], o.id, html.options[o.id], o.id == question.key)
            for i, o in enumerate(question.options)
        ),
    )


@dataclass(frozen=True)
class OptionElsewhere:
    """An option a generated question's sample does not show, as the first other variant that
    shows it words it: its text (with that variant's numbers), that variant's stem, whose
    numbers the text's follow from, and its feedback, which names the mistake behind it."""

    id: str
    text_html: str
    feedback_html: str
    stem_html: str


def options_elsewhere(
    bank: Question, option_ids: Iterable[str], rendered: RenderedPack
) -> tuple[OptionElsewhere, ...]:
    """The options of `option_ids` that the first SEEDS_SEARCHED variants after the sample
    show, each from the first that does, in the order given; an id none shows is left out."""
    found = _first_shown(bank, tuple(dict.fromkeys(option_ids)))
    renderer = rendered.renderer
    return tuple(
        OptionElsewhere(
            o.id,
            renderer.inline(o.text),
            renderer.block(o.feedback, link_glossary=True),
            renderer.block(variant.stem),
        )
        for o, variant in found
    )


@lru_cache(maxsize=256)
def _first_shown(
    bank: Question, option_ids: tuple[str, ...]
) -> tuple[tuple[Option, Question], ...]:
    """Each option of `option_ids`, with the first variant after the sample that shows it."""
    wanted, found = set(option_ids), {}
    for seed in range(SAMPLE_SEED + 1, SAMPLE_SEED + 1 + SEEDS_SEARCHED):
        if not wanted:
            break
        variant = bank.resolve(seed)
        for option in variant.options:
            if option.id in wanted:
                found[option.id] = (option, variant)
                wanted.discard(option.id)
    return tuple(found[i] for i in option_ids if i in found)
