"""Anomaly mode: ``with detect_anomaly():`` stops at the first op whose output or gradient has nan or inf."""

from __future__ import annotations

import threading

import numpy as np

from .graph import Switch
from .messages import name_of, operand_list, shape_of


class _AnomalyMode(threading.local):
    enabled = False


_anomaly = _AnomalyMode()


class detect_anomaly(Switch):
    """Within this context, the first op whose output or gradient has nan or inf raises, naming the op."""

    __slots__ = ()
    state, value = _anomaly, True


def check_finite(node, fn, operands) -> None:
    """Raise FloatingPointError if the op's output has nan or inf."""
    if not np.all(np.isfinite(node.data)):
        bad = "nan" if np.isnan(node.data).any() else "inf"
        raise FloatingPointError(f"detect_anomaly: {fn.name}({operand_list(operands)}) produced {bad}")


def check_gradients(fn, parents, grads) -> None:
    """Raise FloatingPointError if a gradient the op's backward gave has nan or inf."""
    for parent, grad in zip(parents, grads):
        if grad is not None and not np.all(np.isfinite(grad)):
            raise FloatingPointError(
                f"detect_anomaly: the backward of {fn.name} produced nan or inf "
                f"for {name_of(parent)} {shape_of(parent)}"
            )
