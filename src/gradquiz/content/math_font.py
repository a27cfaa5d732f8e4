"""Cut the bundled math font down to the glyphs the pack's formulas use (and a small margin),
so pages with a formula load a few KB instead of 271 KB. Run `make font` after adding a
symbol; tests/content/test_math_font.py fails until then.

Needs fontTools and brotli (development dependencies); the site never imports this module."""

import sys
from pathlib import Path

from gradquiz.content.math_glyphs import margin, pack_math_characters
from gradquiz.content.pack_loader import builtin_pack_dir, load_pack


def subset_font(source: Path, target: Path, characters: set[str]) -> int:
    """Write to `target` (WOFF2) the glyphs of `source` for `characters`, with the OpenType
    MATH table's size variants and parts for them; return its size in bytes."""
    from fontTools import subset  # type: ignore[import-untyped]

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(char) for char in characters))
    subsetter.subset(font)
    subset.save_font(font, str(target), options)
    return target.stat().st_size


def main(source: str, target: str) -> None:
    """Subset `source` to the built-in pack's math characters and the margin, into `target`."""
    characters = pack_math_characters(load_pack(builtin_pack_dir())) | margin()
    size = subset_font(Path(source), Path(target), characters)
    print(f"{target}: {len(characters)} characters, {size:,} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:3])
