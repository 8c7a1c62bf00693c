"""What the diagrams write: node names, values, gradients and the local derivatives on edges.

Naming rules (the same in the diagrams, the step-through page and the command line):

- a labelled node shows its label (``u``, ``W1``); a constant shows its value (``3``, ``0.5``);
- an unnamed node is named by its formula over its parents' names, with the parentheses that
  precedence needs (``1 - a``, ``(a + b)*c``, ``a - (b - c)``, ``(-a)**2``): ``+ -`` bind weakest,
  then ``* / @``, then unary minus, then ``**`` (right-associative); calls such as ``log(a)`` and
  postfix ``ᵀ`` are atomic. The precedence of an operator comes from its op record's ``symbol``;
- a formula longer than ``MAX_NAME`` becomes the op's name and a subscript, numbered in creation
  order within the diagram (``add₁``, ``add₂``);
- names are unique within a diagram (constants excepted: equal values read the same): a later node
  whose name is already taken gets a subscript, its formula in parentheses first (``(1 - a)₂``);
- an unnamed input that requires a gradient is ``v₁``, ``v₂``, ... (a tensor without values shown).

Scalar gradients and local derivatives are written with ``∂``, a compound name in parentheses
(``∂L/∂(1 - a)``, ``∂(1 - a)/∂a = -1``); tensor gradients the course's way, ``dW1``, ``d(x @ W)``.
"""

from __future__ import annotations

import html

import numpy as np

from autograd_lite.graph import Node
from autograd_lite.names import (  # noqa: F401  (the naming rules, re-exported for the diagrams' users)
    ATOM,
    BINARY,
    MAX_NAME,
    POWER,
    PRODUCT,
    RIGHT_ASSOCIATIVE,
    SUM,
    UNARY,
    derivative,
    fill,
    formula,
    number,
    parenthesized,
    precedence,
    subscript,
)
from autograd_lite.scalar import Scalar

SMALL_TENSOR = 6  # tensors with at most this many elements show their values


class _ParentNames:
    """A node's parents' names as a sequence, each named on first use: a formula names only its own."""

    __slots__ = ("parents", "namer")

    def __init__(self, parents: tuple, namer: Namer) -> None:
        self.parents, self.namer = parents, namer

    def __len__(self) -> int:
        return len(self.parents)

    def __getitem__(self, index: int) -> str:
        return self.namer(self.parents[index])


class Namer:
    """Gives every node of one diagram a readable, unique name, deterministically (see the module)."""

    def __init__(self) -> None:
        self._names: dict[int, str] = {}
        self._used: dict[str, int] = {}
        self._numbered: dict[str, int] = {}  # op name (or "v" for inputs) -> subscripts handed out
        self._locals: dict[int, tuple] = {}  # a Scalar's local derivatives, computed once per diagram

    def reserve(self, node: Node, name: str) -> None:
        """Give ``node`` this name (the output's ``J``) before any other is named."""
        self._names[id(node)] = name
        self._used[name] = self._used.get(name, 0) + 1

    def local_derivatives(self, node: Scalar) -> tuple:
        """``node.local_derivatives()``, once per node (a 100,000-term sum has 100,000 of them)."""
        if id(node) not in self._locals:
            self._locals[id(node)] = node.local_derivatives()
        return self._locals[id(node)]

    def parents(self, node: Node) -> _ParentNames:
        """The names of ``node``'s parents, each made only when a formula asks for it."""
        return _ParentNames(node._parents, self)

    def __call__(self, node: Node) -> str:
        """The node's name in this diagram (its unnamed ancestors are named on the way)."""
        if id(node) not in self._names:
            for unnamed in self._unnamed_ancestry(node):  # oldest first: parents before children
                self._names[id(unnamed)] = self._name(unnamed)
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

    def _name(self, node: Node) -> str:
        if node.label is not None:
            return self._unique(str(node.label))
        if node._op is None:
            size = np.size(node.data)
            if not node.requires_grad and size == 1:
                return number(np.asarray(node.data).reshape(()))  # a constant: its value, not unique
            return self._numbered_name("v" if node.requires_grad else "const")
        name = self.expression(node)
        return self._unique(name) if len(name) <= MAX_NAME else self._numbered_name(node._op.name)

    def expression(self, node: Node) -> str:
        """``b*c``, ``1 - a``, ``tanh(Z1)``: how the node was computed from its parents' names."""
        return formula(node._op, [self(parent) for parent in node._parents])

    def _numbered_name(self, base: str) -> str:
        """``add₁``, ``add₂``, ...: the next free subscript for ``base`` in this diagram."""
        while True:
            self._numbered[base] = self._numbered.get(base, 0) + 1
            name = subscript(base, self._numbered[base])
            if name not in self._used:
                self._used[name] = 1
                return name

    def _unique(self, name: str) -> str:
        """``name``, or, when another node has it already, ``name₂`` (``(1 - a)₂``), ``name₃``, ..."""
        candidate, count = name, self._used.get(name, 0)
        while candidate in self._used:
            count += 1
            candidate = subscript(name, count)
        self._used[name] = count if count else 1
        self._used[candidate] = 1
        return candidate


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
    """``∂J/∂v``, ``∂J/∂(1 - a)`` for scalars; ``dW1``, ``d(x @ W)`` for tensors (the course's way)."""
    if isinstance(node, Scalar):
        return derivative(root_name, name)
    return f"d{parenthesized(name)}"


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

    Scalars: ``∂u/∂b = c = 2`` (the local derivative with its value), ``∂(1 - a)/∂a = -1``.
    Tensors: the course's vector-Jacobian product, e.g. ``dW1 = dZ1 · Xᵀ``.
    """
    parent = node._parents[parent_index]
    names = namer.parents(node)
    out, parent_name = namer(node), names[parent_index]
    op, count = node._op, len(names)
    if isinstance(node, Scalar):
        equation, local = local_formula(node, parent_index, namer)
        value = number(namer.local_derivatives(node)[parent_index])
        return equation if local == value else f"{equation} = {value}"
    product = fill(op.vjp_formula(parent_index, count), names, out)
    stretched = op.broadcasts and np.shape(parent.data) != np.shape(node.data)
    summed = " (summed over broadcast axes)" if stretched else ""
    return f"d{parenthesized(parent_name)} = {product}{summed}"


def local_formula(node: Scalar, parent_index: int, namer: Namer) -> tuple[str, str]:
    """The local derivative on the edge node -> parent as an equation and its right side alone:
    (``∂u/∂b = c``, ``c``), the rule the op's record runs, written over the diagram's names."""
    names = namer.parents(node)
    local = fill(node._op.partial_formula(parent_index, len(names)), names, namer(node))
    return f"{derivative(namer(node), names[parent_index])} = {local}", local


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
