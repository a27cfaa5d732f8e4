"""QTI 3.0: items and content packages read, other interactions skipped, unsafe zips refused."""

import io
import re
import zipfile
from pathlib import Path

import lxml.etree
import pytest

from gradquiz.content.formats import FileRefused, Format, read_questions, write_questions
from gradquiz.content.formats.qti import QTI, item_xml
from gradquiz.content.formats.report import BankQuestion, ImportReport
from gradquiz.content.formats.safe_input import MAX_MEMBERS, MAX_UNPACKED_BYTES
from gradquiz.core.questions import Difficulty, Option, Question
from tests.content.formats.samples import PNG

SCHEMAS = Path(__file__).parent / "schemas"


def item(body: str, declarations: str = "", feedback: str = "", identifier: str = "it-1") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<qti-assessment-item xmlns="{QTI}" '
        f'identifier="{identifier}" title="An item" adaptive="false" time-dependent="false">\n'
        f"{declarations}<qti-item-body>{body}</qti-item-body>{feedback}</qti-assessment-item>\n"
    )


CORRECT_B = (
    '<qti-response-declaration identifier="RESPONSE" cardinality="single" '
    'base-type="identifier"><qti-correct-response><qti-value>B</qti-value>'
    "</qti-correct-response></qti-response-declaration>"
)
CHOICE = (
    "<p>Which gate routes the gradient to the larger input?</p>"
    '<qti-choice-interaction response-identifier="RESPONSE" shuffle="true" max-choices="1">'
    "<qti-prompt>Choose one.</qti-prompt>"
    '<qti-simple-choice identifier="A">add<qti-feedback-inline outcome-identifier="FEEDBACK" '
    'identifier="A" show-hide="show">Add copies it.</qti-feedback-inline></qti-simple-choice>'
    '<qti-simple-choice identifier="B"><strong>max</strong></qti-simple-choice>'
    '<qti-simple-choice identifier="C">mul</qti-simple-choice>'
    "</qti-choice-interaction>"
)
MODALS = (
    '<qti-modal-feedback outcome-identifier="FEEDBACK" identifier="C" show-hide="show">'
    "<qti-content-body><p>Mul scales by the other input.</p></qti-content-body>"
    "</qti-modal-feedback>"
    '<qti-modal-feedback outcome-identifier="FEEDBACK" identifier="B" show-hide="show">'
    "<p>Right.</p></qti-modal-feedback>"
    '<qti-modal-feedback outcome-identifier="GENERAL" identifier="ALWAYS" show-hide="show">'
    "<qti-content-body><p>A max gate routes to the argmax.</p>"
    "<p>Reference: CS231n notes</p></qti-content-body></qti-modal-feedback>"
)


def read(data: bytes) -> ImportReport:
    return read_questions(data, Format.QTI)


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_single_item_with_correct_response_and_every_kind_of_feedback() -> None:
    report = read(item(CHOICE, CORRECT_B, MODALS).encode())
    assert report.summary() == "1 imported, 0 skipped, 0 refused"
    question = report.questions[0]
    assert question.id == "it-1"
    assert question.stem == "Which gate routes the gradient to the larger input?\n\nChoose one."
    assert [(o.text, o.feedback) for o in question.options] == [
        ("add", "Add copies it."),
        ("**max**", "Right."),
        ("mul", "Mul scales by the other input."),
    ]
    assert question.key == "b"
    assert (question.explanation, question.reference) == (
        "A max gate routes to the argmax.",
        "CS231n notes",
    )
    assert question.shuffle is True


def manifest(resources: str) -> bytes:
    return (
        '<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1" '
        'xmlns:lom="http://ltsc.ieee.org/xsd/LOM" identifier="m"><resources>'
        f"{resources}</resources></manifest>"
    ).encode()


def resource(href: str, kind: str = "imsqti_item_xmlv3p0", lom: str = "") -> str:
    metadata = f"<metadata><lom:lom>{lom}</lom:lom></metadata>" if lom else ""
    return f'<resource identifier="r{len(href)}" type="{kind}" href="{href}">{metadata}</resource>'


def test_a_content_package_takes_topic_and_difficulty_from_lom() -> None:
    lom = (
        "<lom:general><lom:keyword><lom:string>Computation graph</lom:string></lom:keyword>"
        "</lom:general><lom:educational><lom:difficulty><lom:source>LOMv1.0</lom:source>"
        "<lom:value>very difficult</lom:value></lom:difficulty></lom:educational>"
    )
    body = CHOICE.replace("<p>Which", '<p><img src="../img/g.png" alt="graph"/>Which')
    package = zipped(
        {
            "imsmanifest.xml": manifest(
                resource("items/one.xml", lom=lom) + resource("tests/t.xml", "imsqti_test_xmlv3p0")
            ),
            "items/one.xml": item(body, CORRECT_B).encode(),
            "img/g.png": PNG,
        }
    )
    report = read(package)
    imported = report.imported[0]
    assert (imported.question.topic, imported.question.difficulty) == (
        "computation-graph",
        Difficulty.HARD,
    )
    assert imported.question.stem.startswith("![graph](media/g.png)Which gate")
    assert [(f.name, f.data) for f in imported.files] == [("g.png", PNG)]
    assert imported.where == "items/one.xml, line 2"


def test_an_image_missing_from_the_package_or_not_an_image_refuses_the_item() -> None:
    body = CHOICE.replace("<p>Which", '<p><img src="a.png" alt=""/><img src="b.png"/>Which')
    package = zipped(
        {
            "imsmanifest.xml": manifest(resource("one.xml")),
            "one.xml": item(body, CORRECT_B).encode(),
            "b.png": b"<svg/>",
        }
    )
    assert read(package).refused[0].rule == (
        "image 'a.png' is not in the package; image 'b.png' is not a PNG, JPEG or GIF image"
    )


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ('<qti-text-entry-interaction response-identifier="R"/>', "text entry interaction"),
        ('<qti-extended-text-interaction response-identifier="R"/>', "extended text interaction"),
        ('<qti-match-interaction response-identifier="R"/>', "match interaction"),
        ('<qti-order-interaction response-identifier="R"/>', "order interaction"),
        ('<qti-inline-choice-interaction response-identifier="R"/>', "inline choice interaction"),
        (CHOICE.replace('max-choices="1"', 'max-choices="0"'), "multiple response"),
        ("<p>Read this first.</p>", "description"),
        (CHOICE + CHOICE, "composite (2 interactions)"),
    ],
)
def test_every_other_item_is_skipped_with_its_type(body: str, kind: str) -> None:
    report = read(item(body, CORRECT_B).encode())
    assert [(s.name, s.where, s.kind) for s in report.skipped] == [("it-1", "item, line 2", kind)]


def test_an_item_without_a_correct_response_is_refused() -> None:
    report = read(item(CHOICE).encode())
    assert report.refused[0].rule == "no right answer"


def test_qti_2_is_refused_with_what_to_do() -> None:
    qti2 = b'<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="x"/>'
    with pytest.raises(
        FileRefused, match=re.escape("QTI 2.x items are not read; convert them to QTI 3.0")
    ):
        read(qti2)
    package = zipped({"imsmanifest.xml": manifest(resource("a.xml", "imsqti_item_xmlv2p1"))})
    with pytest.raises(FileRefused, match=re.escape("convert the package to QTI 3.0 first")):
        read(package)


def test_a_zip_without_a_manifest_or_with_a_missing_item_is_refused() -> None:
    with pytest.raises(FileRefused, match=re.escape("the zip has no imsmanifest.xml")):
        read(zipped({"item.xml": item(CHOICE, CORRECT_B).encode()}))
    with pytest.raises(FileRefused, match=re.escape("imsmanifest.xml names 'gone.xml'")):
        read(zipped({"imsmanifest.xml": manifest(resource("gone.xml"))}))


def test_a_zip_bomb_is_refused_by_its_unpacked_size_before_it_is_unpacked() -> None:
    bomb = zipped({"imsmanifest.xml": b"<m/>", "zeros.xml": b"\0" * (MAX_UNPACKED_BYTES + 1)})
    assert len(bomb) < 100_000
    with pytest.raises(FileRefused, match=r"unpacks to 52 MB; at most 52 MB are read"):
        read(bomb)


def test_a_zip_of_too_many_members_is_refused() -> None:
    many = zipped({f"{n}.xml": b"" for n in range(MAX_MEMBERS + 1)})
    with pytest.raises(FileRefused, match=f"holds {MAX_MEMBERS + 1} files; at most {MAX_MEMBERS}"):
        read(many)


def test_a_broken_zip_is_refused() -> None:
    with pytest.raises(FileRefused, match="Not a zip file"):
        read(b"PK\x03\x04 not really a zip")


def sample_question() -> Question:
    return Question(
        id="2-gates",
        topic="computation-graph",
        difficulty=Difficulty.HARD,
        stem="Which gate?\n\n| x | y |\n|---|---|\n| $1$ | `2` |",
        options=(
            Option("a", "add", "Copies."),
            Option("b", "max $m$", ""),
            Option("c", "mul", "Scales."),
        ),
        key="b",
        explanation="Routes to the *argmax*.",
        reference="CS231n notes",
    )


def test_an_exported_item_has_the_parts_qti_3_requires_in_order() -> None:
    root = lxml.etree.fromstring(item_xml(BankQuestion(sample_question())))
    assert root.get("identifier") == "q-2-gates"  # an identifier may not start with a digit
    children = [lxml.etree.QName(c).localname for c in root]
    assert children == [
        "qti-response-declaration",
        "qti-outcome-declaration",
        "qti-outcome-declaration",
        "qti-outcome-declaration",
        "qti-item-body",
        "qti-response-processing",
        "qti-modal-feedback",
        "qti-modal-feedback",
        "qti-modal-feedback",
    ]
    ns = {"q": QTI}
    assert root.xpath("//q:qti-correct-response/q:qti-value/text()", namespaces=ns) == ["B"]
    assert root.xpath("//q:qti-simple-choice/@identifier", namespaces=ns) == ["A", "B", "C"]
    assert root.xpath("//q:qti-modal-feedback/@identifier", namespaces=ns) == [
        "A",
        "C",
        "EXPLANATION",
    ]
    assert all(isinstance(e.tag, str) and e.tag.startswith(f"{{{QTI}}}") for e in root.iter())


def test_an_export_reads_back_as_the_same_question() -> None:
    data = write_questions([BankQuestion(sample_question())], Format.QTI, pack_id="p")
    again = read(data).questions[0]
    expected = sample_question()
    assert again.id == "q-2-gates"
    assert (again.stem, again.explanation, again.reference) == (
        expected.stem,
        expected.explanation,
        expected.reference,
    )
    assert [(o.text, o.feedback) for o in again.options] == [
        (o.text, o.feedback) for o in expected.options
    ]
    assert (again.topic, again.difficulty, again.key) == ("computation-graph", Difficulty.HARD, "b")
