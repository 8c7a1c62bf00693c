"""Live diagrams: a graph's shape laid out once, its values, gradients and local derivatives filled in
again each time the inputs move (the playground's page and ``viz.play`` in a notebook).

``snapshot(J)`` describes a backpropagated Scalar graph as plain data: every node's name, value and
gradient, every edge's local derivative with its formula (``∂u/∂b = c``), the steps of the backward
pass, and the diagram as SVG. The SVG's layout comes from ``Layouts``: the diagram is laid out from its
DOT with every value widened to the widest a value can be written (``elements.widened``), so the
layout depends on the graph's shape alone, and a new set of values only refills the texts: nothing
moves while a slider moves, and no layout runs.
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict

from autograd_lite.graph import Node, topological_order
from autograd_lite.scalar import Scalar

from .draw import VIEWS, _nodes_to_draw, draw
from .elements import SvgTemplate, strip_xml_header, texts, widened, with_ids
from .labels import Namer, local_formula
from .render import svg_from_dot
from .steps import backprop_steps

MAX_NODES = 1000  # a program of the command line's size always fits


class Layouts:
    """Laid-out diagrams by graph shape, the ``size`` most recently used kept.

    ``template(source)`` gives the shape's key and an ``SvgTemplate`` for the DOT ``source`` of any
    graph of that shape; only a shape not seen recently is laid out (by Graphviz, once).
    """

    def __init__(self, size: int = 16, renderer: str | None = None) -> None:
        self.size, self.renderer = size, renderer
        self._templates: OrderedDict[str, SvgTemplate] = OrderedDict()

    def template(self, source: str) -> tuple[str, SvgTemplate]:
        """The layout key and SVG template for the graph drawn as DOT ``source``."""
        shape = widened(source)
        key = hashlib.sha256(shape.encode("utf-8")).hexdigest()[:16]
        template = self._templates.get(key)
        if template is None:
            template = SvgTemplate(strip_xml_header(svg_from_dot(with_ids(shape)[0], self.renderer)))
            self._templates[key] = template
            while len(self._templates) > self.size:
                self._templates.popitem(last=False)
        self._templates.move_to_end(key)
        return key, template


def snapshot(root: Scalar, view: str = "both", layouts: Layouts | None = None) -> dict:
    """A backpropagated Scalar graph as JSON-ready data (the playground's ``/api/evaluate`` answer).

    Keys: ``output`` (the root's name), ``view``, ``layout`` (the same key while the graph's shape and
    the view stay the same), ``nodes`` (``id``, ``name``, ``kind``, ``formula``, ``value``, ``grad``),
    ``edges`` (``from`` parent, ``to`` child, ``local`` value of ∂child/∂parent, its ``formula``),
    ``steps`` (the backward pass, one node per step, with the chain-rule equation), ``texts`` (each
    diagram element's text lines by SVG id) and ``svg``. Numbers that are not finite are None.
    """
    if view not in VIEWS:
        raise ValueError(f"snapshot: view must be one of {', '.join(VIEWS)}, not {view!r}")
    if not isinstance(root, Scalar):
        raise TypeError(f"snapshot: live diagrams show Scalar graphs, not {type(root).__name__}")
    layouts = layouts if layouts is not None else Layouts(size=1)
    source = draw(root, view=view, max_nodes=MAX_NODES).source
    key, template = layouts.template(source)
    element_texts = texts(source)
    nodes, _ = _nodes_to_draw(root, MAX_NODES)
    ids = {id(node): f"n{i}" for i, node in enumerate(nodes)}
    namer = Namer()
    root_name = root.label or "J"
    namer.reserve(root, root_name)
    for node in nodes:  # oldest first, as the diagram names them
        namer(node)
    return {
        "output": root_name,
        "view": view,
        "layout": key,
        "nodes": [_node(node, ids, namer, root) for node in nodes],
        "edges": [
            {
                "from": ids[id(parent)],
                "to": ids[id(node)],
                # a constant has no gradient, so no local derivative is drawn or sent for it
                "local": _finite(namer.local_derivatives(node)[index]) if parent.requires_grad else None,
                "formula": local_formula(node, index, namer)[0] if parent.requires_grad else None,
            }
            for node in nodes
            if node._op is not None
            for index, parent in enumerate(node._parents)
        ],
        "steps": [
            {"node": ids.get(id(step.node)), "name": step.name, "equation": step.equation}
            for step in backprop_steps(root)
        ],
        "texts": element_texts,
        "svg": template.fill(element_texts),
    }


def _node(node: Node, ids: dict, namer: Namer, root: Node) -> dict:
    if node is root:
        kind = "output"
    elif node._op is None:
        kind = "input" if node.requires_grad else "constant"
    else:
        kind = "value"
    return {
        "id": ids[id(node)],
        "name": namer(node),
        "kind": kind,
        "formula": namer.expression(node) if node._op is not None else None,
        "value": _finite(node.data),
        "grad": _finite(node.grad) if node.requires_grad else None,
    }


def _finite(x) -> float | None:
    """A float for JSON: None for inf and NaN (which JSON cannot carry)."""
    x = float(x)
    return x if math.isfinite(x) else None


def replay(root: Scalar, values: dict[str, float]) -> Scalar:
    """The graph of ``root`` computed again, on new nodes, with its labelled inputs set to ``values``.

    The same ops in the same order (each by its record, domain checks included), so the new graph has
    the same shape and draws with the same layout; inputs not named in ``values`` keep their values.
    """
    from autograd_lite.scalar import _apply

    copies: dict[int, Scalar] = {}
    for node in reversed(topological_order(root, check_saved=False, constants=True)):  # oldest first
        if node._op is None:
            value = values.get(node.label, node.data) if node.requires_grad else node.data
            copy = Scalar(value, requires_grad=node.requires_grad, label=node.label)
        else:
            copy = _apply(node._op, tuple([copies[id(parent)] for parent in node._parents]))
            copy.label = node.label
        copies[id(node)] = copy
    return copies[id(root)]


def nudge(rerun, values: dict[str, float], name: str, h: float, output: Scalar, gradient: float) -> dict:
    """The chain rule's promise, checked: move input ``name`` by ``h`` and the output moves by about
    ``gradient · h`` (∂J/∂x · h); ``rerun(values)`` computes the output again to give the actual move."""
    after = rerun({**values, name: values[name] + h}).data
    return {
        "name": name,
        "h": h,
        "gradient": gradient,
        "predicted": gradient * h,
        "actual": after - output.data,
        "after": after,
    }
