"""Costs J(A, Y) averaged over the m examples (columns), and the course's L2 penalty."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autograd_lite.errors import CompileError
from autograd_lite.graph import _tracing
from autograd_lite.tensor import Tensor, _as_node, log_softmax
from autograd_lite.tensor import binary_cross_entropy as _fused_bce

from .module import Module


def binary_cross_entropy(A, Y, from_logits: bool = False) -> Tensor:
    """J = -(1/m) sum(Y log A + (1 - Y) log(1 - A)); with ``from_logits`` A is Z (stable)."""
    return _fused_bce(A, Y, logits=from_logits, reduction="mean")


def mean_squared_error(A, Y) -> Tensor:
    """J = (1/m) sum over examples of ||a - y||^2 (summed over output units)."""
    A, Y = _as_node(A), _as_node(Y)
    if A.shape != Y.shape:  # (1, 4) against (4, 1) would broadcast to a (4, 4) difference
        raise ValueError(f"mean_squared_error: prediction {A.shape} and labels {Y.shape} must have one shape")
    m = A.shape[-1] if A.ndim else 1
    difference = A - Y
    return (difference * difference).sum() / m


def softmax_cross_entropy(Z, Y) -> Tensor:
    """J = -(1/m) sum over examples of sum_k y_k log softmax(z)_k; Z is (C, m) logits.

    Y is one-hot of shape (C, m), or integer class labels of shape (m,) or (1, m).
    """
    Z = _as_node(Z)
    if isinstance(Y, Tensor) and Y.shape == Z.shape:  # one-hot: used as the Tensor it is
        return -(log_softmax(Z, axis=0) * Y).sum() / Z.shape[-1]
    labels = np.asarray(Y.data if isinstance(Y, Tensor) else Y)
    if labels.shape != Z.shape:
        if isinstance(Y, Tensor) and _tracing.tape is not None:
            raise CompileError(
                "compile: softmax_cross_entropy makes one-hot labels from class numbers with NumPy, which "
                f"a trace cannot follow; pass one-hot labels of shape {Z.shape}"
            )
        values = labels.reshape(-1)
        classes = values.astype(np.intp)
        if classes.shape[0] != Z.shape[-1]:
            raise ValueError(f"softmax_cross_entropy: {classes.shape[0]} labels for {Z.shape[-1]} examples")
        wrong = (classes != values) | (classes < 0) | (classes >= Z.shape[0])
        if wrong.any():
            first = int(np.argmax(wrong))
            raise ValueError(
                f"softmax_cross_entropy: labels must be class numbers 0..{Z.shape[0] - 1}; "
                f"{int(wrong.sum())} are not (the first, at {first}, is {values[first]!r})"
            )
        labels = np.zeros(Z.shape)
        labels[classes, np.arange(classes.shape[0])] = 1.0
    m = Z.shape[-1]
    return -(log_softmax(Z, axis=0) * labels).sum() / m


LOSSES: dict[str, Callable[..., Tensor]] = {
    "binary_cross_entropy": binary_cross_entropy,
    "bce": binary_cross_entropy,
    "mse": mean_squared_error,
    "mean_squared_error": mean_squared_error,
    "softmax_cross_entropy": softmax_cross_entropy,
}


def get(loss: str | Callable[..., Tensor]) -> Callable[..., Tensor]:
    """The loss called ``loss`` (or ``loss`` itself, a function)."""
    if callable(loss):
        return loss
    try:
        return LOSSES[loss]
    except KeyError:
        raise ValueError(
            f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)} or pass a function"
        ) from None


def l2_penalty(model: Module, lambd: float, m: int) -> Tensor:
    """The course's L2 regularization term (lambd / 2m) * sum over layers of ||W[l]||_F^2 (no biases)."""
    weights = [p for name, p in model.named_parameters() if p.ndim == 2 and name.lower().startswith("w")]
    total = sum(((W * W).sum() for W in weights), start=Tensor(0.0))
    return total * (lambd / (2 * m))
