"""nn training: losses against the course's formulas, optimizers against hand-written NumPy, fit/predict."""

import io
import sys

import numpy as np
import pytest

from autograd_lite import Tensor, gradcheck, nn


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def course_cost(A, Y):
    m = Y.shape[1]
    return -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m


@pytest.fixture
def tiny():
    """A small two-feature problem: X (2, 40), Y (1, 40)."""
    rng = np.random.RandomState(3)
    X = rng.randn(2, 40)
    Y = (X[0:1] + 0.5 * X[1:2] > 0).astype(np.float64)
    return X, Y


# --- losses -----------------------------------------------------------------------------------------------


def test_binary_cross_entropy_on_probabilities_is_the_course_cost():
    rng = np.random.RandomState(1)
    A_values = rng.uniform(0.05, 0.95, size=(1, 9))
    Y = (rng.rand(1, 9) > 0.5).astype(np.float64)
    A = Tensor(A_values, requires_grad=True)
    J = nn.binary_cross_entropy(A, Y)
    assert J.shape == ()
    np.testing.assert_allclose(J.item(), course_cost(A_values, Y), rtol=1e-12)
    J.backward()
    dA = -(Y / A_values - (1 - Y) / (1 - A_values)) / 9  # the course's dAL, over m
    np.testing.assert_allclose(A.grad, dA, rtol=1e-10)


def test_binary_cross_entropy_from_logits_is_the_course_cost_of_sigmoid():
    rng = np.random.RandomState(2)
    Z_values = rng.randn(1, 8) * 3
    Y = (rng.rand(1, 8) > 0.5).astype(np.float64)
    Z = Tensor(Z_values, requires_grad=True)
    J = nn.binary_cross_entropy(Z, Y, from_logits=True)
    np.testing.assert_allclose(J.item(), course_cost(sigmoid(Z_values), Y), rtol=1e-12)
    J.backward()
    np.testing.assert_allclose(Z.grad, (sigmoid(Z_values) - Y) / 8, rtol=1e-10, atol=1e-15)


def test_binary_cross_entropy_from_logits_stays_finite_for_huge_logits():
    J = nn.binary_cross_entropy(np.array([[800.0, -800.0]]), np.array([[0.0, 1.0]]), from_logits=True)
    np.testing.assert_allclose(J.item(), 800.0)


def test_mean_squared_error_sums_units_and_averages_examples():
    rng = np.random.RandomState(3)
    A_values, Y = rng.randn(2, 5), rng.randn(2, 5)
    A = Tensor(A_values, requires_grad=True)
    J = nn.mean_squared_error(A, Y)
    np.testing.assert_allclose(J.item(), np.sum((A_values - Y) ** 2) / 5, rtol=1e-12)
    J.backward()
    np.testing.assert_allclose(A.grad, 2 * (A_values - Y) / 5, rtol=1e-12)


def numpy_softmax_cross_entropy(Z, one_hot):
    shifted = Z - Z.max(axis=0, keepdims=True)
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
    return -np.sum(one_hot * log_p) / Z.shape[1]


CLASSES = np.array([2, 0, 1, 1, 0, 2])
ONE_HOT = np.eye(3)[:, CLASSES]


@pytest.mark.parametrize(
    "labels",
    [ONE_HOT, CLASSES, CLASSES.reshape(1, -1), CLASSES.reshape(1, -1).astype(np.float64), Tensor(ONE_HOT)],
    ids=["one-hot", "integers (m,)", "integers (1, m)", "float labels (1, m)", "one-hot Tensor"],
)
def test_softmax_cross_entropy_matches_numpy_and_gradcheck(labels):
    Z_values = np.random.RandomState(4).randn(3, 6) * 2
    Z = Tensor(Z_values, requires_grad=True)
    J = nn.softmax_cross_entropy(Z, labels)
    np.testing.assert_allclose(J.item(), numpy_softmax_cross_entropy(Z_values, ONE_HOT), rtol=1e-12)
    J.backward()
    softmax = np.exp(Z_values) / np.exp(Z_values).sum(axis=0, keepdims=True)
    np.testing.assert_allclose(Z.grad, (softmax - ONE_HOT) / 6, rtol=1e-10, atol=1e-15)
    assert gradcheck(lambda Z: nn.softmax_cross_entropy(Z, labels), [Tensor(Z_values, requires_grad=True)])


def test_softmax_cross_entropy_refuses_wrong_label_count():
    with pytest.raises(ValueError, match="5 labels for 6 examples"):
        nn.softmax_cross_entropy(np.zeros((3, 6)), np.zeros(5, dtype=int))


def test_unknown_loss_names_the_choices(tiny):
    X, Y = tiny
    with pytest.raises(ValueError, match="unknown loss 'hinge'; choose one of binary_cross_entropy"):
        nn.fit(nn.LogisticRegression(2), X, Y, loss="hinge", num_iterations=1)


def test_l2_penalty_is_the_course_term_over_weights_only():
    model = nn.DeepNetwork([4, 3, 2, 1], init="he", seed=0)
    for layer in model.layers:
        layer.b.data = np.full((layer.n_out, 1), 5.0)  # biases must not count
    J = nn.l2_penalty(model, lambd=0.7, m=5)
    W = [layer.W.data for layer in model.layers]
    np.testing.assert_allclose(J.item(), 0.7 / (2 * 5) * sum(np.sum(np.square(w)) for w in W), rtol=1e-12)
    J.backward()
    for layer, w in zip(model.layers, W):
        np.testing.assert_allclose(layer.W.grad, 0.7 / 5 * w, rtol=1e-12)  # the course's dW term
        assert layer.b.grad is None


def test_l2_penalty_of_logistic_regression_counts_w_not_b():
    model = nn.LogisticRegression(3)
    model.w.data = np.array([[1.0], [2.0], [-2.0]])
    model.b.data = np.array(10.0)
    assert nn.l2_penalty(model, lambd=1.0, m=3).item() == pytest.approx(9 / 6)


def test_fit_with_l2_adds_the_penalty_to_the_cost(tiny):
    X, Y = tiny
    model = nn.DeepNetwork([2, 3, 1], init="he", seed=0)
    expected = nn.binary_cross_entropy(model(Tensor(X)), Y).item() + nn.l2_penalty(model, 0.7, 40).item()
    costs = nn.fit(model, X, Y, learning_rate=0.1, num_iterations=1, l2=0.7)
    assert costs[0] == pytest.approx(expected, rel=1e-12)


# --- optimizers -------------------------------------------------------------------------------------------

TARGETS = [np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]]), np.array([[0.25], [-0.75]])]
WEIGHTS = [np.array([[1.0, 2.0, 3.0], [0.5, 1.5, 4.0]]), np.array([[2.0], [0.1]])]
START = [np.zeros((2, 3)), np.array([[1.0], [1.0]])]


def quadratic(params):
    return sum(((p - t) * (p - t) * w).sum() for p, t, w in zip(params, TARGETS, WEIGHTS))


def quadratic_grads(values):
    return [2 * w * (v - t) for v, t, w in zip(values, TARGETS, WEIGHTS)]


def numpy_optimizer(kind, hyper, steps):
    """The course's update rules (nn/optim.py docstring), written out in NumPy."""
    values = [v.copy() for v in START]
    v = [np.zeros_like(x) for x in values]
    s = [np.zeros_like(x) for x in values]
    lr = hyper["learning_rate"]
    for t in range(1, steps + 1):
        for i, grad in enumerate(quadratic_grads(values)):
            if kind == "gd":
                values[i] = values[i] - lr * grad
            elif kind == "momentum":
                v[i] = hyper["beta"] * v[i] + (1 - hyper["beta"]) * grad
                values[i] = values[i] - lr * v[i]
            elif kind == "rmsprop":
                s[i] = hyper["beta"] * s[i] + (1 - hyper["beta"]) * grad**2
                values[i] = values[i] - lr * grad / (np.sqrt(s[i]) + hyper["epsilon"])
            else:
                v[i] = hyper["beta1"] * v[i] + (1 - hyper["beta1"]) * grad
                s[i] = hyper["beta2"] * s[i] + (1 - hyper["beta2"]) * grad**2
                v_hat = v[i] / (1 - hyper["beta1"] ** t)
                s_hat = s[i] / (1 - hyper["beta2"] ** t)
                values[i] = values[i] - lr * v_hat / (np.sqrt(s_hat) + hyper["epsilon"])
    return values


OPTIMIZER_CASES = [
    ("gd", nn.GradientDescent, {"learning_rate": 0.05}),
    ("momentum", nn.Momentum, {"learning_rate": 0.1, "beta": 0.8}),
    ("momentum", nn.Momentum, {"learning_rate": 0.01, "beta": 0.9}),
    ("rmsprop", nn.RMSprop, {"learning_rate": 0.01, "beta": 0.9, "epsilon": 1e-6}),
    ("rmsprop", nn.RMSprop, {"learning_rate": 0.001, "beta": 0.999, "epsilon": 1e-8}),
    ("adam", nn.Adam, {"learning_rate": 0.02, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-7}),
    ("adam", nn.Adam, {"learning_rate": 0.001, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}),
]


@pytest.mark.parametrize(("kind", "cls", "hyper"), OPTIMIZER_CASES)
def test_optimizer_three_steps_match_the_course_formulas(kind, cls, hyper):
    params = [nn.Parameter(v, name=name) for v, name in zip(START, ["W", "b"])]
    optimizer = cls(params, **hyper)
    for _ in range(3):
        optimizer.zero_grad()
        quadratic(params).backward()
        optimizer.step()
    assert optimizer.t == 3
    for param, expected in zip(params, numpy_optimizer(kind, hyper, steps=3)):
        np.testing.assert_allclose(param.data, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    ("cls", "defaults"),
    [
        (nn.Momentum, {"learning_rate": 0.01, "beta": 0.9}),
        (nn.RMSprop, {"learning_rate": 0.001, "beta": 0.999, "epsilon": 1e-8}),
        (nn.Adam, {"learning_rate": 0.001, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}),
    ],
)
def test_optimizer_defaults_are_the_courses(cls, defaults):
    optimizer = cls([nn.Parameter(np.zeros(2))])
    assert {name: getattr(optimizer, name) for name in defaults} == defaults


def test_optimizer_skips_parameters_without_gradient():
    used, unused = nn.Parameter(np.ones(2), name="used"), nn.Parameter(np.ones(2), name="unused")
    optimizer = nn.GradientDescent([used, unused], learning_rate=0.5)
    (used * used).sum().backward()
    optimizer.step()
    np.testing.assert_array_equal(used.data, [0.0, 0.0])
    np.testing.assert_array_equal(unused.data, [1.0, 1.0])


def test_optimizer_needs_parameters():
    with pytest.raises(ValueError, match="Adam: no parameters to optimize"):
        nn.Adam([])


def test_step_while_a_graph_holds_the_parameter_is_a_clear_error():
    W = nn.Parameter(np.ones((2, 2)), name="W1")
    optimizer = nn.GradientDescent([W], learning_rate=0.1)
    (W * W).sum().backward()
    pending = (W * W).sum()  # recorded, never backpropagated: W's value is still needed
    with pytest.raises(RuntimeError, match="GradientDescent.step: cannot update W1") as error:
        optimizer.step()
    assert "not backpropagated" in str(error.value) and "cost.item()" in str(error.value)
    np.testing.assert_array_equal(W.data, np.ones((2, 2)))
    del pending
    optimizer.step()  # the graph is gone, so the update goes through
    np.testing.assert_allclose(W.data, np.full((2, 2), 0.8))


def test_a_refused_step_leaves_the_optimizer_state_unchanged():
    """After the RuntimeError above, fixing the code and stepping again must give the clean update."""
    W = nn.Parameter(np.ones(2), name="W")
    optimizer = nn.Momentum([W], learning_rate=0.1, beta=0.9)
    (W * W).sum().backward()  # dW = 2
    pending = (W * W).sum()
    with pytest.raises(RuntimeError):
        optimizer.step()
    del pending
    optimizer.step()
    np.testing.assert_allclose(W.data, [0.98, 0.98])  # W - lr (1 - beta) dW
    np.testing.assert_allclose(optimizer.v[0], [0.2, 0.2])  # v accumulated once, not twice
    assert optimizer.t == 1


# --- fit --------------------------------------------------------------------------------------------------


def test_fit_returns_one_float_cost_per_iteration(tiny):
    X, Y = tiny
    model = nn.LogisticRegression(2)
    model.eval()
    costs = nn.fit(model, X, Y, learning_rate=0.5, num_iterations=7)
    assert len(costs) == 7 and all(type(c) is float for c in costs)
    assert costs[0] == pytest.approx(np.log(2))
    assert costs[-1] < costs[0]
    assert model.training


def test_fit_prints_the_course_lines_every_print_every(capsys):
    X, Y = nn.datasets.planar_flower()
    model = nn.DeepNetwork([2, 4, 1], hidden_activation="tanh", init="small", seed=2)
    costs = nn.fit(model, X, Y, learning_rate=1.2, num_iterations=5, print_cost=True, print_every=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Cost after iteration 0: 0.693048"
    assert lines == [f"Cost after iteration {i}: {costs[i]:.6f}" for i in (0, 2, 4)]


def test_fit_prints_to_out_and_stays_quiet_without_print_cost(tiny, capsys):
    X, Y = tiny
    out = io.StringIO()
    costs = nn.fit(nn.LogisticRegression(2), X, Y, num_iterations=3, print_cost=True, print_every=1, out=out)
    assert out.getvalue() == "".join(f"Cost after iteration {i}: {costs[i]:f}\n" for i in range(3))
    nn.fit(nn.LogisticRegression(2), X, Y, num_iterations=3)
    assert capsys.readouterr() == ("", "")


def test_fit_with_mismatched_columns_is_a_clear_error(tiny):
    X, Y = tiny
    with pytest.raises(ValueError, match=r"fit: X has 40 examples \(columns\) but Y has 39"):
        nn.fit(nn.LogisticRegression(2), X, Y[:, :39], num_iterations=1)


def test_fit_uses_the_given_optimizer(tiny):
    X, Y = tiny
    model, twin = nn.DeepNetwork([2, 3, 1], seed=5), nn.DeepNetwork([2, 3, 1], seed=5)
    costs = nn.fit(model, X, Y, optimizer=nn.Adam(model.parameters(), learning_rate=0.01), num_iterations=3)
    optimizer, expected = nn.Adam(twin.parameters(), learning_rate=0.01), []
    for _ in range(3):
        cost = nn.binary_cross_entropy(twin(Tensor(X)), Y)
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
        expected.append(cost.item())
    assert costs == expected
    for got, want in zip(model.parameters(), twin.parameters()):
        np.testing.assert_array_equal(got.data, want.data)


# --- minibatches ------------------------------------------------------------------------------------------


def course_random_mini_batches(X, Y, mini_batch_size, seed):
    """The course's random_mini_batches (Optimization methods assignment)."""
    np.random.seed(seed)
    m = X.shape[1]
    permutation = list(np.random.permutation(m))
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation].reshape((1, m))
    batches = []
    complete = m // mini_batch_size
    for k in range(complete):
        cut = slice(k * mini_batch_size, (k + 1) * mini_batch_size)
        batches.append((shuffled_X[:, cut], shuffled_Y[:, cut]))
    if m % mini_batch_size != 0:
        rest = slice(complete * mini_batch_size, m)
        batches.append((shuffled_X[:, rest], shuffled_Y[:, rest]))
    return batches


@pytest.mark.parametrize(("m", "size", "sizes"), [(148, 64, [64, 64, 20]), (128, 64, [64, 64]), (5, 8, [5])])
def test_minibatches_are_the_courses_random_mini_batches(m, size, sizes):
    rng = np.random.RandomState(6)
    X, Y = rng.randn(12, m), (rng.rand(1, m) > 0.5).astype(np.float64)
    got = nn.minibatches(X, Y, size, seed=3)
    expected = course_random_mini_batches(X, Y, size, seed=3)
    assert [xb.shape[1] for xb, _ in got] == sizes
    assert len(got) == len(expected)
    for (xb, yb), (x_ref, y_ref) in zip(got, expected):
        np.testing.assert_array_equal(xb, x_ref)
        np.testing.assert_array_equal(yb, y_ref)


def test_fit_with_batch_size_runs_epochs_over_minibatches(monkeypatch):
    X, Y = nn.datasets.planar_flower(m=150)
    seeds = []

    def spy(X_all, Y_all, batch_size, seed):
        seeds.append((batch_size, seed))
        return nn.minibatches(X_all, Y_all, batch_size, seed)

    monkeypatch.setattr("autograd_lite.nn.train.minibatches", spy)
    model, twin = nn.DeepNetwork([2, 3, 1], seed=0), nn.DeepNetwork([2, 3, 1], seed=0)
    costs = nn.fit(model, X, Y, learning_rate=0.1, num_iterations=2, batch_size=64, seed=10)
    assert seeds == [(64, 11), (64, 12)]  # epoch k shuffles with seed + k + 1

    expected = []
    for epoch in range(2):
        total = 0.0
        for xb, yb in nn.minibatches(X, Y, 64, 10 + epoch + 1):
            cost = nn.binary_cross_entropy(twin(Tensor(xb)), yb)
            twin.zero_grad()
            cost.backward()
            for parameter in twin.parameters():
                parameter.data -= 0.1 * parameter.grad
            total += cost.item() * xb.shape[1]
        expected.append(total / 150)
    assert len(costs) == 2
    np.testing.assert_allclose(costs, expected, rtol=1e-12)
    for got, want in zip(model.parameters(), twin.parameters()):
        np.testing.assert_allclose(got.data, want.data, rtol=1e-12)


def test_fit_prints_epochs_in_minibatch_mode(tiny):
    X, Y = tiny
    out = io.StringIO()
    model = nn.LogisticRegression(2)
    costs = nn.fit(model, X, Y, num_iterations=2, batch_size=16, print_cost=True, print_every=1, out=out)
    assert out.getvalue().splitlines() == [f"Cost after epoch {i}: {costs[i]:f}" for i in range(2)]


# --- the progress bar -------------------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_no_progress_bar_when_stderr_is_not_a_terminal(tiny, capsys):
    X, Y = tiny
    nn.fit(nn.LogisticRegression(2), X, Y, num_iterations=1000)
    assert capsys.readouterr().err == ""


def test_progress_true_shows_a_bar_and_keeps_the_printed_lines(tiny, capsys):
    X, Y = tiny
    out = io.StringIO()
    model = nn.LogisticRegression(2)
    costs = nn.fit(model, X, Y, num_iterations=20, progress=True, print_cost=True, print_every=10, out=out)
    assert "iteration/s" in capsys.readouterr().err
    assert out.getvalue().splitlines() == [f"Cost after iteration {i}: {costs[i]:f}" for i in (0, 10)]


def test_default_progress_on_a_terminal_only_for_long_runs(tiny, monkeypatch):
    X, Y = tiny
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    nn.fit(nn.LogisticRegression(2), X, Y, num_iterations=999)
    assert terminal.getvalue() == ""
    nn.fit(nn.LogisticRegression(2), X, Y, num_iterations=1000)
    assert "iteration/s" in terminal.getvalue()


# --- predict and accuracy ---------------------------------------------------------------------------------


def threshold_model():
    model = nn.LogisticRegression(1)
    model.w.data = np.array([[1.0]])
    return model  # A = sigmoid(x)


def test_predict_thresholds_strictly_above_one_half():
    X = np.array([[-2.0, -1e-3, 0.0, 1e-3, 3.0]])  # A = 0.5 exactly at x = 0
    predictions = nn.predict(threshold_model(), X)
    assert predictions.dtype == np.float64
    np.testing.assert_array_equal(predictions, [[0.0, 0.0, 0.0, 1.0, 1.0]])


def test_accuracy_is_a_percentage():
    X = np.array([[-2.0, -1.0, 0.5, 1.0, 3.0]])
    Y = np.array([[0.0, 1.0, 1.0, 0.0, 1.0]])
    assert nn.accuracy(threshold_model(), X, Y) == 60.0
    assert nn.accuracy(threshold_model(), Tensor(X), Tensor(Y)) == 60.0


def multiclass_model():
    model = nn.DeepNetwork([2, 3], output_activation="linear", seed=0)
    model[0].W.data = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    return model


def test_multiclass_predict_uses_argmax():
    X = np.array([[2.0, 0.0, -1.0, 1.0], [0.0, 2.0, -1.0, 3.0]])
    np.testing.assert_array_equal(nn.predict(multiclass_model(), X), [[0.0, 1.0, 2.0, 1.0]])


def test_multiclass_accuracy_with_integer_or_one_hot_labels():
    X = np.array([[2.0, 0.0, -1.0, 1.0], [0.0, 2.0, -1.0, 3.0]])
    labels = np.array([[0, 1, 2, 2]])
    assert nn.accuracy(multiclass_model(), X, labels) == 75.0
    assert nn.accuracy(multiclass_model(), X, np.eye(3)[:, labels[0]]) == 75.0


def test_accuracy_accepts_the_integer_labels_softmax_cross_entropy_accepts():
    """softmax_cross_entropy (and so fit) takes class labels of shape (m,); accuracy should too."""
    X = np.array([[2.0, 0.0, -1.0, 1.0], [0.0, 2.0, -1.0, 3.0]])
    labels = np.array([0, 1, 2, 2])
    assert nn.softmax_cross_entropy(multiclass_model()(Tensor(X)), labels).item() > 0
    assert nn.accuracy(multiclass_model(), X, labels) == 75.0


def test_fit_trains_a_softmax_classifier():
    rng = np.random.RandomState(1)
    labels = np.arange(90)[np.newaxis] % 3
    X = np.array([[-3.0, 3.0, 0.0], [0.0, 0.0, 4.0]])[:, labels[0]] + 0.5 * rng.randn(2, 90)
    model = nn.DeepNetwork([2, 3], output_activation="linear", init="small", seed=0)
    costs = nn.fit(model, X, labels, loss="softmax_cross_entropy", learning_rate=0.5, num_iterations=50)
    assert costs[0] == pytest.approx(np.log(3), abs=0.05)
    assert costs[-1] < costs[0] / 2
    assert nn.accuracy(model, X, labels) > 95.0


def test_without_ipywidgets_the_progress_bar_is_the_text_one(monkeypatch):
    import sys

    import tqdm.std
    from autograd_lite.nn.train import progress_bar

    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import ipywidgets now raises ImportError
    assert progress_bar() is tqdm.std.tqdm


def test_the_course_runs_print_the_final_cost_that_pages_report():
    import io

    from autograd_lite.nn import course

    out = io.StringIO()
    result = course.planar(iterations=30, progress=False, out=out)
    assert f"final cost (iteration 29): {result.costs[-1]:.6f}" in out.getvalue()
