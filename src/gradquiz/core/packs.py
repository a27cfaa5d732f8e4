"""A content pack: the exam's metadata, the page around it and the question bank."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from gradquiz.core.questions import Difficulty, Question


@dataclass(frozen=True)
class Topic:
    """A topic of the bank, such as "Chain rule"; every exam covers each required topic."""

    id: str
    name: str
    required: bool = True


@dataclass(frozen=True)
class Blueprint:
    """How an exam is drawn: questions per difficulty, and topics that must each appear."""

    counts: Mapping[Difficulty, int]
    required_topics: tuple[str, ...]

    @property
    def size(self) -> int:
        """Number of questions in one exam."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class GlossaryTerm:
    """A glossary entry; `slug` is its anchor on the landing page."""

    term: str
    slug: str
    definition: str


@dataclass(frozen=True)
class InterviewQuestion:
    """A common interview question with a model answer and the points it should make."""

    id: str
    text: str
    model_answer: str
    key_points: tuple[str, ...]


@dataclass(frozen=True)
class PackPage:
    """The text blocks shown around the exam (the seed page), as Markdown and code.

    `code_example` is the worked example's conceptual lines (pseudo-code, kept as the seed
    page wrote them); `code_runnable` is the same example as Python that the tests run.
    """

    intro: str
    why: str
    glossary: tuple[GlossaryTerm, ...]
    code_title: str
    code_example: str
    code_runnable: str
    interview_tip: str
    interview_questions: tuple[InterviewQuestion, ...]


@dataclass(frozen=True)
class Source:
    """A work questions cite; a reference that starts with `name` links to `url`."""

    name: str
    url: str


@dataclass(frozen=True)
class Pack:
    """Everything a pack holds: metadata, page blocks and questions by id."""

    id: str
    title: str
    subtitle: str
    description: str
    minutes: int
    blueprint: Blueprint
    topics: tuple[Topic, ...]
    page: PackPage
    questions: Mapping[str, Question] = field(default_factory=dict)
    sources: tuple[Source, ...] = ()

    def source_url(self, reference: str) -> str | None:
        """The address of the work `reference` cites, if the pack knows it (longest name wins)."""
        matches = [s for s in self.sources if reference.lower().startswith(s.name.lower())]
        return max(matches, key=lambda s: len(s.name)).url if matches else None

    def topic_name(self, topic_id: str) -> str:
        """Human name of a topic id."""
        for topic in self.topics:
            if topic.id == topic_id:
                return topic.name
        return topic_id
