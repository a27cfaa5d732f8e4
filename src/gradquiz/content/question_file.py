"""Parsing one plain-text question file, keeping line numbers for every problem."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gradquiz.content.problems import Problem
from gradquiz.core.questions import Difficulty, Option, Question
from gradquiz.core.variants import VariantSource

HEADER_FIELDS = ("id", "topic", "difficulty", "key", "reference")
GENERATED_FIELDS = ("id", "topic", "difficulty", "reference", "generator")
OPTIONAL_FIELDS = ("shuffle", "generator", "excludes")
_YES_NO = {"yes": True, "no": False}
_YES_NO_FIELDS = ("shuffle",)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_OPTIONS, MAX_OPTIONS = 3, 5

Fault = Callable[[int, str], None]
# Looks a generator up by the name a question file gives; a string answer is the fault.
FindGenerator = Callable[[str], VariantSource | str]

# A key this much longer than the mean of the other options gives itself away; the slack in
# characters lets short numeric options ("$12$" against "$3$") differ freely.
KEY_LENGTH_RATIO = 1.5
KEY_LENGTH_SLACK = 15

_HEADER_LINE = re.compile(r"^([A-Za-z_-]+):\s*(.*?)\s*$")
_SECTION_LINE = re.compile(r"^--- (.*?)\s*$")
_SECTION_NAME = re.compile(r"^(stem|explanation|(option|feedback) ([a-z0-9-]+))$")
ALL_OF_THE_ABOVE = re.compile(r"\b(all|none|both) of the (above|options)\b", re.IGNORECASE)


@dataclass
class _Section:
    name: str
    line: int
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")


@dataclass
class _Parsed:
    header: dict[str, tuple[str, int]] = field(default_factory=dict)
    sections: list[_Section] = field(default_factory=list)


def parse_question_file(
    path: Path, text: str, find_generator: FindGenerator | None = None
) -> tuple[Question | None, list[Problem]]:
    """Parse and validate one question file; the question is None when any problem was found.

    A file with a `generator` field is a parametrized question: its text, options and key come
    from the generator, so it has no `key` field and no sections.
    """
    problems: list[Problem] = []

    def fault(line: int, message: str) -> None:
        problems.append(Problem(path, line, message))

    parsed = _split(text, fault)
    generated = "generator" in parsed.header
    for name in GENERATED_FIELDS if generated else HEADER_FIELDS:
        if name not in parsed.header:
            fault(1, f"missing field '{name}'")
    if generated:
        question = _build_generated(path, parsed, fault, find_generator)
    else:
        sections = _index_sections(parsed.sections, fault)
        question = _build(path, parsed, sections, fault)
    return (question if not problems else None), problems


def _build_generated(
    path: Path, parsed: _Parsed, fault: Fault, find_generator: FindGenerator | None
) -> Question | None:
    header = {name: value for name, (value, _) in parsed.header.items()}
    line_of = {name: number for name, (_, number) in parsed.header.items()}
    if "key" in header:
        fault(line_of["key"], "a generated question's key is computed by its generator; remove it")
    for section in parsed.sections:
        fault(
            section.line,
            f"a generated question takes its text from the generator; remove '--- {section.name}'",
        )
    difficulty = _checked_header(path, header, line_of, fault)
    name = header.get("generator", "")
    found = find_generator(name) if find_generator else "no generator folder was given"
    if isinstance(found, str):
        fault(line_of.get("generator", 1), f"generator '{name}': {found}")
        return None
    if difficulty is None or any(n not in header for n in GENERATED_FIELDS):
        return None
    return Question(
        id=header["id"],
        topic=header["topic"],
        difficulty=difficulty,
        stem="",
        options=(),
        key="",
        explanation="",
        reference=header["reference"],
        shuffle=_YES_NO[header.get("shuffle", "yes")],
        generator=found,
        excludes=_id_list(header.get("excludes", "")),
    )


def _checked_header(
    path: Path, header: dict[str, str], line_of: dict[str, int], fault: Fault
) -> Difficulty | None:
    """Check the id against the file name; return the difficulty, or None if it is invalid."""
    if "id" in header:
        if not SLUG.match(header["id"]):
            fault(line_of["id"], f"id '{header['id']}' must be lowercase words joined by '-'")
        elif header["id"] != path.stem:
            fault(line_of["id"], f"id '{header['id']}' does not match the file name '{path.name}'")
    if "difficulty" not in header:
        return None
    try:
        return Difficulty(header["difficulty"])
    except ValueError:
        choices = ", ".join(d.value for d in Difficulty)
        fault(
            line_of["difficulty"], f"difficulty '{header['difficulty']}' is not one of: {choices}"
        )
        return None


def _split(text: str, fault: Fault) -> _Parsed:
    parsed = _Parsed()
    current: _Section | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        section = _SECTION_LINE.match(line)
        if section:
            current = _Section(section.group(1), number)
            parsed.sections.append(current)
        elif current is not None:
            current.lines.append(line)
        elif line.strip():
            _read_header_line(parsed, line, number, fault)
    return parsed


def _read_header_line(parsed: _Parsed, line: str, number: int, fault: Fault) -> None:
    match = _HEADER_LINE.match(line)
    if not match:
        fault(number, f"expected 'field: value' or a '--- section' line, got {line!r}")
        return
    name, value = match.group(1), match.group(2)
    if name not in HEADER_FIELDS + OPTIONAL_FIELDS:
        known = ", ".join(HEADER_FIELDS + OPTIONAL_FIELDS)
        fault(number, f"unknown field '{name}' (expected one of: {known})")
    elif name in _YES_NO_FIELDS and value not in _YES_NO:
        fault(number, f"field '{name}' must be 'yes' or 'no', not '{value}'")
    elif name in parsed.header:
        fault(number, f"field '{name}' given twice (first on line {parsed.header[name][1]})")
    elif not value:
        fault(number, f"field '{name}' is empty")
    else:
        parsed.header[name] = (value, number)


def _index_sections(sections: list[_Section], fault: Fault) -> dict[str, _Section]:
    found: dict[str, _Section] = {}
    for section in sections:
        if not _SECTION_NAME.match(section.name):
            fault(
                section.line,
                f"unknown section '--- {section.name}' (expected stem, option ID, "
                "feedback ID or explanation)",
            )
        elif section.name in found:
            first = found[section.name].line
            fault(section.line, f"section '--- {section.name}' given twice (first on line {first})")
        elif not section.text.strip():
            fault(section.line, f"section '--- {section.name}' is empty")
        else:
            found[section.name] = section
    return found


def _build(
    path: Path, parsed: _Parsed, sections: dict[str, _Section], fault: Fault
) -> Question | None:
    header = {name: value for name, (value, _) in parsed.header.items()}
    line_of = {name: number for name, (_, number) in parsed.header.items()}
    for name in ("stem", "explanation"):
        if name not in sections:
            fault(1, f"missing section '--- {name}'")
    difficulty = _checked_header(path, header, line_of, fault)
    options = _options(sections, header.get("key"), line_of.get("key", 1), fault)
    if difficulty is None or options is None or not {"stem", "explanation"} <= sections.keys():
        return None
    if any(name not in header for name in HEADER_FIELDS):
        return None
    return Question(
        id=header["id"],
        topic=header["topic"],
        difficulty=difficulty,
        stem=sections["stem"].text,
        options=options,
        key=header["key"],
        explanation=sections["explanation"].text,
        reference=header["reference"],
        shuffle=_YES_NO[header.get("shuffle", "yes")],
        excludes=_id_list(header.get("excludes", "")),
    )


def _options(
    sections: dict[str, _Section], key: str | None, key_line: int, fault: Fault
) -> tuple[Option, ...] | None:
    texts = {name.split(" ", 1)[1]: s for name, s in sections.items() if name.startswith("option ")}
    feedback = {
        name.split(" ", 1)[1]: s for name, s in sections.items() if name.startswith("feedback ")
    }
    ok = True
    first_line = min((s.line for s in texts.values()), default=1)
    if not MIN_OPTIONS <= len(texts) <= MAX_OPTIONS:
        fault(first_line, f"{len(texts)} options; a question needs {MIN_OPTIONS} to {MAX_OPTIONS}")
        ok = False
    for option_id, section in feedback.items():
        if option_id not in texts:
            fault(section.line, f"feedback for option '{option_id}', which does not exist")
            ok = False
    for option_id, section in texts.items():
        if ALL_OF_THE_ABOVE.search(section.text):
            fault(section.line, f"option '{option_id}' uses an 'all/none of the above' form")
            ok = False
        if option_id != key and option_id not in feedback:
            fault(section.line, f"wrong option '{option_id}' has no feedback naming its error")
            ok = False
    if key is not None and key not in texts:
        fault(key_line, f"key '{key}' is not one of the options ({', '.join(texts) or 'none'})")
        ok = False
    elif key is not None and key_stands_out(key, {i: s.text for i, s in texts.items()}):
        fault(texts[key].line, f"the key '{key}' is much longer than the other options (a cue)")
        ok = False
    if not ok:
        return None
    return tuple(
        Option(
            id=option_id,
            text=section.text,
            feedback=feedback[option_id].text if option_id in feedback else "",
        )
        for option_id, section in texts.items()
    )


def key_stands_out(key: str, texts: Mapping[str, str]) -> bool:
    """Whether the key's text is much longer than the other options' (a cue to the answer)."""
    lengths = {option_id: len(" ".join(text.split())) for option_id, text in texts.items()}
    others = [n for option_id, n in lengths.items() if option_id != key]
    if not others:
        return False
    mean = sum(others) / len(others)
    return lengths[key] > KEY_LENGTH_RATIO * mean and lengths[key] - mean > KEY_LENGTH_SLACK


def _id_list(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.split(",") if part.strip())
