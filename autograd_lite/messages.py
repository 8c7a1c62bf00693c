"""Error text in one place: how a node is called in a message, and what went wrong in an op.

Messages name the op, the operands' labels and their shapes, e.g.
``matmul: W2 (1, 4) @ A1 (3, 400): inner dimensions 4 and 3 differ``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import DomainError
from .graph import name_of
from .names import parenthesized

if TYPE_CHECKING:
    from .graph import Node
    from .ops.record import Op


def shape_of(node: Node) -> tuple[int, ...]:
    """A node's shape, () for a Scalar."""
    return np.shape(node.data)


def operand_list(operands: Sequence[Node]) -> str:
    """``W1 (4, 2), X (2, 400)``: each operand's name and shape."""
    return ", ".join(f"{name_of(x)} {shape_of(x)}" for x in operands)


def explain(op: Op, operands: Sequence[Node], error: Exception) -> str:
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


def check_domain(op: Op, operands: Sequence[Node], values: Sequence[Any], needs: tuple[bool, ...]) -> None:
    """Raise ``DomainError`` if the values lie outside ``op``'s domain; one rule for both payloads.

    A Scalar: ``log(a): a = -2.0 is not > 0``. A Tensor also says how many values are outside and
    where the first one is: ``log(A2): 2 of 400 values are outside its domain; the first: A2[0, 17] =
    -0.5 is not > 0``.
    """
    for outside, message in op.domain.rules:  # type: ignore[union-attr]  # called for ops with a domain
        bad = outside(*values, needs)
        if bad is False:  # a Scalar inside the domain (the common case, checked first)
            continue
        if bad is True:
            shown = [_shown(x, x.data) for x in operands]
            raise DomainError(f"{_call(op, operands)}: " + message.format(*shown))
        bad = np.asarray(bad)
        if not bad.any():
            continue
        first = np.unravel_index(np.argmax(bad), bad.shape)  # the first True, in reading order
        shown = [_shown(x, np.broadcast_to(v, bad.shape)[first], first) for x, v in zip(operands, values)]
        count = int(np.count_nonzero(bad))
        raise DomainError(
            f"{_call(op, operands)}: {count} of {bad.size} values {'is' if count == 1 else 'are'} "
            "outside its domain; the first: "
            + message.format(*shown)
        )


def _call(op: Op, operands: Sequence[Node]) -> str:
    names = [_name(x) for x in operands]
    if len(operands) == 2 and op.symbol is not None:
        return f"{op.name}({names[0]} {op.symbol} {names[1]})"
    return f"{op.name}({', '.join(names)})"


def _name(node: Node) -> str:
    """A label, else an unnamed number's value (``2.0``), else the op that made it."""
    if node.label is None and node._op is None and np.ndim(node.data) == 0:
        return repr(float(node.data))
    return name_of(node)


def _shown(node: Node, value: Any, index: tuple[Any, ...] = ()) -> str:
    """``a = -2.0``, ``A2[0, 17] = -0.5``, or just ``2.0`` for an unnamed number."""
    name = _name(node)
    value = float(value)
    if np.ndim(node.data) and index:
        name = f"{parenthesized(name)}[{', '.join(map(str, index))}]"  # (1 - A)[0, 1]
    elif name == repr(value):
        return name
    return f"{name} = {value!r}"
