"""The op tests' data: one row per op of the catalogue (``autograd_lite.ops.OPS``), as plain data.

``test_op_catalogue.py`` generates every op test from the op records and these rows:

- an **elementwise** op's row is its oracle, written with ``autograd.numpy`` (HIPS autograd
  differentiates it independently of this library), and the parameters to bind, if it takes any::

      "leaky_relu": Elementwise(lambda x, slope: anp.where(x > 0, x, slope * x), slope=0.1),

  The inputs come from the record (``domain.ranges``, away from ``kinks``), so that is all a new
  elementwise op needs.
- a **structural** op's row is a call on Tensors, the same call on ``autograd.numpy`` arrays and the
  inputs' shapes (``Draw`` for a range other than [-3, 3]); an op with a Scalar API (``Scalar.sum``,
  ``Scalar.dot``) has a ``Scalars`` case: the call on Scalars and the oracle on floats.

An op without a row, or a row without an op, fails ``test_every_op_has_a_row``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from inspect import signature
from typing import NamedTuple

import autograd.numpy as anp
import numpy as np

import autograd_lite as ag
from autograd_lite import Scalar, Tensor


class Elementwise:
    """An elementwise op's oracle ``oracle(*values, **params)`` and the parameters to bind (``slope=0.1``)."""

    def __init__(self, oracle: Callable, **params) -> None:
        self.oracle, self.params = oracle, params


class Draw(NamedTuple):
    """A Tensor input of ``shape``, drawn uniformly from [low, high]."""

    shape: tuple
    low: float = -3.0
    high: float = 3.0


class Tensors:
    """A structural op on Tensors: ``call(*tensors)``, ``oracle(*arrays)``, one shape (or Draw) per input."""

    def __init__(self, call: Callable, oracle: Callable, *inputs) -> None:
        self.call, self.oracle = call, oracle
        self.inputs = tuple(spec if isinstance(spec, Draw) else Draw(spec) for spec in inputs)


class Scalars:
    """An n-ary Scalar API: ``call(*scalars)`` and ``oracle(*floats)``; the inputs are drawn from [-3, 3]."""

    def __init__(self, call: Callable, oracle: Callable) -> None:
        self.call, self.oracle = call, oracle
        self.count = len(signature(oracle).parameters)


GELU_C, GELU_K = math.sqrt(2.0 / math.pi), 0.044715
Y = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])  # binary_cross_entropy's labels (constant: no gradient)
COND = np.array([[True, False, True], [False, False, True]])  # where's fixed condition


def _bce(A):
    return -anp.mean(Y * anp.log(A) + (1 - Y) * anp.log(1 - A))


def _logsumexp(x, axis):
    return anp.log(anp.sum(anp.exp(x), axis=axis))


def _softmax(x, axis):
    return anp.exp(x) / anp.sum(anp.exp(x), axis=axis, keepdims=True)


def _log_softmax(x, axis):
    return x - anp.log(anp.sum(anp.exp(x), axis=axis, keepdims=True))


ROWS = {
    # arithmetic
    "add": Elementwise(anp.add),
    "sub": Elementwise(anp.subtract),
    "mul": Elementwise(anp.multiply),
    "div": Elementwise(anp.divide),
    "pow": Elementwise(anp.power),
    "neg": Elementwise(anp.negative),
    "abs": Elementwise(anp.abs),
    "maximum": Elementwise(anp.maximum),
    "minimum": Elementwise(anp.minimum),
    # functions
    "exp": Elementwise(anp.exp),
    "log": Elementwise(anp.log),
    "sqrt": Elementwise(anp.sqrt),
    "tanh": Elementwise(anp.tanh),
    "sigmoid": Elementwise(lambda x: 1 / (1 + anp.exp(-x))),
    "relu": Elementwise(lambda x: anp.maximum(x, 0.0)),
    "leaky_relu": Elementwise(lambda x, slope: anp.where(x > 0, x, slope * x), slope=0.1),
    "elu": Elementwise(lambda x, alpha: anp.where(x > 0, x, alpha * anp.expm1(x)), alpha=0.7),
    "clip": Elementwise(lambda x, low, high: anp.clip(x, low, high), low=-0.5, high=0.5),
    "sin": Elementwise(anp.sin),
    "cos": Elementwise(anp.cos),
    "log1p": Elementwise(anp.log1p),
    "expm1": Elementwise(anp.expm1),
    "softplus": Elementwise(lambda x: anp.logaddexp(0.0, x)),
    "square": Elementwise(anp.square),
    "reciprocal": Elementwise(anp.reciprocal),
    "gelu": Elementwise(lambda x: 0.5 * x * (1 + anp.tanh(GELU_C * (x + GELU_K * x**3)))),
    # losses
    "binary_cross_entropy": Tensors(
        lambda A: ag.binary_cross_entropy(A, Tensor(Y, label="Y")), _bce, Draw((2, 3), 0.1, 0.9)
    ),
    # products
    "matmul": Tensors(operator.matmul, anp.matmul, (2, 3), (3, 4)),
    "dot": Scalars(
        lambda w1, w2, x1, x2, b: Scalar.dot([w1, w2], [x1, x2], b),
        lambda w1, w2, x1, x2, b: w1 * x1 + w2 * x2 + b,
    ),
    # reductions
    "sum": (
        Tensors(lambda x: x.sum(axis=1), lambda x: anp.sum(x, axis=1), (2, 3)),
        Scalars(lambda a, b, c: Scalar.sum([a, b, c]), lambda a, b, c: a + b + c),
    ),
    "mean": Tensors(lambda x: x.mean(axis=0), lambda x: anp.mean(x, axis=0), (2, 3)),
    "max": Tensors(lambda x: x.max(axis=1), lambda x: anp.max(x, axis=1), (3, 4)),
    "min": Tensors(lambda x: x.min(), anp.min, (3, 4)),
    "var": Tensors(lambda x: x.var(axis=0, ddof=1), lambda x: anp.var(x, axis=0, ddof=1), (3, 2)),
    "std": Tensors(lambda x: x.std(axis=1), lambda x: anp.std(x, axis=1), (2, 3)),
    "logsumexp": Tensors(lambda x: x.logsumexp(axis=1), lambda x: _logsumexp(x, axis=1), (3, 4)),
    "softmax": Tensors(lambda x: x.softmax(axis=0), lambda x: _softmax(x, axis=0), (3, 4)),
    "log_softmax": Tensors(lambda x: x.log_softmax(axis=1), lambda x: _log_softmax(x, axis=1), (3, 4)),
    # shapes
    "transpose": Tensors(lambda x: x.transpose(1, 0, 2), lambda x: anp.transpose(x, (1, 0, 2)), (2, 3, 4)),
    "reshape": Tensors(lambda x: x.reshape(3, 2), lambda x: anp.reshape(x, (3, 2)), (2, 3)),
    "getitem": Tensors(lambda x: x[1:, [0, 2]], lambda x: x[1:, [0, 2]], (3, 4)),
    "concatenate": Tensors(
        lambda a, b: ag.concatenate([a, b], 1), lambda a, b: anp.concatenate([a, b], 1), (2, 3), (2, 2)
    ),
    "astype": Tensors(lambda x: x.astype(np.float32), lambda x: x.astype(np.float32), (2, 3)),
    "stack": Tensors(lambda a, b: ag.stack([a, b], 1), lambda a, b: anp.stack([a, b], 1), (2, 3), (2, 3)),
    "where": Tensors(lambda a, b: ag.where(COND, a, b), lambda a, b: anp.where(COND, a, b), (2, 3), (2, 3)),
}


def cases(row) -> tuple:
    """A structural row's cases (a Tensors case, a Scalars case, or both)."""
    return row if isinstance(row, tuple) else (row,)
