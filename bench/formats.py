"""Importing and exporting 2,000 questions in each exchange format, against reading and
writing the same questions as pack question files in the same run (the baseline).

Each step runs in a fresh process twice: once timed, once under tracemalloc for the peak of
Python's allocations; the timed process's peak resident size (ru_maxrss: the interpreter,
gradquiz's imports, the file and the step, lxml's C allocations included) is reported too.
Target: each import and export under 5 s and 200 MB. Run by hand:
`.venv/bin/python bench/formats.py`.
"""

import argparse
import multiprocessing
import platform
import resource
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from gradquiz.content.formats import Format, read_questions, write_questions
from gradquiz.content.formats.pack_export import pack_questions
from gradquiz.content.formats.question_files import question_file
from gradquiz.content.formats.report import BankQuestion
from gradquiz.content.pack_loader import builtin_pack_dir, load_pack
from gradquiz.content.question_file import parse_question_file

TARGET_SECONDS = 5.0
TARGET_MB = 200.0


def bank(count: int) -> list[BankQuestion]:
    """`count` questions: the pack's, with frozen variants, repeated under new ids."""
    base = pack_questions(load_pack(builtin_pack_dir()), variants=4, seeds=[1, 2, 3, 4])
    questions = [base[n % len(base)].question for n in range(count)]
    return [BankQuestion(replace(q, id=f"{q.id}-{n}")) for n, q in enumerate(questions)]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _step(kind: str, file_format: str, payload: Any, traced: bool) -> tuple[float, float]:
    """Run one step in this (fresh) process; (seconds, MB): traced peak, or peak RSS."""
    action = _action(kind, file_format, payload)
    if traced:
        tracemalloc.start()
    began = time.perf_counter()
    action()
    seconds = time.perf_counter() - began
    if traced:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        return seconds, peak
    return seconds, _rss_mb()


def _action(kind: str, file_format: str, payload: Any) -> Callable[[], object]:
    if file_format == "pack":
        if kind == "export":
            return lambda: [question_file(item.question) for item in payload]
        texts: dict[str, str] = payload
        return lambda: [parse_question_file(Path(f"{i}.txt"), t) for i, t in texts.items()]
    chosen = Format(file_format)
    if kind == "export":
        return lambda: write_questions(payload, chosen, pack_id="bench")
    return lambda: read_questions(payload, chosen, max_bytes=10**9)


def measure(kind: str, file_format: str, payload: Any) -> tuple[float, float, float]:
    """(seconds, traced peak MB, peak RSS MB) of one step, each in a fresh process."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        seconds, rss = pool.submit(_step, kind, file_format, payload, False).result()
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        _, traced = pool.submit(_step, kind, file_format, payload, True).result()
    return seconds, traced, rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=2000)
    args = parser.parse_args()
    items = bank(args.questions)
    print(f"{platform.machine()}, Python {platform.python_version()}; {len(items)} questions")
    print(f"{'format':8} {'step':7} {'size':>10} {'seconds':>8} {'traced MB':>10} {'RSS MB':>8}")
    texts = {item.question.id: question_file(item.question) for item in items}
    files: dict[str, Any] = {"pack": texts}
    for file_format in Format:
        files[file_format.value] = write_questions(items, file_format, pack_id="bench")
    worst = 0.0, 0.0
    for name in ["pack", *(f.value for f in Format)]:
        data = files[name]
        size = sum(len(t) for t in texts.values()) if name == "pack" else len(data)
        for kind, payload in (("export", items), ("import", data)):
            seconds, traced, rss = measure(kind, name, payload)
            if name != "pack":
                worst = max(worst[0], seconds), max(worst[1], traced, rss)
            print(f"{name:8} {kind:7} {size:>10,} {seconds:>8.2f} {traced:>10.1f} {rss:>8.1f}")
    verdict = "within" if worst[0] < TARGET_SECONDS and worst[1] < TARGET_MB else "OVER"
    print(
        f"worst: {worst[0]:.2f} s, {worst[1]:.1f} MB ({verdict} the target of "
        f"{TARGET_SECONDS:.0f} s and {TARGET_MB:.0f} MB)"
    )


if __name__ == "__main__":
    main()
