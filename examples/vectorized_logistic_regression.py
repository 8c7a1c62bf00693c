"""Vectorized logistic regression from the Tensor primitives, in the course's notation.

Run:  python examples/vectorized_logistic_regression.py

1. The course's propagate() check: w = [[1], [2]], b = 2, X = [[1, 2, -1], [3, 4, -3.2]],
   Y = [[1, 0, 1]] gives cost 5.801545, dw = [[0.998456], [2.395072]], db = 0.001456.
2. Gradient descent on the planar flower data with the same few lines: A = sigma(w^T X + b),
   J = -(1/m) sum(Y log A + (1 - Y) log(1 - A)), then w := w - alpha dw, b := b - alpha db.
"""

import numpy as np

from autograd_lite import Tensor, nn


def cost_of(w: Tensor, b: Tensor, X: Tensor, Y: Tensor) -> Tensor:
    A = (w.T @ X + b).sigmoid()  # A = sigma(w^T X + b), one column per example
    return -(Y * A.log() + (1 - Y) * (1 - A).log()).mean()  # J = -(1/m) sum(...)


def propagate_check() -> None:
    w = Tensor([[1.0], [2.0]], requires_grad=True, label="w")
    b = Tensor(2.0, requires_grad=True, label="b")
    X, Y = Tensor([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]]), Tensor([[1.0, 0.0, 1.0]])
    J = cost_of(w, b, X, Y)
    J.backward()  # dw = X (A - Y)^T / m, db = mean(A - Y), found by the graph
    print(f"cost = {J.item():.6f}, dw = {w.grad.ravel().round(6)}, db = {float(b.grad):.6f}")


def gradient_descent(iterations: int = 2000, learning_rate: float = 1.2) -> None:
    X, Y = (Tensor(a) for a in nn.datasets.planar_flower())
    w = Tensor(np.zeros((2, 1)), requires_grad=True, label="w")
    b = Tensor(0.0, requires_grad=True, label="b")
    for i in range(iterations):
        J = cost_of(w, b, X, Y)
        w.zero_grad()
        b.zero_grad()
        J.backward()
        w.data -= learning_rate * w.grad  # the course's update, after backward
        b.data -= learning_rate * b.grad
        if i % 500 == 0:
            print(f"Cost after iteration {i}: {J.item():f}")
    A = (w.T @ X + b).sigmoid().data
    print(f"train accuracy: {np.mean((A > 0.5) == Y.data) * 100:.2f} %")


if __name__ == "__main__":
    propagate_check()
    gradient_descent()
