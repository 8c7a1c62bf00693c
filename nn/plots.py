"""Pictures of training: the cost curve and, for 2-D data, the decision boundary (matplotlib).

matplotlib is an optional extra: ``pip install 'autograd-lite[plot]'``.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np

from autograd_lite.files import write_bytes_atomically

from .module import Module
from .train import predict


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only, no window
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("plots need matplotlib: pip install 'autograd-lite[plot]'") from None
    return plt


def plot_costs(
    costs: list[float], path: str | Path, title: str = "", learning_rate: float | None = None
) -> Path:
    """The course's cost curve: cost against iterations."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.plot(np.arange(len(costs)), costs)
    axes.set_xlabel("iterations")
    axes.set_ylabel("cost")
    rate = f" (learning rate = {learning_rate:g})" if learning_rate is not None else ""
    axes.set_title(f"{title}{rate}")
    return _save(plt, figure, path, "plot_costs")


def plot_decision_boundary(
    model: Module, X: np.ndarray, Y: np.ndarray, path: str | Path, title: str = ""
) -> Path:
    """Colour the plane by the model's prediction and scatter the 2-D examples on top."""
    plt = _pyplot()
    if X.shape[0] != 2:
        raise ValueError(f"plot_decision_boundary: needs 2-D inputs, X has {X.shape[0]} features")
    x_min, x_max = X[0].min() - 1, X[0].max() + 1
    y_min, y_max = X[1].min() - 1, X[1].max() + 1
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, 300), np.linspace(y_min, y_max, 300))
    grid = np.c_[xx.ravel(), yy.ravel()].T
    Z = predict(model, grid).reshape(xx.shape)
    figure, axes = plt.subplots(figsize=(5, 5))
    axes.contourf(xx, yy, Z, cmap=plt.cm.Spectral, alpha=0.8)
    axes.scatter(X[0], X[1], c=np.ravel(Y), cmap=plt.cm.Spectral, s=12, edgecolors="k", linewidths=0.3)
    axes.set_title(title)
    return _save(plt, figure, path, "plot_decision_boundary")


def _save(plt, figure, path: str | Path, function: str) -> Path:
    """Render ``figure`` in memory, in the format its file suffix names, then write it atomically.

    As ``savefig`` does, a path without a suffix gets matplotlib's default format and its suffix.
    The figure is closed whatever happens; returns the path written.
    """
    try:
        figure.tight_layout()
        name = os.fspath(path)
        format = os.path.splitext(name)[1][1:]
        if not format:
            format = plt.rcParams["savefig.format"]
            name = f"{name.rstrip('.')}.{format}"
        content = io.BytesIO()
        figure.savefig(content, format=format)
    finally:
        plt.close(figure)
    path = Path(name)
    return write_bytes_atomically(path, content.getvalue(), f"{function} {path}")
