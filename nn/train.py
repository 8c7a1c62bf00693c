"""Training and evaluation: ``fit`` runs gradient descent on the graph; ``predict`` and ``accuracy``."""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np

from autograd_lite.compiled import compile as compile_step
from autograd_lite.graph import no_grad
from autograd_lite.tensor import Tensor

from . import losses, optim
from .module import Module
from .optim import GradientDescent, Optimizer


def progress_bar():
    """tqdm's bar class: the notebook widget where ipywidgets can draw it (``tqdm.auto``), else the text
    bar, so a notebook without ipywidgets gets a text bar and no "IProgress not found" warning."""
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        from tqdm.std import tqdm
    else:
        from tqdm.auto import tqdm
    return tqdm


def fit(
    model: Module,
    X,
    Y,
    *,
    learning_rate: float = 0.0075,
    num_iterations: int = 2500,
    loss: str | Callable[..., Tensor] = "binary_cross_entropy",
    optimizer: Optimizer | str | None = None,
    batch_size: int | None = None,
    seed: int = 0,
    l2: float = 0.0,
    print_cost: bool = False,
    print_every: int = 100,
    progress: bool | None = None,
    compile: bool = False,
    out=None,
) -> list[float]:
    """Train ``model`` on X (n_x, m) and Y (n_y, m); returns the cost of every iteration (or epoch).

    Full batch by default (one iteration = forward, cost, backward, update). With ``batch_size``
    an iteration is an epoch over minibatches shuffled as the course does (the permutation of
    epoch k comes from seed + k + 1). ``print_cost`` prints the course's lines
    ``Cost after iteration N: 0.693147`` every ``print_every``. ``progress`` shows a tqdm bar
    (default: on a terminal, for runs of 1000 iterations or more). ``compile=True`` traces the training
    step once and replays it (``autograd_lite.compile``): the same costs and weights, bit for bit, faster.
    """
    out = sys.stdout if out is None else out
    _check_settings(learning_rate, num_iterations, batch_size)
    X = X if isinstance(X, Tensor) else Tensor(X)
    Y = Y if isinstance(Y, Tensor) else Tensor(Y)
    m = X.shape[-1]
    if Y.shape[-1] != m:
        rows = X.ndim == 2 and X.shape[0] == Y.shape[-1]
        hint = "; examples are columns here (the course's X is (n_x, m)): pass X.T" if rows else ""
        raise ValueError(
            f"fit: X has {m} examples (columns) but Y has {Y.shape[-1]}; both must be (n, m){hint}"
        )
    if loss in ("binary_cross_entropy", "bce") and not np.isin(Y.data, (0.0, 1.0)).all():
        raise ValueError("fit: binary cross-entropy needs labels 0 or 1; Y has other values")
    cost_of = losses.get(loss)
    if isinstance(optimizer, str):  # a built-in one by name, as losses are: "adam"
        optimizer = optim.get(optimizer, model.parameters(), learning_rate)
    optimizer = optimizer if optimizer is not None else GradientDescent(model.parameters(), learning_rate)
    if progress is None:
        progress = num_iterations >= 1000 and sys.stderr.isatty()
    unit = "epoch" if batch_size else "iteration"
    model.train()

    def one_step(X_batch: Tensor, Y_batch: Tensor) -> tuple[float, Tensor]:
        """Forward, cost, backward and update on one batch; returns the cost and the predictions."""
        A = model(X_batch)
        cost = cost_of(A, Y_batch)
        if l2:
            cost = cost + losses.l2_penalty(model, l2, X_batch.shape[-1])
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
        return cost.item(), A

    step = compile_step(one_step) if compile else one_step
    clamps = cost_of is losses.binary_cross_entropy  # its log 0 is clamped at -100: look at A

    def batch_cost(X_batch: Tensor, Y_batch: Tensor) -> float:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # divergence is reported below
            cost, A = step(X_batch, Y_batch)
        if clamps:
            _check_saturation(A.data, Y_batch.data, unit, len(costs))
        return cost

    costs: list[float] = []
    bar = progress_bar()(range(num_iterations), disable=not progress, unit=unit, leave=False)
    for i in bar:
        if batch_size:
            batches = minibatches(X.data, Y.data, batch_size, seed + i + 1)
            batches = [(Tensor(xb, copy=False), Tensor(yb, copy=False)) for xb, yb in batches]  # fresh arrays
            cost = sum(batch_cost(xb, yb) * xb.shape[-1] for xb, yb in batches) / m
        else:
            cost = batch_cost(X, Y)
        costs.append(cost)
        if not np.isfinite(cost):
            bar.close()
            raise FloatingPointError(
                f"fit: the cost became {cost} at {unit} {i}: training diverged; "
                "try a smaller learning rate"
            )
        if print_cost and i % print_every == 0:
            line = f"Cost after {unit} {i}: {cost:f}"
            if progress:
                bar.write(line, file=out)
            else:
                print(line, file=out)
    bar.close()
    return costs


def _check_settings(learning_rate, num_iterations, batch_size) -> None:
    """Refuse settings that cannot train, before any work is done."""
    if not np.isfinite(learning_rate) or learning_rate < 0:
        raise ValueError(f"fit: learning_rate must be a finite number >= 0, not {learning_rate!r}")
    if int(num_iterations) != num_iterations or num_iterations < 0:
        raise ValueError(f"fit: num_iterations must be a whole number >= 0, not {num_iterations!r}")
    if batch_size is not None and (int(batch_size) != batch_size or batch_size <= 0):
        raise ValueError(f"fit: batch_size must be a whole number > 0 (None: full batch), not {batch_size!r}")


def _check_saturation(A: np.ndarray, Y: np.ndarray, unit: str, i: int) -> None:
    """Stop when a prediction is exactly 0 or 1 against its label: binary cross-entropy clamps log 0 at
    -100 there (as PyTorch does), so a diverged run would otherwise show a finite cost that stops moving."""
    wrong = np.count_nonzero(((A == 0.0) & (Y == 1.0)) | ((A == 1.0) & (Y == 0.0)))
    if wrong:
        raise FloatingPointError(
            f"fit: at {unit} {i}, {wrong} of {A.size} predictions are exactly 0 or 1 against their labels, "
            "where the cost is infinite (clamped at log 0 = -100): training diverged; "
            "try a smaller learning rate"
        )


def minibatches(X: np.ndarray, Y: np.ndarray, batch_size: int, seed: int):
    """The course's random_mini_batches: shuffle columns with np.random.seed(seed), then cut.

    The batches are views of one shuffled copy: the caller's X and Y are not shared.
    """
    m = X.shape[-1]
    permutation = np.random.RandomState(seed).permutation(m)
    X, Y = X[..., permutation], Y[..., permutation]
    return [(X[..., k : k + batch_size], Y[..., k : k + batch_size]) for k in range(0, m, batch_size)]


def predict(model: Module, X) -> np.ndarray:
    """Predictions for X's columns: 1.0 where A > 0.5 (one output unit), else the argmax class."""
    with no_grad():
        A = model(X if isinstance(X, Tensor) else Tensor(X)).data
    if A.shape[0] == 1:
        return (A > 0.5).astype(np.float64)
    return np.argmax(A, axis=0)[np.newaxis, :].astype(np.float64)


def accuracy(model: Module, X, Y) -> float:
    """Percentage of examples predicted right (the course's ``100 - mean(|Y_hat - Y|) * 100``)."""
    labels = np.asarray(Y.data if isinstance(Y, Tensor) else Y)
    predictions = predict(model, X)
    if labels.ndim == 1:  # class labels given as a plain vector of length m
        labels = labels[np.newaxis, :]
    elif labels.shape != predictions.shape and labels.shape[0] > 1:  # one-hot labels (C, m)
        labels = np.argmax(labels, axis=0)[np.newaxis, :]
    if labels.shape != predictions.shape:
        raise ValueError(
            f"accuracy: labels of shape {labels.shape} do not fit predictions {predictions.shape}"
        )
    return float(np.mean(predictions == labels) * 100)
