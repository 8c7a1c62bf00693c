"""Benchmark: the playground's slider-to-redraw latency, measured in a real browser.

What is measured: the page (``autograd-lite play``) in headless chromium, driven over the DevTools
protocol with real mouse events. Each turn clicks one slider at a random point of its track; the page
times from the slider's ``input`` event to the first animation frame after the diagram's texts were
refilled (``window.playground.timings``): the request, the evaluation in the server's worker (program,
backward pass, snapshot, SVG), the JSON, and the page's update. The first evaluation of each program
(its one layout) is not counted.

Programs: the course's ``u = b*c; v = a + u; J = 3*v`` (10 diagram nodes) and a chain of tanh layers
of 50 nodes. Reported per program: median, 90th percentile and range over N moves, in milliseconds.

    python bench/playground.py [--moves 60] [--markdown] [--screenshot docs/playground.png]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the DevTools client

from browser import Browser, chromium  # noqa: E402

from autograd_lite.app.playground import PlaygroundServer  # noqa: E402

COURSE = ("u = b*c; v = a + u; J = 3*v", {"a": 5.0, "b": 3.0, "c": 2.0})
CHAIN = (
    "\n".join(["u0 = a*b"] + [f"u{i} = tanh(u{i - 1}*c + a)" for i in range(1, 16)] + ["J = 3*u15"]),
    {"a": 0.1, "b": 0.3, "c": 0.2},
)


def measure(program: str, inputs: dict, moves: int, seed: int, screenshot: Path | None) -> tuple[int, list]:
    """(diagram nodes, latencies in ms) of ``moves`` slider clicks on the page of ``program``."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as profile, PlaygroundServer(0, program, inputs) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with Browser(Path(profile) / "chromium") as page:
            page.open(server.url)
            page.wait_for("window.playground && window.playground.timings.length >= 1", timeout=60)
            nodes = page.js("window.playground.state.nodes.length")
            names = page.js("window.playground.state.names")
            for turn in range(moves):
                name = names[turn % len(names)]
                x, y, width, at = page.js(
                    f"(() => {{ const s = document.getElementById('slider-{name}');"
                    " const r = s.getBoundingClientRect();"
                    " return [r.x, r.y + r.height / 2, r.width, (s.value - s.min) / (s.max - s.min)]; })()"
                )
                target = rng.uniform(0.05, 0.95)
                while abs(target - at) < 0.1:  # a click on the thumb itself would not move it
                    target = rng.uniform(0.05, 0.95)
                count = page.js("window.playground.timings.length")
                page.click(x + width * target, y)
                page.wait_for(
                    f"window.playground.timings.length > {count} && !window.playground.state.busy"
                    " && window.playground.state.pending === null"
                )
            timings = page.js("window.playground.timings")[1:]  # the first: the page's first layout
            if screenshot is not None:
                page.js("document.getElementById('next').click(); document.getElementById('next').click()")
                page.screenshot(screenshot)
        server.shutdown()
    return nodes, timings


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", type=int, default=60)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--screenshot", type=Path, help="save a screenshot of the course's page here")
    args = parser.parse_args()
    if chromium() is None:
        sys.exit("needs Debian's chromium (apt install chromium)")
    rows = []
    for label, (program, inputs), shot in (
        ("the course's J = 3(a + bc)", COURSE, args.screenshot),
        ("a chain of tanh layers", CHAIN, None),
    ):
        nodes, timings = measure(program, inputs, args.moves, seed=1, screenshot=shot)
        ordered = sorted(timings)
        p90 = ordered[int(0.9 * (len(ordered) - 1))]
        rows.append((label, nodes, statistics.median(timings), p90, ordered[0], ordered[-1], len(timings)))
    if args.markdown:
        print("| program | diagram nodes | median | 90th percentile | range | moves |")
        print("|---|---:|---:|---:|---:|---:|")
        for label, nodes, median, p90, low, high, count in rows:
            print(
                f"| {label} | {nodes} | {median:.0f} ms | {p90:.0f} ms | {low:.0f}–{high:.0f} ms | {count} |"
            )
    else:
        for label, nodes, median, p90, low, high, count in rows:
            print(
                f"{label:28} {nodes:3} nodes  median {median:5.1f} ms  p90 {p90:5.1f} ms  "
                f"range {low:.1f}-{high:.1f} ms  ({count} moves)"
            )


if __name__ == "__main__":
    main()
