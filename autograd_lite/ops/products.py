"""Products: the matrix product ``Z = W @ A_prev`` (Tensors) and the neuron ``z = w·x + b`` (Scalars)."""

from __future__ import annotations

import operator

import numpy as np

from .record import structural


def _matmul(a, b):
    return a @ b, (a, b)


def _matmul_vjp(g, saved, needs):
    # course: dW = dZ A_prevᵀ, dA_prev = Wᵀ dZ; 1-D operands get a temporary axis
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


def _explain_matmul(described: list[tuple[str, tuple]]) -> str:
    """``matmul: W2 (1, 4) @ A1 (3, 400): inner dimensions 4 and 3 differ``."""
    (name_a, sa), (name_b, sb) = described
    head = f"matmul: {name_a} {sa} @ {name_b} {sb}"
    if not sa or not sb:
        return f"{head}: matmul needs at least 1-D operands, not a 0-d value"
    inner_a, inner_b = sa[-1], sb[0] if len(sb) == 1 else sb[-2]
    if inner_a != inner_b:
        return f"{head}: inner dimensions {inner_a} and {inner_b} differ"
    return f"{head}: batch dimensions {sa[:-2]} and {sb[:-2]} cannot broadcast"


MATMUL = structural(
    "matmul",
    _matmul,
    _matmul_vjp,
    symbol="@",
    notation="{0} @ {1}",
    method="__matmul__",
    arity=2,
    vjp_text=("d{out} · {1}ᵀ", "{0}ᵀ · d{out}"),
    explain=_explain_matmul,
    doc="Matrix product (1-D, 2-D and batched), the course's Z = W A_prev.",
)


def _scalar_dot(weights: tuple, inputs: tuple, bias: float | None = None):
    """z = w1 x1 + ... + wn xn (+ b) over values;  dz/dwi = xi, dz/dxi = wi, dz/db = 1."""
    z = sum(map(operator.mul, weights, inputs), 0.0 if bias is None else bias)
    return z, (inputs + weights if bias is None else inputs + weights + (1.0,))


def _dot_arguments(values: tuple) -> tuple:
    """The rule's arguments from the node's parents' values, w1..wn, x1..xn[, b]."""
    n = len(values) // 2
    return values[:n], values[n : 2 * n], values[2 * n] if len(values) % 2 else None


def _dot_partial(index: int, count: int) -> str:
    """dz/dwi = xi, dz/dxi = wi, dz/db = 1, over the operands w1..wn, x1..xn[, b]."""
    n = count // 2
    return "1" if index == 2 * n else f"{{{(index + n) % (2 * n)}}}"


DOT = structural(
    "dot",
    None,
    None,
    arity=None,
    scalar=_scalar_dot,
    gather=_dot_arguments,
    partials=_dot_partial,
    vjp_text=(),
    doc="The course's neuron pre-activation z = w1 x1 + ... + wn xn + b, as one Scalar node.",
)
