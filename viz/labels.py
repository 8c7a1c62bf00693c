"""What the diagrams write: node names, values, gradients and the local derivatives on edges.

Names follow the course: a labelled node shows its label (``u``, ``W1``); an unnamed one gets a
name built from its op and its inputs (``b*c``, ``tanh(Z1)``). Scalar gradients are written
``dJ/dv``; tensor gradients the course's way, ``dW1``.
"""

from __future__ import annotations

import numpy as np

from autograd_lite.graph import Node
from autograd_lite.scalar import Scalar

MAX_NAME = 16  # longer derived names fall back to the op name and a number
SMALL_TENSOR = 6  # tensors with at most this many elements show their values

SHORT_NAMES = {"binary_cross_entropy": "BCE"}
INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "matmul": "@"}


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
        """``b*c``, ``a + u``, ``tanh(Z1)``: how the node was computed from its parents' names."""
        op = node._op
        parts = [self(parent) for parent in node._parents]
        if op.name in INFIX and len(parts) == 2:
            symbol = INFIX[op.name]
            spaced = f" {symbol} " if symbol in "+-@" else symbol
            return spaced.join(_wrap(p) for p in parts)
        if op.name == "neg" and len(parts) == 1:
            return f"-{_wrap(parts[0])}"
        if op.name == "transpose" and len(parts) == 1:
            return f"{_wrap(parts[0])}ᵀ"
        shown = parts if len(parts) <= 3 else [parts[0], "…", parts[-1]]
        return f"{SHORT_NAMES.get(op.name, op.name)}({', '.join(shown)})"

    def _unique(self, name: str) -> str:
        count = self._used.get(name, 0)
        self._used[name] = count + 1
        return name if count == 0 else f"{name}#{count + 1}"


def _wrap(name: str) -> str:
    """Parenthesize a compound name (``b*c`` -> ``(b*c)``) unless it is already one group."""
    if not any(c in name for c in " +-*/@"):
        return name
    if name.startswith("(") and _closing_parenthesis(name) == len(name) - 1:
        return name
    return f"({name})"


def _closing_parenthesis(text: str) -> int:
    depth = 0
    for index, character in enumerate(text):
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth == 0:
            return index
    return -1


def value_text(node: Node) -> str:
    """The value part of a node's box: ``6`` for a Scalar, shape/dtype (and small values) for a Tensor."""
    if isinstance(node, Scalar):
        return number(node.data)
    return array_text(np.asarray(node.data))


def array_text(array: np.ndarray) -> str:
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
    grad = node.grad
    if grad is None:
        return None
    if isinstance(node, Scalar):
        return number(grad)
    return array_text(np.asarray(grad))


# Local derivatives of Scalar ops, d(out)/d(parent i), as text over the operands' names
# {0}, {1} and the output {out}; the numbers come from ``Scalar.local_derivatives()``.
SCALAR_PARTIALS: dict[str, tuple[str, ...]] = {
    "add": ("1", "1"),
    "sub": ("1", "-1"),
    "mul": ("{1}", "{0}"),
    "div": ("1/{1}", "-{0}/{1}²"),
    "pow": ("{1}·{0}^({1}-1)", "{out}·ln {0}"),
    "neg": ("-1",),
    "abs": ("sign({0})",),
    "exp": ("{out}",),
    "log": ("1/{0}",),
    "sqrt": ("1/(2{out})",),
    "tanh": ("1 - {out}²",),
    "sigmoid": ("{out}(1 - {out})",),
    "relu": ("[{0} > 0]",),
    "leaky_relu": ("1 or slope",),
}

# Vector-Jacobian products of Tensor ops in the course's notation: d{0} = ... given d{out}.
TENSOR_VJPS: dict[str, tuple[str, ...]] = {
    "add": ("d{out}", "d{out}"),
    "sub": ("d{out}", "-d{out}"),
    "mul": ("d{out} ⊙ {1}", "d{out} ⊙ {0}"),
    "div": ("d{out} / {1}", "-d{out} ⊙ {0} / {1}²"),
    "pow": ("d{out} ⊙ {1}·{0}^({1}-1)", "d{out} ⊙ {out}·ln {0}"),
    "matmul": ("d{out} · {1}ᵀ", "{0}ᵀ · d{out}"),
    "neg": ("-d{out}",),
    "abs": ("d{out} ⊙ sign({0})",),
    "exp": ("d{out} ⊙ {out}",),
    "log": ("d{out} / {0}",),
    "sqrt": ("d{out} / (2 {out})",),
    "tanh": ("d{out} ⊙ (1 - {out}²)",),
    "sigmoid": ("d{out} ⊙ {out}(1 - {out})",),
    "relu": ("d{out} ⊙ [{0} > 0]",),
    "leaky_relu": ("d{out} ⊙ (1 or slope)",),
    "clip": ("d{out} ⊙ [inside]",),
    "transpose": ("d{out}ᵀ",),
    "reshape": ("reshape(d{out})",),
    "getitem": ("scatter(d{out})",),
    "sum": ("broadcast(d{out})",),
    "mean": ("broadcast(d{out}) / n",),
    "max": ("d{out} at the max",),
    "min": ("d{out} at the min",),
    "logsumexp": ("d{out} ⊙ softmax({0})",),
    "softmax": ("{out} ⊙ (d{out} - Σ d{out}⊙{out})",),
    "log_softmax": ("d{out} - softmax·Σ d{out}",),
    "binary_cross_entropy": ("d{out} (A - Y) / (A(1 - A)) / m", "-d{out} (log A - log(1 - A)) / m"),
    "where": ("d{out} where cond", "d{out} where not cond"),
    "maximum": ("d{out} where {0} wins", "d{out} where {1} wins"),
    "minimum": ("d{out} where {0} wins", "d{out} where {1} wins"),
}


def edge_derivative(node: Node, parent_index: int, namer: Namer, root_name: str) -> str:
    """The chain-rule factor on the backward edge node -> parent.

    Scalars: ``du/db = c = 2`` (the local derivative with its value). Tensors: the course's
    vector-Jacobian product, e.g. ``dW1 = dZ1 · Xᵀ``.
    """
    parent = node._parents[parent_index]
    names = [namer(p) for p in node._parents]
    out, parent_name = namer(node), names[parent_index]
    op = node._op
    if isinstance(node, Scalar):
        local = node.local_derivatives()[parent_index]
        templates = SCALAR_PARTIALS.get(op.name)
        if op.name == "sum":
            formula = "1"
        elif op.name == "dot":
            half = len(names) // 2
            formula = "1" if parent_index == 2 * half else names[(parent_index + half) % (2 * half)]
        else:
            formula = templates[parent_index].format(*names, out=out) if templates else ""
        value = number(local)
        equation = f"d{out}/d{parent_name} = {formula}" if formula else f"d{out}/d{parent_name}"
        return equation if formula == value else f"{equation} = {value}"
    templates = TENSOR_VJPS.get(op.name)
    names = [_wrap(name) for name in names]
    template = templates[min(parent_index, len(templates) - 1)] if templates else "VJP of {op}"
    formula = template.format(*names, out=_wrap(out), op=op.name)
    summed = (
        " (summed over broadcast axes)"
        if np.shape(parent.data) != np.shape(node.data)
        and op.name in ("add", "sub", "mul", "div", "pow", "maximum", "minimum", "where")
        else ""
    )
    return f"d{_wrap(parent_name)} = {formula}{summed}"
