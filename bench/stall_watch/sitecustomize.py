"""Log stalls in every Python process started with this folder on PYTHONPATH.

    PYTHONPATH=bench/stall_watch STALL_LOG_DIR=/tmp/stalls .venv/bin/python bench/class_run.py

Each process writes `stall.<pid>.log` in STALL_LOG_DIR: every garbage collection over 20 ms
(with its generation), every time a watchdog thread waking each 2 ms was kept from running
for over 50 ms (the GIL held: a collection, or C code that keeps it), and every line the
main thread stayed on for over 50 ms (a blocking call: a lock, a commit, a file).
"""

import gc
import os
import sys
import threading
import time
import traceback
from types import CodeType

_FOLDER = os.environ.get("STALL_LOG_DIR")
_IDLE = {"select", "run_forever", "_run_once", "wait", "main", "run"}


def _start(folder: str) -> None:
    log = open(os.path.join(folder, f"stall.{os.getpid()}.log"), "a")  # noqa: SIM115
    main = threading.main_thread().ident
    began: list[float] = [0.0]

    def collection(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
            return
        took = (time.perf_counter() - began[0]) * 1000
        if took > 20:
            log.write(f"GC gen{info['generation']} {took:.0f} ms\n")
            log.flush()

    def watch() -> None:
        held: tuple[int, CodeType | None] = (0, None)
        since = previous = time.perf_counter()
        while True:
            time.sleep(0.002)
            now = time.perf_counter()
            frame = sys._current_frames().get(main)
            if (now - previous) * 1000 > 50:
                where = "".join(traceback.format_stack(frame, limit=8)) if frame else "?"
                log.write(f"--- watchdog starved {(now - previous) * 1000:.0f} ms, main at:\n")
                log.write(where + "\n")
            previous = now
            current = (frame.f_lineno, frame.f_code) if frame else (0, None)
            if current != held:
                line, code = held
                if (now - since) * 1000 > 50 and code is not None and code.co_name not in _IDLE:
                    log.write(
                        f"--- main held {(now - since) * 1000:.0f} ms at "
                        f"{code.co_filename}:{line} {code.co_name}\n"
                    )
                held, since = current, now
            log.flush()

    gc.callbacks.append(collection)
    threading.Thread(target=watch, daemon=True, name="stall-watch").start()


if _FOLDER:
    _start(_FOLDER)
