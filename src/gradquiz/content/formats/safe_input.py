"""Reading untrusted bytes: size limit, UTF-8 text, XML without entities, zips, images."""

import io
import re
import zipfile
from collections.abc import Mapping
from typing import Any

from gradquiz.content.formats.report import FileRefused

# A zip may unpack to at most this many bytes and members (a bomb is refused unread).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_MEMBERS = 10_000
# Characters no question text holds (tab, line feed and carriage return are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def check_size(size: int, limit: int) -> None:
    """Refuse a file of `size` bytes over the import limit (GRADQUIZ_IMPORT_MAX_BYTES)."""
    if size > limit:
        raise FileRefused(
            f"The file is {_size(size)}; imports take at most {_size(limit)} "
            "(GRADQUIZ_IMPORT_MAX_BYTES)."
        )


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} kB"


def utf8_text(data: bytes) -> str:
    """The file as text: UTF-8 (a byte-order mark is fine), or a message saying what it is."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused("The file is UTF-16; save it as UTF-8 and import it again.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise FileRefused(
            f"Line {line}, column {column}: byte 0x{data[error.start]:02X} is not UTF-8; "
            f"{_guess_encoding(data)} Save the file as UTF-8 and import it again."
        ) from None
    control = _CONTROL.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        column = control.start() - (text.rfind("\n", 0, control.start()) + 1) + 1
        raise FileRefused(
            f"Line {line}, column {column}: a control character "
            f"(U+{ord(control.group()):04X}) is not text; is this a text file?"
        )
    return text


def _guess_encoding(data: bytes) -> str:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "the file is in some other encoding."
    return "the file looks like Windows-1252 or Latin-1 (as Excel saves CSV)."


def parse_xml(data: bytes, what: str) -> Any:
    """Parse XML (to an lxml element) after defusedxml has refused DTDs, entities and
    external references."""
    import defusedxml.ElementTree
    import lxml.etree
    from defusedxml import DefusedXmlException

    try:
        defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise FileRefused(
            f"Not accepted: the {what} declares a DTD or entities ({type(error).__name__}); "
            "entity expansion and external entities are refused."
        ) from None
    except defusedxml.ElementTree.ParseError as error:
        line, column = error.position
        raise FileRefused(
            f"Not {what}: line {line}, column {column + 1}: {_reason(error)}"
        ) from None
    parser = lxml.etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True
    )
    try:
        return lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as error:  # what expat takes and libxml2 does not (depth)
        line = error.position[0] if error.position else 1
        raise FileRefused(f"Not {what}: line {line}: {error.msg}") from None


def _reason(error: Exception) -> str:
    return str(error).split(":")[0]


def unzip(data: bytes) -> Mapping[str, bytes]:
    """Every member of a zip, refusing bombs: too many members or too many bytes unpacked."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FileRefused("Not a zip file (a QTI content package is a .zip).") from None
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > MAX_MEMBERS:
        raise FileRefused(f"The zip holds {len(members)} files; at most {MAX_MEMBERS} are read.")
    total = sum(info.file_size for info in members)
    if total > MAX_UNPACKED_BYTES:
        raise FileRefused(
            f"The zip unpacks to {total / 1e6:.0f} MB; at most {MAX_UNPACKED_BYTES / 1e6:.0f} MB "
            "are read (a zip bomb?)."
        )
    files = {}
    for info in members:
        try:
            # zipfile stops at each member's declared size, so a lying header unpacks no more.
            files[info.filename] = archive.read(info)
        except (zipfile.BadZipFile, OSError, NotImplementedError) as error:
            raise FileRefused(f"The zip member {info.filename!r} cannot be read: {error}") from None
    return files


def image_type(data: bytes) -> str | None:
    """The MIME type of a PNG, JPEG or GIF image (checked by Pillow where present), else None."""
    mime = next((m for magic, m in _MAGIC if data.startswith(magic)), None)
    if mime is None:
        return None
    try:
        from PIL import Image
    except ImportError:
        return mime
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception:  # Pillow raises many kinds for a broken image; all mean "not an image"
        return None
    return mime
