"""Error text in one place: how a node is called in a message, and what went wrong in an op.

Messages name the op, the operands' labels and their shapes, e.g.
``matmul: W2 (1, 4) @ A1 (3, 400): inner dimensions 4 and 3 differ``.
"""

from __future__ import annotations

import numpy as np

from .graph import name_of


def shape_of(node) -> tuple:
    """A node's shape, () for a Scalar."""
    return np.shape(node.data)


def operand_list(operands) -> str:
    """``W1 (4, 2), X (2, 400)``: each operand's name and shape."""
    return ", ".join(f"{name_of(x)} {shape_of(x)}" for x in operands)


def explain(op, operands, error: Exception) -> str:
    """A clear message for a failed op: op name, operand labels and shapes, and the reason.

    An op whose errors need more than that (matmul's inner dimensions) gives its own ``explain``.
    """
    if op.explain is not None:
        return op.explain([(name_of(x), shape_of(x)) for x in operands])
    if op.symbol and len(operands) == 2:
        a, b = operands
        head = f"{op.name}: {name_of(a)} {shape_of(a)} {op.symbol} {name_of(b)} {shape_of(b)}"
    else:
        head = f"{op.name}({operand_list(operands)})"
    if "broadcast" in str(error):
        return f"{head}: shapes cannot be broadcast together"
    return f"{head}: {error}"
