"""A pack's Markdown rendered once to safe HTML, looked up by question and option id."""

from dataclasses import dataclass
from functools import cached_property, lru_cache

from gradquiz.content.render import MarkdownRenderer, highlight_code
from gradquiz.core.packs import Pack
from gradquiz.core.questions import Question


class RenderedQuestion:
    """HTML for one question, each part rendered on first use.

    An open attempt needs only the stem and options; feedback and the explanation are
    rendered when a result shows them, which for a fresh variant is often never.
    """

    def __init__(self, question: Question, renderer: MarkdownRenderer) -> None:
        self.question = question
        self._renderer = renderer

    @cached_property
    def stem(self) -> str:
        """The stem as HTML."""
        return self._renderer.block(self.question.stem)

    @cached_property
    def options(self) -> dict[str, str]:
        """Each option's text as inline HTML, by option id."""
        return {o.id: self._renderer.inline(o.text) for o in self.question.options}

    @cached_property
    def feedback(self) -> dict[str, str]:
        """Each option's feedback as HTML, glossary terms linked, by option id."""
        render = self._renderer.block
        return {o.id: render(o.feedback, link_glossary=True) for o in self.question.options}

    @cached_property
    def explanation(self) -> str:
        """The explanation as HTML, glossary terms linked."""
        return self._renderer.block(self.question.explanation, link_glossary=True)

    def render_all(self) -> "RenderedQuestion":
        """Render every part now (for static questions, once at start-up)."""
        _ = (self.stem, self.options, self.feedback, self.explanation)
        return self


@dataclass(frozen=True)
class RenderedPage:
    """HTML for the text blocks around the exam."""

    intro: str
    why: str
    glossary: dict[str, str]
    code_runnable: str
    interview_tip: str
    interview_questions: dict[str, str]
    model_answers: dict[str, str]
    key_points: dict[str, tuple[str, ...]]


# The packs rendered last in this process, newest last (each with its pack, so an id is not
# reused while its entry lives). A server builds one app; a process that builds an app per
# test renders the same pack once instead of each time (about 0.15 s of CPU each).
_RECENT: list["RenderedPack"] = []
RECENT_PACKS = 4


class RenderedPack:
    """Renders every block of a pack up front, so pages only look HTML up."""

    @classmethod
    def for_pack(cls, pack: Pack) -> "RenderedPack":
        """The rendered `pack`, from the recent ones when this process rendered it already."""
        for rendered in _RECENT:
            if rendered.pack is pack:
                return rendered
        rendered = cls(pack)
        _RECENT.append(rendered)
        del _RECENT[:-RECENT_PACKS]
        return rendered

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.renderer = MarkdownRenderer(pack.page.glossary, glossary_url="/#")
        self.questions = {
            q.id: self._question(q) for q in pack.questions.values() if not q.parametrized
        }
        page = pack.page
        self.page = RenderedPage(
            intro=self.renderer.block(page.intro),
            why=self.renderer.block(page.why),
            glossary={t.slug: self.renderer.block(t.definition) for t in page.glossary},
            code_runnable=highlight_code(page.code_runnable, "python"),
            interview_tip=self.renderer.block(page.interview_tip),
            interview_questions={
                q.id: self.renderer.inline(q.text) for q in page.interview_questions
            },
            model_answers={
                q.id: self.renderer.block(q.model_answer, link_glossary=True)
                for q in page.interview_questions
            },
            key_points={
                q.id: tuple(self.renderer.inline(p) for p in q.key_points)
                for q in page.interview_questions
            },
        )

    def render_questions(self) -> None:
        """Render every static question now, rather than on its first request."""
        for question in self.questions.values():
            question.render_all()

    def of(self, shown: Question) -> RenderedQuestion:
        """HTML for a question as an attempt shows it (static, a variant, or an older version)."""
        static = self.questions.get(shown.id)
        if static is not None and static.question is shown:
            return static
        return self._shown(shown)

    # Variants rendered with their feedback run to tens of KB each: keep the recent ones.
    @lru_cache(maxsize=256)  # noqa: B019 - one RenderedPack lives as long as its app
    def _shown(self, shown: Question) -> RenderedQuestion:
        return self._question(shown)

    def _question(self, question: Question) -> RenderedQuestion:
        return RenderedQuestion(question, self.renderer)
