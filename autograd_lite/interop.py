"""NumPy's functions on Tensors: the ones that are ops run on the graph, the others say so clearly.

``np.exp(t)``, ``np.maximum(t, 0)``, ``X @ W`` with an ndarray ``X``, ``np.sum(t, axis=0)`` and
``np.transpose(t)`` record the same op as the Tensor method would. Comparisons give plain bool arrays
(as ``t > 0`` does). Questions about the data (``np.shape(t)``, ``np.allclose(t, 1)``) are answered from
the values. Anything else would silently drop the graph, so it raises a TypeError that says what to
use instead (the Tensor method, or ``np.asarray(t)`` for the values alone).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .graph import Node
from .ops import OPS
from .tensor import Tensor, _operand, apply, concatenate, stack, where

# NumPy's ufunc names for the ops whose record name differs
_UFUNC_OPS = {
    "subtract": "sub",
    "multiply": "mul",
    "divide": "div",
    "true_divide": "div",
    "power": "pow",
    "negative": "neg",
    "absolute": "abs",
}
_COMPARISONS = {"less", "less_equal", "greater", "greater_equal", "equal", "not_equal"}

# NumPy functions that are Tensor methods or functions of the library, with NumPy's first argument first
_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sum": Tensor.sum,
    "mean": Tensor.mean,
    "max": Tensor.max,
    "amax": Tensor.max,
    "min": Tensor.min,
    "amin": Tensor.min,
    "var": Tensor.var,
    "std": Tensor.std,
    "transpose": Tensor.transpose,
    "reshape": Tensor.reshape,
    "ravel": Tensor.flatten,
    "squeeze": Tensor.squeeze,
    "expand_dims": Tensor.unsqueeze,
    "clip": Tensor.clip,
    "concatenate": concatenate,
    "stack": stack,
    "where": where,
}
# NumPy functions that only look at the values and never give a differentiable result
_QUESTIONS = {
    "shape", "ndim", "size", "result_type", "iscomplexobj", "isrealobj", "allclose", "isclose",
    "array_equal", "array_equiv", "may_share_memory", "shares_memory", "array_repr", "array_str",
    "isfinite", "isnan", "isinf", "count_nonzero", "argmax", "argmin", "argsort", "nonzero", "sign",
}  # fmt: skip


def _array_ufunc(self: Tensor, ufunc: np.ufunc, method: str, *inputs, **kwargs):
    """``np.exp(t)``, ``ndarray + t``: the op of the same name, recorded on the graph."""
    name = ufunc.__name__
    if method == "__call__" and not kwargs:
        if name in _COMPARISONS:
            return ufunc(*[_values(x) for x in inputs])
        op = OPS.get(_UFUNC_OPS.get(name, name))
        if op is not None and op.forward is not None and op.arity == len(inputs) and not op.param_names:
            operands = [x if isinstance(x, Node) else _operand(x, self) for x in inputs]
            return apply(op, tuple(operands))
    if not _needs_grad(inputs, kwargs):
        return getattr(ufunc, method)(*[_values(x) for x in inputs], **kwargs)
    raise TypeError(_not_an_op(f"np.{name}" + ("" if method == "__call__" else f".{method}")))


def _array_function(self: Tensor, func, types, args, kwargs):
    """``np.sum(t, axis=0)`` and the like: the Tensor method; ``np.shape(t)``: from the values."""
    name = func.__name__
    function = _FUNCTIONS.get(name)
    if function is not None:
        try:
            return function(*args, **kwargs)
        except TypeError as error:
            message = f"np.{name} on a Tensor: {error} (Tensor.{name} takes the same arguments)"
            raise TypeError(message) from None
    if name in _QUESTIONS or not _needs_grad(args, kwargs):
        return func(*[_values(x) for x in args], **{k: _values(v) for k, v in kwargs.items()})
    raise TypeError(_not_an_op(f"np.{name}"))


def _not_an_op(what: str) -> str:
    return (
        f"{what} on a Tensor that requires grad would drop the graph: it is not an op of autograd-lite. "
        "Use the Tensor method or an autograd_lite function (see autograd_lite.ops.OPS), or "
        "np.asarray(t) for the values alone"
    )


def _values(x):
    """A node's values; lists and tuples of nodes become lists and tuples of values."""
    if isinstance(x, Node):
        return x.data
    if isinstance(x, (list, tuple)):
        return type(x)(_values(item) for item in x)
    return x


def _needs_grad(args, kwargs) -> bool:
    """True if any argument (or an item of a list argument) is a node that requires grad."""
    for x in (*args, *kwargs.values()):
        for item in x if isinstance(x, (list, tuple)) else (x,):
            if isinstance(item, Node) and item.requires_grad:
                return True
    return False


Tensor.__array_ufunc__ = _array_ufunc
Tensor.__array_function__ = _array_function
