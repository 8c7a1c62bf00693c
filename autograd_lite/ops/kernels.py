"""The two number kernels every elementwise rule runs on: ``floats`` (Scalars) and ``arrays`` (Tensors).

A rule is written once over ``xp``, e.g. ``out = xp.tanh(a); return out, (1 - out * out,)``. With
``xp = floats`` it runs on Python floats (the ``math`` module: fast, and made IEEE-safe at the edges,
so ``exp(1000)`` is inf, not an OverflowError); with ``xp = arrays`` on NumPy arrays. Operators
(``+ - * / **``, comparisons) work on both as written. A function neither class defines comes from
``math`` or ``numpy`` by the same name, so a new op seldom needs a kernel of its own.
"""

from __future__ import annotations

import math

import numpy as np

_inf, _nan = math.inf, math.nan


class _Floats:
    """Elementary functions of Python floats (Scalar payloads)."""

    inf = _inf
    sin, cos, tanh, log1p, expm1 = math.sin, math.cos, math.tanh, math.log1p, math.expm1

    def __getattr__(self, name: str):
        return getattr(math, name)

    @staticmethod
    def where(condition, x, y):
        return x if condition else y

    @staticmethod
    def maximum(a, b):
        return a if a >= b or a != a else b  # NaN propagates, as in NumPy

    @staticmethod
    def minimum(a, b):
        return a if a <= b or a != a else b

    @staticmethod
    def sign(a):
        return 1.0 if a > 0.0 else -1.0 if a < 0.0 else 0.0

    @staticmethod
    def exp(a):
        try:
            return math.exp(a)
        except OverflowError:
            return _inf

    @staticmethod
    def log(a):
        if a > 0.0:
            return math.log(a)
        return -_inf if a == 0.0 else _nan

    @staticmethod
    def sqrt(a):
        return math.sqrt(a) if a >= 0.0 else _nan

    @staticmethod
    def divide(a, b):
        """a / b, with IEEE results for a zero divisor (±inf, or nan for 0/0) instead of an exception."""
        if b != 0.0:
            return a / b
        return _nan if a == 0.0 or a != a else math.copysign(_inf, a) * math.copysign(1.0, b)

    @staticmethod
    def power(a, b):
        try:
            return a**b
        except ZeroDivisionError:  # 0 ** negative
            return _inf
        except OverflowError:  # too large for a float: ±inf, as IEEE floats (and NumPy) give
            return _inf if a > 0.0 or b % 2.0 == 0.0 else -_inf

    @staticmethod
    def sigmoid(a):
        """1 / (1 + e^-a), never exp of a large positive number: sigmoid(-1000) = 0.0, not an overflow."""
        if a >= 0.0:
            return 1.0 / (1.0 + math.exp(-a))
        e = math.exp(a)
        return e / (1.0 + e)

    @staticmethod
    def softplus(a):
        """log(1 + e^a), stable for any a: max(a, 0) + log(1 + e^-|a|)."""
        return max(a, 0.0) + math.log1p(math.exp(-abs(a)))

    @staticmethod
    def clip(a, low, high):
        if low is not None and a < low:
            return float(low)
        if high is not None and a > high:
            return float(high)
        return a


def _sigmoid(z):
    """1 / (1 + e^-z), the course's formula; large negative z gives 0 without an overflow."""
    z = np.asarray(z)
    if z.size and z.min() < -700.0:
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype, copy=False)
    return 1.0 / (1.0 + np.exp(-z))


class _Arrays:
    """The same functions on NumPy arrays (Tensor payloads)."""

    inf = np.inf
    where, clip, sigmoid = staticmethod(np.where), staticmethod(np.clip), staticmethod(_sigmoid)
    maximum, minimum, sign, exp, log, sqrt = np.maximum, np.minimum, np.sign, np.exp, np.log, np.sqrt
    divide, power, sin, cos, tanh = np.divide, np.power, np.sin, np.cos, np.tanh
    log1p, expm1 = np.log1p, np.expm1

    @staticmethod
    def softplus(a):
        return np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a)))

    def __getattr__(self, name: str):
        return getattr(np, name)


floats, arrays = _Floats(), _Arrays()
