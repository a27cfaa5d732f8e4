"""A pack's Markdown rendered once to safe HTML, looked up by question and option id."""

from dataclasses import dataclass

from gradquiz.content.render import MarkdownRenderer, highlight_code
from gradquiz.core.packs import Pack
from gradquiz.core.questions import Question


@dataclass(frozen=True)
class RenderedQuestion:
    """HTML for one question. The key, feedback and explanation are only read after submit."""

    stem: str
    options: dict[str, str]
    feedback: dict[str, str]
    explanation: str


@dataclass(frozen=True)
class RenderedPage:
    """HTML for the text blocks around the exam."""

    intro: str
    why: str
    glossary: dict[str, str]
    code_example: str
    interview_tip: str
    interview_questions: tuple[str, ...]


class RenderedPack:
    """Renders every block of a pack up front, so pages only look HTML up."""

    def __init__(self, pack: Pack) -> None:
        self.renderer = MarkdownRenderer(pack.page.glossary, glossary_url="/#")
        self.questions = {q.id: self._question(q) for q in pack.questions.values()}
        page = pack.page
        self.page = RenderedPage(
            intro=self.renderer.block(page.intro),
            why=self.renderer.block(page.why),
            glossary={t.slug: self.renderer.block(t.definition) for t in page.glossary},
            code_example=highlight_code(page.code_example, "python"),
            interview_tip=self.renderer.block(page.interview_tip),
            interview_questions=tuple(self.renderer.inline(q) for q in page.interview_questions),
        )

    def _question(self, question: Question) -> RenderedQuestion:
        render = self.renderer
        return RenderedQuestion(
            stem=render.block(question.stem),
            options={o.id: render.inline(o.text) for o in question.options},
            feedback={o.id: render.block(o.feedback, link_glossary=True) for o in question.options},
            explanation=render.block(question.explanation, link_glossary=True),
        )
