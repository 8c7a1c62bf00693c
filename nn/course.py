"""The course's three programming assignments, run on the graph with the course's settings.

Each function prints the course's cost lines and accuracies and returns the trained model with its
cost history. The examples in ``examples/`` and ``autograd-lite train`` call these.

- ``planar``: the flower data, one hidden layer of 4 tanh units (seed 2, randn * 0.01,
  learning rate 1.2, 10,000 iterations, cost every 1000; iteration 0: 0.693048);
- ``logistic_regression``: cat vs non-cat, zero init, learning rate 0.005, 2000 iterations,
  cost every 100 (iteration 0: 0.693147);
- ``deep_network``: cat vs non-cat with [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID, seed 1,
  learning rate 0.0075, 2500 iterations; 12288-7-1 from randn * 0.01 (iteration 0: 0.693050),
  deeper ones from randn / sqrt(n[l-1]) (12288-20-7-5-1: 0.771749).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from . import datasets
from .layers import DeepNetwork, LogisticRegression
from .module import Module
from .train import accuracy, fit


@dataclass
class Result:
    """A course run's outcome: the trained model, its costs, settings, accuracies and saved plots."""

    model: Module
    costs: list[float]
    learning_rate: float
    train_accuracy: float
    test_accuracy: float | None = None
    plots: tuple[Path, ...] = ()


def planar(
    hidden: int = 4,
    iterations: int = 10_000,
    plot: str | Path | None = None,
    progress: bool | None = None,
    out=None,
) -> Result:
    """One hidden layer on the flower data (first a logistic regression, which cannot separate it)."""
    out = out or sys.stdout
    X, Y = datasets.planar_flower(seed=1)
    print(f"Planar data: X {X.shape}, Y {Y.shape}", file=out)
    logistic = LogisticRegression(n_x=2)
    fit(logistic, X, Y, learning_rate=1.2, num_iterations=min(iterations, 2000), progress=False)
    print(f"Logistic regression: train accuracy: {accuracy(logistic, X, Y):.2f} %", file=out)
    print(f"One hidden layer of {hidden} tanh units:", file=out)
    model = DeepNetwork([2, hidden, 1], hidden_activation="tanh", init="small", seed=2)
    costs = fit(
        model,
        X,
        Y,
        learning_rate=1.2,
        num_iterations=iterations,
        print_cost=True,
        print_every=1000,
        progress=progress,
        out=out,
    )
    result = Result(model, costs, 1.2, accuracy(model, X, Y))
    _print_final_cost(costs, out)
    print(f"train accuracy: {result.train_accuracy:.2f} %", file=out)
    if plot is not None:
        from .plots import plot_costs, plot_decision_boundary

        folder = Path(plot)
        folder.mkdir(parents=True, exist_ok=True)
        result.plots = (
            plot_costs(costs, folder / "planar_costs.png", f"hidden layer of size {hidden}", 1.2),
            plot_decision_boundary(
                model, X, Y, folder / "planar_boundary.png", f"hidden layer of size {hidden}"
            ),
            plot_decision_boundary(
                logistic, X, Y, folder / "planar_logistic_boundary.png", "logistic regression"
            ),
        )
    return result


def logistic_regression(
    data_dir: str | Path | None = None,
    iterations: int = 2000,
    learning_rate: float = 0.005,
    plot: str | Path | None = None,
    out=None,
) -> Result:
    """Cat vs non-cat with logistic regression from zero weights."""
    out = out or sys.stdout
    data = datasets.load_catvnoncat(data_dir)
    model = LogisticRegression(n_x=data.X_train.shape[0])
    return _train_on_cats(model, data, learning_rate, iterations, plot, "logistic_regression", out)


def deep_network(
    data_dir: str | Path | None = None,
    layer_dims: tuple[int, ...] = (12288, 20, 7, 5, 1),
    init: str | None = None,
    iterations: int = 2500,
    learning_rate: float = 0.0075,
    plot: str | Path | None = None,
    out=None,
) -> Result:
    """Cat vs non-cat with an L-layer network (the course's 2-layer and 4-layer models)."""
    out = out or sys.stdout
    data = datasets.load_catvnoncat(data_dir)
    init = init or ("small" if len(layer_dims) == 3 else "deep")
    model = DeepNetwork(layer_dims, hidden_activation="relu", output_activation="sigmoid", init=init, seed=1)
    print(model, file=out)
    name = "deep_network_" + "_".join(map(str, layer_dims))
    return _train_on_cats(model, data, learning_rate, iterations, plot, name, out)


def _print_final_cost(costs: list[float], out) -> None:
    """The last iteration's cost (the course prints only every 100th or 1000th): what pages report."""
    print(f"final cost (iteration {len(costs) - 1}): {costs[-1]:f}", file=out)


def _train_on_cats(model, data, learning_rate, iterations, plot, name, out) -> Result:
    """Gradient descent on the training set, cost every 100 iterations, then both accuracies."""
    costs = fit(
        model,
        data.X_train,
        data.Y_train,
        learning_rate=learning_rate,
        num_iterations=iterations,
        print_cost=True,
        print_every=100,
        out=out,
    )
    result = Result(
        model,
        costs,
        learning_rate,
        accuracy(model, data.X_train, data.Y_train),
        accuracy(model, data.X_test, data.Y_test),
    )
    _print_final_cost(costs, out)
    print(f"train accuracy: {result.train_accuracy:.2f} %", file=out)
    print(f"test accuracy: {result.test_accuracy:.2f} %", file=out)
    if plot is not None:
        from .plots import plot_costs

        folder = Path(plot)
        folder.mkdir(parents=True, exist_ok=True)
        result.plots = (
            plot_costs(costs, folder / f"{name}_costs.png", name.replace("_", " "), learning_rate),
        )
    return result
