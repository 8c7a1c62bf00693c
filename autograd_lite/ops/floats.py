"""The number kernel of Scalar payloads: elementary functions of Python floats.

Every elementwise rule is written once over a kernel ``xp``, e.g. ``out = xp.tanh(a); return out,
(1 - out * out,)``; a Scalar runs it with ``xp`` = this module, a Tensor with ``arrays``. These are the
``math`` module's functions, made IEEE-safe at the edges (``exp(1000)`` is inf, not an OverflowError),
plus the few NumPy functions rules use. Any other name comes from ``math``.
"""

from __future__ import annotations

import math
from math import inf, log1p, tanh  # noqa: F401  (used by the rules as xp.tanh, ...)

_nan = math.nan


def __getattr__(name: str):
    return getattr(math, name)


def where(condition, x, y):
    """x if condition else y (NumPy's where, for one number)."""
    return x if condition else y


def maximum(a, b):
    """The larger of a and b; a NaN propagates, as in NumPy."""
    return a if a >= b or a != a else b


def minimum(a, b):
    """The smaller of a and b; a NaN propagates."""
    return a if a <= b or a != a else b


def step(a):
    """1 where a > 0, else 0: the derivative of relu."""
    return 1.0 if a > 0.0 else 0.0


def sign(a):
    """1, -1 or 0 (also for NaN)."""
    return 1.0 if a > 0.0 else -1.0 if a < 0.0 else 0.0


def exp(a):
    """e^a; inf where it overflows."""
    try:
        return math.exp(a)
    except OverflowError:
        return inf


def expm1(a):
    """e^a - 1; inf where it overflows."""
    try:
        return math.expm1(a)
    except OverflowError:
        return inf


def sin(a):
    """sin a; NaN at ±inf, as IEEE gives (``math.sin`` raises there)."""
    try:
        return math.sin(a)
    except ValueError:
        return _nan


def cos(a):
    """cos a; NaN at ±inf."""
    try:
        return math.cos(a)
    except ValueError:
        return _nan


def log(a):
    """ln a; -inf at 0 and NaN below, as IEEE floats give (Scalar ops check the domain first)."""
    if a > 0.0:
        return math.log(a)
    return -inf if a == 0.0 else _nan


def sqrt(a):
    """The square root; NaN below 0."""
    return math.sqrt(a) if a >= 0.0 else _nan


def divide(a, b):
    """a / b, with IEEE results for a zero divisor (±inf, or nan for 0/0) instead of an exception."""
    if b != 0.0:
        return a / b
    return _nan if a == 0.0 or a != a else math.copysign(inf, a) * math.copysign(1.0, b)


def power(a, b):
    """a ** b; inf for 0 ** negative and for results too large for a float."""
    try:
        return a**b
    except ZeroDivisionError:  # 0 ** negative
        return inf
    except OverflowError:  # too large for a float: ±inf, as IEEE floats (and NumPy) give
        return inf if a > 0.0 or b % 2.0 == 0.0 else -inf


def sigmoid(a):
    """1 / (1 + e^-a), never exp of a large positive number: sigmoid(-1000) = 0.0, not an overflow."""
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def softplus(a):
    """log(1 + e^a), stable for any a: max(a, 0) + log(1 + e^-|a|)."""
    return max(a, 0.0) + math.log1p(math.exp(-abs(a)))


def clip(a, low, high):
    """a limited to [low, high]; either bound may be None."""
    if low is not None and a < low:
        return float(low)
    if high is not None and a > high:
        return float(high)
    return a
