"""What the diagrams write: node names, values, gradients and the local derivatives on edges.

Names follow the course: a labelled node shows its label (``u``, ``W1``); an unnamed one gets a
name built from its op and its inputs (``b*c``, ``tanh(Z1)``). Scalar gradients are written
``dJ/dv``; tensor gradients the course's way, ``dW1``.
"""

from __future__ import annotations

import html

import numpy as np

from autograd_lite.graph import Node
from autograd_lite.ops import wrap as _wrap
from autograd_lite.scalar import Scalar

MAX_NAME = 16  # longer derived names fall back to the op name and a number
SMALL_TENSOR = 6  # tensors with at most this many elements show their values


def number(x: float, digits: int = 4) -> str:
    """A short, stable rendering of a float: 33, 0.5, 0.000146, 1.2e+10."""
    x = float(x)
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.{digits}g}"


class Namer:
    """Gives every node of one diagram a readable, unique name, deterministically."""

    def __init__(self) -> None:
        self._names: dict[int, str] = {}
        self._used: dict[str, int] = {}

    def __call__(self, node: Node) -> str:
        if id(node) not in self._names:
            for unnamed in self._unnamed_ancestry(node):  # oldest first: parents before children
                self._names[id(unnamed)] = self._unique(self._base_name(unnamed))
        return self._names[id(node)]

    def _unnamed_ancestry(self, node: Node) -> list[Node]:
        """``node`` and its ancestors that have no name yet, oldest first (no recursion)."""
        found, stack = {id(node): node}, [node]
        while stack:
            for parent in stack.pop()._parents:
                if id(parent) not in self._names and id(parent) not in found:
                    found[id(parent)] = parent
                    stack.append(parent)
        return sorted(found.values(), key=lambda n: n._created)

    def _base_name(self, node: Node) -> str:
        if node.label is not None:
            return str(node.label)
        if node._op is None:
            return (
                number(node.data)
                if isinstance(node, Scalar)
                else ("const" if not node.requires_grad else "x")
            )
        name = self.expression(node)
        return name if len(name) <= MAX_NAME else node._op.name

    def expression(self, node: Node) -> str:
        """``b*c``, ``a + u``, ``tanh(Z1)``: how the node was computed from its parents' names.

        Written as the op's record says (``{0}*{1}``, ``{0}ᵀ``), else as a call of its name.
        """
        op = node._op
        parts = [self(parent) for parent in node._parents]
        notation = op.notation or op.name
        if "{0}" in notation and len(parts) == notation.count("{"):
            return notation.format(*[_wrap(p) for p in parts])
        shown = parts if len(parts) <= 3 else [parts[0], "…", parts[-1]]
        return f"{notation}({', '.join(shown)})"

    def _unique(self, name: str) -> str:
        count = self._used.get(name, 0)
        self._used[name] = count + 1
        return name if count == 0 else f"{name}#{count + 1}"


def value_text(node: Node) -> str:
    """The value part of a node's box: ``6`` for a Scalar, shape/dtype (and small values) for a Tensor."""
    if isinstance(node, Scalar):
        return number(node.data)
    return array_text(np.asarray(node.data))


def array_text(array: np.ndarray) -> str:
    """Shape, dtype and the values (small arrays) or their mean, min and max."""
    shape = "×".join(map(str, array.shape)) if array.shape else "scalar"
    dtype = f" {array.dtype}"
    if array.ndim == 0:
        return number(array)
    if array.size <= SMALL_TENSOR:
        return f"({shape}{dtype}) {_nested(array)}"
    if array.size == 0:
        return f"({shape}{dtype}) empty"
    low, mean, high = (number(statistic, 3) for statistic in (array.min(), array.mean(), array.max()))
    return f"({shape}{dtype}) mean {mean}, min {low}, max {high}"


def _nested(array: np.ndarray) -> str:
    """Small arrays as nested lists of short numbers: [[0.9985], [2.395]]."""
    if array.ndim == 0:
        return number(array)
    return "[" + ", ".join(_nested(row) for row in array) + "]"


def grad_name(node: Node, name: str, root_name: str) -> str:
    """``dJ/dv`` for scalars (the course's chain-rule notation), ``dW1`` for tensors."""
    if isinstance(node, Scalar):
        return f"d{root_name}/d{name}"
    return f"d{_wrap(name)}"


def grad_text(node: Node) -> str | None:
    """A node's gradient as text, or None before a backward pass reaches it."""
    grad = node.grad
    if grad is None:
        return None
    if isinstance(node, Scalar):
        return number(grad)
    return array_text(np.asarray(grad))


def edge_derivative(node: Node, parent_index: int, namer: Namer, root_name: str) -> str:
    """The chain-rule factor on the backward edge node -> parent.

    Scalars: ``du/db = c = 2`` (the local derivative with its value). Tensors: the course's
    vector-Jacobian product, e.g. ``dW1 = dZ1 · Xᵀ``.
    """
    parent = node._parents[parent_index]
    names = [namer(p) for p in node._parents]
    out, parent_name = namer(node), names[parent_index]
    op, count = node._op, len(names)
    if isinstance(node, Scalar):
        formula = op.partial_formula(parent_index, count).format(*names, out=out)
        value = number(node.local_derivatives()[parent_index])
        equation = f"d{out}/d{parent_name} = {formula}"
        return equation if formula == value else f"{equation} = {value}"
    template = op.vjp_formula(parent_index, count)
    formula = template.format(*[_wrap(name) for name in names], out=_wrap(out))
    stretched = op.broadcasts and np.shape(parent.data) != np.shape(node.data)
    summed = " (summed over broadcast axes)" if stretched else ""
    return f"d{_wrap(parent_name)} = {formula}{summed}"


def node_html(node: Node) -> str:
    """Rich display in Jupyter (``Node._repr_html_``, given to nodes by this package): label, the op
    that made the node, shape and dtype, value and gradient."""
    shape = getattr(node.data, "shape", None)
    rows = [
        ("node", f"{type(node).__name__} {node.label or ''}".strip()),
        ("made by", node._op.name if node._op is not None else "leaf (input)"),
        ("shape", f"{shape} {node.data.dtype}" if shape is not None else None),
        ("value", str(node.data)),
        ("grad", str(node.grad) if node.requires_grad else "does not require grad"),
    ]
    cells = "".join(
        f"<tr><th style='text-align:left'>{name}</th>"
        f"<td><pre style='margin:0'>{html.escape(value)}</pre></td></tr>"
        for name, value in rows
        if value is not None
    )
    return f"<table>{cells}</table>"
