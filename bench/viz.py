"""Benchmark: how long the diagrams take to make, and how big they are.

Cases:
  program --both   the 55-statement chain program (u1 = a*b; u2 = u1*a; ...; J = u55) rendered to SVG
                   with view="both"
  program --html   the same program's step-through page (viz.to_html)
  chain --html     to_html of a 300-node Scalar chain
  sum, capped      a 100,000-term Scalar.sum drawn with max_nodes=200 and rendered to SVG

Prints one row per case: the median seconds of 5 runs (time.perf_counter; the first run of a process
includes loading Graphviz, so one untimed run comes first), their range, the target, and the output
size. Run from the repository root:

    python bench/viz.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd_lite import Scalar, viz  # noqa: E402
from autograd_lite.app.program import run_program  # noqa: E402


def chain_program(length: int = 55) -> str:
    """``u1 = a*b; u2 = u1*a; u3 = u2*b; ...; J = u<length>``."""
    lines = ["u1 = a*b"]
    for i in range(2, length + 1):
        lines.append(f"u{i} = u{i - 1}*{'a' if i % 2 == 0 else 'b'}")
    lines.append(f"J = u{length}")
    return "\n".join(lines)


def program_output():
    """The output of the chain program over a = 1.01, b = 0.99, backpropagated."""
    program = run_program(chain_program(), {"a": 1.01, "b": 0.99})
    J = program.output.named("J") if program.output.label is None else program.output
    J.backward()
    return J


def scalar_chain(length: int = 300) -> Scalar:
    """A chain of ``length`` Scalar nodes: x, x*1.001, ..., backpropagated."""
    node = Scalar(1.0, label="x")
    for _ in range(length - 1):
        node = node * 1.001
    J = node.named("J")
    J.backward()
    return J


def big_sum(terms: int = 100_000) -> Scalar:
    """``Scalar.sum`` of ``terms`` parameters."""
    return Scalar.sum([Scalar(float(i), requires_grad=True) for i in range(terms)]).named("J")


REPEATS = 5


def measure(name: str, make, target: float) -> tuple[str, list[float], float, int]:
    """Run ``make()`` (which returns a path) REPEATS times; the times, the target and the file's size."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        path = make()
        times.append(time.perf_counter() - start)
    return name, sorted(times), target, Path(path).stat().st_size


def main() -> None:
    """Measure every case and print the table."""
    folder = Path(tempfile.mkdtemp(prefix="viz-bench-"))
    J = program_output()
    chain = scalar_chain()
    total = big_sum()
    viz.render(chain, folder / "warm.svg")  # loads Graphviz: not part of any case
    rows = [
        measure("program --both (SVG)", lambda: viz.render(J, folder / "both.svg", view="both"), 2.0),
        measure("program --html", lambda: viz.to_html(J, folder / "program.html"), 3.0),
        measure("300-node chain --html", lambda: viz.to_html(chain, folder / "chain.html"), 3.0),
        measure(
            "100,000-term sum, max_nodes=200 (SVG)",
            lambda: viz.render(total, folder / "sum.svg", view="both", max_nodes=200),
            float("nan"),
        ),
    ]
    width = max(len(row[0]) for row in rows)
    print(f"{'case':<{width}}  {'median s':>8}  {'min-max s':>11}  {'target s':>8}  {'size (kB)':>10}")
    for name, times, target, size in rows:
        spread = f"{times[0]:.2f}-{times[-1]:.2f}"
        goal = "-" if target != target else f"< {target:g}"
        median = statistics.median(times)
        print(f"{name:<{width}}  {median:>8.2f}  {spread:>11}  {goal:>8}  {size / 1000:>10.1f}")


if __name__ == "__main__":
    main()
