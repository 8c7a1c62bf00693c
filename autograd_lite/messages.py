"""Error text in one place: how a node is called in a message, and what went wrong in an op.

Messages name the op, the operands' labels and their shapes, e.g.
``matmul: W2 (1, 4) @ A1 (3, 400): inner dimensions 4 and 3 differ``.
"""

from __future__ import annotations

import numpy as np

from . import tensor_ops as ops
from .graph import name_of


def shape_of(node) -> tuple:
    return np.shape(node.data)


def operand_list(operands) -> str:
    return ", ".join(f"{name_of(x)} {shape_of(x)}" for x in operands)


def explain(fn, operands, error: Exception) -> str:
    """A clear message for a failed op: op name, operand labels and shapes, and the reason."""
    if fn is ops.MatMul:
        a, b = operands
        sa, sb = shape_of(a), shape_of(b)
        head = f"matmul: {name_of(a)} {sa} @ {name_of(b)} {sb}"
        if not sa or not sb:
            return f"{head}: matmul needs at least 1-D operands, not a 0-d value"
        inner_a, inner_b = sa[-1], sb[0] if len(sb) == 1 else sb[-2]
        if inner_a != inner_b:
            return f"{head}: inner dimensions {inner_a} and {inner_b} differ"
        return f"{head}: batch dimensions {sa[:-2]} and {sb[:-2]} cannot broadcast"
    if fn.symbol and len(operands) == 2:
        a, b = operands
        head = f"{fn.name}: {name_of(a)} {shape_of(a)} {fn.symbol} {name_of(b)} {shape_of(b)}"
    else:
        head = f"{fn.name}({operand_list(operands)})"
    if "broadcast" in str(error):
        return f"{head}: shapes cannot be broadcast together"
    return f"{head}: {error}"
