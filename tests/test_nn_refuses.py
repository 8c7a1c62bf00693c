"""nn refuses what cannot train, before training starts, and reports divergence instead of hiding it."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from autograd_lite import Tensor, nn


@pytest.fixture(autouse=True)
def no_numpy_warning_escapes():
    """A NumPy RuntimeWarning from inside the library fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def small_problem():
    """A [2, 3, 1] network and 8 separable examples."""
    rng = np.random.RandomState(0)
    X = rng.randn(2, 8)
    Y = (X[0:1] > 0).astype(float)
    return nn.DeepNetwork([2, 3, 1], seed=1), X, Y


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"batch_size": 0}, "batch_size must be a whole number > 0"),
        ({"batch_size": -4}, "batch_size must be a whole number > 0"),
        ({"num_iterations": -1}, "num_iterations must be a whole number >= 0"),
        ({"learning_rate": -0.1}, "learning_rate must be a finite number >= 0"),
        ({"learning_rate": float("nan")}, "learning_rate must be a finite number >= 0"),
        ({"learning_rate": float("inf")}, "learning_rate must be a finite number >= 0"),
    ],
    ids=["batch 0", "batch -4", "iterations -1", "lr -0.1", "lr nan", "lr inf"],
)
def test_fit_refuses_settings_that_cannot_train(settings, message):
    model, X, Y = small_problem()
    before = [p.data.copy() for p in model.parameters()]
    with pytest.raises(ValueError, match=message):
        nn.fit(model, X, Y, **settings)
    for p, b in zip(model.parameters(), before):
        np.testing.assert_array_equal(p.data, b)  # nothing trained


def test_fit_refuses_labels_that_are_not_zero_or_one_for_binary_cross_entropy():
    model, X, Y = small_problem()
    with pytest.raises(ValueError, match="labels 0 or 1"):
        nn.fit(model, X, Y * 255, num_iterations=5)


def test_fit_says_examples_are_columns_when_x_has_them_as_rows():
    model, X, Y = small_problem()
    with pytest.raises(ValueError, match=r"pass X\.T"):
        nn.fit(model, X.T, Y, num_iterations=5)


def test_fit_stops_at_a_non_finite_cost_naming_the_iteration():
    model, X, Y = small_problem()
    with pytest.raises(FloatingPointError, match="iteration 0: training diverged; try a smaller learning"):
        nn.fit(model, X, np.full((1, 8), 1e200), loss="mse", num_iterations=3)


def test_mean_squared_error_refuses_shapes_that_would_broadcast():
    with pytest.raises(ValueError, match=r"prediction \(1, 4\) and labels \(4, 1\)"):
        nn.mean_squared_error(Tensor(np.zeros((1, 4))), np.ones((4, 1)))


@pytest.mark.parametrize(
    "labels", [[0, 1, 3], [0, -1, 2], [0, 1.5, 2]], ids=["too large", "negative", "fraction"]
)
def test_softmax_cross_entropy_refuses_labels_that_are_not_classes(labels):
    Z = Tensor(np.zeros((3, 3)), requires_grad=True)
    with pytest.raises(ValueError, match=r"labels must be class numbers 0\.\.2; 1 are not"):
        nn.softmax_cross_entropy(Z, np.array(labels))


def test_an_integer_dtype_for_a_layer_is_refused():
    with pytest.raises(TypeError, match="dtype must be a floating-point type, not int"):
        nn.Dense(2, 3, dtype=int)


def test_fit_takes_a_built_in_optimizer_by_name_and_optimizers_take_lr():
    model, X, Y = small_problem()
    costs = nn.fit(model, X, Y, optimizer="adam", learning_rate=0.05, num_iterations=30)
    assert costs[-1] < costs[0]
    with pytest.raises(ValueError, match="unknown optimizer 'adamw'; choose one of gd, momentum"):
        nn.fit(model, X, Y, optimizer="adamw", num_iterations=1)
    assert nn.Adam(model.parameters(), lr=0.3).learning_rate == 0.3
    assert nn.GradientDescent(model.parameters(), lr=0.2).learning_rate == 0.2


def test_fit_stops_when_the_cross_entropy_clamp_would_hide_divergence():
    X, Y = nn.datasets.planar_flower()
    model = nn.DeepNetwork([2, 4, 1], seed=2)
    # lr 50 saturates the sigmoid at exactly 0 or 1 on wrong labels: the clamped cost sat at 27.704556
    with pytest.raises(FloatingPointError, match=r"exactly 0 or 1 against their labels.*diverged"):
        nn.fit(model, X, Y, learning_rate=50, num_iterations=300)
