"""Backprop one node at a time: the sequence of states of the backward pass, and a page to step through it.

``backprop_steps(J)`` lists, in the order the backward pass reaches them, each node whose gradient
becomes known, with the chain-rule equation that gives it (``dJ/du = dJ/dv · dv/du = 3 · 1 = 3``).
``to_html(J, path)`` writes one self-contained page (no network): the forward diagram, then a
slider and buttons that step through backprop, one more gradient filled per step.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from autograd_lite.files import write_text_atomically
from autograd_lite.graph import Node, topological_order
from autograd_lite.scalar import Scalar

from .draw import draw
from .labels import Namer, edge_derivative, grad_name, grad_text, number
from .render import svg_from_dot


@dataclass(frozen=True)
class BackpropStep:
    """State after one more node's gradient is filled in."""

    index: int
    node: Node
    name: str  # the gradient's name, e.g. dJ/du or dW1
    value: str  # the gradient as text
    equation: str  # how the chain rule gives it
    known: tuple[Node, ...]  # every node whose gradient is known at this step

    def diagram(self, root: Node, view: str = "both", **options):
        """The graph with only the gradients known at this step."""
        return draw(root, view=view, known=self.known, **options)


def backprop_steps(root: Node) -> list[BackpropStep]:
    """The backward pass from ``root`` as a list of steps, root first (dJ/dJ = 1).

    Gradients are read from the nodes; if ``root`` has not been backpropagated yet, this runs
    ``root.backward(retain_graph=True)`` first.
    """
    if not root.requires_grad:
        raise ValueError("backprop_steps: the node does not require grad, so there is no backward pass")
    if _not_backpropagated(root):
        root.backward(retain_graph=True)
    namer = Namer()
    root_name = root.label or "J"
    namer._names[id(root)] = root_name
    namer._used[root_name] = 1
    for node in reversed(topological_order(root, check_saved=False, constants=True)):
        namer(node)
    order = topological_order(root, check_saved=False)
    children: dict[int, list[tuple[Node, int]]] = {}
    for node in order:
        for index, parent in enumerate(node._parents):
            children.setdefault(id(parent), []).append((node, index))

    steps, known = [], []
    for index, node in enumerate(order):
        known.append(node)
        name = grad_name(node, namer(node), root_name)
        value = grad_text(node) or "?"
        equation = _equation(node, root, name, value, children.get(id(node), []), namer, root_name)
        steps.append(BackpropStep(index, node, name, value, equation, tuple(known)))
    return steps


def _not_backpropagated(root: Node) -> bool:
    if isinstance(root, Scalar):
        return root.grad == 0.0
    return root.grad is None


def _equation(node, root, name, value, uses, namer, root_name) -> str:
    if node is root:
        return f"{name} = 1 (start: the output's derivative with respect to itself)"
    if isinstance(node, Scalar) and all(isinstance(child, Scalar) for child, _ in uses):
        factors, products = [], []
        for child, index in uses:
            child_grad = grad_name(child, namer(child), root_name)
            local = f"∂{namer(child)}/∂{namer(node)}"  # the local (partial) derivative
            factors.append(f"{child_grad} · {local}")
            products.append(f"{number(child.grad)} · {number(child.local_derivatives()[index])}")
        return f"{name} = {' + '.join(factors)} = {' + '.join(products)} = {value}"
    terms = [edge_derivative(child, index, namer, root_name).split(" = ", 1)[1] for child, index in uses]
    return f"{name} = {' + '.join(terms)}"


def to_html(root: Node, path: str | Path, title: str | None = None, **draw_options) -> Path:
    """Write a self-contained page: the forward diagram and a step-through of backprop."""
    steps = backprop_steps(root)
    forward_svg = svg_from_dot(draw(root, view="forward", **draw_options).source)
    frames = [svg_from_dot(step.diagram(root, view="backward", **draw_options).source) for step in steps]
    title = title or f"Backpropagation through {root.label or 'J'}"
    page = _PAGE.format(
        title=html.escape(title),
        forward=_strip_xml_header(forward_svg),
        frames="\n".join(
            f'<div class="frame" data-step="{i}"{"" if i == 0 else " hidden"}>{_strip_xml_header(svg)}</div>'
            for i, svg in enumerate(frames)
        ),
        captions="\n".join(
            f'<li data-step="{i}"{"" if i == 0 else " hidden"}><b>Step {i + 1} of {len(steps)}:</b> '
            f"{html.escape(step.equation)}</li>"
            for i, step in enumerate(steps)
        ),
        last=len(steps) - 1,
        count=len(steps),
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_text_atomically(path, page, f"to_html {path}")


def _strip_xml_header(svg: str) -> str:
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
  body {{ font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #212529; }}
  h1 {{ font-size: 1.4em; }} h2 {{ font-size: 1.1em; margin-top: 1.5em; }}
  .diagram svg {{ max-width: 100%; height: auto; }}
  .controls {{ display: flex; gap: 0.6em; align-items: center; margin: 0.8em 0; }}
  button {{ font-size: 1em; padding: 0.3em 0.9em; }}
  #slider {{ width: 20em; }}
  ol.captions {{ list-style: none; padding: 0; font-size: 1.05em; min-height: 1.5em; }}
</style>
</head>
<body>
<h1>{title}</h1>
<h2>Forward pass: values, left to right</h2>
<div class="diagram" id="forward">{forward}</div>
<h2>Backward pass: gradients, right to left, one node per step</h2>
<div class="controls">
  <button id="previous" type="button">&larr; Previous</button>
  <input id="slider" type="range" min="0" max="{last}" value="0" aria-label="step">
  <button id="next" type="button">Next &rarr;</button>
  <span id="counter">1 / {count}</span>
</div>
<ol class="captions" id="captions">
{captions}
</ol>
<div class="diagram" id="frames">
{frames}
</div>
<script>
(function () {{
  var slider = document.getElementById("slider");
  var counter = document.getElementById("counter");
  function show(step) {{
    step = Math.max(0, Math.min({last}, step));
    slider.value = step;
    document.querySelectorAll("[data-step]").forEach(function (element) {{
      element.hidden = Number(element.getAttribute("data-step")) !== step;
    }});
    counter.textContent = (step + 1) + " / {count}";
  }}
  function step(by) {{ return function () {{ show(Number(slider.value) + by); }}; }}
  slider.addEventListener("input", step(0));
  document.getElementById("previous").addEventListener("click", step(-1));
  document.getElementById("next").addEventListener("click", step(1));
  document.addEventListener("keydown", function (event) {{
    if (event.key === "ArrowRight") show(Number(slider.value) + 1);
    if (event.key === "ArrowLeft") show(Number(slider.value) - 1);
  }});
  show(0);
}})();
</script>
</body>
</html>
"""
