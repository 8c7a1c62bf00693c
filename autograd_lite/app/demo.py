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
    print(f"   J = {J.data:g}; ∂J/∂a = {a.grad:g}, ∂J/∂b = {b.grad:g}, ∂J/∂c = {c.grad:g}", file=stream)
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
        figures.append((path.stem.replace("_", " "), path.name, PLOT_CAPTIONS.get(path.stem, "")))

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

    write_text_atomically(out / VIEWER, VIEWER_PAGE, f"demo {out / VIEWER}")
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


PLOT_CAPTIONS = {
    "planar_costs": "The cost J after every iteration: gradient descent (learning rate 1.2) brings it down.",
    "planar_boundary": "The trained network's decision boundary: it follows the flower's petals.",
    "planar_logistic_boundary": "Logistic regression's boundary on the same data: one straight line "
    "cannot separate the petals, which is why the network needs a hidden layer.",
}
VIEWER = "view.html"  # one page that shows any picture of the folder full size, to pan and zoom


def _index_page(figures, steps_page: str, result) -> str:
    blocks = "\n".join(
        f"<figure><figcaption><b>{html.escape(title)}</b> {html.escape(caption)}</figcaption>"
        f'<a href="{VIEWER}#{html.escape(name)}" title="open full size: drag to pan, scroll to zoom">'
        f'<img src="{html.escape(name)}" alt="{html.escape(title)}"></a>'
        f'<div class="open"><a href="{VIEWER}#{html.escape(name)}">open full size (pan and zoom)</a></div>'
        "</figure>"
        for title, name, caption in figures
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>autograd-lite demo</title>
<style>
  body {{ font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #212529; }}
  figure {{ margin: 1.5em 0; }}
  img {{ max-width: 100%; max-height: 420px; object-fit: contain; border: 1px solid #dee2e6; }}
  figcaption {{ margin-bottom: 0.4em; }} .open {{ font-size: 0.9em; margin-top: 0.2em; }}
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


VIEWER_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>autograd-lite: full size</title>
<style>
  html, body { margin: 0; height: 100%; overflow: hidden; font-family: Helvetica, Arial, sans-serif; }
  #bar { position: fixed; top: 0; left: 0; right: 0; padding: 0.4em 0.8em; background: #f8f9fa;
         border-bottom: 1px solid #dee2e6; z-index: 1; }
  #stage { position: absolute; top: 2.4em; left: 0; right: 0; bottom: 0; cursor: grab; }
  #picture { position: absolute; left: 0; top: 0; transform-origin: 0 0; user-select: none; }
</style></head>
<body>
<div id="bar"><a href="index.html">back</a> &middot; <span id="name"></span> &middot;
drag to pan, scroll or + / - to zoom, 0 to fit
<button id="in">+</button> <button id="out">-</button> <button id="fit">fit</button></div>
<div id="stage"><img id="picture" alt="" draggable="false"></div>
<script>
"use strict";
const name = decodeURIComponent(location.hash.slice(1));
const picture = document.getElementById("picture"), stage = document.getElementById("stage");
let scale = 1, x = 0, y = 0, drag = null;
function show() { picture.style.transform = `translate(${x}px, ${y}px) scale(${scale})`; }
function fit() {
  const width = picture.naturalWidth || 1, height = picture.naturalHeight || 1;
  scale = Math.min(stage.clientWidth / width, stage.clientHeight / height, 1);
  x = (stage.clientWidth - width * scale) / 2; y = 0; show();
}
function zoom(factor, cx, cy) {  // keep the point under (cx, cy) in place
  x = cx - (cx - x) * factor; y = cy - (cy - y) * factor; scale *= factor; show();
}
if (/^[\\w.-]+\\.(svg|png)$/.test(name)) {  // only pictures of this folder
  document.getElementById("name").textContent = name;
  picture.onload = fit; picture.src = name;
} else {
  document.getElementById("name").textContent = "no picture named in the address";
}
stage.addEventListener("wheel", (e) => { e.preventDefault(); zoom(e.deltaY < 0 ? 1.2 : 1 / 1.2,
  e.offsetX, e.offsetY); }, { passive: false });
stage.addEventListener("pointerdown", (e) => { drag = [e.clientX - x, e.clientY - y];
  stage.style.cursor = "grabbing"; });
window.addEventListener("pointerup", () => { drag = null; stage.style.cursor = "grab"; });
window.addEventListener("pointermove", (e) => { if (drag) { x = e.clientX - drag[0];
  y = e.clientY - drag[1]; show(); } });
window.addEventListener("keydown", (e) => {
  const cx = stage.clientWidth / 2, cy = stage.clientHeight / 2;
  if (e.key === "+" || e.key === "=") zoom(1.2, cx, cy);
  else if (e.key === "-") zoom(1 / 1.2, cx, cy);
  else if (e.key === "0") fit();
});
document.getElementById("in").onclick = () => zoom(1.2, stage.clientWidth / 2, stage.clientHeight / 2);
document.getElementById("out").onclick = () => zoom(1 / 1.2, stage.clientWidth / 2, stage.clientHeight / 2);
document.getElementById("fit").onclick = fit;
</script>
</body>
</html>
"""
