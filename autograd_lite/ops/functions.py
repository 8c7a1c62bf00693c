"""Elementwise functions: the course's activations and their derivatives g'(z), and the usual math.

Each rule returns g(z) and g'(z) side by side; where the derivative is cheaper from the output, it
uses it (course: tanh'(z) = 1 - a², sigmoid'(z) = a(1 - a)).
"""

from __future__ import annotations

import math

from .record import Domain, elementwise


@elementwise(partials=("{out}",), program=True)
def exp(xp, a):
    """e^a (inf, not an error, when it overflows)."""
    out = xp.exp(a)
    return out, (out,)  # d e^a/da = e^a


@elementwise(
    partials=("1/{0}",),
    domain=Domain.outside(lambda a, needs: a <= 0.0, "{0} is not > 0", 0.2, inside_above=0.0),
    program=True,
)
def log(xp, a):
    """Natural logarithm, the course's ln a; a must be > 0."""
    return xp.log(a), (1 / a,)  # d ln a/da = 1/a


@elementwise(
    partials=("1/(2{out})",),
    domain=Domain.outside(lambda a, needs: a < 0.0, "{0} is negative", 0.2, inside_above=0.0),
    program=True,
)
def sqrt(xp, a):
    """Square root; a must be >= 0."""
    out = xp.sqrt(a)
    return out, (xp.divide(0.5, out),)  # 1 / (2 sqrt(a)), inf at 0


@elementwise(partials=("1 - {out}²",), program=True)
def tanh(xp, a):
    """tanh(z), the course's hidden-layer activation."""
    out = xp.tanh(a)
    return out, (1 - out * out,)  # course: g'(z) = 1 - a²


@elementwise(partials=("{out}(1 - {out})",), program=True)
def sigmoid(xp, a):
    """σ(z) = 1 / (1 + e^-z), computed without overflow for any z (the course's output unit)."""
    out = xp.sigmoid(a)
    return out, (out * (1 - out),)  # course: g'(z) = a(1 - a)


@elementwise(partials=("[{0} > 0]",), kinks=(0.0,), program=True)
def relu(xp, a):
    """max(0, z); its derivative is 1 for z > 0, else 0."""
    return xp.maximum(a, 0.0), (xp.step(a),)  # course: g'(z) = 1 if z > 0 else 0


def _slope(slope: float = 0.01) -> dict:
    return {"slope": float(slope)}


@elementwise(partials=("1 or {slope}",), params=_slope, kinks=(0.0,), program=True)
def leaky_relu(xp, a, *, slope):
    """max(slope·z, z): z for z > 0, else slope·z (slope defaults to 0.01)."""
    positive = a > 0
    return xp.where(positive, a, slope * a), (xp.where(positive, 1.0, slope),)


def _alpha(alpha: float = 1.0) -> dict:
    return {"alpha": float(alpha)}


@elementwise(partials=("1 or {out} + {alpha}",), params=_alpha, kinks=(0.0,), program=True)
def elu(xp, a, *, alpha):
    """z for z > 0, else alpha·(e^z - 1) (alpha defaults to 1)."""
    positive = a > 0
    out = xp.where(positive, a, alpha * xp.expm1(xp.minimum(a, 0.0)))
    return out, (xp.where(positive, 1.0, out + alpha),)


def _bounds(low=None, high=None) -> dict:
    return {"low": low, "high": high}


@elementwise(partials=("[{low} ≤ {0} ≤ {high}]",), params=_bounds, kinks=(-0.5, 0.5))
def clip(xp, a, *, low, high):
    """a limited to [low, high] (either may be None); the gradient passes where a is inside."""
    out = xp.clip(a, low, high)
    return out, (a == out,)


@elementwise(partials=("cos {0}",), program=True)
def sin(xp, a):
    """sin a."""
    return xp.sin(a), (xp.cos(a),)


@elementwise(partials=("-sin {0}",), program=True)
def cos(xp, a):
    """cos a."""
    return xp.cos(a), (-xp.sin(a),)


@elementwise(
    partials=("1/(1 + {0})",),
    domain=Domain.outside(lambda a, needs: a <= -1.0, "{0} is not > -1", -0.8, inside_above=-1.0),
    program=True,
)
def log1p(xp, a):
    """ln(1 + a), accurate for small a; a must be > -1."""
    return xp.log1p(a), (1 / (1 + a),)


@elementwise(partials=("{out} + 1",), program=True)
def expm1(xp, a):
    """e^a - 1, accurate for small a."""
    out = xp.expm1(a)
    return out, (out + 1,)


@elementwise(partials=("σ({0})",), program=True)
def softplus(xp, a):
    """ln(1 + e^a), a smooth relu; its derivative is σ(a)."""
    return xp.softplus(a), (xp.sigmoid(a),)


@elementwise(partials=("2{0}",), program=True)
def square(xp, a):
    """a²."""
    return a * a, (2 * a,)


@elementwise(
    partials=("-{out}²",),
    domain=Domain.outside(lambda a, needs: a == 0.0, "{0} is zero", 0.3),
    program=True,
)
def reciprocal(xp, a):
    """1/a; a must not be 0."""
    out = 1 / a
    return out, (-out * out,)  # d(1/a)/da = -1/a²


_GELU_C = math.sqrt(2.0 / math.pi)  # the tanh approximation's constants
_GELU_K = 0.044715


@elementwise(partials=("½(1 + t) + ½{0}(1 - t²)·c(1 + 3k{0}²)",), program=True)
def gelu(xp, a):
    """GELU, tanh approximation: ½a(1 + t), t = tanh(c(a + k a³)), c = √(2/π), k = 0.044715."""
    t = xp.tanh(_GELU_C * (a + _GELU_K * a * a * a))
    out = 0.5 * a * (1 + t)
    return out, (0.5 * (1 + t) + 0.5 * a * (1 - t * t) * _GELU_C * (1 + 3 * _GELU_K * a * a),)
