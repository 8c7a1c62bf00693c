"""``model.summary(X)``: a model's layers, parameter shapes, output shapes and parameter counts, in the
course's notation (``W[l]`` is ``(n[l], n[l-1])``, ``b[l]`` is ``(n[l], 1)``, ``Z[l]`` and ``A[l]`` are
``(n[l], m)``)."""

from __future__ import annotations

import numpy as np

from .layers import Dense, LogisticRegression, Sequential
from .module import Module

__all__ = ["Summary", "summary"]


class Summary(str):
    """The table as text: ``print(model.summary(X))``; a REPL or notebook shows it as it is."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


def summary(model: Module, X=None) -> Summary:
    """The table described in ``Module.summary``."""
    m = _examples(model, X)
    rows = [("layer", "parameters", "output", "count")]
    if isinstance(model, LogisticRegression):
        parameters = f"w {model.w.shape}, b ()"
        rows.append(("logistic regression (sigmoid)", parameters, f"A {_shape(1, m)}", _count(model)))
    elif isinstance(model, Sequential):
        for number, layer in enumerate(model.layers, start=1):
            rows.append(_layer_row(layer, number, m))
    elif isinstance(model, Dense):
        rows.append(_layer_row(model, model.index or 1, m))
    else:
        for name, parameter in model.named_parameters():
            rows.append((name, f"{name} {parameter.shape}", "", f"{parameter.data.size:,}"))
    total = sum(parameter.data.size for parameter in model.parameters())
    rows.append(("total", "", "", f"{total:,}"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row[:3], widths)), row[3].rjust(widths[3])])
        for row in rows
    ]
    rule = "-" * len(lines[0])
    return Summary("\n".join([f"{type(model).__name__}", lines[0], rule, *lines[1:-1], rule, lines[-1]]))


def _layer_row(layer: Module, number: int, m) -> tuple[str, str, str, str]:
    if not isinstance(layer, Dense):
        return (f"{number}: {type(layer).__name__}", "", "", _count(layer))
    W, b = layer.W, layer.b
    output = f"Z{number}, A{number} {_shape(layer.n_out, m)}"
    parameters = f"{W.label} {W.shape}, {b.label} {b.shape}"
    return (f"{number}: Dense ({layer.activation})", parameters, output, _count(layer))


def _count(module: Module) -> str:
    return f"{sum(parameter.data.size for parameter in module.parameters()):,}"


def _shape(rows: int, m) -> str:
    return f"({rows}, {m})"


def _examples(model: Module, X):
    """``m``, the number of examples (columns) of X; ``m`` itself without X. X must have n_x rows."""
    if X is None:
        return "m"
    shape = np.shape(getattr(X, "data", X))
    n_x = _inputs(model)
    if len(shape) != 2 or (n_x is not None and shape[0] != n_x):
        rows = len(shape) == 2 and shape[1] == n_x
        hint = "; examples are columns (the course's X is (n_x, m)): pass X.T" if rows else ""
        takes = f"({n_x}, m)" if n_x is not None else "(n_x, m)"
        raise ValueError(f"summary: X has shape {shape}, but the model takes {takes}{hint}")
    return shape[1]


def _inputs(model: Module):
    """n_x, the number of input rows the model takes (None if it cannot tell)."""
    if isinstance(model, LogisticRegression):
        return model.n_x
    if isinstance(model, Dense):
        return model.n_in
    if isinstance(model, Sequential) and model.layers:
        return _inputs(model.layers[0])
    return None
