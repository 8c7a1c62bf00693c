"""Benchmark: one training step of micrograd's demo MLP, micrograd vs autograd-lite Scalars.

What is measured: one full training step of the micrograd demo (demo.ipynb): forward pass of an
MLP 2-16-16-1 (ReLU hidden layers, linear output, weights uniform(-1, 1), biases 0) on 100
make_moons-like points with labels -1/+1, the SVM max-margin loss
mean(relu(1 - y_i * score_i)) + 1e-4 * sum(p * p), zero_grad, backward, and an SGD update with
learning rate 1.0 - 0.9 * k / 100 at step k.

Contenders, all in this process, on the same data and the same initial weights:
  micrograd                  micrograd.nn.MLP and micrograd.engine.Value, code as in its demo notebook
  autograd-lite, op for op   the same code shape: neurons as sum(wi * xi ...) starting from b, binary ops
  autograd-lite, idiomatic   Scalar.dot(w, x, b) per neuron, Scalar.sum over the losses, Scalar.dot for L2;
                             inputs are constant Scalars made once (micrograd wraps them as Values every step)
The first step is a warm-up; it also asserts that all contenders agree on the loss and every gradient.

Timing: median wall time (time.perf_counter) of N steps, in two modes:
  GC off  gc.disable(); gc.collect() before every step, untimed: the cost of the computation itself.
  GC on   gc.enable(); gc.collect() once before the N steps, then the collector runs as it would in a
          training loop (for micrograd that includes reclaiming each step's graph, which holds cycles).

Run from the repository root:

    python bench/scalar.py [--steps N] [--markdown]

(with PYTHONPATH=. unless autograd-lite is installed; ``pip install -e .[bench]`` installs micrograd).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one BLAS/OpenMP thread, set before numpy is imported
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import gc
import math
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from autograd_lite import Scalar, zero_grad

try:
    from micrograd.engine import Value
    from micrograd.nn import MLP
except ImportError:
    Value = MLP = None

SIZES = (2, 16, 16, 1)
ALPHA = 1e-4  # L2 regularization strength
SEED = 1337
TARGETS = "targets: <= 0.25x micrograd with GC off, <= 0.06x with GC on"

Data = tuple[list[list[float]], list[float]]
Neuron = tuple[list[Any], Any]  # (weights, bias)


@dataclass
class Contender:
    name: str
    loss: Callable[[], Any]  # builds the graph of the total loss for the whole data set
    parameters: Callable[[], list[Any]]
    zero_grad: Callable[[], None]


# --- data and initial weights (numpy, fixed seed) ---------------------------------------------


def make_moons(n: int, noise: float, rng: np.random.Generator) -> Data:
    """Two interleaving half circles, like sklearn.datasets.make_moons; labels -1 and +1."""
    n_out = n // 2
    t_out, t_in = np.linspace(0.0, np.pi, n_out), np.linspace(0.0, np.pi, n - n_out)
    X = np.concatenate([np.c_[np.cos(t_out), np.sin(t_out)], np.c_[1 - np.cos(t_in), 0.5 - np.sin(t_in)]])
    X += rng.normal(scale=noise, size=X.shape)
    y = np.concatenate([-np.ones(n_out), np.ones(n - n_out)])
    order = rng.permutation(n)
    return X[order].tolist(), y[order].tolist()


def initial_values(rng: np.random.Generator) -> list[float]:
    """Parameter values in micrograd's order: layer by layer, neuron by neuron, weights then bias."""
    values: list[float] = []
    for nin, nout in pairwise(SIZES):
        for _ in range(nout):
            values += rng.uniform(-1.0, 1.0, nin).tolist() + [0.0]
    return values


# --- the contenders ------------------------------------------------------------------------------


def micrograd_contender(values: list[float], data: Data) -> Contender:
    X, y = data
    model = MLP(SIZES[0], list(SIZES[1:]))
    for p, v in zip(model.parameters(), values, strict=True):
        p.data = v

    def loss() -> Any:  # the demo notebook's loss(), without the accuracy
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        return data_loss + reg_loss

    return Contender("micrograd", loss, model.parameters, model.zero_grad)


def scalar_model(values: list[float]) -> tuple[list[list[Neuron]], list[Scalar]]:
    """Layers of (weights, bias) neurons holding ``values``, and the flat parameter list."""
    it = iter(values)
    layers = [
        [([Scalar(next(it)) for _ in range(nin)], Scalar(next(it))) for _ in range(nout)]
        for nin, nout in pairwise(SIZES)
    ]
    return layers, [p for layer in layers for w, b in layer for p in (*w, b)]


def mlp(layers: list[list[Neuron]], x: Sequence[Any], neuron: Callable[..., Any]) -> Any:
    """ReLU hidden layers, one linear output neuron."""
    *hidden, (output,) = layers
    for layer in hidden:
        x = [neuron(w, x, b).relu() for w, b in layer]
    w, b = output
    return neuron(w, x, b)


def op_for_op_contender(values: list[float], data: Data) -> Contender:
    X, y = data
    layers, params = scalar_model(values)

    def neuron(w: list[Scalar], x: list[Scalar], b: Scalar) -> Scalar:
        return sum((wi * xi for wi, xi in zip(w, x, strict=True)), b)

    def loss() -> Scalar:
        inputs = [[Scalar(xi, requires_grad=False) for xi in xrow] for xrow in X]
        scores = [mlp(layers, x, neuron) for x in inputs]
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in params)
        return data_loss + reg_loss

    return Contender("autograd-lite, op for op", loss, lambda: params, lambda: zero_grad(params))


def idiomatic_contender(values: list[float], data: Data) -> Contender:
    X, y = data
    layers, params = scalar_model(values)

    inputs = [[Scalar(v, requires_grad=False) for v in x] for x in X]  # constants, made once

    def loss() -> Scalar:
        scores = [mlp(layers, x, Scalar.dot) for x in inputs]
        losses = [(1 - yi * score).relu() for yi, score in zip(y, scores, strict=True)]
        return Scalar.sum(losses) * (1.0 / len(losses)) + ALPHA * Scalar.dot(params, params)

    return Contender("autograd-lite, idiomatic", loss, lambda: params, lambda: zero_grad(params))


# --- one training step, timing, agreement check ---------------------------------------------------


def step(c: Contender, k: int) -> Any:
    """Forward + loss, zero_grad, backward, SGD update; returns the loss node."""
    total = c.loss()
    c.zero_grad()
    total.backward()
    learning_rate = 1.0 - 0.9 * (k % 100) / 100
    for p in c.parameters():
        p.data -= learning_rate * p.grad
    return total


def median_ms(c: Contender, steps: int, first_k: int, gc_on: bool) -> float:
    times: list[float] = []
    gc.collect()
    if gc_on:
        gc.enable()
    else:
        gc.disable()
    try:
        for k in range(first_k, first_k + steps):
            if not gc_on:
                gc.collect()  # explicit collections still run while automatic ones are off
            start = time.perf_counter()
            step(c, k)
            times.append(time.perf_counter() - start)
    finally:
        gc.enable()
    return 1000.0 * statistics.median(times)


def warm_up_and_check(contenders: list[Contender]) -> None:
    """Step 0 for each contender; all must agree on the loss and on every parameter gradient."""
    results = []
    for c in contenders:
        total = step(c, 0)  # the update changes .data of the parameters, not .grad
        results.append((c.name, total.data, [float(p.grad) for p in c.parameters()]))
    ref_name, ref_loss, ref_grads = results[0]
    for name, loss, grads in results[1:]:
        assert math.isclose(loss, ref_loss, rel_tol=1e-9), f"{name}: loss {loss!r} != {ref_name} {ref_loss!r}"
        assert len(grads) == len(ref_grads), f"{name}: {len(grads)} parameters, {ref_name} {len(ref_grads)}"
        for i, (g, ref) in enumerate(zip(grads, ref_grads, strict=True)):
            assert math.isclose(g, ref, rel_tol=1e-9, abs_tol=1e-12), f"{name}: grad[{i}] {g!r} != {ref!r}"


# --- output ----------------------------------------------------------------------------------------


def format_table(rows: list[tuple[str, float, float]], markdown: bool) -> str:
    base = rows[0] if rows[0][0] == "micrograd" else None
    header = ["contender", "GC off (ms)", "GC on (ms)", "x micrograd (GC off)", "x micrograd (GC on)"]
    cells = [
        [name, f"{off:.2f}", f"{on:.2f}"]
        + ([f"{off / base[1]:.3f}x", f"{on / base[2]:.3f}x"] if base else ["-", "-"])
        for name, off, on in rows
    ]
    if markdown:
        lines = [header, ["---"] + ["---:"] * 4, *cells]
        return "\n".join("| " + " | ".join(line) + " |" for line in lines)
    lines = [header, *cells]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    justify = [str.ljust] + [str.rjust] * (len(header) - 1)
    return "\n".join(
        "  ".join(j(cell, w) for j, cell, w in zip(justify, line, widths, strict=True)) for line in lines
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=9, help="timed steps per GC mode (default 9)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args()
    if args.steps < 1:
        parser.error("--steps must be at least 1")

    rng = np.random.default_rng(SEED)
    data = make_moons(100, noise=0.1, rng=rng)
    values = initial_values(rng)
    makers = [op_for_op_contender, idiomatic_contender]
    if MLP is None:
        print("micrograd is not installed, so autograd-lite is timed alone.")
        print("`pip install -e .[bench]` installs the peers (micrograd) for the comparison.\n")
    else:
        makers.insert(0, micrograd_contender)
    contenders = [make(values, data) for make in makers]

    warm_up_and_check(contenders)
    n = args.steps
    rows = [(c.name, median_ms(c, n, 1, gc_on=False), median_ms(c, n, 1 + n, gc_on=True)) for c in contenders]
    print(
        f"One training step (forward, loss, zero_grad, backward, SGD) of an MLP 2-16-16-1 on 100 samples; "
        f"median of {args.steps} steps; Python {platform.python_version()}"
    )
    if args.markdown:
        print()
    print(format_table(rows, args.markdown))
    print(("\n" if args.markdown else "") + TARGETS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
