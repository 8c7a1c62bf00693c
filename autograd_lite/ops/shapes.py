"""Shape ops: transpose, reshape, indexing, concatenate, stack, and where (choose by a condition).

Their backward moves the incoming gradient back to where each element came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .record import structural


def _axes_params(*axes: int | Sequence[int]) -> dict[str, Any]:
    """``t.transpose()``, ``t.transpose(1, 0)`` or ``t.transpose((1, 0))``."""
    given = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
    return {"axes": tuple(given) if given else None}


def _transpose(a, axes):
    out = np.transpose(a, axes)  # validates the axes first
    return out, None if axes is None else tuple(axis % a.ndim for axis in axes)


def _transpose_vjp(g, axes, needs):
    return (np.transpose(g, None if axes is None else np.argsort(axes)),)


structural(
    "transpose",
    _transpose,
    _transpose_vjp,
    method="transpose",
    notation="{0}ᵀ",
    params=_axes_params,
    vjp_text=("d{out}ᵀ",),
    doc="The axes reversed (``t.T``), or permuted as given.",
)


def _shape_params(*shape: int | Sequence[int]) -> dict[str, Any]:
    """``t.reshape(2, 3)`` or ``t.reshape((2, 3))``."""
    given = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
    return {"shape": tuple(given)}


def _reshape(a, shape):
    return np.reshape(a, shape), np.shape(a)


def _reshape_vjp(g, shape, needs):
    return (np.reshape(g, shape),)


structural(
    "reshape",
    _reshape,
    _reshape_vjp,
    method="reshape",
    params=_shape_params,
    vjp_text=("reshape(d{out})",),
    doc="The same elements in a new shape (one entry may be -1).",
)


def _index_params(index) -> dict:
    """The index as NumPy takes it: tensors used as indices become their integer arrays."""
    return {"index": _plain_index(index)}


def _plain_index(index):
    if isinstance(index, tuple):
        return tuple(_plain_index(i) for i in index)
    if hasattr(index, "__array__") and not isinstance(index, np.ndarray):  # a Tensor: its array
        index = np.asarray(index)
    if isinstance(index, np.ndarray) and index.dtype.kind == "f":
        raise TypeError(
            "getitem: a float array cannot index (1.9 would silently become 1); "
            "index with integers or a bool mask (x[x > 0])"
        )
    return index


def _getitem(a, index):
    return a[index], (np.shape(a), np.result_type(a), index)


def _getitem_vjp(g, saved, needs):
    shape, dtype, index = saved
    grad = np.zeros(shape, dtype=dtype)
    np.add.at(grad, index, g)  # repeated integer indices add up
    return (grad,)


structural(
    "getitem",
    _getitem,
    _getitem_vjp,
    method="__getitem__",
    params=_index_params,
    vjp_text=("scatter(d{out})",),
    doc="Indexing and slicing, as NumPy's: ``t[0]``, ``t[:, 1:3]``, ``t[[0, 2]]``.",
)


def _concatenate(*arrays, axis):
    sizes = [np.shape(x)[axis] for x in arrays]
    return np.concatenate(arrays, axis=axis), (np.cumsum(sizes)[:-1], axis)


def _concatenate_vjp(g, saved, needs):
    splits, axis = saved
    return tuple(np.split(g, splits, axis=axis))


structural(
    "concatenate",
    _concatenate,
    _concatenate_vjp,
    arity=None,
    vjp_text=("split(d{out})",),
    doc="Tensors joined along an existing axis.",
)


def _stack(*arrays, axis):
    return np.stack(arrays, axis=axis), axis


def _stack_vjp(g, axis, needs):
    return tuple(np.moveaxis(g, axis, 0))


def _astype(a, dtype):
    return a.astype(dtype), None


def _astype_vjp(g, saved, needs):
    return (g,)  # the receiving node casts the gradient back to its own dtype


structural(
    "astype",
    _astype,
    _astype_vjp,
    vjp_text=("d{out}",),
    doc="The same values in another floating-point dtype.",
)


structural(
    "stack",
    _stack,
    _stack_vjp,
    arity=None,
    vjp_text=("unstack(d{out})",),
    doc="Tensors of one shape stacked along a new axis.",
)


def _where(a, b, condition):
    return np.where(condition, a, b), condition


def _where_vjp(g, condition, needs):
    da = np.where(condition, g, 0.0) if needs[0] else None
    db = np.where(condition, 0.0, g) if needs[1] else None
    return da, db


structural(
    "where",
    _where,
    _where_vjp,
    arity=2,
    broadcasts=True,
    vjp_text=("d{out} where cond", "d{out} where not cond"),
    doc="Elementwise ``x if condition else y``; the gradient flows to the chosen side.",
)
