"""Non-finite numbers: IEEE results by default, and an anomaly mode that stops at the first one.

An op outside its domain (``log`` of a negative) raises ``DomainError``. Otherwise ops give what IEEE
arithmetic gives, as Python floats (and so Scalars) and PyTorch do: ``exp(1000)`` is inf, ``inf - inf``
is nan, silently, for both payloads: NumPy's RuntimeWarnings about them, raised inside the library,
are not shown. ``with detect_anomaly():`` stops at the first op whose output or gradient has nan or
inf, naming it.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .graph import Switch, _anomaly
from .messages import name_of, shape_of

if TYPE_CHECKING:
    from .graph import Node
    from .ops.record import Op

# NumPy's "overflow encountered in exp" and the like, raised from the library's own code only
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"autograd_lite(\.|$)")


class detect_anomaly(Switch):
    """Within this context, the first op whose output or gradient has nan or inf raises, naming the op.

    For Scalar and Tensor graphs alike: the forward check runs as each op is recorded, the backward
    check after each node hands its gradient to its parents.
    """

    __slots__ = ()
    state, value = _anomaly, True


def check_finite(node: Node, op: Op, operands: Iterable[Node]) -> None:
    """Raise FloatingPointError if the op's output has nan or inf."""
    if not np.all(np.isfinite(node.data)):
        bad = "nan" if np.isnan(node.data).any() else "inf"
        raise FloatingPointError(f"detect_anomaly: {op.name}({_operands(operands)}) produced {bad}")


def checked_backprop(order: Sequence[Node], retain_graph: bool) -> None:
    """The backward pass, stopping at the first node whose backward step gives a parent nan or inf."""
    root = order[0]  # children first (walk_in_order)
    if not _finite(root._g):
        raise FloatingPointError("detect_anomaly: the gradient given to backward() has nan or inf")
    for node in order:
        op, parents = node._op, node._parents
        node._backprop(retain_graph)
        for parent in parents:
            if parent.requires_grad and not _finite(parent._g):
                raise FloatingPointError(
                    f"detect_anomaly: the backward of {op.name} produced nan or inf "  # type: ignore[union-attr]  # an op made it
                    f"for {_operands((parent,))}"
                )


def _finite(g: Any) -> bool:
    return g is None or bool(np.all(np.isfinite(g)))


def _operands(operands: Iterable[Node]) -> str:
    """``x (2,)`` for a Tensor, ``x = 1000.0`` for a Scalar."""
    return ", ".join(
        f"{name_of(x)} = {x.data!r}" if type(x.data) is float else f"{name_of(x)} {shape_of(x)}"
        for x in operands
    )
