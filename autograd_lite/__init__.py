"""autograd-lite: one computation graph, Scalar and Tensor nodes, reverse-mode autodiff.

>>> from autograd_lite import Scalar
>>> a, b, c = Scalar(5.0, label="a"), Scalar(3.0, label="b"), Scalar(2.0, label="c")
>>> J = 3 * (a + b * c)
>>> J.backward()
>>> J.data, a.grad, b.grad, c.grad
(33.0, 3.0, 6.0, 9.0)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import interop  # noqa: F401  (gives Tensors NumPy's functions)
from .anomaly import detect_anomaly
from .broadcast import unbroadcast
from .compiled import compile
from .errors import BackwardError, CompileError, DomainError, GradcheckError, ShapeError
from .gradcheck import gradcheck
from .graph import Node, is_grad_enabled, no_grad, topological_order, zero_grad
from .scalar import Scalar
from .tensor import (
    Tensor,
    binary_cross_entropy,
    concatenate,
    log_softmax,
    logsumexp,
    maximum,
    minimum,
    softmax,
    stack,
    where,
)

if TYPE_CHECKING:
    from types import ModuleType

__version__ = "0.3.1"

__all__ = [
    "BackwardError",
    "CompileError",
    "DomainError",
    "GradcheckError",
    "Node",
    "Scalar",
    "ShapeError",
    "Tensor",
    "binary_cross_entropy",
    "compile",
    "concatenate",
    "detect_anomaly",
    "log_softmax",
    "logsumexp",
    "maximum",
    "minimum",
    "softmax",
    "stack",
    "unbroadcast",
    "where",
    "gradcheck",
    "is_grad_enabled",
    "no_grad",
    "topological_order",
    "zero_grad",
    "__version__",
]


def __getattr__(name: str) -> ModuleType:
    """``ag.nn`` and ``ag.viz`` load on first use (viz imports graphviz)."""
    if name in ("nn", "viz"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'autograd_lite' has no attribute {name!r}")
