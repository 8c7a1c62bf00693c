"""Arithmetic: + - * / ** and unary minus, abs, and the elementwise maximum and minimum.

Each rule returns the value and its local derivatives (the course's chain-rule picture):
``u = b*c`` gives ``du/db = c``, ``du/dc = b``. Tensors broadcast; the receiving node sums a gradient
back over the axes broadcasting added.
"""

from __future__ import annotations

from .record import Domain, elementwise


@elementwise(symbol="+", notation="{0} + {1}", method="__add__", partials=("1", "1"), program=True)
def add(xp, a, b):
    """a + b."""
    return a + b, (1.0, 1.0)  # d(a+b)/da = d(a+b)/db = 1


@elementwise(symbol="-", notation="{0} - {1}", method="__sub__", partials=("1", "-1"), program=True)
def sub(xp, a, b):
    """a - b."""
    return a - b, (1.0, -1.0)


@elementwise(
    symbol="*", notation="{0}*{1}", glyph="×", method="__mul__", partials=("{1}", "{0}"), program=True
)
def mul(xp, a, b):
    """a * b, elementwise."""
    return a * b, (b, a)  # d(ab)/da = b, d(ab)/db = a


@elementwise(
    symbol="/",
    notation="{0}/{1}",
    method="__truediv__",
    partials=("1/{1}", "-{0}/{1}²"),
    domain=Domain((lambda a, b, needs: b == 0.0, "divisor {1} is zero"), ranges=((-3.0, 3.0), (0.5, 3.0))),
    takes_needs=True,
    program=True,
)
def div(xp, a, b, *, needs):
    """a / b."""
    out = a / b
    return out, (1 / b if needs[0] else None, -out / b if needs[1] else None)  # -a/b² = -out/b


_POWER_DOMAIN = Domain(
    (
        lambda a, b, needs: (a < 0.0) & (b % 1.0 != 0.0),  # (-8) ** 0.5 is not a real number
        "base {0} is negative and exponent {1} is not an integer",
    ),
    (lambda a, b, needs: (a == 0.0) & (b < 0.0), "base {0} is zero and exponent {1} is negative"),
    (
        lambda a, b, needs: needs[1] & (a < 0.0),  # d(a^b)/db = a^b ln a
        "{0} must be >= 0 to differentiate with respect to the exponent {1}",
    ),
    ranges=((0.3, 3.0), (-2.0, 2.0)),
)


@elementwise(
    symbol="**",
    notation="{0}**{1}",
    method="__pow__",
    partials=("{1}·{0}^({1}-1)", "{out}·ln {0}"),
    domain=_POWER_DOMAIN,
    takes_needs=True,
    program=True,
)
def pow_(xp, a, b, *, needs):
    """a ** b (a number or a node as the exponent)."""
    out = xp.power(a, b)
    d_base = b * xp.power(a, xp.where(b == 0, 1.0, b) - 1) if needs[0] else None  # b a^(b-1); 0 at b = 0
    d_exponent = out * xp.log(xp.where(a == 0, 1.0, a)) if needs[1] else None  # a^b ln a; 0 at a = 0
    return out, (d_base, d_exponent)


@elementwise(symbol="-", notation="-{0}", method="__neg__", partials=("-1",), program=True)
def neg(xp, a):
    """-a."""
    return -a, (-1.0,)


@elementwise(method="abs", partials=("sign({0})",), kinks=(0.0,), program=True)
def abs_(xp, a):
    """|a|; its derivative sign(a) is taken as 0 at the kink a = 0."""
    return abs(a), (xp.sign(a),)


@elementwise(method=None, partials=("[{0} wins]", "[{1} wins]"))
def maximum(xp, a, b):
    """The larger of a and b, elementwise; a tie splits the gradient in half."""
    out = xp.maximum(a, b)
    share = 1.0 + (a == b)
    return out, ((a == out) / share, (b == out) / share)


@elementwise(method=None, partials=("[{0} wins]", "[{1} wins]"))
def minimum(xp, a, b):
    """The smaller of a and b, elementwise; a tie splits the gradient in half."""
    out = xp.minimum(a, b)
    share = 1.0 + (a == b)
    return out, ((a == out) / share, (b == out) / share)
