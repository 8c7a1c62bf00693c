"""Tensor ops: each forward next to its backward rule (a vector-Jacobian product).

``forward(*inputs, **params) -> (out, saved)`` works on NumPy arrays (or Python floats for
Scalar operands); ``backward(g, saved, needs) -> one gradient per input`` receives g = dJ/d(out)
and returns dJ/d(input) for each input whose ``needs`` flag is set (``None`` for the others, so a
constant such as ``X`` costs nothing). Gradients may have the broadcast shape: the receiving node
sums them back to its own shape (``tensor.unbroadcast``), in one place for every op.

Course notation in the comments: ``dZ`` means dJ/dZ, ``g`` is the incoming gradient.
"""

from __future__ import annotations

import numpy as np


class Function:
    """Base of every Tensor op; subclasses define ``forward`` and ``backward`` side by side."""

    name = "op"
    symbol = ""  # for infix ops (+, @, ...): used in error messages and diagrams

    @staticmethod
    def forward(*inputs, **params):
        raise NotImplementedError

    @staticmethod
    def backward(g, saved, needs):
        raise NotImplementedError


# --- elementwise arithmetic (broadcasting) ------------------------------------------------------


class Add(Function):
    name, symbol = "add", "+"

    @staticmethod
    def forward(a, b):
        return a + b, None

    @staticmethod
    def backward(g, saved, needs):
        return g, g  # d(a+b)/da = d(a+b)/db = 1


class Sub(Function):
    name, symbol = "sub", "-"

    @staticmethod
    def forward(a, b):
        return a - b, None

    @staticmethod
    def backward(g, saved, needs):
        return g, (-g if needs[1] else None)


class Mul(Function):
    name, symbol = "mul", "*"

    @staticmethod
    def forward(a, b):
        return a * b, (a, b)

    @staticmethod
    def backward(g, saved, needs):
        a, b = saved
        return (g * b if needs[0] else None), (g * a if needs[1] else None)


class Div(Function):
    name, symbol = "div", "/"

    @staticmethod
    def forward(a, b):
        return a / b, (a, b)

    @staticmethod
    def backward(g, saved, needs):
        a, b = saved
        da = g / b if needs[0] else None
        db = -g * a / (b * b) if needs[1] else None  # d(a/b)/db = -a/b^2
        return da, db


class Pow(Function):
    name, symbol = "pow", "**"

    @staticmethod
    def forward(a, b):
        out = a**b
        return out, (a, b, out)

    @staticmethod
    def backward(g, saved, needs):
        a, b, out = saved
        da = g * b * a ** (b - 1) if needs[0] else None  # d(a^b)/da = b a^(b-1)
        db = g * out * np.log(a) if needs[1] else None  # d(a^b)/db = a^b ln a
        return da, db


class Maximum(Function):
    """Elementwise winner of two operands; the winner gets the gradient, a tie splits it in half."""

    name = "maximum"
    pick = staticmethod(np.maximum)

    @classmethod
    def forward(cls, a, b):
        out = cls.pick(a, b)
        return out, (a, b, out)

    @staticmethod
    def backward(g, saved, needs):
        a, b, out = saved
        share = 1.0 + (np.asarray(a) == b)
        da = g * ((a == out) / share) if needs[0] else None
        db = g * ((b == out) / share) if needs[1] else None
        return da, db


class Minimum(Maximum):
    name = "minimum"
    pick = staticmethod(np.minimum)


class Where(Function):
    name = "where"

    @staticmethod
    def forward(a, b, condition):
        return np.where(condition, a, b), condition

    @staticmethod
    def backward(g, condition, needs):
        da = np.where(condition, g, 0.0) if needs[0] else None
        db = np.where(condition, 0.0, g) if needs[1] else None
        return da, db


# --- elementwise functions -------------------------------------------------------------------------


class Neg(Function):
    name, symbol = "neg", "-"

    @staticmethod
    def forward(a):
        return -a, None

    @staticmethod
    def backward(g, saved, needs):
        return (-g,)


class Abs(Function):
    name = "abs"

    @staticmethod
    def forward(a):
        return np.abs(a), a

    @staticmethod
    def backward(g, a, needs):
        return (g * np.sign(a),)


class Exp(Function):
    name = "exp"

    @staticmethod
    def forward(a):
        out = np.exp(a)
        return out, out

    @staticmethod
    def backward(g, out, needs):
        return (g * out,)  # d e^a / da = e^a


class Log(Function):
    name = "log"

    @staticmethod
    def forward(a):
        return np.log(a), a

    @staticmethod
    def backward(g, a, needs):
        return (g / a,)  # d ln a / da = 1/a


class Sqrt(Function):
    name = "sqrt"

    @staticmethod
    def forward(a):
        out = np.sqrt(a)
        return out, out

    @staticmethod
    def backward(g, out, needs):
        return (g * 0.5 / out,)


class Tanh(Function):
    name = "tanh"

    @staticmethod
    def forward(a):
        out = np.tanh(a)
        return out, out

    @staticmethod
    def backward(g, out, needs):
        return (g * (1.0 - out * out),)  # course: g'(z) = 1 - a^2


class Sigmoid(Function):
    name = "sigmoid"

    @staticmethod
    def forward(a):
        out = sigmoid(a)
        return out, out

    @staticmethod
    def backward(g, out, needs):
        return (g * out * (1.0 - out),)  # course: g'(z) = a (1 - a)


def sigmoid(z):
    """1 / (1 + e^-z), the course's formula; large negative z gives 0 without an overflow."""
    z = np.asarray(z)
    if z.size and z.min() < -700.0:
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype, copy=False)
    return 1.0 / (1.0 + np.exp(-z))


class Relu(Function):
    name = "relu"

    @staticmethod
    def forward(a):
        positive = a > 0
        return a * positive, positive

    @staticmethod
    def backward(g, positive, needs):
        return (g * positive,)  # course: g'(z) = 1 if z > 0 else 0


class LeakyRelu(Function):
    name = "leaky_relu"

    @staticmethod
    def forward(a, slope):
        positive = a > 0
        return np.where(positive, a, slope * a), (positive, slope)

    @staticmethod
    def backward(g, saved, needs):
        positive, slope = saved
        return (np.where(positive, g, slope * g),)  # g'(z) = 1 or slope


class Clip(Function):
    name = "clip"

    @staticmethod
    def forward(a, low, high):
        out = np.clip(a, low, high)
        return out, (a == out)

    @staticmethod
    def backward(g, inside, needs):
        return (g * inside,)


# --- matrix product -------------------------------------------------------------------------------


class MatMul(Function):
    name, symbol = "matmul", "@"

    @staticmethod
    def forward(a, b):
        return a @ b, (a, b)

    @staticmethod
    def backward(g, saved, needs):
        # course: dW = dZ A_prev^T, dA_prev = W^T dZ; 1-D operands get a temporary axis
        a, b = saved
        if a.ndim == 2 and b.ndim == 2:  # the course's case, Z = W A_prev
            return (g @ b.T if needs[0] else None), (a.T @ g if needs[1] else None)
        a_vector, b_vector = a.ndim == 1, b.ndim == 1
        A = a[np.newaxis, :] if a_vector else a
        B = b[:, np.newaxis] if b_vector else b
        G = np.asarray(g)
        if b_vector:
            G = G[..., np.newaxis]
        if a_vector:
            G = G[..., np.newaxis, :]
        da = db = None
        if needs[0]:
            da = G @ B.swapaxes(-1, -2)
            da = da[..., 0, :] if a_vector else da
        if needs[1]:
            db = A.swapaxes(-1, -2) @ G
            db = db[..., 0] if b_vector else db
        return da, db


# --- shape ops --------------------------------------------------------------------------------------


class Transpose(Function):
    name = "transpose"

    @staticmethod
    def forward(a, axes):
        out = np.transpose(a, axes)  # validates the axes first
        return out, None if axes is None else tuple(axis % a.ndim for axis in axes)

    @staticmethod
    def backward(g, axes, needs):
        return (np.transpose(g, None if axes is None else np.argsort(axes)),)


class Reshape(Function):
    name = "reshape"

    @staticmethod
    def forward(a, shape):
        return np.reshape(a, shape), np.shape(a)

    @staticmethod
    def backward(g, shape, needs):
        return (np.reshape(g, shape),)


class GetItem(Function):
    name = "getitem"

    @staticmethod
    def forward(a, index):
        return a[index], (np.shape(a), np.result_type(a), index)

    @staticmethod
    def backward(g, saved, needs):
        shape, dtype, index = saved
        grad = np.zeros(shape, dtype=dtype)
        np.add.at(grad, index, g)  # repeated integer indices add up
        return (grad,)


class Concatenate(Function):
    name = "concatenate"

    @staticmethod
    def forward(*arrays, axis):
        sizes = [np.shape(x)[axis] for x in arrays]
        return np.concatenate(arrays, axis=axis), (np.cumsum(sizes)[:-1], axis)

    @staticmethod
    def backward(g, saved, needs):
        splits, axis = saved
        return tuple(np.split(g, splits, axis=axis))


class Stack(Function):
    name = "stack"

    @staticmethod
    def forward(*arrays, axis):
        return np.stack(arrays, axis=axis), axis

    @staticmethod
    def backward(g, axis, needs):
        return tuple(np.moveaxis(g, axis, 0))


# --- reductions -------------------------------------------------------------------------------------


def _expand(g, shape):
    """``g`` broadcast to ``shape`` as a new array (faster than np.broadcast_to for small arrays)."""
    out = np.empty(shape, dtype=g.dtype)
    out[...] = g
    return out


def _restore_axes(g, axis, keepdims: bool):
    """Put back the axes a reduction removed, so ``g`` broadcasts against the input."""
    if keepdims or axis is None:  # nothing removed, or a single number that broadcasts anyway
        return g
    return np.expand_dims(g, axis)


class Sum(Function):
    name = "sum"

    @staticmethod
    def forward(a, axis, keepdims):
        return a.sum(axis=axis, keepdims=keepdims), (a.shape, axis, keepdims)

    @staticmethod
    def backward(g, saved, needs):
        shape, axis, keepdims = saved
        return (_expand(_restore_axes(g, axis, keepdims), shape),)  # course: db = sum(dZ) <-> dZ = db


class Mean(Function):
    name = "mean"

    @staticmethod
    def forward(a, axis, keepdims):
        out = a.mean(axis=axis, keepdims=keepdims)
        count = a.size // max(np.size(out), 1) if a.size else 1
        return out, (a.shape, axis, keepdims, count)

    @staticmethod
    def backward(g, saved, needs):
        shape, axis, keepdims, count = saved
        return (_expand(_restore_axes(g, axis, keepdims) / count, shape),)


class Max(Function):
    """Largest element (over ``axis``); the gradient goes to the winners, shared equally between ties."""

    name = "max"
    pick = staticmethod(np.max)

    @classmethod
    def forward(cls, a, axis, keepdims):
        out = cls.pick(a, axis=axis, keepdims=keepdims)
        return out, (a, out, axis, keepdims)

    @staticmethod
    def backward(g, saved, needs):
        return _extreme_backward(g, saved)


class Min(Max):
    name = "min"
    pick = staticmethod(np.min)


def _extreme_backward(g, saved):
    a, out, axis, keepdims = saved
    winners = a == _restore_axes(out, axis, keepdims)
    share = winners / np.sum(winners, axis=axis, keepdims=True)
    return (share * _restore_axes(g, axis, keepdims),)


class LogSumExp(Function):
    name = "logsumexp"

    @staticmethod
    def forward(a, axis, keepdims):
        out = logsumexp(a, axis, keepdims)
        return out, (a, out, axis, keepdims)

    @staticmethod
    def backward(g, saved, needs):
        a, out, axis, keepdims = saved
        return (_restore_axes(g, axis, keepdims) * np.exp(a - _restore_axes(out, axis, keepdims)),)


def logsumexp(a, axis=None, keepdims=False):
    """log(sum(exp(a))) without overflow: shift by the maximum first."""
    shift = np.max(a, axis=axis, keepdims=True)
    shift = np.where(np.isfinite(shift), shift, 0.0)
    out = np.log(np.sum(np.exp(a - shift), axis=axis, keepdims=True)) + shift
    return out if keepdims else (np.reshape(out, ()) if axis is None else np.squeeze(out, axis=axis))


class Softmax(Function):
    name = "softmax"

    @staticmethod
    def forward(a, axis):
        shifted = np.exp(a - np.max(a, axis=axis, keepdims=True))
        out = shifted / np.sum(shifted, axis=axis, keepdims=True)
        return out, (out, axis)

    @staticmethod
    def backward(g, saved, needs):
        s, axis = saved
        return (s * (g - np.sum(g * s, axis=axis, keepdims=True)),)


class LogSoftmax(Function):
    name = "log_softmax"

    @staticmethod
    def forward(a, axis):
        out = a - logsumexp(a, axis, keepdims=True)
        return out, (out, axis)

    @staticmethod
    def backward(g, saved, needs):
        out, axis = saved
        return (g - np.exp(out) * np.sum(g, axis=axis, keepdims=True),)


# --- the course's cost, fused ------------------------------------------------------------------------


class BinaryCrossEntropy(Function):
    """J = -(1/m) sum(Y log A + (1 - Y) log(1 - A)), from probabilities A or from logits Z."""

    name = "binary_cross_entropy"

    @staticmethod
    def forward(prediction, Y, logits, reduction):
        if logits:  # stable: max(z, 0) - z y + log(1 + e^-|z|)
            z = prediction
            log_a = log_1ma = None
            losses = np.maximum(z, 0) - z * Y + np.log1p(np.exp(-np.abs(z)))
        else:  # logs clamped at -100, as PyTorch does, so A = 0 or A = 1 gives a finite cost
            with np.errstate(divide="ignore"):
                log_a = np.maximum(np.log(prediction), -100.0)
                log_1ma = np.maximum(np.log1p(-prediction), -100.0)
            losses = -(Y * log_a + (1 - Y) * log_1ma)
        scale = 1.0 / max(np.size(losses), 1) if reduction == "mean" else 1.0
        out = losses if reduction == "none" else np.sum(losses) * scale
        return out, (prediction, Y, logits, reduction == "none", scale, log_a, log_1ma)

    @staticmethod
    def backward(g, saved, needs):
        prediction, Y, logits, elementwise, scale, log_a, log_1ma = saved
        g = g if elementwise else g * scale
        if logits:
            d_pred = g * (sigmoid(prediction) - Y) if needs[0] else None  # course: dZ = A - Y
            d_y = -g * prediction if needs[1] else None
        else:
            A = prediction  # dJ/dA = -(Y/A - (1 - Y)/(1 - A)) = (A - Y) / (A (1 - A))
            d_pred = g * (A - Y) / np.maximum(A * (1 - A), 1e-12) if needs[0] else None
            d_y = -g * (log_a - log_1ma) if needs[1] else None
        return d_pred, d_y
