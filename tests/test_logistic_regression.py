"""The course's logistic-regression propagate() check built from Tensor primitives and with the fused
binary_cross_entropy, and a long training loop whose memory stays flat (graphs are freed every step)."""

from __future__ import annotations

import gc
import tracemalloc

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import Scalar, Tensor

# the course's propagate() test case and its expected output
X_DATA = [[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]]
Y_DATA = [[1.0, 0.0, 1.0]]
EXPECTED_COST = 5.801545319394553
EXPECTED_DW = [[0.99845601], [2.39507239]]
EXPECTED_DB = 0.00145557813678


def make_parameters(bias_kind: str):
    w = Tensor([[1.0], [2.0]], requires_grad=True, label="w")
    b = Scalar(2.0, label="b") if bias_kind == "Scalar" else Tensor(2.0, requires_grad=True, label="b")
    return w, b


def bias_grad(b) -> float:
    return b.grad if isinstance(b, Scalar) else float(b.grad)


def assert_course_result(cost, w, b) -> None:
    assert cost.item() == pytest.approx(EXPECTED_COST, rel=1e-12)
    assert w.grad.shape == (2, 1)
    np.testing.assert_allclose(w.grad, EXPECTED_DW, rtol=0, atol=1e-8)
    assert bias_grad(b) == pytest.approx(EXPECTED_DB, abs=1e-11)


@pytest.mark.parametrize("bias_kind", ["0-d Tensor", "Scalar"])
def test_propagate_from_primitives(bias_kind):
    w, b = make_parameters(bias_kind)
    X, Y = Tensor(X_DATA, label="X"), Tensor(Y_DATA, label="Y")
    m = X.shape[1]
    A = (w.T @ X + b).sigmoid()
    cost = -(1 / m) * (Y * A.log() + (1 - Y) * (1 - A).log()).sum()
    cost.backward()
    assert_course_result(cost, w, b)
    if bias_kind == "0-d Tensor":
        assert b.grad.shape == ()
    # the course's closed forms: dw = X (A - Y)^T / m, db = mean(A - Y)
    dZ = A.data - np.array(Y_DATA)
    np.testing.assert_allclose(w.grad, np.array(X_DATA) @ dZ.T / m, rtol=1e-12)


@pytest.mark.parametrize("bias_kind", ["0-d Tensor", "Scalar"])
@pytest.mark.parametrize("form", ["probabilities", "logits"])
def test_propagate_with_binary_cross_entropy(form, bias_kind):
    w, b = make_parameters(bias_kind)
    X, Y = Tensor(X_DATA, label="X"), Tensor(Y_DATA, label="Y")
    Z = w.T @ X + b
    if form == "logits":
        cost = ag.binary_cross_entropy(Z, Y, logits=True)
    else:
        cost = ag.binary_cross_entropy(Z.sigmoid(), Y)
    cost.backward()
    assert_course_result(cost, w, b)


def test_propagate_with_plain_arrays_and_sum_reduction():
    w, b = make_parameters("0-d Tensor")
    Z = w.T @ np.array(X_DATA) + b
    cost = ag.binary_cross_entropy(Z, np.array(Y_DATA), logits=True, reduction="sum") / 3
    cost.backward()
    assert_course_result(cost, w, b)


# --- memory over a long training loop -----------------------------------------------------------------------


def count_live_tensors() -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if issubclass(type(obj), Tensor))  # type(): no lazy attributes


def test_training_loop_memory_stays_flat():
    """10,000 gradient-descent steps of a 2-4-1 tanh/sigmoid net: every step's graph is freed."""
    rng = np.random.default_rng(0)
    X = Tensor(rng.normal(size=(2, 50)), label="X")
    Y = Tensor((rng.random((1, 50)) > 0.5).astype(float), label="Y")
    W1 = Tensor(rng.normal(size=(4, 2)) * 0.5, requires_grad=True, label="W1")
    b1 = Tensor(np.zeros((4, 1)), requires_grad=True, label="b1")
    W2 = Tensor(rng.normal(size=(1, 4)) * 0.5, requires_grad=True, label="W2")
    b2 = Tensor(np.zeros((1, 1)), requires_grad=True, label="b2")
    parameters = [W1, b1, W2, b2]

    def step() -> float:
        A1 = (W1 @ X + b1).tanh()
        A2 = (W2 @ A1 + b2).sigmoid()
        cost = ag.binary_cross_entropy(A2, Y)  # fused: fewer nodes per step, so the loop stays fast
        cost.backward()
        for p in parameters:
            p.data -= 0.5 * p.grad  # works: backward released the locks on the saved parameters
        ag.zero_grad(parameters)
        return cost.item()

    first_cost = None
    tracemalloc.start()
    try:
        for i in range(1, 10_001):
            cost = step()
            if i == 1:
                first_cost = cost
            if i == 100:
                gc.collect()
                memory_at_100 = tracemalloc.get_traced_memory()[0]
                tensors_at_100 = count_live_tensors()
        gc.collect()
        memory_at_10000 = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    tensors_at_10000 = count_live_tensors()

    assert abs(memory_at_10000 - memory_at_100) < 1_000_000
    assert tensors_at_10000 <= tensors_at_100
    assert cost < first_cost  # and it learned something
