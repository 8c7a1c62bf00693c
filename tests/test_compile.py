"""``autograd_lite.compile``: a traced and replayed training step equals the eager step bit for bit.

Every comparison here is exact (``np.array_equal``, ``==`` on floats): the contract is that a replay
calls the same record code as the eager pass, in the same order.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import CompileError, DomainError, Scalar, Tensor, nn
from autograd_lite.compiled import state
from autograd_lite.graph import _switched

train_module = sys.modules[nn.fit.__module__]  # where fit finds compile

# --- helpers ------------------------------------------------------------------------------------------


def same(a, b) -> bool:
    """Exactly equal arrays (shape, dtype and every value; NaN equal to NaN)."""
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


def assert_same_parameters(eager_params, compiled_params) -> None:
    for e, c in zip(eager_params, compiled_params, strict=True):
        assert same(e.data, c.data), e.label
        if e.grad is None:
            assert c.grad is None, e.label
        else:
            assert same(e.grad, c.grad), e.label


def value_of(result):
    """A step's result as plain values: Tensors become their arrays (copied)."""
    if isinstance(result, Tensor):
        return np.array(result.data)
    if isinstance(result, (tuple, list)):
        return type(result)(value_of(x) for x in result)
    return result


def assert_same_result(eager, compiled) -> None:
    e, c = value_of(eager), value_of(compiled)
    if isinstance(e, (tuple, list)):
        assert len(e) == len(c)
        for x, y in zip(e, c):
            assert_same_result(x, y)
    elif isinstance(e, np.ndarray):
        assert same(e, c)
    else:
        assert type(e) is type(c) and (e == c or e != e and c != c)


def as_eager_args(args):
    """What the compiled step's arguments become for the traced call: arrays as constant Tensors."""
    return [Tensor(x) if isinstance(x, np.ndarray) else x for x in args]


def run_both(make, calls):
    """``make()`` -> (step, parameters), twice (identical); run the eager one and the compiled one on
    each argument tuple of ``calls`` and compare results, parameters and gradients after every call."""
    eager_step, eager_params = make()
    step, params = make()
    fast = ag.compile(step)
    for args in calls:
        e = eager_step(*as_eager_args(args))
        c = fast(*args)
        assert_same_result(e, c)
        assert_same_parameters(eager_params, params)
    return fast, params


def data(n_x=2, m=40, seed=1, dtype=np.float64, classes=None):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_x, m).astype(dtype)
    if classes is None:
        Y = (rng.rand(1, m) > 0.5).astype(dtype)
    else:
        Y = np.eye(classes, dtype=dtype)[:, rng.randint(0, classes, m)]
    return X, Y


def parameters(shapes, seed=0, dtype=np.float64, scale=0.5):
    rng = np.random.RandomState(seed)
    return [
        Tensor((rng.randn(*shape) * scale).astype(dtype), requires_grad=True, label=f"P{i}")
        for i, shape in enumerate(shapes)
    ]


TINY = [(4, 2), (4, 1), (1, 4), (1, 1)]


def tiny_net(lr=0.5, dtype=np.float64, reset="none"):
    """The [2, 4, 1] tanh / sigmoid net, cost from primitives, the course's update."""
    params = parameters(TINY, dtype=dtype)
    W1, b1, W2, b2 = params

    def step(X, Y):
        if reset == "zero_grad":
            ag.zero_grad(params)
        else:
            for p in params:
                p.grad = None
        A1 = (W1 @ X + b1).tanh()
        A = (W2 @ A1 + b2).sigmoid()
        m = X.shape[1]
        J = -(1 / m) * (Y * A.log() + (1 - Y) * (1 - A).log()).sum()
        J.backward()
        for p in params:
            p.data -= lr * p.grad
        return J

    return step, params


# --- 1. equal to the eager step --------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reset", ["none", "zero_grad"])
def test_tiny_net_from_primitives_equals_eager(dtype, reset):
    X, Y = data(dtype=dtype)
    fast, params = run_both(lambda: tiny_net(dtype=dtype, reset=reset), [(X, Y)] * 6)
    assert fast.traces == 1 and len(fast.replays) == 1
    assert all(p.data.dtype == dtype and p.grad.dtype == dtype for p in params)


def test_logistic_regression_with_fused_bce_equals_eager():
    X, Y = data(n_x=3, m=25)

    def make():
        w, b = Tensor(np.zeros((3, 1)), requires_grad=True, label="w"), Tensor(0.0, requires_grad=True)

        def step(X, Y):
            w.grad = b.grad = None
            A = (w.T @ X + b).sigmoid()
            J = ag.binary_cross_entropy(A, Y)
            J.backward()
            w.data -= 0.1 * w.grad
            b.data -= 0.1 * b.grad
            return J.item(), A

        return step, [w, b]

    fast, _ = run_both(make, [(X, Y)] * 6)
    assert fast.traces == 1


def test_logits_bce_and_zero_grad_method_equal_eager():
    X, Y = data(n_x=2, m=17, dtype=np.float32)

    def make():
        params = parameters([(3, 2), (3, 1), (1, 3), (1, 1)], seed=4, dtype=np.float32)
        W1, b1, W2, b2 = params

        def step(X, Y):
            for p in params:
                p.zero_grad()
            Z = W2 @ (W1 @ X + b1).relu() + b2
            J = ag.binary_cross_entropy(Z, Y, logits=True)
            J.backward()
            with ag.no_grad():
                for p in params:
                    p.data -= 0.3 * p.grad
            return J

        return step, params

    run_both(make, [(X, Y)] * 5)


def many_ops_step(params):
    """Broadcasting, reductions over axes, reshape and transpose, maximum, relu, leaky_relu, exp,
    division by a tensor, powers, softmax, log_softmax and the softmax cross entropy."""
    W1, b1, W2, b2, c = params

    def step(X, Y):
        ag.zero_grad(params)
        Z1 = W1 @ X + b1  # b1 (4, 1) broadcast over the m columns
        A1 = ag.maximum(Z1, 0.05 * Z1) + Z1.relu() + Z1.leaky_relu(0.1)
        scale = A1.exp().mean(axis=1).reshape(4, 1)  # (4, 1)
        A1 = A1 / (1 + scale) + c**2
        Z2 = (A1.T @ W2.T).T + b2  # (3, m)
        J = nn.softmax_cross_entropy(Z2, Y)
        J = J + (ag.softmax(Z2, axis=0) * Y).sum(axis=0, keepdims=True).mean()
        J = J - 0.01 * (ag.log_softmax(Z2, axis=0) ** 2).sum()
        J = J + (Z2.sum(axis=0, keepdims=True) ** 2).mean() * 1e-3
        J.backward()
        for p in params:
            p.data -= 0.05 * p.grad
        return J, Z2

    return step


def many_ops_params(dtype=np.float64):
    return parameters([(4, 3), (4, 1), (3, 4), (3, 1), (1, 1)], seed=3, dtype=dtype, scale=0.3)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_many_ops_equal_eager(dtype):
    X, Y = data(n_x=3, m=9, dtype=dtype, classes=3)

    def make():
        params = many_ops_params(dtype)
        return many_ops_step(params), params

    fast, _ = run_both(make, [(X, Y)] * 5)
    assert fast.traces == 1


def test_softmax_cross_entropy_replay_with_other_labels():
    X = np.ones((2, 2))
    Y1, Y2 = np.eye(3)[:, [0, 0]], np.eye(3)[:, [2, 2]]

    def make():
        W = Tensor(np.arange(6.0).reshape(3, 2) / 10, requires_grad=True, label="W")

        def step(X, Y):
            W.grad = None
            J = nn.softmax_cross_entropy(W @ X, Y)
            J.backward()
            return J

        return step, [W]

    run_both(make, [(X, Y1), (X, Y2)])


# --- 1c. nn.fit(compile=True) ---------------------------------------------------------------------------


MODELS = {
    "deep": lambda dtype: nn.DeepNetwork([2, 4, 3, 1], hidden_activation="tanh", seed=2, dtype=dtype),
    "sequential": lambda dtype: nn.Sequential(
        nn.Dense(2, 5, "relu", seed=1, dtype=dtype), nn.Dense(5, 1, "sigmoid", seed=2, dtype=dtype)
    ),
    "logistic": lambda dtype: nn.LogisticRegression(2, init="small", seed=3, dtype=dtype),
}
RATES = {"gd": 0.5, "momentum": 0.3, "rmsprop": 0.01, "adam": 0.01}


def fit_both(
    kind,
    optimizer,
    dtype=np.float64,
    batch_size=None,
    l2=0.0,
    m=90,
    loss="binary_cross_entropy",
    iterations=5,
    monkeypatch=None,
):
    X, Y = data(m=m, seed=5, dtype=dtype)
    results = []
    compiled = []
    if monkeypatch is not None:  # keep the compiled step that fit makes, to count its traces
        real = train_module.compile_step

        def keeping(step):
            compiled.append(real(step))
            return compiled[-1]

        monkeypatch.setattr(train_module, "compile_step", keeping)
    for compile in (False, True):
        model = MODELS[kind](dtype)
        costs = nn.fit(
            model,
            X,
            Y,
            learning_rate=RATES[optimizer],
            num_iterations=iterations,
            optimizer=optimizer,
            batch_size=batch_size,
            l2=l2,
            loss=loss,
            compile=compile,
            progress=False,
        )
        results.append((costs, model.parameters()))
    (eager_costs, eager_params), (costs, params) = results
    assert len(costs) == iterations
    assert costs == eager_costs
    assert_same_parameters(eager_params, params)
    for p in params:
        assert p.data.dtype == dtype and p.data.flags.writeable
    return compiled


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "rmsprop", "adam"])
@pytest.mark.parametrize("kind", ["deep", "sequential", "logistic"])
def test_fit_compiled_equals_eager_full_batch(kind, optimizer):
    fit_both(kind, optimizer)


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "rmsprop", "adam"])
def test_fit_compiled_equals_eager_minibatches(optimizer, monkeypatch):
    (fast,) = fit_both("deep", optimizer, batch_size=32, monkeypatch=monkeypatch)  # 32, 32, 26
    assert fast.traces == 2


@pytest.mark.parametrize("optimizer", ["gd", "adam"])
@pytest.mark.parametrize("batch_size", [None, 40])
def test_fit_compiled_equals_eager_with_l2(optimizer, batch_size):
    fit_both("deep", optimizer, batch_size=batch_size, l2=0.7)


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "rmsprop", "adam"])
def test_fit_compiled_equals_eager_float32(optimizer):
    fit_both("sequential", optimizer, dtype=np.float32, batch_size=50)


def test_fit_compiled_mse_equals_eager():
    fit_both("sequential", "momentum", loss="mse", batch_size=25)


def test_fit_compiled_softmax_cross_entropy_minibatches():
    rng = np.random.RandomState(0)
    X = rng.randn(2, 30)
    Y = np.eye(3)[:, rng.randint(0, 3, 30)]
    runs = []
    for compile in (False, True):
        model = nn.DeepNetwork([2, 5, 3], hidden_activation="tanh", output_activation="linear", seed=1)
        costs = nn.fit(
            model,
            X,
            Y,
            learning_rate=0.1,
            num_iterations=3,
            loss="softmax_cross_entropy",
            batch_size=8,
            compile=compile,
            progress=False,
        )
        runs.append((costs, model.parameters()))
    assert runs[0][0] == runs[1][0]
    assert_same_parameters(runs[0][1], runs[1][1])


def test_optimizer_state_is_changed_in_place_by_replays():
    X, Y = data(m=30)
    models = [MODELS["deep"](np.float64) for _ in range(2)]
    optimizers = [nn.Adam(model.parameters(), learning_rate=0.01) for model in models]
    arrays = [(list(o.v), list(o.s), o._t) for o in optimizers]

    def make_step(model, optimizer):
        def step(X, Y):
            optimizer.zero_grad()
            J = nn.binary_cross_entropy(model(X), Y)
            J.backward()
            optimizer.step()
            return J.item()

        return step

    eager, fast = make_step(models[0], optimizers[0]), ag.compile(make_step(models[1], optimizers[1]))
    for _ in range(5):
        assert eager(Tensor(X), Tensor(Y)) == fast(X, Y)
    assert optimizers[0].t == optimizers[1].t == 5
    for e, c in zip(optimizers[0].v + optimizers[0].s, optimizers[1].v + optimizers[1].s):
        assert same(e, c)
    v, s, t = arrays[1]  # the very arrays the optimizer started with, changed in place
    assert all(a is b for a, b in zip(v, optimizers[1].v)) and all(a is b for a, b in zip(s, optimizers[1].s))
    assert t is optimizers[1]._t and fast.traces == 1


def test_state_outside_a_trace_is_the_array_itself():
    a = np.zeros(3)
    assert state(a) is a


# --- 2. guards ------------------------------------------------------------------------------------------


def test_argument_shape_change_traces_again():
    def make():
        return tiny_net(lr=0.3)

    calls = [data(m=m, seed=m) for m in (400, 400, 300, 300, 400, 400)]
    fast, _ = run_both(make, calls)
    assert fast.traces == 2 and len(fast.replays) == 2


def test_argument_dtype_change_traces_again():
    X, Y = data(m=20)
    calls = [(X, Y), (X, Y), (X.astype(np.float32), Y.astype(np.float32)), (X, Y)]
    fast, params = run_both(tiny_net, calls)
    assert fast.traces == 2


def test_tensor_arguments_are_inputs_too():
    X, Y = data(m=20)
    calls = [(Tensor(X), Tensor(Y)), (X, Y), (Tensor(X * 2), Tensor(Y))]
    fast, _ = run_both(tiny_net, calls)
    assert fast.traces == 1


def lr_step_factory():
    params = parameters(TINY)
    W1, b1, W2, b2 = params

    def step(X, Y, lr):
        for p in params:
            p.grad = None
        A = (W2 @ (W1 @ X + b1).tanh() + b2).sigmoid()
        J = ag.binary_cross_entropy(A, Y)
        J.backward()
        for p in params:
            p.data -= lr * p.grad
        return J

    return step, params


def test_static_argument_change_traces_again():
    X, Y = data(m=30)
    calls = [(X, Y, 0.1), (X, Y, 0.1), (X, Y, 0.2), (X, Y, 0.2), (X, Y, 0.1)]
    fast, _ = run_both(lr_step_factory, calls)
    assert fast.traces == 2


def lr_pair():
    """The eager step and its compiled twin on identical parameters: (eager, eager_params, fast, params)."""
    eager, eager_params = lr_step_factory()
    step, params = lr_step_factory()
    return eager, eager_params, ag.compile(step), params


def test_keyword_arguments():
    X, Y = data(m=30)
    eager, eager_params, fast, params = lr_pair()
    for lr in (0.1, 0.1, 0.3, 0.3):
        assert eager(Tensor(X), Tensor(Y), lr=lr).data == fast(X, Y, lr=lr).data
        assert_same_parameters(eager_params, params)
    assert fast.traces == 2


def test_decorator_form():
    @ag.compile
    def double(x):
        return x * 2

    assert same(double(np.arange(3.0)).data, np.arange(3.0) * 2)
    assert same(double(np.ones(3)).data, np.full(3, 2.0))
    assert double.traces == 1 and double.__wrapped__ is not None


def test_parameter_replaced_by_another_shape_traces_again():
    X, Y = data(n_x=2, m=12)
    eager, eager_params, fast, params = lr_pair()

    def both():
        assert eager(Tensor(X), Tensor(Y), 0.1).data == fast(X, Y, 0.1).data
        assert_same_parameters(eager_params, params)

    both()
    both()
    rng = np.random.RandomState(7)
    new = [rng.randn(6, 2) * 0.5, np.zeros((6, 1)), rng.randn(1, 6) * 0.5]
    for ps in (eager_params, params):
        for p, array in zip(ps, new):
            p.data = array.copy()
    both()
    assert fast.traces == 2
    both()
    assert fast.traces == 2


def test_parameter_replaced_by_same_shape_array_is_replayed_on_it():
    X, Y = data(m=12)
    eager, eager_params, fast, params = lr_pair()
    fast(X, Y, 0.1)
    eager(Tensor(X), Tensor(Y), 0.1)
    for ps in (eager_params, params):
        ps[0].data = np.full((4, 2), 0.25)
    new = params[0].data
    assert eager(Tensor(X), Tensor(Y), 0.1).data == fast(X, Y, 0.1).data
    assert_same_parameters(eager_params, params)
    assert params[0].data is new  # updated in place, as the eager step does
    assert fast.traces == 1


def test_parameter_dtype_change_traces_again():
    X, Y = data(m=12)
    eager, eager_params, fast, params = lr_pair()
    fast(X, Y, 0.1)
    eager(Tensor(X), Tensor(Y), 0.1)
    for ps in (eager_params, params):
        for p in ps:
            p.data = p.data.astype(np.float32)
    for _ in range(2):
        assert eager(Tensor(X), Tensor(Y), 0.1).data == fast(X, Y, 0.1).data
        assert_same_parameters(eager_params, params)
    assert fast.traces == 2
    assert all(p.data.dtype == np.float32 for p in params)


def read_guard_factory(read):
    def make():
        W = Tensor(np.array([[0.2, -0.1]]), requires_grad=True, label="W")

        def step(X):
            W.grad = None
            J = (W @ X).sum()
            if read(X, J) > 0.5:  # a value read that decides the path: a guard
                K = J * 3.0
            else:
                K = J.exp()
            K.backward()
            W.data -= 0.01 * W.grad
            return K

        return step, [W]

    return make


def test_read_guard_traces_again_when_the_value_read_changes():
    small, large = np.full((2, 3), 0.1), np.full((2, 3), 5.0)
    calls = [(small,), (small,), (large,), (large,), (small,), (small,)]
    fast, _ = run_both(read_guard_factory(lambda X, J: X.mean().item()), calls)
    assert fast.traces == 3  # small, large, small again: each change of the value read traces again
    assert len(fast.replays) == 1  # a new trace replaces the one of the same key


@pytest.mark.parametrize("read", [lambda X, J: J.item(), lambda X, J: float(J)], ids=["item", "float"])
def test_read_guard_on_a_changing_value_traces_every_call(read):
    X = np.full((2, 3), 0.1)
    fast, _ = run_both(read_guard_factory(read), [(X,)] * 4)
    assert fast.traces == 4  # J changes with W at every step: the replay never applies


def test_read_guard_on_constant_value_is_replayed():
    W = Tensor(np.array([[0.2, -0.1]]), requires_grad=True, label="W")

    def step(X, flag):
        W.grad = None
        J = (W @ X).sum()
        if bool(flag.sum()):
            J = J * 2.0
        J.backward()
        W.data -= 0.01 * W.grad
        return J

    fast = ag.compile(step)
    X = np.ones((2, 3))
    for _ in range(3):
        fast(X, np.ones(1))
    assert fast.traces == 1
    fast(X, np.zeros(1))
    assert fast.traces == 2


def test_returned_item_is_an_output_not_a_guard():
    def make():
        step, params = tiny_net()

        def reading(X, Y):
            return step(X, Y).item()

        return reading, params

    calls = [data(m=10, seed=s) for s in range(5)]
    fast, _ = run_both(make, calls)
    assert fast.traces == 1


def domain_factory():
    W = Tensor(np.array([1.0, 2.0]), requires_grad=True, label="W")

    def step(X):
        W.grad = None
        J = (W * X).log().sum()
        J.backward()
        W.data -= 0.01 * W.grad
        return J

    return step, [W]


def test_domain_error_in_a_replay_raises_and_changes_nothing():
    step, (W,) = domain_factory()
    fast = ag.compile(step)
    fast(np.ones(2))
    fast(np.ones(2))
    assert fast.traces == 1
    before = W.data.copy()
    with pytest.raises(DomainError):
        fast(np.array([1.0, -1.0]))
    assert same(W.data, before)
    assert W.data.flags.writeable
    # a call inside the domain afterwards still equals the eager step
    eager, (We,) = domain_factory()
    We.data = before.copy()
    assert fast(np.ones(2)).data == eager(Tensor(np.ones(2))).data
    assert same(W.data, We.data) and same(W.grad, We.grad)


def test_domain_error_when_parameters_leave_the_domain():
    def make():
        W = Tensor(np.array([0.3]), requires_grad=True, label="W")

        def step(X):
            W.grad = None
            J = (W.log() + W * X).sum()  # dJ/dW = 1/W + X: the updates walk W below 0
            J.backward()
            W.data -= 0.02 * W.grad
            return J

        return step, W

    eager, We = make()
    step, W = make()
    fast = ag.compile(step)
    for _ in range(2):  # a trace, then a replay that makes W negative
        assert fast(np.full(1, 10.0)).data == eager(Tensor(np.full(1, 10.0))).data
    assert W.data[0] < 0 and same(W.data, We.data)
    before = W.data.copy()
    with pytest.raises(DomainError):
        eager(Tensor(np.full(1, 10.0)))
    with pytest.raises(DomainError):
        fast(np.full(1, 10.0))
    assert same(W.data, before) and fast.traces == 1


def test_division_domain_in_replay():
    W = Tensor(np.array([1.0, 2.0]), requires_grad=True, label="W")

    def step(X):
        W.grad = None
        J = (W / X).sum()
        J.backward()
        return J

    fast = ag.compile(step)
    fast(np.ones(2))
    fast(np.full(2, 2.0))
    with pytest.raises(DomainError):
        step(Tensor(np.array([1.0, 0.0])))
    with pytest.raises(DomainError):
        fast(np.array([1.0, 0.0]))


def test_detect_anomaly_runs_the_step_eagerly():
    X, Y = data(m=15)
    step, params = tiny_net()
    fast = ag.compile(step)
    eager, eager_params = tiny_net()
    with ag.detect_anomaly():
        assert fast(Tensor(X), Tensor(Y)).data == eager(Tensor(X), Tensor(Y)).data
    assert fast.traces == 0
    assert_same_parameters(eager_params, params)
    assert fast(X, Y).data == eager(Tensor(X), Tensor(Y)).data
    with ag.detect_anomaly():
        assert fast(Tensor(X), Tensor(Y)).data == eager(Tensor(X), Tensor(Y)).data
    assert fast.traces == 1
    assert_same_parameters(eager_params, params)


def test_detect_anomaly_stops_at_nan_in_a_compiled_step():
    W = Tensor(np.array([1.0]), requires_grad=True)

    def step(X):
        W.grad = None
        J = (W * X).exp().sum()
        J.backward()
        return J

    fast = ag.compile(step)
    fast(np.ones(1))
    fast(np.ones(1))
    assert np.isinf(fast(np.array([1000.0])).data)  # IEEE result, as the eager step gives
    with ag.detect_anomaly(), pytest.raises(FloatingPointError):
        fast(Tensor(np.array([1000.0])))


# --- 3. what compile refuses ----------------------------------------------------------------------------


def simple_step_factory():
    W = Tensor(np.ones((1, 2)), requires_grad=True, label="W")

    def step(X):
        W.grad = None
        J = (W @ X).sum()
        J.backward()
        W.data -= 0.1 * W.grad
        return J

    return step, W


def test_refuses_an_argument_that_requires_grad():
    step, _ = simple_step_factory()
    with pytest.raises(CompileError, match="requires grad; pass data as arguments"):
        ag.compile(step)(Tensor(np.ones((2, 3)), requires_grad=True, label="X"))


def test_refuses_a_parameter_made_in_the_step():
    def step(X):
        W = Tensor(np.ones((1, 2)), requires_grad=True, label="Wnew")
        J = (W @ X).sum()
        J.backward()
        return J

    with pytest.raises(CompileError, match="makes the parameter Wnew"):
        ag.compile(step)(np.ones((2, 3)))


def test_refuses_adding_to_gradients_left_from_before():
    W = Tensor(np.ones((1, 2)), requires_grad=True, label="W")
    (W @ Tensor(np.ones((2, 3)))).sum().backward()  # W.grad holds an array now

    def step(X):
        J = (W @ X).sum()
        J.backward()
        W.data -= 0.1 * W.grad
        return J

    with pytest.raises(CompileError, match=r"adds to W\.grad left from before it"):
        ag.compile(step)(np.ones((2, 3)))


def test_refuses_state_assigned_anew():
    W = Tensor(np.ones((1, 2)), requires_grad=True, label="W")

    class Momentum:
        v = np.zeros((1, 2))

    opt = Momentum()

    def step(X):
        W.grad = None
        J = (W @ X).sum()
        J.backward()
        opt.v = 0.9 * opt.v + (1 - 0.9) * W.grad
        W.data -= 0.1 * opt.v
        return J

    with pytest.raises(CompileError, match="keeps an array computed from gradients after it returns"):
        ag.compile(step)(np.ones((2, 3)))


def test_refuses_a_scalar_that_requires_grad_in_tensor_ops():
    s = Scalar(2.0, requires_grad=True, label="s")
    W = Tensor(np.ones((1, 2)), requires_grad=True, label="W")

    def step(X):
        W.grad = None
        J = (W @ X * s).sum()
        J.backward()
        return J

    with pytest.raises(CompileError, match="s is a Scalar that requires grad"):
        ag.compile(step)(np.ones((2, 3)))


@pytest.mark.parametrize(
    "returned",
    [lambda J: float(np.asarray(J.data)) + 1.0, lambda J: [1.0, 2.0], lambda J: (J, 3.5)],
    ids=["float", "list-of-floats", "tuple-with-float"],
)
def test_refuses_an_untraceable_result(returned):
    step, _ = simple_step_factory()

    def returning(X):
        return returned(step(X))

    with pytest.raises(CompileError, match="which the trace cannot follow"):
        ag.compile(returning)(np.ones((2, 3)))


def test_refuses_backward_through_scalars():
    a = Scalar(3.0, requires_grad=True, label="a")

    def step(X):
        J = a * a + 1.0
        J.backward()
        return X * 2

    with pytest.raises(CompileError, match="backward\\(\\) through Scalars is not compiled"):
        ag.compile(step)(np.ones(2))


@pytest.mark.parametrize("argument", [[0.1, 0.2], {"lr": 0.1}, (np.ones(2),)], ids=["list", "dict", "tuple"])
def test_refuses_an_unhashable_argument(argument):
    def step(X, other):
        return X * 2

    with pytest.raises(CompileError, match="neither an array nor a hashable value"):
        ag.compile(step)(np.ones(2), argument)


def reversed_slice_update(W):
    W.data -= 0.1 * (W.grad + W.grad[:, ::-1][:, :1])  # indexing a gradient is traced


def test_indexing_a_gradient_is_replayed():
    run_both(in_place_gradient_factory(reversed_slice_update), [(np.full((2, 3), 0.1),)] * 3)


def test_refuses_a_transpose_of_a_gradient():
    W = Tensor(np.ones((2, 2)), requires_grad=True, label="W")

    def step(X):
        W.grad = None
        J = (W @ X).sum()
        J.backward()
        W.data -= 0.1 * (W.grad + W.grad.T)  # a view NumPy made: the trace cannot follow it
        return J

    with pytest.raises(CompileError, match="view of a parameter's data or of a gradient"):
        ag.compile(step)(np.ones((2, 3)))


def test_refuses_an_update_through_a_slice_of_a_parameters_data():
    W = Tensor(np.ones((2, 2)), requires_grad=True, label="W")

    def step(X):
        W.grad = None
        J = (W @ X).sum()
        J.backward()
        W.data[0] -= 0.1 * W.grad[0]
        return J

    with pytest.raises(CompileError, match="view of a parameter's data"):
        ag.compile(step)(np.ones((2, 3)))


def transposed_update(W):
    W.data -= 0.01 * (W.grad + W.grad.T)


def reversed_update(W):
    W.data -= 0.01 * (W.grad - W.grad[::-1])


@pytest.mark.parametrize("update, refused", [(transposed_update, True), (reversed_update, False)])
def test_same_shaped_view_of_a_gradient_is_refused_or_replayed(update, refused):
    """A view with the gradient's shape and dtype but other elements in each place is not the gradient."""
    if refused:
        with pytest.raises(CompileError, match="view of a parameter's data or of a gradient"):
            run_both(in_place_gradient_factory(update), [(np.full((2, 3), 0.1),)] * 3)
    else:
        run_both(in_place_gradient_factory(update), [(np.full((2, 3), 0.1),)] * 3)


def in_place_gradient_factory(update):
    def make():
        W = Tensor(np.array([[1.0, -2.0], [0.5, 3.0]]), requires_grad=True, label="W")

        def step(X):
            W.grad = None
            J = ((W @ X) ** 2).sum()
            J.backward()
            update(W)
            return J

        return step, [W]

    return make


def clip_in_place(W):
    np.clip(W.grad, -1.0, 1.0, out=W.grad)
    W.grad *= 0.5
    W.data -= 0.1 * W.grad


def test_gradient_changed_in_place_by_ufuncs_equals_eager():
    run_both(in_place_gradient_factory(clip_in_place), [(np.full((2, 3), 0.1),)] * 5)


def slice_update(W):
    W.data[0] -= 0.1 * W.grad[0]


def copy_update(W):
    W.data -= 0.1 * W.grad.copy()


def item_assignment(W):
    W.grad[0] = 0.0
    W.data -= 0.1 * W.grad


@pytest.mark.parametrize(
    "update, refused", [(slice_update, True), (copy_update, False), (item_assignment, False)]
)
def test_update_through_a_view_copy_or_item_assignment_is_refused_or_replayed(update, refused):
    """Indexing, copying and assigning items of a gradient are traced; writing into a slice of a
    parameter's data is refused; neither is silently left out of the replays."""
    if refused:
        with pytest.raises(CompileError, match="view of a parameter's data"):
            run_both(in_place_gradient_factory(update), [(np.full((2, 3), 0.1),)] * 3)
    else:
        run_both(in_place_gradient_factory(update), [(np.full((2, 3), 0.1),)] * 3)


def test_a_refused_trace_leaves_plain_gradients():
    W = Tensor(np.ones((1, 2)), requires_grad=True, label="W")

    def step(X):
        W.grad = None
        J = (W @ X).sum()
        J.backward()
        return 1.5

    with pytest.raises(CompileError):
        ag.compile(step)(np.ones((2, 3)))
    assert type(W.grad) is np.ndarray and W.grad.flags.writeable
    assert _switched.count == 0  # the trace's switch is off again: eager ops skip the tracing look-up


def test_refuses_a_parameter_argument():
    step, _ = simple_step_factory()

    def taking(W, X):
        return step(X)

    with pytest.raises(CompileError, match="requires grad; pass data as arguments"):
        ag.compile(taking)(nn.Parameter(np.ones((1, 2)), name="P"), np.ones((2, 3)))


def test_returned_bool_is_not_confused_with_a_guard():
    def make():
        W = Tensor(np.array([[0.5, 0.5]]), requires_grad=True, label="W")

        def step(X, Z):
            W.grad = None
            J = (W @ X).sum()
            if bool(Z.sum()):  # a guard
                J = J * 2.0
            J.backward()
            W.data -= 0.1 * W.grad
            return J, bool(X.sum())  # an output, True as the guard was on the first call

        return step, [W]

    X = np.ones((2, 3))
    run_both(make, [(X, np.ones(1)), (X, np.ones(1)), (X, np.zeros(1))])


# --- 4. a replay makes no graph nodes ----------------------------------------------------------------


def test_replay_returns_constants_and_leaves_parameters_usable():
    X, Y = data(m=20)
    step, params = tiny_net()
    fast = ag.compile(step)
    X_before, Y_before = X.copy(), Y.copy()
    fast(X, Y)
    J = fast(X, Y)
    assert fast.traces == 1
    assert isinstance(J, Tensor) and not J.requires_grad and J.parents == () and J.op is None
    grads = [p.grad for p in params]
    assert len({id(g) for g in grads}) == len(grads)
    for p in params:
        assert type(p.grad) is np.ndarray and p.grad.flags.writeable
        assert p.grad.shape == p.data.shape and p.grad.dtype == p.data.dtype
        assert type(p.data) is np.ndarray and p.data.flags.writeable
        p.data += 0.0  # no lock on them
        p.grad *= 1.0
    assert same(X, X_before) and same(Y, Y_before)
    assert X.flags.writeable and Y.flags.writeable


def test_eager_step_after_replays_still_works():
    X, Y = data(m=20)
    step, params = tiny_net()
    eager, eager_params = tiny_net()
    fast = ag.compile(step)
    for _ in range(3):
        fast(X, Y)
        eager(Tensor(X), Tensor(Y))
    # the plain step on the same parameters, after replays: the graph machinery still works
    assert step(Tensor(X), Tensor(Y)).data == eager(Tensor(X), Tensor(Y)).data
    assert_same_parameters(eager_params, params)


def test_replay_gradients_are_distinct_when_they_share_a_value():
    def make():
        A = Tensor(np.ones((2, 3)), requires_grad=True, label="A")
        B = Tensor(np.full((2, 3), 2.0), requires_grad=True, label="B")

        def step(X):
            A.grad = B.grad = None
            J = (A + B + X).sum()
            J.backward()
            return J

        return step, [A, B]

    fast, (A, B) = run_both(make, [(np.ones((2, 3)),)] * 3)
    assert A.grad is not B.grad and not np.shares_memory(A.grad, B.grad)
    A.grad += 1.0
    assert same(B.grad, np.ones((2, 3)))


def test_returning_an_input_leaves_the_callers_array_writable():
    step, _ = simple_step_factory()

    def returning(X):
        return step(X), X

    fast = ag.compile(returning)
    X = np.ones((2, 3))
    fast(X)
    fast(X)
    assert X.flags.writeable


def test_returning_a_parameter_leaves_it_writable():
    step, W = simple_step_factory()

    def returning(X):
        return step(X), W

    fast = ag.compile(returning)
    X = np.ones((2, 3))
    for _ in range(3):
        assert fast(X)[1] is W
    assert W.data.flags.writeable


def test_input_arrays_are_not_changed_by_replays():
    X, Y = data(m=10)
    X0, Y0 = X.copy(), Y.copy()

    def make():
        step, params = tiny_net()

        def changing(X, Y):
            J = step(X, Y)
            return J, X.T * 1.0, (Y + 0.0)

        return changing, params

    run_both(make, [(X, Y)] * 3)
    assert same(X, X0) and same(Y, Y0) and X.flags.writeable and Y.flags.writeable


# --- 5. nested ------------------------------------------------------------------------------------------


def test_compiled_step_inside_another_trace_runs_eagerly():
    def make():
        inner_step, params = tiny_net(lr=0.2)
        inner = ag.compile(inner_step)

        def outer(X, Y):
            J1 = inner(X, Y)
            J2 = inner(X, Y)
            return J1, J2

        return outer, params

    X, Y = data(m=16)
    fast, _ = run_both(make, [(X, Y)] * 4)
    assert fast.traces == 1


def test_compiled_inner_already_traced_is_run_eagerly_inside_a_trace():
    X, Y = data(m=16)
    inner_step, params = tiny_net(lr=0.2)
    inner = ag.compile(inner_step)
    eager, eager_params = tiny_net(lr=0.2)
    for _ in range(2):  # the inner step has a trace of its own
        assert inner(X, Y).data == eager(Tensor(X), Tensor(Y)).data
    assert inner.traces == 1

    def outer(X, Y):
        return inner(X, Y) * 2

    fast = ag.compile(outer)
    for _ in range(3):
        assert fast(X, Y).data == (eager(Tensor(X), Tensor(Y)) * 2).data
        assert_same_parameters(eager_params, params)
    assert inner.traces == 1 and fast.traces == 1


# --- 6. the generated source ----------------------------------------------------------------------------


def test_generated_source_is_available():
    X, Y = data(m=8)
    step, _ = tiny_net()
    fast = ag.compile(step)
    fast(X, Y)
    (key,) = fast.replays
    source = fast.replays[key].source
    assert isinstance(source, str) and "def replay" in source
    assert "compile(" in repr(fast) and "traces=1" in repr(fast)


# --- 7. random MLPs -----------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    widths=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    n_x=st.integers(1, 4),
    m=st.one_of(st.just(1), st.integers(1, 20)),
    dtype=st.sampled_from([np.float32, np.float64]),
    activation=st.sampled_from(["tanh", "relu", "sigmoid"]),
    seed=st.integers(0, 2**16),
)
def test_random_mlps_compiled_equal_eager(widths, n_x, m, dtype, activation, seed):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_x, m).astype(dtype)
    Y = rng.randn(widths[-1], m).astype(dtype)
    dims = [n_x, *widths]

    def make():
        model = nn.DeepNetwork(
            dims, hidden_activation=activation, output_activation=activation, seed=seed, dtype=dtype
        )
        optimizer = nn.Momentum(model.parameters(), learning_rate=0.1)

        def step(X, Y):
            optimizer.zero_grad()
            J = nn.mean_squared_error(model(X), Y)
            J.backward()
            optimizer.step()
            return J

        return step, model.parameters()

    fast, params = run_both(make, [(X, Y)] * 3)
    assert fast.traces == 1
    assert all(p.data.dtype == dtype for p in params)


def test_softmax_cross_entropy_with_class_numbers_is_refused_in_a_trace():
    W = Tensor(np.ones((3, 2)) / 10, requires_grad=True, label="W")

    def step(X, labels):
        W.grad = None
        J = nn.softmax_cross_entropy(W @ X, labels)
        J.backward()
        return J

    with pytest.raises(CompileError, match=r"pass one-hot labels of shape \(3, 4\)"):
        ag.compile(step)(np.ones((2, 4)), np.array([0.0, 1.0, 2.0, 1.0]))
    eager = nn.softmax_cross_entropy(Tensor(np.zeros((3, 2))), np.array([0, 2]))  # outside a trace: fine
    assert eager.item() == pytest.approx(np.log(3))
