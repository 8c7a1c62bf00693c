"""Broadcasting, undone in one place for every op.

An op's backward may return a gradient of the broadcast (larger) shape; the receiving node sums it
back to its own shape here. Course example: b1 of shape (n1, 1) is added to W1 @ X of shape
(n1, m), so db1 = sum of dZ1 over axis 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import ArrayLike

_ndarray = np.ndarray
_sum: Callable[..., np.ndarray | np.generic] = np.add.reduce  # a full reduction gives a NumPy scalar


def unbroadcast(grad: ArrayLike, like: np.ndarray) -> np.ndarray | np.generic:
    """Sum ``grad`` over the axes that broadcasting added or stretched, back to ``like``'s shape.

    E.g. b1 of shape (4, 1) added to W1 @ X of shape (4, m): db1 = sum of dZ1 over axis 1.
    """
    shape = like.shape
    if type(grad) is _ndarray and grad.ndim == len(shape) and grad.dtype == like.dtype:
        return _sum(grad, axis=stretched_axes(grad.shape, shape), keepdims=True)  # db1 = sum of dZ1, axis 1
    if type(grad) is not _ndarray:
        grad = np.asarray(grad)
    if grad.ndim < len(shape):  # a gradient that is itself still to be broadcast (e.g. 0-d)
        grad = np.broadcast_to(grad, shape)
    if grad.shape != shape:
        extra = grad.ndim - len(shape)
        if extra > 0:
            grad = _sum(grad, axis=tuple(range(extra)))
        stretched = stretched_axes(grad.shape, shape)
        if stretched:
            grad = _sum(grad, axis=stretched, keepdims=True)
        grad = np.broadcast_to(grad, shape) if grad.shape != shape else grad
    if grad.dtype != like.dtype:
        grad = grad.astype(like.dtype)
    return grad


def stretched_axes(grad_shape: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    """The axes where broadcasting stretched a length of 1 in ``shape`` to ``grad_shape``'s (same ndim)."""
    key = (grad_shape, shape)
    axes = _stretched.get(key)
    if axes is None:
        axes = tuple([i for i, n in enumerate(shape) if n == 1 and grad_shape[i] != 1])
        if len(_stretched) < 4096:  # the shapes of one model's broadcasts: a handful
            _stretched[key] = axes
    return axes


# (grad_shape, shape) -> stretched axes, as found
_stretched: dict[tuple[tuple[int, ...], tuple[int, ...]], tuple[int, ...]] = {}
