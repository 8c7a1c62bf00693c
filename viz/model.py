"""``draw(model)``: an nn model as a diagram of its layers and parameters, in the course's notation.

Collapsed (the default), each layer is one box: ``layer2: Dense``, ``W2 (7, 20), b2 (7, 1)``, its
activation and its parameter count. Expanded (``collapse=False``), each layer is a cluster whose
parameters are their own nodes feeding the layer's ``Z = W A + b``. Data flows left to right from the
input ``X`` through the layers in the order the model holds them, as ``A[l-1] -> layer l -> A[l]``.
"""

from __future__ import annotations

import numpy as np

from .draw import FILL, Diagram, _escape, _title

_GRAPH = {"rankdir": "LR", "fontname": "Helvetica", "fontsize": "12", "nodesep": "0.3"}
_NODE = {"fontname": "Helvetica", "fontsize": "11", "margin": "0.15,0.06"}
_EDGE = {"fontname": "Helvetica", "fontsize": "10", "arrowsize": "0.7"}


def is_model(target) -> bool:
    """True for an nn Module (anything with named sub-modules and parameters), not a graph node."""
    return hasattr(target, "named_parameters") and hasattr(target, "_modules")


def layers_of(model) -> list[tuple[str, object]]:
    """(path, module) of every module with parameters of its own, in the order the model holds them."""
    found, stack = [], [("", model)]
    while stack:
        path, module = stack.pop()
        if module._parameters:
            found.append((path or type(module).__name__, module))
        children = [(f"{path}.{name}" if path else name, child) for name, child in module._modules.items()]
        stack.extend(reversed(children))
    return found


def draw_model(model, *, collapse: bool = True, title: str | None = None) -> Diagram:
    """The model's layers and parameters with their shapes; ``collapse=False`` shows each parameter."""
    layers = layers_of(model)
    if not layers:
        raise ValueError(f"draw: {type(model).__name__} has no parameters to draw")
    total = sum(int(np.prod(p.shape)) for p in model.parameters())
    diagram = Diagram("autograd_lite_model", graph_attr=_GRAPH, node_attr=_NODE, edge_attr=_EDGE)
    heading = title if title is not None else f"{type(model).__name__}: {total:,} parameters"
    diagram.attr(label=_title(heading), labelloc="t")
    sizes = [_sizes(layer) for _, layer in layers]
    inputs = f"X ({sizes[0][0]}, m)" if sizes and sizes[0][0] else "X"
    diagram.node("x", _escape(inputs), shape="box", style="rounded,filled", fillcolor=FILL["constant"])
    previous = "x"
    for index, (path, layer) in enumerate(layers, 1):
        parameters = list(layer._parameters.values())
        count = sum(int(np.prod(p.shape)) for p in parameters)
        shapes = ", ".join(f"{p.label or name} {p.shape}" for name, p in layer._parameters.items())
        activation = getattr(layer, "activation", None) or ("sigmoid" if hasattr(layer, "n_x") else None)
        kind = type(layer).__name__
        box = f"l{index}"
        heading = kind if path == kind else f"{path}: {kind}"
        formula = f"Z{index} = {_linear(layer, 'X' if index == 1 else f'A{index - 1}')}"
        formula += f"\nA{index} = {activation}(Z{index})" if activation else ""
        if collapse:
            summary = f"{heading}\n{shapes}\n{formula}\n{count:,} parameters"
            diagram.node(box, _escape(summary), shape="box3d", style="filled", fillcolor=FILL["parameter"])
        else:
            with diagram.subgraph(name=f"cluster_{index}") as cluster:
                cluster.attr(label=_escape(f"{heading}, {count:,} parameters"), style="rounded,dashed")
                cluster.node(box, _escape(formula), shape="box", style="filled", fillcolor=FILL["value"])
                for number, (name, parameter) in enumerate(layer._parameters.items()):
                    node = f"{box}p{number}"
                    label = f"{parameter.label or name}\n{parameter.shape}"
                    fill = FILL["parameter"]
                    cluster.node(node, _escape(label), shape="box", style="filled", fillcolor=fill)
                    cluster.edge(node, box)
        diagram.edge(previous, box)
        previous = box
    last = len(layers)
    outputs = f"A{last} ({sizes[-1][1]}, m)" if sizes and sizes[-1][1] else "output"
    diagram.node("out", _escape(outputs), shape="box", style="rounded,filled", fillcolor=FILL["output"])
    diagram.edge(previous, "out")
    return diagram


def _sizes(layer) -> tuple[int | None, int | None]:
    """(inputs, outputs) of a layer: W is (n[l], n[l-1]) as in the course; logistic regression's w is
    a column (n_x, 1)."""
    if hasattr(layer, "n_x"):
        return layer.n_x, 1
    for parameter in layer._parameters.values():
        if len(parameter.shape) == 2:
            return parameter.shape[1], parameter.shape[0]
    return None, None


def _linear(layer, inputs: str) -> str:
    """``W2 A1 + b2`` in the layer's own parameter names (``wᵀ X + b`` for logistic regression)."""
    names = [p.label or name for name, p in layer._parameters.items()]
    if len(names) != 2:
        return f"f({inputs})"
    weights, bias = names
    return f"{weights}ᵀ {inputs} + {bias}" if hasattr(layer, "n_x") else f"{weights} {inputs} + {bias}"
