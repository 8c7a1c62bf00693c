"""The course's cost, fused: J = -(1/m) Σ (Y log A + (1 - Y) log(1 - A)), from probabilities or logits."""

from __future__ import annotations

import numpy as np

from . import arrays
from .record import structural


def _binary_cross_entropy(prediction, Y, logits, reduction):
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


def _binary_cross_entropy_vjp(g, saved, needs):
    prediction, Y, logits, elementwise, scale, log_a, log_1ma = saved
    g = g if elementwise else g * scale
    if logits:
        d_pred = g * (arrays.sigmoid(prediction) - Y) if needs[0] else None  # course: dZ = A - Y
        d_y = -g * prediction if needs[1] else None
    else:
        A = prediction  # dJ/dA = -(Y/A - (1 - Y)/(1 - A)) = (A - Y) / (A (1 - A))
        d_pred = g * (A - Y) / np.maximum(A * (1 - A), 1e-12) if needs[0] else None
        d_y = -g * (log_a - log_1ma) if needs[1] else None
    return d_pred, d_y


structural(
    "binary_cross_entropy",
    _binary_cross_entropy,
    _binary_cross_entropy_vjp,
    arity=2,
    notation="BCE",
    glyph="BCE",
    vjp_text=("d{out} (A - Y) / (A(1 - A)) / m", "-d{out} (log A - log(1 - A)) / m"),
    doc="The course's cost J = -(1/m) Σ (Y log A + (1 - Y) log(1 - A)), fused and stable.",
)
