"""The course's numbers: the planar flower, cat / non-cat logistic regression, the two-layer and L-layer nets.

Fast tests check the data and the first iterations against hand-written NumPy versions of the course's
equations; tests marked ``slow`` replicate the full runs (``pytest -m slow``). Tests that need the cat
data skip without it (see ``cat_data_dir`` in conftest.py).
"""

import io

import numpy as np
import pytest

from autograd_lite import nn


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def course_cost(A, Y):
    m = Y.shape[1]
    return -np.sum(np.multiply(Y, np.log(A)) + np.multiply(1 - Y, np.log(1 - A))) / m


def fit_printing(model, X, Y, **settings):
    """Run fit with print_cost on, returning the costs and the printed lines."""
    out = io.StringIO()
    costs = nn.fit(model, X, Y, print_cost=True, out=out, **settings)
    return costs, out.getvalue().splitlines()


# --- the planar flower ------------------------------------------------------------------------------------


def test_planar_flower_is_the_courses_data():
    X, Y = nn.datasets.planar_flower()
    assert X.shape == (2, 400) and Y.shape == (1, 400)
    expected = [[1.204442, 0.15871, 0.095247], [3.576114, -1.482171, -1.279955]]
    np.testing.assert_allclose(X[:, 0:3], expected, atol=1e-6)
    assert np.sum(Y == 0) == 200 and np.sum(Y == 1) == 200
    np.testing.assert_array_equal(Y[0, :200], 0.0)


def planar_reference(X, Y, iterations, learning_rate=1.2):
    """The course's one-hidden-layer model (planar data assignment), in plain NumPy."""
    np.random.seed(2)
    W1 = np.random.randn(4, 2) * 0.01
    b1 = np.zeros((4, 1))
    W2 = np.random.randn(1, 4) * 0.01
    b2 = np.zeros((1, 1))
    m = X.shape[1]
    costs = []
    for _ in range(iterations):
        Z1 = np.dot(W1, X) + b1
        A1 = np.tanh(Z1)
        Z2 = np.dot(W2, A1) + b2
        A2 = sigmoid(Z2)
        costs.append(course_cost(A2, Y))
        dZ2 = A2 - Y
        dW2 = np.dot(dZ2, A1.T) / m
        db2 = np.sum(dZ2, axis=1, keepdims=True) / m
        dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
        dW1 = np.dot(dZ1, X.T) / m
        db1 = np.sum(dZ1, axis=1, keepdims=True) / m
        W1, b1 = W1 - learning_rate * dW1, b1 - learning_rate * db1
        W2, b2 = W2 - learning_rate * dW2, b2 - learning_rate * db2
    return costs, [W1, b1, W2, b2]


def planar_model():
    return nn.DeepNetwork([2, 4, 1], hidden_activation="tanh", init="small", seed=2)


def test_planar_model_first_cost_is_the_courses():
    X, Y = nn.datasets.planar_flower()
    costs, lines = fit_printing(planar_model(), X, Y, learning_rate=1.2, num_iterations=1)
    assert abs(costs[0] - 0.693048) <= 1e-6
    assert lines == ["Cost after iteration 0: 0.693048"]


def test_planar_model_follows_the_course_equations_for_20_iterations():
    X, Y = nn.datasets.planar_flower()
    model = planar_model()
    costs = nn.fit(model, X, Y, learning_rate=1.2, num_iterations=20)
    expected_costs, expected_parameters = planar_reference(X, Y, iterations=20)
    np.testing.assert_allclose(costs, expected_costs, rtol=1e-9)
    for parameter, expected in zip(model.parameters(), expected_parameters):
        np.testing.assert_allclose(parameter.data, expected, rtol=1e-9, atol=1e-12, err_msg=parameter.name)


# --- cat / non-cat ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cat(cat_data_dir):
    return nn.datasets.load_catvnoncat(cat_data_dir)


def test_cat_data_shapes_and_values(cat):
    assert cat.X_train.shape == (12288, 209) and cat.Y_train.shape == (1, 209)
    assert cat.X_test.shape == (12288, 50) and cat.Y_test.shape == (1, 50)
    np.testing.assert_allclose(cat.X_train[:5, 0] * 255, [17, 31, 56, 22, 33], atol=1e-9)
    assert cat.classes == ["non-cat", "cat"]
    assert 0.0 <= cat.X_train.min() and cat.X_train.max() <= 1.0
    assert cat.Y_train.sum() == 72 and cat.Y_test.sum() == 33


def logistic_reference(X, Y, iterations, learning_rate=0.005):
    """The course's logistic regression (zero init, propagate, optimize), in plain NumPy."""
    w, b = np.zeros((X.shape[0], 1)), 0.0
    m = X.shape[1]
    costs = []
    for _ in range(iterations):
        A = sigmoid(np.dot(w.T, X) + b)
        costs.append(course_cost(A, Y))
        dw = np.dot(X, (A - Y).T) / m
        db = np.sum(A - Y) / m
        w, b = w - learning_rate * dw, b - learning_rate * db
    return costs


def test_logistic_regression_first_costs(cat):
    model = nn.LogisticRegression(cat.X_train.shape[0])
    costs, lines = fit_printing(model, cat.X_train, cat.Y_train, learning_rate=0.005, num_iterations=3)
    assert lines == ["Cost after iteration 0: 0.693147"]
    assert abs(costs[0] - 0.693147) <= 1e-6
    np.testing.assert_allclose(costs, logistic_reference(cat.X_train, cat.Y_train, 3), rtol=1e-9)


def deep_reference(X, Y, layer_dims, init, iterations, learning_rate=0.0075):
    """The course's L-layer model ([LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID), in plain NumPy."""
    np.random.seed(1)
    L = len(layer_dims) - 1
    W, b = [None], [None]
    for l in range(1, L + 1):
        draw = np.random.randn(layer_dims[l], layer_dims[l - 1])
        W.append(draw * 0.01 if init == "small" else draw / np.sqrt(layer_dims[l - 1]))
        b.append(np.zeros((layer_dims[l], 1)))
    m = X.shape[1]
    costs = []
    for _ in range(iterations):
        A, Z = [X], [None]
        for l in range(1, L + 1):
            Z.append(np.dot(W[l], A[l - 1]) + b[l])
            A.append(sigmoid(Z[l]) if l == L else np.maximum(0, Z[l]))
        AL = A[L]
        costs.append(course_cost(AL, Y))
        dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
        for l in range(L, 0, -1):
            dZ = dA * AL * (1 - AL) if l == L else dA * (Z[l] > 0)
            dW = np.dot(dZ, A[l - 1].T) / m
            db = np.sum(dZ, axis=1, keepdims=True) / m
            dA = np.dot(W[l].T, dZ)
            W[l], b[l] = W[l] - learning_rate * dW, b[l] - learning_rate * db
    return costs


@pytest.mark.parametrize(
    ("layer_dims", "init", "first_line"),
    [
        ([12288, 7, 1], "small", "Cost after iteration 0: 0.693050"),
        ([12288, 20, 7, 5, 1], "deep", "Cost after iteration 0: 0.771749"),
    ],
    ids=["two-layer", "L-layer"],
)
def test_deep_network_first_costs(cat, layer_dims, init, first_line):
    model = nn.DeepNetwork(layer_dims, init=init, seed=1)
    costs, lines = fit_printing(model, cat.X_train, cat.Y_train, learning_rate=0.0075, num_iterations=3)
    assert lines == [first_line]
    assert abs(costs[0] - float(first_line.split()[-1])) <= 1e-6
    expected = deep_reference(cat.X_train, cat.Y_train, layer_dims, init, iterations=3)
    np.testing.assert_allclose(costs, expected, rtol=1e-9)


# --- full-length replications (pytest -m slow) ------------------------------------------------------------


def percent(value):
    return f"{value:.2f}"


@pytest.mark.slow
def test_full_logistic_regression(cat):
    model = nn.LogisticRegression(cat.X_train.shape[0])
    _, lines = fit_printing(model, cat.X_train, cat.Y_train, learning_rate=0.005, num_iterations=2000)
    assert lines[:2] == ["Cost after iteration 0: 0.693147", "Cost after iteration 100: 0.584508"]
    assert lines[-1] == "Cost after iteration 1900: 0.140872"
    assert percent(nn.accuracy(model, cat.X_train, cat.Y_train)) == "99.04"
    assert percent(nn.accuracy(model, cat.X_test, cat.Y_test)) == "70.00"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("layer_dims", "init", "last_line", "train", "test"),
    [
        ([12288, 7, 1], "small", "Cost after iteration 2400: 0.048555", "100.00", "72.00"),
        ([12288, 20, 7, 5, 1], "deep", "Cost after iteration 2400: 0.092878", "98.56", "80.00"),
    ],
    ids=["two-layer", "L-layer"],
)
def test_full_deep_network(cat, layer_dims, init, last_line, train, test):
    model = nn.DeepNetwork(layer_dims, init=init, seed=1)
    _, lines = fit_printing(model, cat.X_train, cat.Y_train, learning_rate=0.0075, num_iterations=2500)
    assert len(lines) == 25
    assert lines[-1] == last_line
    assert percent(nn.accuracy(model, cat.X_train, cat.Y_train)) == train
    assert percent(nn.accuracy(model, cat.X_test, cat.Y_test)) == test


@pytest.mark.slow
def test_full_planar_model():
    X, Y = nn.datasets.planar_flower()
    model = planar_model()
    costs = nn.fit(model, X, Y, learning_rate=1.2, num_iterations=10_000)
    course = [0.693048, 0.288083, 0.254385, 0.233864, 0.226792, 0.222644, 0.219731, 0.217504]
    np.testing.assert_allclose(costs[0:8000:1000], course, atol=1e-6)
    assert nn.accuracy(model, X, Y) >= 90.0
