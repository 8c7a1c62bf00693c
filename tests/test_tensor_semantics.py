"""Tensor semantics: dtypes, attributes, backward rules, needed-only gradients, in-place protection,
no_grad/detach, reused nodes, and mixing with ndarrays and Scalars."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import BackwardError, Scalar, Tensor
from autograd_lite.ops import OPS


def param(shape, seed=0, dtype=np.float64, label=None):
    """A leaf that requires grad, with fixed random data."""
    data = np.random.default_rng(seed).normal(size=shape).astype(dtype)
    return Tensor(data, requires_grad=True, label=label)


# --- dtypes --------------------------------------------------------------------------------------------


def test_float64_is_the_default():
    assert Tensor([1.0, 2.0]).dtype == np.float64
    assert Tensor(3.0).dtype == np.float64
    assert Tensor(np.zeros((2, 2))).dtype == np.float64


@pytest.mark.parametrize("data", [[1, 2, 3], np.arange(3), np.arange(3, dtype=np.int32)], ids=repr)
def test_int_input_becomes_float64(data):
    t = Tensor(data)
    assert t.dtype == np.float64
    np.testing.assert_array_equal(t.data, np.asarray(data, dtype=np.float64))
    assert Tensor(data, requires_grad=True).dtype == np.float64


def test_bool_input_stays_a_mask_unless_it_requires_grad():
    assert Tensor([True, False]).dtype == np.bool_  # a mask: x[Tensor([True, False])] selects
    t = Tensor([True, False], requires_grad=True)
    assert t.dtype == np.float64
    np.testing.assert_array_equal(t.data, [1.0, 0.0])


def test_int_dtype_that_requires_grad_is_refused():
    with pytest.raises(TypeError):
        Tensor(np.arange(3), dtype=np.int64, requires_grad=True)


def test_non_numeric_data_is_refused():
    with pytest.raises(TypeError):
        Tensor(["a", "b"])


FLOAT32_EXPRESSIONS = {
    "t * 2.0": lambda t, s: t * 2.0,
    "2.0 * t": lambda t, s: 2.0 * t,
    "t + 1": lambda t, s: t + 1,
    "1 - t": lambda t, s: 1 - t,
    "t / 3": lambda t, s: t / 3,
    "3 / t": lambda t, s: 3 / t,
    "t ** 2": lambda t, s: t**2,
    "2 ** t": lambda t, s: 2**t,
    "t * np.float64(2)": lambda t, s: t * np.float64(2.0),
    "t * Scalar": lambda t, s: t * s,
    "Scalar + t": lambda t, s: s + t,
    "t ** Scalar": lambda t, s: (t * t + 1.0) ** s,
    "maximum(t, 0.0)": lambda t, s: ag.maximum(t, 0.0),
    "where(t > 0, t, 0.0)": lambda t, s: ag.where(t > 0, t, 0.0),
    "exp log sqrt": lambda t, s: (t * t + 1.0).log().exp().sqrt(),
    "tanh sigmoid relu": lambda t, s: t.tanh().sigmoid().relu() + t.leaky_relu(0.1),
    "clip abs": lambda t, s: t.clip(-0.5, 0.5).abs(),
    "sum mean var std": lambda t, s: t.sum(axis=0) + t.mean(axis=0) + t.var(axis=0) + t.std(axis=0),
    "max min": lambda t, s: t.max(axis=1, keepdims=True) * t.min(),
    "softmax log_softmax logsumexp": lambda t, s: t.softmax(0) + t.log_softmax(1) + t.logsumexp(axis=0),
    "matmul transpose reshape": lambda t, s: (t @ t.T).reshape(-1)[[0, 0, 3]],
    "bce": lambda t, s: ag.binary_cross_entropy(t.sigmoid(), (t > 0).astype(np.float32)),
    "bce logits": lambda t, s: ag.binary_cross_entropy(t, t.sigmoid().detach(), logits=True),
    "concatenate stack": lambda t, s: ag.concatenate([t, t]) + ag.stack([t, t]).sum(axis=0).mean(),
}


@pytest.mark.parametrize("name", list(FLOAT32_EXPRESSIONS))
def test_float32_stays_float32_and_so_do_its_gradients(name):
    t = Tensor(np.array([[0.5, -1.0], [2.0, 0.25]], dtype=np.float32) + 0.1, requires_grad=True)
    s = Scalar(1.5)
    out = FLOAT32_EXPRESSIONS[name](t, s)
    assert out.dtype == np.float32, f"{name} gave {out.dtype}"
    out.sum().backward()
    assert t.grad.dtype == np.float32
    assert t.grad.shape == t.shape


def test_float32_parameter_gets_a_float32_gradient_through_float64_data():
    W = param((2, 3), dtype=np.float32)
    X = Tensor(np.ones((3, 4)))  # float64 constant: the product is float64
    Z = W @ X
    assert Z.dtype == np.float64
    Z.sum().backward()
    assert W.grad.dtype == np.float32
    np.testing.assert_allclose(W.grad, np.full((2, 3), 4.0))


def test_explicit_float32_dtype():
    t = Tensor([1, 2, 3], dtype=np.float32, requires_grad=True)
    assert t.dtype == np.float32
    (t * 2.0).sum().backward()
    assert t.grad.dtype == np.float32


# --- attributes ----------------------------------------------------------------------------------------


def test_attributes():
    data = np.arange(6.0).reshape(2, 3)
    t = Tensor(data, label="X")
    assert t.shape == (2, 3)
    assert t.ndim == 2
    assert t.dtype == np.float64
    assert t.size == 6
    assert len(t) == 2
    assert isinstance(t.T, Tensor) and t.T.shape == (3, 2)
    np.testing.assert_array_equal(t.T.data, data.T)
    assert isinstance(t.numpy(), np.ndarray)
    np.testing.assert_array_equal(t.numpy(), data)
    assert t.is_leaf and t.label == "X" and t.grad is None and not t.requires_grad


def test_item():
    value = Tensor([[2.5]]).item()
    assert value == 2.5 and type(value) is float
    assert Tensor(3.0).item() == 3.0
    with pytest.raises(ValueError, match="item"):
        Tensor([1.0, 2.0]).item()


def test_detach_shares_data_and_cuts_the_graph():
    a = param((3,))
    b = a * 2
    d = b.detach()
    assert not d.requires_grad and d.is_leaf and d.grad is None
    np.testing.assert_array_equal(d.data, b.data)
    (d * a).sum().backward()
    np.testing.assert_array_equal(a.grad, d.data)  # d is a constant: no path through b


def test_repr():
    assert repr(Tensor([1.0, 2.0])) == "Tensor([1., 2.], shape=(2,))"
    r = repr(Tensor([[1.0, 2.0]], requires_grad=True, label="w"))
    assert r.startswith("Tensor(label='w', ") and "shape=(1, 2)" in r and r.endswith("requires_grad=True)")
    assert "dtype=float32" in repr(Tensor([1.0], dtype=np.float32))
    big = repr(Tensor(np.zeros((10, 10))))
    assert "10 x 10" in big and len(big) < 200


# --- backward rules ------------------------------------------------------------------------------------


def test_backward_on_a_non_scalar_needs_a_gradient():
    a = param((2, 3))
    out = a * 3
    with pytest.raises(BackwardError, match="grad="):
        out.backward()
    seed = np.arange(6.0).reshape(2, 3)
    out.backward(grad=seed)
    np.testing.assert_allclose(a.grad, 3 * seed)


def test_backward_with_a_tensor_as_gradient():
    a = param((2,))
    (a * 3).backward(grad=Tensor([1.0, -1.0]))
    np.testing.assert_allclose(a.grad, [3.0, -3.0])


def test_backward_with_a_gradient_of_the_wrong_shape_is_refused():
    a = param((2, 3))
    out = a * 3
    with pytest.raises(BackwardError, match=r"\(3, 2\)"):
        out.backward(grad=np.ones((3, 2)))
    out.backward(grad=np.ones((2, 3)))  # the failed attempt left the graph usable
    np.testing.assert_allclose(a.grad, np.full((2, 3), 3.0))


def test_backward_on_a_one_element_output_of_any_rank():
    a = param((1, 1))
    (a * 2).backward()
    assert a.grad.shape == (1, 1) and a.grad[0, 0] == 2.0


def test_backward_without_anything_requiring_grad_is_refused():
    with pytest.raises(BackwardError):
        (Tensor([1.0]) * 2).sum().backward()


def test_second_backward_without_retain_graph_is_refused():
    a = param((3,))
    f = (a.exp() * a).sum()
    f.backward()
    with pytest.raises(BackwardError, match=r"retain_graph=True"):
        f.backward()


def test_retain_graph_accumulates_exactly_double():
    a = param((2, 3))
    f = (a.tanh() @ a.T).sum()
    f.backward(retain_graph=True)
    first = a.grad.copy()
    f.backward()
    np.testing.assert_array_equal(a.grad, 2 * first)


def test_gradients_accumulate_across_graphs_until_zero_grad():
    a = param((3,))
    (a * 2).sum().backward()
    (a * 3).sum().backward()
    np.testing.assert_array_equal(a.grad, np.full(3, 5.0))
    a.zero_grad()
    np.testing.assert_array_equal(a.grad, np.zeros(3))
    (a * 2).sum().backward()
    np.testing.assert_array_equal(a.grad, np.full(3, 2.0))


def test_zero_grad_of_the_graph_and_of_a_parameter_list():
    W, b = param((2, 3), 1), param((2, 1), 2)
    f = (W * 2 + b).sum()
    f.backward(retain_graph=True)
    assert W.grad is not None and f.grad is not None
    f.zero_grad(graph=True)
    for node in (W, b, f):
        np.testing.assert_array_equal(node.grad, np.zeros(node.shape))
    f.backward()
    ag.zero_grad([W, b])
    np.testing.assert_array_equal(W.grad, np.zeros((2, 3)))
    np.testing.assert_array_equal(b.grad, np.zeros((2, 1)))


def test_intermediate_gradients_are_kept():
    a = param((3,), 3)
    u = (a * 2).named("u")
    v = u.exp()
    v.sum().backward()
    np.testing.assert_allclose(v.grad, np.ones(3))
    np.testing.assert_allclose(u.grad, np.exp(u.data))
    np.testing.assert_allclose(a.grad, 2 * np.exp(u.data))


# --- only needed gradients -----------------------------------------------------------------------------


def test_constant_gets_no_gradient():
    W = param((2, 3))
    X = Tensor(np.ones((3, 4)))
    (W @ X).sum().backward()
    assert X.grad is None
    np.testing.assert_allclose(W.grad, np.full((2, 3), 4.0))


def test_matmul_backward_is_asked_only_for_the_needed_gradient(monkeypatch):
    calls = []
    original = OPS["matmul"].vjp

    def spy(g, saved, needs):
        """The matmul VJP, recording which gradients it was asked for."""
        calls.append(tuple(needs))
        grads = original(g, saved, needs)
        assert [grad is None for grad in grads] == [not need for need in needs]  # nothing for constants
        return grads

    monkeypatch.setattr(OPS["matmul"], "vjp", spy)
    W, X = param((2, 3)), Tensor(np.ones((3, 4)))
    (W @ X).sum().backward()
    assert calls == [(True, False)]
    calls.clear()
    (X.T @ W.T).sum().backward()
    assert calls == [(False, True)]


def test_constant_branch_is_not_visited():
    W = param((2, 2))
    X = Tensor(np.ones((2, 2)))
    H = X.exp() * 3  # depends only on constants: not recorded
    assert not H.requires_grad and H.is_leaf
    (W * H).sum().backward()
    assert H.grad is None and X.grad is None


# --- in-place protection -------------------------------------------------------------------------------


def test_values_computed_by_recorded_ops_are_read_only():
    a = param((3,))
    e = a.exp()
    f = (e * 2).sum()
    with pytest.raises(ValueError, match="read-only"):
        e.data[0] = 1.0
    f.backward()
    np.testing.assert_allclose(a.grad, 2 * np.exp(a.data))


def test_constants_are_read_only_views_of_the_callers_array():
    X = np.ones((2, 2))
    t = Tensor(X)
    with pytest.raises(ValueError):
        t.data[0, 0] = 5.0
    assert X.flags.writeable


def test_saved_parameter_is_locked_until_backward():
    W = param((2, 3), label="W")
    A = param((3, 4), 1, label="A")
    f = (W @ A).sum()
    with pytest.raises(ValueError, match="read-only"):
        W.data[0, 0] = 1.0
    f.backward()
    before = W.data.copy()
    W.data -= 0.1 * W.grad  # the course's update works after backward
    np.testing.assert_allclose(W.data, before - 0.1 * W.grad)
    A.data[0, 0] = 1.0  # so is any write to A


def test_lock_is_released_when_the_graph_is_discarded_without_backward():
    W = param((2, 3))
    A = param((3, 4), 1)
    f = (W @ A).sum()
    with pytest.raises(ValueError):
        W.data[0, 0] = 1.0
    del f  # the last reference: the graph goes at once, no garbage collection needed
    W.data[0, 0] = 1.0
    assert W.data[0, 0] == 1.0


def test_lock_is_held_while_any_graph_needs_the_parameter():
    W = param((2, 3))
    A = param((3, 4), 1)
    f1 = (W @ A).sum()
    f2 = (W * W).sum()
    f1.backward()
    with pytest.raises(ValueError):
        W.data[0, 0] = 1.0  # f2 still needs W
    f2.backward()
    W.data[0, 0] = 1.0


def test_retain_graph_keeps_the_lock():
    W = param((2, 3))
    f = (W * W).sum()
    f.backward(retain_graph=True)
    with pytest.raises(ValueError):
        W.data[0, 0] = 1.0
    f.backward()
    W.data[0, 0] = 1.0


def test_writing_a_parameter_through_a_view_cannot_corrupt_gradients():
    """``W.T @ A`` saves a view of W's array: writing W.data before backward must be refused,
    or else the gradient must still be the one at the values the forward pass used."""
    W = param((3, 2))
    A = param((3, 5), 1)
    W_used = W.data.copy()
    R = np.random.default_rng(7).normal(size=(2, 5))
    f = ((W.T @ A) * R).sum()
    try:
        W.data[0, 0] = 100.0
    except ValueError:
        pass  # refused: fine
    f.backward()
    np.testing.assert_allclose(A.grad, W_used @ R)


# --- no_grad, requires_grad, detach --------------------------------------------------------------------


def test_no_grad_makes_results_that_do_not_require_grad():
    W = param((2, 3))
    with ag.no_grad():
        Z = (W * 2).exp().sum()
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()
    assert not Z.requires_grad and Z.is_leaf
    with pytest.raises(BackwardError):
        Z.backward()


def test_no_grad_as_decorator_and_the_update_step():
    W = param((2, 3))
    (W * W).sum().backward()

    @ag.no_grad()
    def step():
        """A gradient-descent step, not recorded."""
        return W - 0.1 * W.grad

    new = step()
    assert not new.requires_grad
    np.testing.assert_allclose(new.data, W.data - 0.1 * 2 * W.data)


def test_requires_grad_propagates():
    W = param((2, 2))
    X = Tensor(np.ones((2, 2)))
    assert (W @ X).requires_grad
    assert (X @ W).tanh().sum().requires_grad
    assert not (X * 2).requires_grad
    assert (X + Scalar(1.0)).requires_grad
    assert not (X + Scalar(1.0, requires_grad=False)).requires_grad


def test_detach_in_the_middle_stops_gradients():
    a = param((3,))
    b = a * 2
    c = b.detach() * a + b
    c.sum().backward()
    np.testing.assert_allclose(a.grad, b.data + 2)


# --- reused nodes --------------------------------------------------------------------------------------


def test_node_used_twice_in_one_op():
    a = param((2, 3))
    (a * a).sum().backward()
    np.testing.assert_allclose(a.grad, 2 * a.data)


def test_diamond_of_additions():
    a = param((2, 3))
    b = a + a
    c = b + b
    c.sum().backward()
    np.testing.assert_array_equal(a.grad, np.full((2, 3), 4.0))
    np.testing.assert_array_equal(b.grad, np.full((2, 3), 2.0))


def test_node_used_in_two_branches():
    x = param((4,))
    h = x.tanh()
    out = (h.exp() + h * 3).sum()
    out.backward()
    t = np.tanh(x.data)
    np.testing.assert_allclose(h.grad, np.exp(t) + 3)
    np.testing.assert_allclose(x.grad, (np.exp(t) + 3) * (1 - t**2))


# --- mixing with ndarrays and Scalars ------------------------------------------------------------------


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "@"])
def test_ndarray_on_the_left_returns_a_tensor(op):
    c = np.full((2, 2), 3.0)
    t = param((2, 2))
    out = {
        "+": lambda: c + t,
        "-": lambda: c - t,
        "*": lambda: c * t,
        "/": lambda: c / t,
        "@": lambda: c @ t,
    }[op]()
    assert isinstance(out, Tensor) and out.requires_grad
    expected = {"+": c + t.data, "-": c - t.data, "*": c * t.data, "/": c / t.data, "@": c @ t.data}[op]
    np.testing.assert_allclose(out.data, expected)


def test_numpy_scalars_mix_in():
    t = param((2,))
    assert isinstance(np.float64(2.0) * t, Tensor)
    assert isinstance(t + np.float32(1.0), Tensor)


def test_scalar_and_tensor_mix_both_ways():
    s = Scalar(2.0, label="s")
    t = param((2, 3))
    R = np.random.default_rng(3).normal(size=(2, 3))
    out = (s + t) * R + (t * s) * R
    assert isinstance(out, Tensor)
    out.sum().backward()
    assert s.grad == pytest.approx(float((R + t.data * R).sum()), rel=1e-12)
    np.testing.assert_allclose(t.grad, R + s.data * R)


def test_scalar_chain_before_a_tensor_op():
    a = Scalar(0.5)
    scale = (a * 4).exp()  # a Scalar graph feeding a Tensor graph
    t = Tensor(np.arange(3.0))
    (t * scale).sum().backward()
    assert a.grad == pytest.approx(4 * np.exp(2.0) * 3.0, rel=1e-12)


def test_comparisons_give_plain_bool_arrays():
    t = Tensor([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(t > 1.5, [False, True, True])
    np.testing.assert_array_equal(t <= Tensor([1.0, 1.0, 4.0]), [True, False, True])
    assert isinstance(t < 2, np.ndarray)


def test_iterating_over_a_tensor_yields_its_rows():
    t = Tensor([[1.0, 2.0], [3.0, 4.0]])
    rows = list(t)
    assert len(rows) == 2
    np.testing.assert_array_equal(rows[1].data, [3.0, 4.0])


def test_conversions_to_python_and_numpy():
    t = Tensor([[1.5, -2.0]], label="t")
    assert np.asarray(t) is t.data
    copied = np.asarray(t, dtype=np.float32)
    assert copied.dtype == np.float32 and copied is not t.data
    assert float(Tensor(2.5)) == 2.5
    assert bool(Tensor([0.0])) is False and bool(Tensor(3.0)) is True
    with pytest.raises(ValueError, match=r"truth value of t \(1, 2\) is ambiguous"):
        bool(t)
    with pytest.raises(ValueError, match="item"):
        float(t)


def test_tensor_graphs_hold_no_reference_cycles():
    """A discarded graph is freed by reference counting alone: the cycle collector finds nothing."""
    import gc

    from autograd_lite import nn

    X, Y = nn.datasets.planar_flower()
    model = nn.DeepNetwork([2, 4, 1], hidden_activation="tanh", init="small", seed=2)
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            cost = nn.binary_cross_entropy(model(Tensor(X)), Tensor(Y))
            cost.backward()
            del cost
        unused = nn.binary_cross_entropy(model(Tensor(X)), Tensor(Y))  # never backpropagated
        del unused
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_unbroadcast_expands_a_smaller_gradient_and_sums_a_larger_one():
    from autograd_lite import unbroadcast

    like = np.zeros((3, 1))
    assert np.array_equal(unbroadcast(np.array(2.0), like), np.full((3, 1), 2.0))
    assert np.array_equal(unbroadcast(np.ones((2, 3, 4)), like), np.full((3, 1), 8.0))


def test_a_one_element_output_takes_a_plain_number_as_its_seed():
    w = Tensor([[2.0]], requires_grad=True)
    cost = w * 3.0  # shape (1, 1)
    cost.backward(grad=2.0)
    assert w.grad.shape == (1, 1) and w.grad[0, 0] == 6.0


def test_a_leaf_made_to_require_grad_after_its_ops_gets_no_gradient():
    """The ops recorded before a.requires_grad_() hand it nothing (as in PyTorch): a.grad stays None."""
    a = Tensor(np.ones(3), label="a")
    w = param((3,))
    y = (a * w).sum()
    a.requires_grad_(True)
    y.backward()
    assert a.grad is None
    np.testing.assert_allclose(w.grad, np.ones(3))
    (a * w).sum().backward()  # recorded now: a gets its gradient
    np.testing.assert_allclose(a.grad, w.data)


def test_zero_dimensional_gradients_are_arrays_and_accumulate():
    # NumPy answers arithmetic on 0-d arrays with NumPy scalars; .grad stays an array all the same
    s = Tensor(3.0, requires_grad=True)
    u = (s * 3).named("u")
    J = u * u
    J.backward(retain_graph=True)
    J.backward()
    assert type(s.grad) is np.ndarray and type(u.grad) is np.ndarray and s.grad.flags.writeable
    assert s.grad == 2 * 2 * 9 * 3 and u.grad == 2 * 2 * 9
    b = Tensor(0.5, requires_grad=True)
    for _ in range(3):
        (Tensor(np.ones((2, 1))).sum() * 2 + b).backward()
    assert type(b.grad) is np.ndarray and b.grad == 3


def test_the_course_deep_step_in_float32_makes_no_float64_array():
    """The deep net's step as the course writes it (Python numbers in the cost, 1 - Y, -(1/m)): every value
    on the graph, every array an op saves for backward and every gradient stays float32."""
    rng = np.random.default_rng(0)
    dims, m = (5, 4, 3, 1), 7
    X = Tensor(rng.random((dims[0], m)).astype(np.float32))
    Y = Tensor((rng.random((1, m)) > 0.5).astype(np.float32))
    params = []
    for n, n_prev in zip(dims[1:], dims[:-1]):
        b = Tensor(np.zeros((n, 1), np.float32), requires_grad=True)
        params += [param((n, n_prev), dtype=np.float32), b]
    A = X
    for layer in range(len(dims) - 1):
        Z = params[2 * layer] @ A + params[2 * layer + 1]
        A = Z.sigmoid() if layer == len(dims) - 2 else Z.relu()
    J = -(1 / m) * (Y * A.log() + (1 - Y) * (1 - A).log()).sum()
    nodes = [node for node in ag.graph.topological_order(J, constants=True) if isinstance(node, Tensor)]
    saved = [
        value
        for node in nodes
        for value in (node._saved if isinstance(node._saved, tuple) else (node._saved,))
        if isinstance(value, np.ndarray) and value.dtype.kind == "f"
    ]
    assert len(nodes) > 20 and len(saved) > 5  # (the walk found the graph and its saved arrays)
    assert {node.dtype for node in nodes} == {np.dtype(np.float32)}
    assert {value.dtype for value in saved} == {np.dtype(np.float32)}
    J.backward()
    assert {np.asarray(node.grad).dtype for node in nodes if node.requires_grad} == {np.dtype(np.float32)}
