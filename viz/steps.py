"""Backprop one node at a time: the sequence of states of the backward pass, and a page to step through it.

``backprop_steps(J)`` lists, in the order the backward pass reaches them, each node whose gradient
becomes known, with the chain-rule equation that gives it (``∂J/∂u = ∂J/∂v · ∂v/∂u = 3 · 1 = 3``).
``to_html(J, path)`` writes one self-contained page (no network): one diagram of the whole graph
(values, gradients, local derivatives), laid out once, and a slider, buttons and the arrow keys
that step through backprop; each step only recolours and retexts the diagram's elements.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from autograd_lite.files import write_text_atomically
from autograd_lite.graph import Node, topological_order
from autograd_lite.scalar import Scalar

from .draw import _nodes_to_draw, draw
from .elements import labels, strip_xml_header, with_ids
from .labels import Namer, derivative, edge_derivative, grad_name, grad_text, number, parenthesized
from .render import svg_from_dot


@dataclass(frozen=True, eq=False)
class BackpropStep:
    """State after one more node's gradient is filled in.

    A step stores only what changes (its node and texts); ``known`` is derived on demand from the
    order shared by all steps, so a list of steps takes memory linear in the graph.
    """

    index: int
    node: Node
    name: str  # the gradient's name, e.g. ∂J/∂u or dW1
    value: str  # the gradient as text
    equation: str  # how the chain rule gives it
    order: Sequence[Node] = field(repr=False)  # every step's node, in the order of the steps

    @property
    def known(self) -> tuple[Node, ...]:
        """Every node whose gradient is known at this step, in the order they became known."""
        return tuple(self.order[: self.index + 1])

    def diagram(self, root: Node, view: str = "both", **options):
        """The graph with only the gradients known at this step."""
        return draw(root, view=view, known=self.known, **options)


def backprop_steps(root: Node) -> list[BackpropStep]:
    """The backward pass from ``root`` as a list of steps, root first (∂J/∂J = 1).

    Gradients are read from the nodes; if ``root`` has not been backpropagated yet, this runs
    ``root.backward(retain_graph=True)`` first.
    """
    if not root.requires_grad:
        raise ValueError("backprop_steps: the node does not require grad, so there is no backward pass")
    if _not_backpropagated(root):
        root.backward(retain_graph=True)
    namer = Namer()
    root_name = root.label or "J"
    namer.reserve(root, root_name)
    everything = topological_order(root, check_saved=False, constants=True)
    for node in reversed(everything):
        namer(node)
    order = tuple([node for node in everything if node.requires_grad])  # the backward pass's nodes
    children: dict[int, list[tuple[Node, int]]] = {}
    for node in order:
        for index, parent in enumerate(node._parents):
            children.setdefault(id(parent), []).append((node, index))

    steps = []
    for index, node in enumerate(order):
        name = grad_name(node, namer(node), root_name)
        value = grad_text(node) or "?"
        equation = _equation(node, root, name, value, children.get(id(node), []), namer, root_name)
        steps.append(BackpropStep(index, node, name, value, equation, order))
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
            local = derivative(namer(child), namer(node))  # the local (partial) derivative
            factors.append(f"{child_grad} · {local}")
            local_value = number(namer.local_derivatives(child)[index])
            products.append(f"{number(child.grad)} · {parenthesized(local_value)}")  # 1 · (-1)
        return f"{name} = {' + '.join(factors)} = {' + '.join(products)} = {value}"
    terms = [edge_derivative(child, index, namer, root_name).split(" = ", 1)[1] for child, index in uses]
    return f"{name} = {' + '.join(terms)}"


def to_html(root: Node, path: str | Path, title: str | None = None, **draw_options) -> Path:
    """Write a self-contained page that steps through backprop on one diagram of the whole graph.

    The diagram (values, gradients and local derivatives) is laid out and rendered once; each step
    only changes texts and colours of its elements, so nothing moves between steps. Keyword
    arguments go to ``draw`` (``max_nodes`` defaults to 1000 here).
    """
    steps = backprop_steps(root)
    draw_options.setdefault("max_nodes", 1000)
    draw_options.pop("view", None)
    full = draw(root, view="both", **draw_options).source
    empty = draw(root, view="both", known=(), **draw_options).source
    source, edges = with_ids(full)
    on, off = labels(full), labels(empty)
    drawn, _ = _nodes_to_draw(root, draw_options["max_nodes"])
    dot_id = {id(node): f"n{i}" for i, node in enumerate(drawn)}
    step_of = {dot_id[id(step.node)]: step.index for step in steps if id(step.node) in dot_id}
    data = {
        "steps": [dot_id.get(id(step.node)) for step in steps],
        "texts": {
            name: [on[name], off[name]] for name in step_of if name in on and on[name] != off.get(name)
        },
        "stepOf": step_of,
        # derivative edges: [edge id, parent's step, child's step]
        "edges": [
            [edge, step_of[parent], step_of["n" + op[2:]]]
            for edge, parent, op in edges
            if parent in step_of and "n" + op[2:] in step_of
        ],
    }
    svg = strip_xml_header(svg_from_dot(source))
    title = title or f"Backpropagation through {root.label or 'J'}"
    page = _PAGE.format(
        title=html.escape(title),
        diagram=svg,
        captions="\n".join(
            f'<li data-step="{i}"{"" if i == 0 else " hidden"}><b>Step {i + 1} of {len(steps)}:</b> '
            f"{html.escape(step.equation)}</li>"
            for i, step in enumerate(steps)
        ),
        data=json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/"),
        last=len(steps) - 1,
        count=len(steps),
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_text_atomically(path, page, f"to_html {path}")


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
  .node.unknown text:last-of-type {{ fill: #adb5bd; }}
  .node.current > path, .node.current > polygon {{ stroke: #d9480f; stroke-width: 3; }}
  .edge.waiting text {{ opacity: 0.25; }}
  .edge.waiting > path {{ stroke-dasharray: 3 3; }}
  .edge.active > path {{ stroke: #d9480f; stroke-width: 2.5; }}
  .edge.active > polygon {{ stroke: #d9480f; fill: #d9480f; }}
</style>
</head>
<body>
<h1>{title}</h1>
<h2>Backward pass: gradients, right to left, one node per step (values from the forward pass)</h2>
<div class="controls">
  <button id="previous" type="button">&larr; Previous</button>
  <input id="slider" type="range" min="0" max="{last}" value="0" aria-label="step">
  <button id="next" type="button">Next &rarr;</button>
  <span id="counter">1 / {count}</span>
</div>
<ol class="captions" id="captions">
{captions}
</ol>
<div class="diagram" id="diagram" data-current="0">{diagram}</div>
<script type="application/json" id="steps-data">{data}</script>
<script>
(function () {{
  var data = JSON.parse(document.getElementById("steps-data").textContent);
  var slider = document.getElementById("slider");
  var counter = document.getElementById("counter");
  var diagram = document.getElementById("diagram");
  function element(name) {{ return document.getElementById("g_" + name); }}
  function show(step) {{
    step = Math.max(0, Math.min({last}, step));
    slider.value = step;
    diagram.setAttribute("data-current", step);
    document.querySelectorAll("#captions [data-step]").forEach(function (item) {{
      item.hidden = Number(item.getAttribute("data-step")) !== step;
    }});
    Object.keys(data.stepOf).forEach(function (name) {{
      var group = element(name);
      if (!group) return;
      var at = data.stepOf[name];
      var state = at < step ? "known" : at === step ? "known current" : "unknown";
      group.setAttribute("class", "node " + state);
      var lines = data.texts[name];
      if (!lines) return;
      var texts = group.querySelectorAll("text");
      var chosen = lines[at <= step ? 0 : 1];
      for (var i = 0; i < texts.length && i < chosen.length; i++) texts[i].textContent = chosen[i];
    }});
    data.edges.forEach(function (edge) {{
      var group = document.getElementById(edge[0]);
      if (!group) return;
      var state = edge[2] > step ? "waiting" : edge[1] === step ? "active" : "used";
      group.setAttribute("class", "edge " + state);
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
