"""Scalar: one number on the computation graph, exactly like the course's pictures.

    a = Scalar(5.0, label="a"); b = Scalar(3.0, label="b"); c = Scalar(2.0, label="c")
    u = b * c          # u = 6      du/db = c = 2, du/dc = b = 3
    v = a + u          # v = 11     dv/da = 1,     dv/du = 1
    J = 3 * v          # J = 33     dJ/dv = 3
    J.backward()       # a.grad = 3, b.grad = 6, c.grad = 9

Every op below is one function that returns the forward value *and* its local derivatives
d(out)/d(input), side by side. The node stores those local derivatives; the backward pass
(``Scalar._backprop``) is then the chain rule in one line:

    dJ/d(parent) += d(node)/d(parent) * dJ/d(node)
"""

from __future__ import annotations

import functools
import math
import operator
from numbers import Real

from .errors import DomainError
from .graph import FREED, Node, _creation_numbers, _grad_mode


class ScalarOp:
    """One op: its name, how it is written, and ``fn(*values) -> (value, local derivatives)``."""

    __slots__ = ("name", "symbol", "fn")

    def __init__(self, name: str, symbol: str, fn) -> None:
        self.name, self.symbol, self.fn = name, symbol, fn

    def __repr__(self) -> str:
        return f"ScalarOp({self.name})"


class _OutOfDomain(Exception):
    """Raised inside an op function; turned into a DomainError that names the operands."""


# --- the ops: forward value, then d(out)/d(each input) -----------------------------------------


def _add(a, b):
    return a + b, (1.0, 1.0)  # d(a+b)/da = 1, d(a+b)/db = 1


def _sub(a, b):
    return a - b, (1.0, -1.0)


def _mul(a, b):
    return a * b, (b, a)  # d(ab)/da = b, d(ab)/db = a


def _div(a, b):
    if b == 0.0:
        raise _OutOfDomain("divisor {1} is zero")
    return a / b, (1.0 / b, -a / (b * b))  # d(a/b)/da = 1/b, d(a/b)/db = -a/b^2


def _pow(a, b):
    # d(a^b)/da = b a^(b-1);  d(a^b)/db = a^b ln a (only needed when the exponent requires grad)
    if a < 0.0 and not b.is_integer():
        raise _OutOfDomain("base {0} is negative and exponent {1} is not an integer")
    if a == 0.0 and b < 0.0:
        raise _OutOfDomain("base {0} is zero and exponent {1} is negative")
    out = _power(a, b)
    d_base = b * _power(a, b - 1.0) if a != 0.0 or b >= 1.0 else (math.inf if b != 0.0 else 0.0)
    d_exponent = out * math.log(a) if a > 0.0 else (0.0 if a == 0.0 else math.nan)
    return out, (d_base, d_exponent)


def _power(a, b):
    try:
        return a**b
    except OverflowError:  # too large for a float: +-inf, as IEEE floats (and NumPy) give
        return math.inf if a > 0.0 or b % 2.0 == 0.0 else -math.inf


def _neg(a):
    return -a, (-1.0,)


def _abs(a):
    return abs(a), (1.0 if a > 0.0 else -1.0 if a < 0.0 else 0.0,)  # sign(a); 0 at the kink


def _exp(a):
    try:
        out = math.exp(a)
    except OverflowError:
        out = math.inf  # as IEEE floats (and NumPy) do, rather than an exception
    return out, (out,)  # d e^a / da = e^a


def _log(a):
    if a <= 0.0:
        raise _OutOfDomain("{0} is not > 0")
    return math.log(a), (1.0 / a,)  # d ln a / da = 1/a


def _sqrt(a):
    if a < 0.0:
        raise _OutOfDomain("{0} is negative")
    out = math.sqrt(a)
    return out, (0.5 / out if out > 0.0 else math.inf,)  # d sqrt(a)/da = 1 / (2 sqrt(a))


def _tanh(a):
    t = math.tanh(a)
    return t, (1.0 - t * t,)  # g'(z) = 1 - tanh(z)^2


def _sigmoid(a):
    if a >= 0.0:  # never exp of a large positive number: sigmoid(-1000) = 0.0, not an overflow
        s = 1.0 / (1.0 + math.exp(-a))
    else:
        e = math.exp(a)
        s = e / (1.0 + e)
    return s, (s * (1.0 - s),)  # g'(z) = sigma(z) (1 - sigma(z))


def _relu(a):
    return (a, (1.0,)) if a > 0.0 else (0.0, (0.0,))  # g'(z) = 1 if z > 0 else 0


ADD = ScalarOp("add", "+", _add)
SUB = ScalarOp("sub", "-", _sub)
MUL = ScalarOp("mul", "*", _mul)
DIV = ScalarOp("div", "/", _div)
POW = ScalarOp("pow", "**", _pow)
NEG = ScalarOp("neg", "-", _neg)
ABS = ScalarOp("abs", "abs", _abs)
EXP = ScalarOp("exp", "exp", _exp)
LOG = ScalarOp("log", "log", _log)
SQRT = ScalarOp("sqrt", "sqrt", _sqrt)
TANH = ScalarOp("tanh", "tanh", _tanh)
SIGMOID = ScalarOp("sigmoid", "sigmoid", _sigmoid)
RELU = ScalarOp("relu", "relu", _relu)


def _sum(*values):
    return math.fsum(values), (1.0,) * len(values)  # d(x1 + x2 + ...)/dxi = 1


def _dot(*values):
    # values = w1..wn, x1..xn[, b]:  z = w1 x1 + ... + wn xn (+ b);  dz/dwi = xi, dz/dxi = wi, dz/db = 1
    n = len(values) // 2
    weights, inputs = values[:n], values[n : 2 * n]
    z = sum(map(operator.mul, weights, inputs), values[2 * n] if len(values) % 2 else 0.0)
    return z, inputs + weights + (1.0,) * (len(values) % 2)


SUM = ScalarOp("sum", "sum", _sum)
DOT = ScalarOp("dot", "dot", _dot)


@functools.lru_cache(maxsize=64)
def _leaky_relu_op(slope: float) -> ScalarOp:
    """One op per slope, made once."""

    def _leaky_relu(a):
        return (a, (1.0,)) if a > 0.0 else (slope * a, (slope,))  # g'(z) = 1 or slope

    return ScalarOp("leaky_relu", f"leaky_relu({slope:g})", _leaky_relu)


# --- recording ---------------------------------------------------------------------------------


def _record(value: float, parents: tuple, local: tuple, op: ScalarOp) -> Scalar:
    """The one place a Scalar op result is made and, if anything needs a gradient, recorded."""
    out = _new_scalar(Scalar)
    out.data = value
    out.label = None
    out._g = 0.0
    out._created = next(_creation_numbers)
    for parent in parents:
        if parent.requires_grad:
            if _grad_mode.enabled:
                out.grad = 0.0
                out.requires_grad = True
                out._parents = parents
                out._saved = local
                out._op = op
                return out
            break
    out.grad = None
    out.requires_grad = False
    out._parents = ()
    out._saved = ()
    out._op = None
    return out


def _apply(op: ScalarOp, *operands: Scalar) -> Scalar:
    """Run ``op`` on the operands' values and record the result (errors name the operands)."""
    try:
        value, local = op.fn(*[x.data for x in operands])
    except _OutOfDomain as problem:
        raise DomainError(_domain_message(op, operands, str(problem))) from None
    return _record(value, operands, local, op)


def _domain_message(op: ScalarOp, operands: tuple, problem: str) -> str:
    names = [_name(x) for x in operands]
    shown = [f"{n} = {x.data!r}" if n != repr(x.data) else n for n, x in zip(names, operands)]
    if len(operands) == 2 and op.symbol in "+-*/**":
        call = f"{op.name}({names[0]} {op.symbol} {names[1]})"
    else:
        call = f"{op.name}({', '.join(names)})"
    return f"{call}: " + problem.format(*shown)


def _name(x: Scalar) -> str:
    return x.label if x.label is not None else repr(x.data)


def _constant(value) -> Scalar:
    """A Python number met in an op becomes a constant node (so diagrams can show it)."""
    return _as_leaf(_new_scalar(Scalar), float(value), False, None)


def _as_leaf(node: Scalar, value: float, requires_grad: bool, label) -> Scalar:
    """Fill every slot of a node that no op made (an input or a constant)."""
    node.data = value
    node.requires_grad = requires_grad
    node.grad = 0.0 if requires_grad else None
    node.label = label
    node._parents = ()
    node._saved = ()
    node._op = None
    node._g = 0.0
    node._created = next(_creation_numbers)
    return node


_new_scalar = object.__new__


def _comparison(compare):
    """A comparison method on the values: returns a plain bool and records nothing."""

    def method(self, other):
        other = _value(other)
        return other if other is NotImplemented else compare(self.data, other)

    method.__name__ = f"__{compare.__name__}__"
    return method


class Scalar(Node):
    """A float on the computation graph (the course's ``a``, ``u = bc``, ``J = 3v``).

    ``Scalar(data, requires_grad=True, label=None)``. ``.grad`` is dJ/d(this node) after
    ``J.backward()`` (0.0 before; ``None`` for constants that do not require grad).
    """

    __slots__ = ()

    def __init__(self, data: float, requires_grad: bool = True, label: str | None = None) -> None:
        if isinstance(data, Scalar):
            data = data.data
        elif not isinstance(data, Real) or isinstance(data, bool) and requires_grad:
            raise TypeError(
                f"Scalar{'(' + repr(label) + ')' if label else ''}: data must be a real number, "
                f"got {type(data).__name__} {data!r}"
            )
        _as_leaf(self, float(data), bool(requires_grad), label)

    # --- the chain rule ----------------------------------------------------------------------
    def _backprop(self, retain_graph: bool) -> None:
        g = self._g  # dJ/d(self), complete: every child has already pushed its share
        self._g = 0.0
        self.grad += g
        for parent, local in zip(self._parents, self._saved):
            if parent.requires_grad:
                parent._g += local * g  # dJ/d(parent) += d(self)/d(parent) * dJ/d(self)
        if not retain_graph and self._parents:
            self._saved = FREED  # freed: a second backward() through here is an error

    def _receive(self, grad) -> None:
        """A Tensor op hands this Scalar its gradient: summed over every position it broadcast to."""
        self._g += float(grad.sum())

    def _seed(self, grad) -> None:
        self._g = 1.0 if grad is None else float(grad)  # dJ/dJ = 1

    def _reset_grad(self) -> None:
        if self.requires_grad:
            self.grad = 0.0

    def _clear_pass(self) -> None:
        self._g = 0.0

    def detach(self) -> Scalar:
        """A constant with the same value, cut off from the graph."""
        return Scalar(self.data, requires_grad=False, label=self.label)

    def local_derivatives(self) -> tuple:
        """d(self)/d(parent) for each parent, recomputed from the parents' current values."""
        if self._op is None:
            return ()
        return self._op.fn(*[p.data for p in self._parents])[1]

    # --- n-ary ops: one node instead of a chain of binary ones ------------------------------
    @staticmethod
    def sum(values) -> Scalar:
        """x1 + x2 + ... + xn as one node (each local derivative is 1)."""
        values = _scalars(values, "Scalar.sum")
        if not values:
            return _constant(0.0)
        return _record(math.fsum([v.data for v in values]), values, (1.0,) * len(values), SUM)

    @staticmethod
    def dot(weights, inputs, bias=None) -> Scalar:
        """The course's neuron pre-activation z = w1 x1 + ... + wn xn + b, as one node.

        Local derivatives: dz/dwi = xi, dz/dxi = wi, dz/db = 1. ``inputs`` may be numbers.
        """
        weights, inputs = _scalars(weights, "Scalar.dot"), _scalars(inputs, "Scalar.dot")
        if len(weights) != len(inputs):
            raise ValueError(
                f"Scalar.dot: {len(weights)} weights but {len(inputs)} inputs; they must pair up"
            )
        w = tuple([v.data for v in weights])
        x = tuple([v.data for v in inputs])
        if bias is None:
            return _record(sum(map(operator.mul, w, x)), weights + inputs, x + w, DOT)
        if type(bias) is not Scalar:
            bias = _operand_or_error(bias, "Scalar.dot")
        z = sum(map(operator.mul, w, x), bias.data)
        return _record(z, weights + inputs + (bias,), x + w + (1.0,), DOT)

    # --- arithmetic: Python numbers on either side become constants --------------------------
    # +, -, * and relu are the hot ops of a scalar network, so they write their one-line rule
    # (the same as _add, _sub, _mul, _relu above) inline instead of going through _apply.
    def __add__(self, other):
        if type(other) is not Scalar:
            other = _operand(other)
            if other is NotImplemented:
                return other
        return _record(self.data + other.data, (self, other), (1.0, 1.0), ADD)

    def __radd__(self, other):
        other = _operand(other)
        return (
            other
            if other is NotImplemented
            else _record(other.data + self.data, (other, self), (1.0, 1.0), ADD)
        )

    def __sub__(self, other):
        if type(other) is not Scalar:
            other = _operand(other)
            if other is NotImplemented:
                return other
        return _record(self.data - other.data, (self, other), (1.0, -1.0), SUB)

    def __rsub__(self, other):
        other = _operand(other)
        return (
            other
            if other is NotImplemented
            else _record(other.data - self.data, (other, self), (1.0, -1.0), SUB)
        )

    def __mul__(self, other):
        if type(other) is not Scalar:
            other = _operand(other)
            if other is NotImplemented:
                return other
        a, b = self.data, other.data
        return _record(a * b, (self, other), (b, a), MUL)

    def __rmul__(self, other):
        other = _operand(other)
        if other is NotImplemented:
            return other
        a, b = other.data, self.data
        return _record(a * b, (other, self), (b, a), MUL)

    def __truediv__(self, other):
        other = _operand(other)
        return other if other is NotImplemented else _apply(DIV, self, other)

    def __rtruediv__(self, other):
        other = _operand(other)
        return other if other is NotImplemented else _apply(DIV, other, self)

    def __pow__(self, exponent):
        exponent = _operand(exponent)
        if exponent is NotImplemented:
            return exponent
        if exponent.requires_grad and self.data < 0.0 and _grad_mode.enabled:
            message = f"{{0}} must be >= 0 to differentiate with respect to the exponent {_name(exponent)}"
            raise DomainError(_domain_message(POW, (self, exponent), message))
        return _apply(POW, self, exponent)

    def __rpow__(self, base):
        base = _operand(base)
        return base if base is NotImplemented else base.__pow__(self)

    def __neg__(self):
        return _record(-self.data, (self,), (-1.0,), NEG)

    def __pos__(self):
        return self

    def __abs__(self):
        return _apply(ABS, self)

    # --- functions ---------------------------------------------------------------------------
    def exp(self) -> Scalar:
        return _apply(EXP, self)

    def log(self) -> Scalar:
        """Natural logarithm (the course's ln); clear error for a <= 0."""
        return _apply(LOG, self)

    def sqrt(self) -> Scalar:
        return _apply(SQRT, self)

    def tanh(self) -> Scalar:
        return _apply(TANH, self)

    def sigmoid(self) -> Scalar:
        """sigma(z) = 1 / (1 + e^-z), computed without overflow for any z."""
        return _apply(SIGMOID, self)

    def relu(self) -> Scalar:
        a = self.data
        return _record(a, (self,), (1.0,), RELU) if a > 0.0 else _record(0.0, (self,), (0.0,), RELU)

    def leaky_relu(self, slope: float = 0.01) -> Scalar:
        return _apply(_leaky_relu_op(float(slope)), self)

    # --- comparisons: plain bools, never recorded --------------------------------------------
    __lt__ = _comparison(operator.lt)
    __le__ = _comparison(operator.le)
    __gt__ = _comparison(operator.gt)
    __ge__ = _comparison(operator.ge)
    __eq__ = _comparison(operator.eq)
    __ne__ = _comparison(operator.ne)
    __hash__ = Node.__hash__  # identity, like PyTorch tensors: nodes can sit in sets and dicts

    def __bool__(self) -> bool:
        return self.data != 0.0

    def __float__(self) -> float:
        return self.data

    def item(self) -> float:
        return self.data

    def __repr__(self) -> str:
        label = f"label={self.label!r}, " if self.label is not None else ""
        grad = f"grad={self.grad!r}" if self.requires_grad else "requires_grad=False"
        return f"Scalar({label}data={self.data!r}, {grad})"


def _operand(x):
    """Turn the other operand of an arithmetic op into a Scalar; defer to other node types."""
    if type(x) is Scalar:
        return x
    if type(x) is float or type(x) is int or isinstance(x, Real) and not isinstance(x, bool):
        return _constant(x)
    if isinstance(x, bool):
        return _constant(float(x))
    return NotImplemented  # e.g. a Tensor: its reflected op handles the mixed case


def _scalars(values, where: str) -> tuple:
    """``values`` as a tuple of Scalars (numbers become constants)."""
    values = tuple(values)
    for value in values:
        if type(value) is not Scalar:
            return tuple(v if type(v) is Scalar else _operand_or_error(v, where) for v in values)
    return values


def _operand_or_error(x, where: str) -> Scalar:
    operand = _operand(x)
    if operand is NotImplemented:
        raise TypeError(f"{where}: expected Scalars or numbers, got {type(x).__name__} {x!r}")
    return operand


def _value(x):
    if isinstance(x, Scalar):
        return x.data
    if isinstance(x, Real):
        return x
    return NotImplemented
