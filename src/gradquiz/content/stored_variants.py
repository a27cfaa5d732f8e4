"""Variants drawn ahead of time: a pack's `variants/<generator>.jsonl`, one variant per line.

A generator's file holds what it gives for seeds 0 to n−1, keys checked, as Moodle's
calculated questions hold a dataset. An attempt draws one of those seeds, and a server
looks the variant up instead of running the generator, so serving needs neither sympy nor
the generators' compiled keys; a seed outside the file (an attempt from before it) is
drawn as before. `gradquiz variants` writes the files and `gradquiz check` fails when one
no longer matches its generator.
"""

import json
import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from gradquiz.content.problems import Problem
from gradquiz.core.questions import LabLink, Option, Question
from gradquiz.core.variants import KeyCheck, Variant, draw_variant

log = logging.getLogger(__name__)

FOLDER = "variants"
# Seeds per generator; Moodle's datasets hold up to 100 items.
STORED_SEEDS = 100


def variants_path(pack_dir: Path, generator: str) -> Path:
    """Where the pack keeps the stored variants of the generator named `generator`."""
    return pack_dir / FOLDER / f"{generator}.jsonl"


def variant_line(seed: int, variant: Variant) -> str:
    """One line of a variants file: the seed and the variant, as JSON."""
    return json.dumps({"seed": seed, **asdict(variant)}, ensure_ascii=False, allow_nan=False)


def write_stored_variants(
    questions: Iterable[Question], pack_dir: Path, count: int = STORED_SEEDS
) -> list[Path]:
    """Draw seeds 0 to count−1 of every generator the questions name and write their files,
    removing the files of generators no question names; return the files written."""
    folder = pack_dir / FOLDER
    folder.mkdir(exist_ok=True)
    written: list[Path] = []
    for question in questions:
        if question.generator is None:
            continue
        generate = question.generator.generate
        path = variants_path(pack_dir, question.generator.name)
        if path in written:  # two questions may name one generator
            continue
        lines = (variant_line(seed, draw_variant(generate, seed)) for seed in range(count))
        path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        written.append(path)
    for path in folder.glob("*.jsonl"):
        if path not in written:
            path.unlink()
    return written


class VariantsFile:
    """A generator's stored variants, read from its file when first asked for.

    A file that cannot be read holds no variants (the generator draws them instead) and
    says why in `problem`, which `gradquiz check` reports.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem: Problem | None = None
        self._lock = threading.Lock()
        self._variants: dict[int, Variant] | None = None
        self._seeds: tuple[int, ...] = ()

    @property
    def seeds(self) -> Sequence[int]:
        """The seeds with a stored variant, in file order."""
        self._load()
        return self._seeds

    def get(self, seed: int) -> Variant | None:
        """The stored variant for `seed`, or None when the file has none."""
        return self._load().get(seed)

    def _load(self) -> dict[int, Variant]:
        if self._variants is None:
            with self._lock:
                if self._variants is None:
                    self._variants = self._read()
                    self._seeds = tuple(self._variants)
        return self._variants

    def _read(self) -> dict[int, Variant]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, ValueError) as error:
            return self._unreadable(1, error)
        # Variants repeat their feedback and wording: keep one copy of each text.
        texts: dict[str, str] = {}
        variants = {}
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                fields = json.loads(line, object_hook=lambda d: _shared_texts(d, texts))
                variants[int(fields.pop("seed"))] = _variant(fields)
            except (ValueError, KeyError, TypeError) as error:
                return self._unreadable(number, error)
        return variants

    def _unreadable(self, line: int, error: Exception) -> dict[int, Variant]:
        reason = f"not a stored variant: {type(error).__name__}: {error}"
        self.problem = Problem(self.path, line, reason)
        log.error("%s; its generator draws the variants instead", self.problem)
        return {}


def _shared_texts(fields: dict[str, Any], texts: dict[str, str]) -> dict[str, Any]:
    return {k: texts.setdefault(v, v) if isinstance(v, str) else v for k, v in fields.items()}


def _variant(fields: Mapping[str, Any]) -> Variant:
    lab = fields["lab"]
    return Variant(
        stem=fields["stem"],
        options=tuple(Option(**option) for option in fields["options"]),
        key=fields["key"],
        explanation=fields["explanation"],
        checks=tuple(KeyCheck(**check) for check in fields["checks"]),
        lab=None
        if lab is None
        else LabLink(graph=lab["graph"], values=tuple((name, v) for name, v in lab["values"])),
    )
