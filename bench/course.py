"""Benchmark: the course's full L-layer replication, autograd-lite vs the course's hand-written NumPy.

What is measured: wall time of training DeepNetwork([12288, 20, 7, 5, 1]) (relu hidden layers, sigmoid
output, seed 1, W = randn / sqrt(n[l-1]), learning rate 0.0075) for 2500 iterations on the cat /
non-cat data, once with the library (graph forward, binary cross-entropy, backward, gradient
descent) and once with a NumPy implementation that follows the course's deep-network assignment
step by step (caches, linear/activation backward for every layer, including the dA0 it never uses).
Both run in this process with BLAS threads pinned to 1, alternating, and must print the same costs.

Run from the repository root:

    python bench/course.py --data DIR [--iterations 2500] [--repeats 1] [--markdown]

DIR holds the course's .h5 files (or set AUTOGRAD_LITE_DATA).
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # before numpy is imported

import argparse
import statistics
import time

import numpy as np

from autograd_lite import nn

LAYER_DIMS = [12288, 20, 7, 5, 1]
LEARNING_RATE = 0.0075


# --- the course's hand-written implementation -------------------------------------------------------


def course_initialize(layer_dims: list[int]) -> dict[str, np.ndarray]:
    np.random.seed(1)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = np.random.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1])
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


def course_forward(X: np.ndarray, parameters: dict) -> tuple[np.ndarray, list]:
    caches, A, L = [], X, len(parameters) // 2
    for l in range(1, L + 1):
        A_prev, W, b = A, parameters[f"W{l}"], parameters[f"b{l}"]
        Z = W.dot(A_prev) + b
        A = 1 / (1 + np.exp(-Z)) if l == L else np.maximum(0, Z)
        caches.append(((A_prev, W, b), Z))
    return A, caches


def course_cost(AL: np.ndarray, Y: np.ndarray) -> float:
    m = Y.shape[1]
    cost = (1.0 / m) * (-np.dot(Y, np.log(AL).T) - np.dot(1 - Y, np.log(1 - AL).T))
    return float(np.squeeze(cost))


def course_backward(AL: np.ndarray, Y: np.ndarray, caches: list) -> dict:
    grads, L, m = {}, len(caches), AL.shape[1]
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in reversed(range(1, L + 1)):
        (A_prev, W, b), Z = caches[l - 1]
        if l == L:
            s = 1 / (1 + np.exp(-Z))
            dZ = dA * s * (1 - s)
        else:
            dZ = np.array(dA, copy=True)
            dZ[Z <= 0] = 0
        grads[f"dW{l}"] = 1.0 / m * np.dot(dZ, A_prev.T)
        grads[f"db{l}"] = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
        dA = np.dot(W.T, dZ)  # dA[l-1], computed for every layer, dA0 included
    return grads


def course_model(X: np.ndarray, Y: np.ndarray, iterations: int) -> list[float]:
    parameters, costs = course_initialize(LAYER_DIMS), []
    L = len(parameters) // 2
    for _ in range(iterations):
        AL, caches = course_forward(X, parameters)
        costs.append(course_cost(AL, Y))
        grads = course_backward(AL, Y, caches)
        for l in range(1, L + 1):
            parameters[f"W{l}"] = parameters[f"W{l}"] - LEARNING_RATE * grads[f"dW{l}"]
            parameters[f"b{l}"] = parameters[f"b{l}"] - LEARNING_RATE * grads[f"db{l}"]
    return costs


# --- the same model on the graph ------------------------------------------------------------------


def library_model(X: np.ndarray, Y: np.ndarray, iterations: int) -> list[float]:
    model = nn.DeepNetwork(LAYER_DIMS, init="deep", seed=1)
    return nn.fit(model, X, Y, learning_rate=LEARNING_RATE, num_iterations=iterations, progress=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="folder with the .h5 files (default: $AUTOGRAD_LITE_DATA)")
    parser.add_argument("--iterations", type=int, default=2500)
    parser.add_argument("--repeats", type=int, default=1, help="runs of each, alternating; median kept")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    try:
        data = nn.datasets.load_catvnoncat(args.data)
    except (FileNotFoundError, ImportError, ValueError) as problem:
        parser.error(str(problem))
    X, Y = data.X_train, data.Y_train

    times: dict[str, list[float]] = {"course NumPy": [], "autograd-lite": []}
    costs: dict[str, list[float]] = {}
    for _ in range(args.repeats):
        for name, run in (("course NumPy", course_model), ("autograd-lite", library_model)):
            start = time.perf_counter()
            costs[name] = run(X, Y, args.iterations)
            times[name].append(time.perf_counter() - start)
    reference, ours = np.array(costs["course NumPy"]), np.array(costs["autograd-lite"])
    if not np.allclose(ours, reference, rtol=1e-6, atol=1e-9):
        raise SystemExit(f"costs differ: course {reference[-1]:.6f}, ours {ours[-1]:.6f}")

    base = statistics.median(times["course NumPy"])
    rows = [(name, statistics.median(t), statistics.median(t) / base) for name, t in times.items()]
    title = (
        f"L-layer {LAYER_DIMS}, {args.iterations} iterations, final cost {ours[-1]:.6f} (both), "
        f"median of {args.repeats}"
    )
    print(title)
    if args.markdown:
        print("\n| implementation | time (s) | x course NumPy |\n| --- | ---: | ---: |")
        for name, seconds, ratio in rows:
            print(f"| {name} | {seconds:.2f} | {ratio:.2f}x |")
    else:
        for name, seconds, ratio in rows:
            print(f"  {name:15} {seconds:8.2f} s   {ratio:.2f}x")
    print("target: <= 1.0x the course's NumPy")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
