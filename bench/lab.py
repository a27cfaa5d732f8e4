"""Render time of a lab page with a 20-node graph, against the landing page, in one run.

Each lab render uses new numbers, so the graph, its layout, its SVG, the exact forward-mode
check and the centred differences are all computed afresh, as in the server.
Run by hand: `.venv/bin/python bench/lab.py`.
"""

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from fastapi.testclient import TestClient

from gradquiz.config import Settings
from gradquiz.core.lab.expressions import parse_expression
from gradquiz.core.lab.graphs import build_graph
from gradquiz.storage.database import Database
from gradquiz.web.app import create_app

# 5 inputs, 1 constant and 14 operations: 20 nodes (printed below, counted from the graph).
EXPRESSION = "0.5*(tanh(w*x + b)*tanh(y*z + w) - sigmoid(x*y - b))**2 + z"


def node_count() -> int:
    """The graph's size, checked rather than assumed."""
    values = {"x": 1.0, "y": 1.0, "z": 1.0, "w": 1.0, "b": 1.0}
    return len(build_graph((("f", parse_expression(EXPRESSION)),), values).nodes)


def render_times(client: TestClient, urls: list[str]) -> list[float]:
    """Seconds per GET, each checked for a 200."""
    times = []
    for url in urls:
        began = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, (url, response.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        Database(url).migrate()
        # The page's work in this process, unpaced: the render time itself, not the lab's
        # process or its pace (see web/lab/work.py and bench/lab_flood.py).
        settings = Settings(database_url=url, lab_processes=0, lab_pages_per_second=100_000)
        with TestClient(create_app(settings)) as client:
            lab_urls = [
                f"/lab/expression?f={quote(EXPRESSION)}&x={0.1 + i / 1000}&y=-0.7&z=0.3&w=1.2"
                f"&b=-0.4&step={i % 20}"
                for i in range(args.renders + 1)
            ]
            first = render_times(client, lab_urls[:1])[0]
            lab = render_times(client, lab_urls[1:])
            landing = render_times(client, ["/"] * args.renders)
    print(f"{platform.machine()}, {platform.python_version()}, {args.renders} renders each")
    print(f"lab page, {node_count()}-node graph: first render {first * 1000:.1f} ms (imports cold)")
    for name, times in (("lab page", lab), ("landing page", landing)):
        ordered = sorted(times)
        print(
            f"{name:>12}: median {statistics.median(times) * 1000:.2f} ms, "
            f"p95 {ordered[int(len(ordered) * 0.95)] * 1000:.2f} ms"
        )
    print(f"lab / landing: {statistics.median(lab) / statistics.median(landing):.1f}x")


if __name__ == "__main__":
    main()
