"""Where a route's time goes under load: py-spy samples gradquiz while wrk drives one route.

    .venv/bin/python bench/profile_routes.py save page start

For each route prints the functions with the most samples, by their own time and with
what they call (collapsed stacks from `py-spy record --format raw`).
"""

import argparse
import collections
import subprocess
import sys
import tempfile
from pathlib import Path

from http_load import free_port, prepare, start_gradquiz, wrk

HERE = Path(__file__).resolve().parent


def top_frames(raw: Path, limit: int) -> tuple[list[tuple[str, int]], list[tuple[str, int]], int]:
    """(function, samples) by own time and by inclusive time, and the total sample count."""
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        frames = [
            frame.split(" (")[0] + " " + frame.split("/")[-1].rstrip(")")
            for frame in stack.split(";")
        ]
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    return own.most_common(limit), inclusive.most_common(limit * 2), total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("routes", nargs="+")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        database_url = f"sqlite:///{folder / 'profile.db'}"
        subprocess.run(
            [sys.executable, "-m", "gradquiz", "migrate"],
            env={**__import__("os").environ, "GRADQUIZ_DATABASE_URL": database_url},
            check=True,
            capture_output=True,
        )
        port = free_port()
        server = start_gradquiz(port, 1, database_url)
        try:
            requests, _ = prepare(f"http://127.0.0.1:{port}", folder, 1500)
            for route in args.routes:
                raw = folder / f"{route}.raw"
                spy = subprocess.Popen(
                    [
                        str(Path(sys.executable).parent / "py-spy"),
                        "record",
                        "--pid",
                        str(server.pid),
                        "--format",
                        "raw",
                        "-o",
                        str(raw),
                        "--duration",
                        str(args.seconds),
                        "--rate",
                        "200",
                        "--nonblocking",
                        "--gil",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                path, mode = requests[route]
                run = wrk(port, path, mode, args.seconds, 32)
                spy.wait()
                own, inclusive, total = top_frames(raw, args.top)
                rate, p99 = run.requests_per_second, run.p99_ms
                print(f"\n## {route}: {rate:.0f} req/s, p99 {p99:.0f} ms, {total} samples")
                print("\n### own time")
                for frame, count in own:
                    print(f"{100 * count / total:5.1f}%  {frame}")
                print("\n### inclusive")
                for frame, count in inclusive:
                    print(f"{100 * count / total:5.1f}%  {frame}")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
