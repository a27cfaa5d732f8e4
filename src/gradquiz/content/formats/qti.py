"""IMS QTI 3.0: single-response choice items, alone or in a content package (zip)."""

import copy
import io
import posixpath
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import Any

import lxml.etree

from gradquiz.content.formats.markup import MEDIA_PREFIX, html_to_markdown, markdown_to_html
from gradquiz.content.formats.report import BankQuestion, FileRefused, MediaFile, Skipped
from gradquiz.content.formats.rules import Draft, DraftOption, split_reference, with_reference
from gradquiz.content.formats.safe_input import image_type, parse_xml, unzip
from gradquiz.core.questions import Difficulty

QTI = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
QTI_SCHEMA = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0p1_v1p0.xsd"
CP = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
CP_SCHEMA = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
LOM = "http://ltsc.ieee.org/xsd/LOM"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ITEM_TYPE = "imsqti_item_xmlv3p0"
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # fixed, so the same questions give the same bytes
_LOM_DIFFICULTY = {
    Difficulty.EASY: "easy",
    Difficulty.MEDIUM: "medium",
    Difficulty.HARD: "difficult",
}
_FROM_LOM = {"very easy": "easy", "easy": "easy", "medium": "medium"} | {
    "difficult": "hard",
    "very difficult": "hard",
}
EXPLANATION = "EXPLANATION"


def read_qti(data: bytes) -> Iterator[Draft | Skipped]:
    """The items of a QTI 3.0 content package (zip) or of one item's XML."""
    if data.startswith(b"PK"):
        yield from _package(unzip(data))
    else:
        yield _item(parse_xml(data, "QTI 3.0 XML"), "item", {}, {})


def _package(files: Mapping[str, bytes]) -> Iterator[Draft | Skipped]:
    if "imsmanifest.xml" not in files:
        raise FileRefused("Not a QTI content package: the zip has no imsmanifest.xml.")
    manifest = parse_xml(files["imsmanifest.xml"], "an IMS manifest")
    for resource in manifest.iter(f"{{{CP}}}resource", "resource"):
        kind = resource.get("type", "")
        if kind.startswith("imsqti_item_xmlv2"):
            raise FileRefused(
                f"imsmanifest.xml, resource {resource.get('identifier')!r}: QTI 2.x items are "
                "not read; convert the package to QTI 3.0 first."
            )
        if not kind.startswith("imsqti_item_xmlv3"):
            continue
        href = resource.get("href", "")
        if href not in files:
            raise FileRefused(f"imsmanifest.xml names {href!r}, which the zip does not hold.")
        metadata = {
            "topic": _lom(resource, "general", "keyword"),
            "difficulty": _FROM_LOM.get(_lom(resource, "educational", "difficulty").lower(), ""),
        }
        yield _item(parse_xml(files[href], f"QTI 3.0 XML ({href})"), href, metadata, files)


def _lom(resource: Any, section: str, field: str) -> str:
    for element in resource.iter(f"{{{LOM}}}{field}"):
        if element.getparent().tag == f"{{{LOM}}}{section}":
            value = element.find(f"{{{LOM}}}value")
            text = element.find(f"{{{LOM}}}string") if value is None else value
            return (text.text or "").strip() if text is not None else ""
    return ""


def _item(
    root: Any, href: str, metadata: Mapping[str, str], files: Mapping[str, bytes]
) -> Draft | Skipped:
    local = lxml.etree.QName(root).localname
    if local == "assessmentItem":
        raise FileRefused(f"{href}: QTI 2.x items are not read; convert them to QTI 3.0 first.")
    if root.tag != f"{{{QTI}}}qti-assessment-item":
        raise FileRefused(f"Not QTI 3.0: {href}'s root element is <{local}>.")
    identifier = root.get("identifier", "")
    where = f"{href}, line {root.sourceline}"
    name = identifier or root.get("title", "") or href
    body = root.find(f"{{{QTI}}}qti-item-body")
    interactions = (
        []
        if body is None
        else [e for e in body.iter() if isinstance(e.tag, str) and e.tag.endswith("-interaction")]
    )
    if len(interactions) != 1:
        kind = (
            "description" if not interactions else f"composite ({len(interactions)} interactions)"
        )
        return Skipped(name, where, kind)
    interaction = interactions[0]
    kind = lxml.etree.QName(interaction).localname
    if kind != "qti-choice-interaction":
        return Skipped(name, where, kind.removeprefix("qti-").replace("-", " "))
    if interaction.get("max-choices", "1") != "1":
        return Skipped(name, where, "multiple response")
    draft = Draft(
        where,
        identifier,
        "",
        [],
        topic=metadata.get("topic", ""),
        difficulty=metadata.get("difficulty", ""),
    )
    media = _media(root, href, files, draft)
    _choices(root, interaction, draft, media)
    _remove_keeping_tail(interaction)  # the rest of the body is the stem
    prompt = interaction.find(f"{{{QTI}}}qti-prompt")
    draft.stem = "\n\n".join(
        part for part in (_markdown(body, media), _markdown(prompt, media)) if part
    )
    draft.shuffle = interaction.get("shuffle", "false") == "true"
    return draft


def _choices(root: Any, interaction: Any, draft: Draft, media: Mapping[str, str]) -> None:
    response = interaction.get("response-identifier", "RESPONSE")
    correct = {
        (value.text or "").strip()
        for declaration in root.iterchildren(f"{{{QTI}}}qti-response-declaration")
        if declaration.get("identifier") == response
        for value in declaration.iter(f"{{{QTI}}}qti-value")
    }
    feedback: dict[str, list[str]] = {}
    for modal in root.iterchildren(f"{{{QTI}}}qti-modal-feedback"):
        content = modal.find(f"{{{QTI}}}qti-content-body")
        feedback.setdefault(modal.get("identifier", ""), []).append(
            _markdown(modal if content is None else content, media)
        )
    choices = list(interaction.iterchildren(f"{{{QTI}}}qti-simple-choice"))
    identifiers = {choice.get("identifier") for choice in choices}
    general = [text for key, texts in feedback.items() if key not in identifiers for text in texts]
    draft.explanation, draft.reference = split_reference("\n\n".join(t for t in general if t))
    for choice in choices:
        inline = [f for f in choice.iter(f"{{{QTI}}}qti-feedback-inline")]
        notes = [_markdown(f, media) for f in inline]
        for element in inline:
            _remove_keeping_tail(element)
        identifier = choice.get("identifier")
        draft.options.append(
            DraftOption(
                _markdown(choice, media),
                "\n\n".join(notes + feedback.get(identifier, [])),
                identifier in correct,
            )
        )


def _remove_keeping_tail(element: Any) -> None:
    parent, previous, tail = element.getparent(), element.getprevious(), element.tail or ""
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _media(root: Any, href: str, files: Mapping[str, bytes], draft: Draft) -> dict[str, str]:
    found: dict[str, str] = {}
    kept: list[MediaFile] = []
    for image in root.iter(f"{{{QTI}}}img", "img"):
        src = image.get("src", "")
        path = posixpath.normpath(posixpath.join(posixpath.dirname(href), src))
        if path not in files:
            draft.faults.append(f"image {src!r} is not in the package")
            continue
        mime = image_type(files[path])
        if mime is None:
            draft.faults.append(f"image {src!r} is not a PNG, JPEG or GIF image")
            continue
        name = posixpath.basename(path)
        kept.append(MediaFile(name, mime, files[path]))
        found[src] = name
    draft.files = tuple(sorted(set(kept), key=lambda f: f.name))
    return found


def _markdown(element: Any, media: Mapping[str, str]) -> str:
    if element is None:
        return ""
    # The children keep their QTI namespace declarations; the sanitiser drops those, as it
    # drops every attribute it does not know.
    inner = (element.text or "").replace("&", "&amp;").replace("<", "&lt;")
    inner += "".join(lxml.etree.tostring(child, encoding="unicode") for child in element)
    return html_to_markdown(inner, media)


def write_qti(items: Sequence[BankQuestion], pack_id: str, title: str) -> bytes:
    """A QTI 3.0 content package: imsmanifest.xml with LOM topic and difficulty, and the items."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "imsmanifest.xml", _manifest(items, pack_id, title))
        for item in items:
            _add(archive, _href(item), item_xml(item))
            for file in item.files:
                _add(archive, f"items/{MEDIA_PREFIX}{file.name}", file.data)
    return buffer.getvalue()


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def _href(item: BankQuestion) -> str:
    return f"items/{item_identifier(item.question.id)}.xml"


def item_identifier(question_id: str) -> str:
    """A question id as an XML identifier (those may not start with a digit)."""
    return question_id if question_id[:1].isalpha() else f"q-{question_id}"


def _manifest(items: Sequence[BankQuestion], pack_id: str, title: str) -> bytes:
    root = lxml.etree.Element(
        f"{{{CP}}}manifest",
        nsmap={None: CP, "lom": LOM, "xsi": XSI},
        identifier=item_identifier(pack_id),
    )
    root.set(f"{{{XSI}}}schemaLocation", f"{CP} {CP_SCHEMA}")
    metadata = _sub(root, CP, "metadata")
    _sub(metadata, CP, "schema").text = "QTI Package"
    _sub(metadata, CP, "schemaversion").text = "3.0.0"
    _sub(_sub(_sub(metadata, LOM, "lom"), LOM, "general"), LOM, "title").append(_lang_string(title))
    _sub(root, CP, "organizations")
    resources = _sub(root, CP, "resources")
    for item in items:
        question = item.question
        href = _href(item)
        resource = _sub(
            resources,
            CP,
            "resource",
            identifier=f"res-{item_identifier(question.id)}",
            type=ITEM_TYPE,
            href=href,
        )
        lom = _sub(_sub(resource, CP, "metadata"), LOM, "lom")
        _sub(_sub(lom, LOM, "general"), LOM, "keyword").append(_lang_string(question.topic))
        difficulty = _sub(_sub(lom, LOM, "educational"), LOM, "difficulty")
        _sub(difficulty, LOM, "source").text = "LOMv1.0"
        _sub(difficulty, LOM, "value").text = _LOM_DIFFICULTY[question.difficulty]
        _sub(resource, CP, "file", href=href)
        for file in item.files:
            _sub(resource, CP, "file", href=f"items/{MEDIA_PREFIX}{file.name}")
    return _bytes(root)


def _lang_string(text: str) -> Any:
    string = lxml.etree.Element(f"{{{LOM}}}string", language="en")
    string.text = text
    return string


def item_xml(item: BankQuestion) -> bytes:
    """One question as a QTI 3.0 assessment item with per-choice and general modal feedback."""
    question = item.question
    identifier = item_identifier(question.id)
    root = lxml.etree.Element(
        f"{{{QTI}}}qti-assessment-item",
        nsmap={None: QTI, "xsi": XSI},
        identifier=identifier,
        title=question.id,
        adaptive="false",
        attrib={"time-dependent": "false"},
    )
    root.set(f"{{{XSI}}}schemaLocation", f"{QTI} {QTI_SCHEMA}")
    letters = {option.id: chr(ord("A") + n) for n, option in enumerate(question.options)}
    declaration = _sub(
        root,
        QTI,
        "qti-response-declaration",
        identifier="RESPONSE",
        cardinality="single",
        attrib={"base-type": "identifier"},
    )
    _sub(_sub(declaration, QTI, "qti-correct-response"), QTI, "qti-value").text = letters[
        question.key
    ]
    outcomes, processing = _fixed_parts()
    root.extend(copy.deepcopy(outcomes))
    body = _sub(root, QTI, "qti-item-body")
    _append_html(body, markdown_to_html(question.stem))
    interaction = _sub(
        body,
        QTI,
        "qti-choice-interaction",
        attrib={
            "response-identifier": "RESPONSE",
            "shuffle": str(question.shuffle).lower(),
            "max-choices": "1",
        },
    )
    for option in question.options:
        choice = _sub(interaction, QTI, "qti-simple-choice", identifier=letters[option.id])
        _append_html(choice, markdown_to_html(option.text, inline=True))
    root.append(copy.deepcopy(processing))
    for option in question.options:
        if option.feedback:
            _modal(root, "FEEDBACK", letters[option.id], option.feedback)
    general = with_reference(question.explanation, question.reference)
    if general:
        _modal(root, "GENERAL_FEEDBACK", EXPLANATION, general)
    return _bytes(root)


@cache
def _fixed_parts() -> tuple[list[Any], Any]:
    """The outcome declarations and the response processing every item has, made once (each
    item takes a copy)."""
    holder = lxml.etree.Element(f"{{{QTI}}}holder", nsmap={None: QTI})
    score = _sub(
        holder,
        QTI,
        "qti-outcome-declaration",
        identifier="SCORE",
        cardinality="single",
        attrib={"base-type": "float"},
    )
    _sub(_sub(score, QTI, "qti-default-value"), QTI, "qti-value").text = "0"
    for outcome in ("FEEDBACK", "GENERAL_FEEDBACK"):
        _sub(
            holder,
            QTI,
            "qti-outcome-declaration",
            identifier=outcome,
            cardinality="single",
            attrib={"base-type": "identifier"},
        )
    _response_processing(holder)
    *outcomes, processing = list(holder)
    return outcomes, processing


def _response_processing(root: Any) -> None:
    processing = _sub(root, QTI, "qti-response-processing")
    condition = _sub(processing, QTI, "qti-response-condition")
    when = _sub(condition, QTI, "qti-response-if")
    match = _sub(when, QTI, "qti-match")
    _sub(match, QTI, "qti-variable", identifier="RESPONSE")
    _sub(match, QTI, "qti-correct", identifier="RESPONSE")
    _set_outcome(when, "SCORE", "float", "1")
    _set_outcome(_sub(condition, QTI, "qti-response-else"), "SCORE", "float", "0")
    feedback = _sub(processing, QTI, "qti-set-outcome-value", identifier="FEEDBACK")
    _sub(feedback, QTI, "qti-variable", identifier="RESPONSE")
    _set_outcome(processing, "GENERAL_FEEDBACK", "identifier", EXPLANATION)


def _set_outcome(parent: Any, outcome: str, base_type: str, value: str) -> None:
    setter = _sub(parent, QTI, "qti-set-outcome-value", identifier=outcome)
    _sub(setter, QTI, "qti-base-value", attrib={"base-type": base_type}).text = value


def _modal(root: Any, outcome: str, identifier: str, markdown: str) -> None:
    modal = _sub(
        root,
        QTI,
        "qti-modal-feedback",
        identifier=identifier,
        attrib={"outcome-identifier": outcome, "show-hide": "show"},
    )
    _append_html(_sub(modal, QTI, "qti-content-body"), markdown_to_html(markdown))


def _append_html(parent: Any, html: str) -> None:
    """Put exchange HTML (XHTML from markdown-it) into `parent`, in the QTI namespace."""
    wrapper = lxml.etree.fromstring(f'<wrapper xmlns="{QTI}">{html}</wrapper>')
    parent.text = (parent.text or "") + (wrapper.text or "")
    for child in wrapper:
        parent.append(child)


def _sub(
    parent: Any, namespace: str, tag: str, attrib: dict[str, str] | None = None, **kw: str
) -> Any:
    return lxml.etree.SubElement(parent, f"{{{namespace}}}{tag}", attrib=attrib or {}, **kw)


def _bytes(root: Any) -> bytes:
    return bytes(
        lxml.etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )
