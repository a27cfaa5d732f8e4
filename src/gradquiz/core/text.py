"""Free text a learner types: what may be stored, and what is refused."""

import re

from gradquiz.errors import InvalidInput

# C0 controls other than tab, newline and carriage return, DEL, and unpaired surrogates.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def checked_text(text: str, *, field: str) -> str:
    """`text` unchanged, or InvalidInput if it holds a NUL or another control character."""
    found = _UNPRINTABLE.search(text)
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise InvalidInput(f"The {field} contains a control character ({code}); remove it.")
    return text
