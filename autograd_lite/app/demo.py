"""``autograd-lite demo``: the course's pictures and a trained network, on data the library makes itself.

Writes into one folder: the J = 3(a + bc) graph (forward, backward, both, and a page that steps
through backprop), the planar one-hidden-layer network trained with a progress bar, its graph
(layers as clusters, and collapsed to one box per layer), its cost curve and decision boundary
(matplotlib; skipped with a note when it is missing), and ``index.html`` showing them all.
"""

from __future__ import annotations

import html
import sys
from numbers import Integral
from pathlib import Path

from ..course import course_graph
from ..files import write_text_atomically


def run_demo(out: Path, iterations: int = 10_000, progress: bool | None = None, stream=None) -> Path:
    """Write the course's diagrams, a trained planar network and ``index.html`` into ``out``.

    Returns the path of ``index.html``.
    """
    from .. import viz
    from ..nn import binary_cross_entropy, course, datasets
    from ..tensor import Tensor

    if isinstance(iterations, bool) or not isinstance(iterations, Integral) or iterations < 1:
        raise ValueError(f"run_demo: iterations must be a whole number >= 1, not {iterations!r}")
    stream = stream or sys.stdout
    out.mkdir(parents=True, exist_ok=True)
    figures: list[tuple[str, str, str]] = []  # (title, file name, caption)

    print("1. The course's computation graph J = 3(a + bc), a = 5, b = 3, c = 2", file=stream)
    graph = course_graph()
    J, a, b, c = graph["J"], graph["a"], graph["b"], graph["c"]
    print(f"   J = {J.data:g}; dJ/da = {a.grad:g}, dJ/db = {b.grad:g}, dJ/dc = {c.grad:g}", file=stream)
    for view, caption in (
        ("forward", "Forward pass: each node's value (u = bc = 6)."),
        (
            "backward",
            "Backward pass: each node's gradient; on each edge, the local derivative the chain rule uses.",
        ),
        ("both", "Both passes on one picture."),
    ):
        path = viz.render(J, out / f"J_{view}.svg", view=view)
        figures.append((f"J = 3(a + bc): {view}", path.name, caption))
    steps = viz.to_html(J, out / "J_backprop.html")
    print(f"   wrote {steps.name} (step through backprop)", file=stream)

    print(
        f"\n2. The planar flower data, one hidden layer of 4 tanh units, {iterations} iterations", file=stream
    )
    plots_dir = out if _has_matplotlib() else None
    result = course.planar(iterations=iterations, plot=plots_dir, progress=progress, out=stream)
    if plots_dir is None:
        print("   (cost curve and decision boundary skipped: pip install 'autograd-lite[plot]')", file=stream)
    for path in result.plots:
        figures.append((path.stem.replace("_", " "), path.name, ""))

    X, Y = datasets.planar_flower()
    model = result.model
    cost = binary_cross_entropy(model(Tensor(X, label="X")), Tensor(Y, label="Y")).named("J")
    cost.backward()
    for name, options, caption in (
        (
            "planar_graph",
            {"collapse": False},
            "The trained network's graph: layers as clusters, values and gradients.",
        ),
        ("planar_layers", {"collapse": True}, "The same graph with one box per layer."),
    ):
        path = viz.render(cost, out / f"{name}.svg", view="both", modules=model, **options)
        figures.append((name.replace("_", " "), path.name, caption))

    index = out / "index.html"
    write_text_atomically(index, _index_page(figures, steps.name, result), f"demo {index}")
    print(f"\nwrote {len(figures)} pictures and {index}", file=stream)
    return index


def _has_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _index_page(figures, steps_page: str, result) -> str:
    blocks = "\n".join(
        f"<figure><figcaption><b>{html.escape(title)}</b> {html.escape(caption)}</figcaption>"
        f'<img src="{html.escape(name)}" alt="{html.escape(title)}"></figure>'
        for title, name, caption in figures
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>autograd-lite demo</title>
<style>
  body {{ font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #212529; }}
  figure {{ margin: 1.5em 0; }} img {{ max-width: 100%; border: 1px solid #dee2e6; }}
  figcaption {{ margin-bottom: 0.4em; }}
</style></head>
<body>
<h1>autograd-lite demo</h1>
<p>The course's computation graph, its backward pass step by step
(<a href="{html.escape(steps_page)}">open the step-through page</a>), and a one-hidden-layer network
trained on the planar flower data: train accuracy {result.train_accuracy:.2f} %,
final cost {result.costs[-1]:.6f}.</p>
{blocks}
</body>
</html>
"""
