"""The number kernel of Tensor payloads: the same functions as ``floats``, on NumPy arrays.

Any name not defined here comes from ``numpy``, so a rule's ``xp.tanh(a)`` is ``np.tanh`` on a Tensor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy import (  # noqa: F401,E501
    clip,
    cos,
    inf,
    log,
    log1p,
    maximum,
    minimum,
    sign,
    sin,
    sqrt,
    tanh,
    where,
)


def __getattr__(name: str):
    return getattr(np, name)


def exp(a):
    """e^a; inf where it overflows, as IEEE (and a Scalar) gives, without a warning."""
    with np.errstate(over="ignore"):
        return np.exp(a)


def expm1(a):
    """e^a - 1; inf where it overflows, without a warning."""
    with np.errstate(over="ignore"):
        return np.expm1(a)


def divide(a, b):
    """a / b where b may be 0 (the caller wants inf there, e.g. the slope of sqrt at 0), without a warning."""
    with np.errstate(divide="ignore"):
        return np.divide(a, b)


def power(a, b):
    """a ** b; 0 ** negative is inf and a too large result is inf, as IEEE gives, without a warning."""
    with np.errstate(divide="ignore", over="ignore"):
        return np.power(a, b)


def step(a):
    """True where a > 0: the derivative of relu, as a mask (multiplying by it keeps the dtype)."""
    return a > 0


# smallest(a, None): one reduction, without ndarray.min's Python wrapper (typed as called: NumPy 2.5's
# stubs would take the axis only by keyword)
smallest: Callable[..., Any] = np.minimum.reduce
_EXP_LIMIT = {np.dtype(np.float16): -11.0, np.dtype(np.float32): -88.0}  # below: e^-z overflows


def sigmoid(z):
    """1 / (1 + e^-z), the course's formula; large negative z gives 0 without an overflow."""
    if type(z) is not np.ndarray:
        z = np.asarray(z)
    if z.size and smallest(z, None) < _EXP_LIMIT.get(z.dtype, -700.0):  # e^-z would overflow: two-sided
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype, copy=False)
    return 1.0 / (1.0 + np.exp(-z))


def softplus(a):
    """log(1 + e^a), stable for any a: max(a, 0) + log(1 + e^-|a|)."""
    return np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a)))
