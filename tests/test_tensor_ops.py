"""Every Tensor op: forward value and gradient against HIPS autograd and against ``gradcheck``.

Each case reduces a non-scalar output ``out`` to the number J = sum(out * R) with a fixed random
weight array R, so that gradients are not trivially ones. The same function is written twice: once
for autograd_lite Tensors and once for ``autograd.numpy`` arrays (the reference).
"""

from __future__ import annotations

import zlib

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import Scalar, Tensor

# --- helpers ------------------------------------------------------------------------------------------


def rng_for(*key) -> np.random.Generator:
    """A generator seeded from the test's parameters, so every case has its own fixed data."""
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def normal(rng, shape, away_from=(), margin=0.05):
    """Normal samples, redrawn where closer than ``margin`` to any point of ``away_from`` (kinks)."""
    x = np.asarray(rng.normal(size=shape), dtype=np.float64)
    while True:
        close = np.zeros(shape, dtype=bool)
        for point in away_from:
            close |= np.abs(x - point) < margin
        if not close.any():
            return x
        x = np.where(close, rng.normal(size=shape), x)


def positive(rng, shape, low=0.5, high=2.0):
    return np.asarray(rng.uniform(low, high, size=shape), dtype=np.float64)


def weights_like(out_shape, seed=12345):
    return np.asarray(np.random.default_rng(seed).normal(size=out_shape))


def check_op(lite_fn, ref_fn, arrays, rtol=1e-9, atol=1e-12, gradcheck=True):
    """Compare value and gradients of ``lite_fn`` (Tensors) with ``ref_fn`` (autograd.numpy).

    Every array becomes a Tensor that requires grad. Returns the Tensors (their ``.grad`` set).
    """
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    tensors = [Tensor(a.copy(), requires_grad=True, label=f"x{i}") for i, a in enumerate(arrays)]

    out = lite_fn(*tensors)
    expected = ref_fn(*arrays)
    assert isinstance(out, Tensor)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=rtol, atol=atol)

    R = weights_like(out.shape)
    (out * R).sum().backward()

    def reference_cost(*xs):
        return anp.sum(ref_fn(*xs) * R)

    for i, (tensor, array) in enumerate(zip(tensors, arrays, strict=True)):
        expected_grad = autograd.grad(reference_cost, i)(*arrays)
        assert tensor.grad is not None, f"input {i} got no gradient"
        assert tensor.grad.shape == array.shape
        assert tensor.grad.dtype == np.float64
        np.testing.assert_allclose(tensor.grad, expected_grad, rtol=1e-7, atol=1e-10, err_msg=f"input {i}")

    if gradcheck:
        assert ag.gradcheck(lambda *ts: (lite_fn(*ts) * R).sum(), tensors)
    return tensors


def sigmoid_ref(x):
    return 1.0 / (1.0 + anp.exp(-x))


def logsumexp_ref(x, axis=None, keepdims=False):
    shift = anp.max(x, axis=axis, keepdims=True)  # its gradient cancels: the value does not depend on it
    out = anp.log(anp.sum(anp.exp(x - shift), axis=axis, keepdims=True)) + shift
    if keepdims:
        return out
    return anp.reshape(out, ()) if axis is None else anp.squeeze(out, axis=axis)


def where_ref(condition, x, y):
    """HIPS autograd's where() does not sum gradients over broadcast axes: broadcast first."""
    zeros = np.zeros(np.broadcast_shapes(np.shape(condition), np.shape(x), np.shape(y)))
    return anp.where(condition, x + zeros, y + zeros)


def softmax_ref(x, axis):
    e = anp.exp(x - anp.max(x, axis=axis, keepdims=True))
    return e / anp.sum(e, axis=axis, keepdims=True)


# --- arithmetic with broadcasting -------------------------------------------------------------------------

BROADCAST_PAIRS = [
    ((3, 1), (1, 4)),
    ((2, 3, 4), (4,)),
    ((4,), (2, 3, 4)),
    ((), (3, 4)),
    ((3, 4), ()),
    ((3, 4), (3, 4)),
    ((2, 1, 4), (3, 1)),
]

BINARY_OPS = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / b, lambda a, b: a / b),
    "pow": (lambda a, b: a**b, lambda a, b: a**b),
    "maximum": (ag.maximum, anp.maximum),
    "minimum": (ag.minimum, anp.minimum),
}


@pytest.mark.parametrize("shapes", BROADCAST_PAIRS, ids=str)
@pytest.mark.parametrize("name", list(BINARY_OPS))
def test_binary_op_with_broadcasting(name, shapes):
    rng = rng_for(name, shapes)
    lite_fn, ref_fn = BINARY_OPS[name]
    if name == "div":
        arrays = [normal(rng, shapes[0]), positive(rng, shapes[1]) * np.sign(normal(rng, shapes[1]))]
    elif name == "pow":  # tensor exponent: the base must be positive
        arrays = [positive(rng, shapes[0]), normal(rng, shapes[1])]
    else:  # continuous random data: maximum/minimum never meet a tie
        arrays = [normal(rng, shapes[0]), normal(rng, shapes[1])]
    check_op(lite_fn, ref_fn, arrays)


NUMBER_OPS = {
    "t + 2.5": (lambda t: t + 2.5, lambda x: x + 2.5),
    "2.5 + t": (lambda t: 2.5 + t, lambda x: 2.5 + x),
    "t - 1.5": (lambda t: t - 1.5, lambda x: x - 1.5),
    "1.5 - t": (lambda t: 1.5 - t, lambda x: 1.5 - x),
    "t * -3": (lambda t: t * -3, lambda x: x * -3),
    "-3 * t": (lambda t: -3 * t, lambda x: -3 * x),
    "t / 4": (lambda t: t / 4, lambda x: x / 4),
    "4 / t": (lambda t: 4 / t, lambda x: 4 / x),
    "t ** 2": (lambda t: t**2, lambda x: x**2),
    "t ** 3": (lambda t: t**3, lambda x: x**3),
    "t ** 0.5": (lambda t: t**0.5, lambda x: x**0.5),
    "t ** -1.5": (lambda t: t**-1.5, lambda x: x**-1.5),
    "2 ** t": (lambda t: 2**t, lambda x: 2**x),
    "0.5 ** t": (lambda t: 0.5**t, lambda x: 0.5**x),
    "-t": (lambda t: -t, lambda x: -x),
    "abs(t)": (abs, anp.abs),
    "t.abs()": (lambda t: t.abs(), anp.abs),
    "maximum(t, 0.0)": (lambda t: ag.maximum(t, 0.0), lambda x: anp.maximum(x, 0.0)),
    "minimum(0.3, t)": (lambda t: ag.minimum(0.3, t), lambda x: anp.minimum(0.3, x)),
}


@pytest.mark.parametrize("shape", [(), (5,), (3, 4)], ids=str)
@pytest.mark.parametrize("name", list(NUMBER_OPS))
def test_op_with_python_number(name, shape):
    rng = rng_for(name, shape)
    lite_fn, ref_fn = NUMBER_OPS[name]
    needs_positive = "/ t" in name or "**" in name and name.startswith("t")
    x = positive(rng, shape) if needs_positive else normal(rng, shape, away_from=(0.0, 0.3))
    check_op(lite_fn, ref_fn, [x])


ARRAY_OPS = {
    "ndarray + t": (lambda c, t: c + t),
    "t - ndarray": (lambda c, t: t - c),
    "ndarray * t": (lambda c, t: c * t),
    "ndarray / t": (lambda c, t: c / t),
    "t @ ndarray.T": (lambda c, t: t @ c.T),
}


@pytest.mark.parametrize("name", list(ARRAY_OPS))
def test_op_with_plain_ndarray_constant(name):
    rng = rng_for(name)
    c = normal(rng, (3, 4))
    fn = ARRAY_OPS[name]
    check_op(lambda t: fn(c, t), lambda x: fn(c, x), [positive(rng, (3, 4))])


# --- a Scalar operand of a Tensor op ------------------------------------------------------------------

SCALAR_OPS = {
    "t + s": lambda t, s: t + s,
    "s + t": lambda t, s: s + t,
    "t - s": lambda t, s: t - s,
    "s - t": lambda t, s: s - t,
    "t * s": lambda t, s: t * s,
    "s * t": lambda t, s: s * t,
    "t / s": lambda t, s: t / s,
    "s / t": lambda t, s: s / t,
    "t ** s": lambda t, s: t**s,
    "s ** t": lambda t, s: s**t,
    "maximum(t, s)": lambda t, s: (ag.maximum if isinstance(t, Tensor) else anp.maximum)(t, s),
    "where(c, s, t)": lambda t, s: (ag.where if isinstance(t, Tensor) else where_ref)(WHERE_MASK, s, t),
}
WHERE_MASK = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, False]])


@pytest.mark.parametrize("name", list(SCALAR_OPS))
def test_scalar_operand_receives_the_summed_gradient(name):
    rng = rng_for(name)
    fn = SCALAR_OPS[name]
    x = positive(rng, (3, 4))
    s_value = 1.7
    t = Tensor(x.copy(), requires_grad=True)
    s = Scalar(s_value, label="s")

    out = fn(t, s)
    assert isinstance(out, Tensor)
    np.testing.assert_allclose(out.data, fn(x, s_value), rtol=1e-12)
    R = weights_like(out.shape)
    (out * R).sum().backward()

    def reference(x_, s_):
        return anp.sum(fn(x_, s_) * R)

    expected_s_grad = autograd.grad(reference, 1)(x, s_value)
    assert isinstance(s.grad, float)
    assert s.grad == pytest.approx(expected_s_grad, rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(t.grad, autograd.grad(reference, 0)(x, s_value), rtol=1e-9)
    assert ag.gradcheck(lambda t_, s_: (fn(t_, s_) * R).sum(), [t, s])


def test_scalar_times_tensor_gradient_is_the_explicit_sum():
    x = np.arange(12.0).reshape(3, 4)
    R = weights_like((3, 4))
    s = Scalar(2.0)
    t = Tensor(x, requires_grad=True)
    ((t * s) * R).sum().backward()
    assert s.grad == pytest.approx(float((x * R).sum()), rel=1e-12)
    np.testing.assert_allclose(t.grad, 2.0 * R)


# --- elementwise functions ------------------------------------------------------------------------------

UNARY_OPS = {
    "exp": (lambda t: t.exp(), anp.exp, "normal"),
    "log": (lambda t: t.log(), anp.log, "positive"),
    "sqrt": (lambda t: t.sqrt(), anp.sqrt, "positive"),
    "tanh": (lambda t: t.tanh(), anp.tanh, "normal"),
    "sigmoid": (lambda t: t.sigmoid(), sigmoid_ref, "normal"),
    "relu": (lambda t: t.relu(), lambda x: anp.maximum(x, 0.0), "normal"),
    "leaky_relu": (lambda t: t.leaky_relu(), lambda x: anp.where(x > 0, x, 0.01 * x), "normal"),
    "leaky_relu(0.2)": (lambda t: t.leaky_relu(0.2), lambda x: anp.where(x > 0, x, 0.2 * x), "normal"),
    "clip(-0.5, 0.7)": (lambda t: t.clip(-0.5, 0.7), lambda x: anp.clip(x, -0.5, 0.7), "normal"),
    "clip(low=0.2)": (lambda t: t.clip(low=0.2), lambda x: anp.clip(x, 0.2, np.inf), "normal"),
    "clip(high=-0.1)": (lambda t: t.clip(high=-0.1), lambda x: anp.clip(x, -np.inf, -0.1), "normal"),
    "neg": (lambda t: -t, lambda x: -x, "normal"),
    "abs": (lambda t: t.abs(), anp.abs, "normal"),
}
KINKS = (0.0, -0.5, 0.7, 0.2, -0.1)  # kinks of relu, abs and the clip bounds above


@pytest.mark.parametrize("shape", [(), (4,), (2, 3, 4)], ids=str)
@pytest.mark.parametrize("name", list(UNARY_OPS))
def test_elementwise_function(name, shape):
    rng = rng_for(name, shape)
    lite_fn, ref_fn, domain = UNARY_OPS[name]
    x = positive(rng, shape, 0.2, 3.0) if domain == "positive" else normal(rng, shape, away_from=KINKS)
    check_op(lite_fn, ref_fn, [x])


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_and_log_softmax(name, axis):
    rng = rng_for(name, axis)
    x = normal(rng, (3, 4)) * 3
    if name == "softmax":
        refs = [lambda x_: softmax_ref(x_, axis)]
        lites = [lambda t: t.softmax(axis=axis), lambda t: ag.softmax(t, axis=axis)]
    else:
        refs = [lambda x_: anp.log(softmax_ref(x_, axis))]
        lites = [lambda t: t.log_softmax(axis=axis), lambda t: ag.log_softmax(t, axis=axis)]
    for lite_fn in lites:
        check_op(lite_fn, refs[0], [x])


def test_softmax_default_axis_is_zero_and_rows_sum_to_one():
    x = normal(rng_for("softmax default"), (3, 5))
    s = Tensor(x).softmax()
    np.testing.assert_allclose(s.data, softmax_ref(x, 0), rtol=1e-12)
    np.testing.assert_allclose(s.data.sum(axis=0), np.ones(5), rtol=1e-12)


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2), (-1, -2)], ids=str)
def test_logsumexp(axis, keepdims):
    x = normal(rng_for("logsumexp", axis, keepdims), (2, 3, 4)) * 4
    check_op(
        lambda t: t.logsumexp(axis=axis, keepdims=keepdims), lambda x_: logsumexp_ref(x_, axis, keepdims), [x]
    )
    check_op(
        lambda t: ag.logsumexp(t, axis=axis, keepdims=keepdims),
        lambda x_: logsumexp_ref(x_, axis, keepdims),
        [x],
        gradcheck=False,
    )


def test_logsumexp_and_softmax_are_stable_for_large_inputs():
    x = np.array([[1000.0, 1001.0], [-1000.0, -1002.0]])
    np.testing.assert_allclose(
        Tensor(x).logsumexp(axis=1).data, [1001.0 + np.log1p(np.exp(-1.0)), -1000.0 + np.log1p(np.exp(-2.0))]
    )
    s = Tensor(x).softmax(axis=1).data
    assert np.all(np.isfinite(s))
    np.testing.assert_allclose(s.sum(axis=1), [1.0, 1.0])


# --- matrix product ------------------------------------------------------------------------------------

MATMUL_SHAPES = [
    ((4,), (4,)),
    ((4,), (4, 3)),
    ((3, 4), (4,)),
    ((3, 4), (4, 5)),
    ((1, 4), (4, 1)),
    ((2, 3, 4), (4, 5)),
    ((3, 4), (2, 4, 5)),
    ((2, 1, 3, 4), (3, 4, 5)),
    ((4,), (2, 4, 3)),
    ((2, 3, 4), (4,)),
]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul(shapes):
    rng = rng_for("matmul", shapes)
    check_op(lambda a, b: a @ b, lambda a, b: anp.matmul(a, b), [normal(rng, s) for s in shapes])


def test_matmul_with_ndarray_on_the_left():
    rng = rng_for("rmatmul")
    W = normal(rng, (2, 3))
    check_op(lambda t: W @ t, lambda x: anp.matmul(W, x), [normal(rng, (3, 4))])


# --- shape ops -------------------------------------------------------------------------------------------

TRANSPOSES = {
    "T": (lambda t: t.T, lambda x: x.T),
    "transpose()": (lambda t: t.transpose(), lambda x: anp.transpose(x)),
    "transpose(1, 0, 2)": (lambda t: t.transpose(1, 0, 2), lambda x: anp.transpose(x, (1, 0, 2))),
    "transpose((2, 0, 1))": (lambda t: t.transpose((2, 0, 1)), lambda x: anp.transpose(x, (2, 0, 1))),
    "transpose([1, 2, 0])": (lambda t: t.transpose([1, 2, 0]), lambda x: anp.transpose(x, (1, 2, 0))),
    "transpose(-1, 0, 1)": (lambda t: t.transpose(-1, 0, 1), lambda x: anp.transpose(x, (2, 0, 1))),
    "transpose(0, -1, -2)": (lambda t: t.transpose(0, -1, -2), lambda x: anp.transpose(x, (0, 2, 1))),
}


@pytest.mark.parametrize("name", list(TRANSPOSES))
def test_transpose(name):
    lite_fn, ref_fn = TRANSPOSES[name]
    check_op(lite_fn, ref_fn, [normal(rng_for("transpose", name), (2, 3, 4))])


@pytest.mark.parametrize("axes", [(-1, 0), (1, -2), (-2, -1)], ids=str)
def test_transpose_of_a_square_matrix_with_negative_axes(axes):
    """Same shape either way, so a wrong inverse permutation would go unnoticed by shape checks."""
    normalized = tuple(a % 2 for a in axes)
    check_op(
        lambda t: t.transpose(axes), lambda x: anp.transpose(x, normalized), [normal(rng_for(axes), (3, 3))]
    )


@pytest.mark.parametrize("shape", [(3,), (3, 4)], ids=str)
def test_T_of_vectors_and_matrices(shape):
    check_op(lambda t: t.T, lambda x: x.T, [normal(rng_for("T", shape), shape)])


RESHAPES = [(6, 4), (4, 6), (-1,), (2, 12), (3, -1), (2, 3, 2, 2), (24, 1), (1, 24)]


@pytest.mark.parametrize("shape", RESHAPES, ids=str)
def test_reshape(shape):
    x = normal(rng_for("reshape", shape), (2, 3, 4))
    check_op(lambda t: t.reshape(shape), lambda x_: anp.reshape(x_, shape), [x])
    check_op(lambda t: t.reshape(*shape), lambda x_: anp.reshape(x_, shape), [x], gradcheck=False)


def test_flatten():
    check_op(lambda t: t.flatten(), lambda x: anp.reshape(x, (-1,)), [normal(rng_for("flatten"), (2, 3, 4))])


INDICES = {
    "[1]": 1,
    "[-1]": -1,
    "[:, 1:3]": (slice(None), slice(1, 3)),
    "[..., ::-2]": (Ellipsis, slice(None, None, -2)),
    "[1:, -1]": (slice(1, None), -1),
    "[0, 2, 3]": (0, 2, 3),
    "[:, None, 0]": (slice(None), None, 0),
    "[[0, 0, 1]]": [0, 0, 1],
    "[array([1, 1, 0, 1])]": np.array([1, 1, 0, 1]),
    "[:, [2, 2, 0]]": (slice(None), [2, 2, 0]),
    "[[0, 1, 1], [2, 2, 2]]": ([0, 1, 1], [2, 2, 2]),
    "[[[0, 0], [1, 0]]]": np.array([[0, 0], [1, 0]]),
    "[mask]": np.array([True, False]),
}


@pytest.mark.parametrize("name", list(INDICES))
def test_getitem(name):
    index = INDICES[name]
    check_op(lambda t: t[index], lambda x: x[index], [normal(rng_for("getitem", name), (2, 3, 4))])


def test_getitem_with_repeated_indices_adds_gradients():
    t = Tensor(np.arange(4.0), requires_grad=True)
    t[[0, 0, 0, 2]].sum().backward()
    np.testing.assert_array_equal(t.grad, [3.0, 0.0, 1.0, 0.0])


# --- reductions -------------------------------------------------------------------------------------------

AXES = [None, 0, 1, 2, -1, -2, -3, (0, 2), (-1, 0), (0, 1, 2), (1,)]
REDUCTIONS = {
    "sum": anp.sum,
    "mean": anp.mean,
    "max": anp.max,
    "min": anp.min,
}


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name", list(REDUCTIONS))
def test_reduction(name, axis, keepdims):
    x = normal(rng_for(name, axis, keepdims), (2, 3, 4))  # continuous data: no ties for max/min
    ref = REDUCTIONS[name]
    check_op(
        lambda t: getattr(t, name)(axis=axis, keepdims=keepdims),
        lambda x_: ref(x_, axis=axis, keepdims=keepdims),
        [x],
    )


def test_reductions_with_axis_given_as_a_list():
    x = normal(rng_for("list axis"), (2, 3, 4))
    check_op(lambda t: t.sum(axis=[0, 2]), lambda x_: anp.sum(x_, axis=(0, 2)), [x])


@pytest.mark.parametrize("ddof", [0, 1])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2)], ids=str)
@pytest.mark.parametrize("name", ["var", "std"])
def test_var_and_std(name, axis, keepdims, ddof):
    x = normal(rng_for(name, axis, keepdims, ddof), (2, 3, 4))
    ref = anp.var if name == "var" else anp.std
    check_op(
        lambda t: getattr(t, name)(axis=axis, keepdims=keepdims, ddof=ddof),
        lambda x_: ref(x_, axis=axis, keepdims=keepdims, ddof=ddof),
        [x],
    )


# --- several tensors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shapes", "axis"),
    [
        (((2, 3), (4, 3), (1, 3)), 0),
        (((2, 3), (2, 1), (2, 5)), 1),
        (((2, 3), (2, 1), (2, 5)), -1),
        (((2, 1, 4), (2, 3, 4)), -2),
        (((3,), (2,)), 0),
    ],
    ids=str,
)
def test_concatenate(shapes, axis):
    arrays = [normal(rng_for("concatenate", shapes, i), s) for i, s in enumerate(shapes)]
    check_op(lambda *ts: ag.concatenate(ts, axis=axis), lambda *xs: anp.concatenate(xs, axis=axis), arrays)


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
def test_stack(axis):
    arrays = [normal(rng_for("stack", axis, i), (3, 4)) for i in range(3)]
    check_op(lambda *ts: ag.stack(ts, axis=axis), lambda *xs: anp.stack(xs, axis=axis), arrays)


def test_stack_and_concatenate_accept_a_list_with_a_constant_array():
    rng = rng_for("mixed stack")
    c = normal(rng, (2, 3))
    check_op(lambda t: ag.stack([t, c], axis=1), lambda x: anp.stack([x, c], axis=1), [normal(rng, (2, 3))])
    check_op(lambda t: ag.concatenate([c, t]), lambda x: anp.concatenate([c, x]), [normal(rng, (2, 3))])


@pytest.mark.parametrize(
    "shapes",
    [((3, 4), (3, 4)), ((3, 1), (4,)), ((), (3, 4)), ((4,), ())],
    ids=str,
)
def test_where(shapes):
    rng = rng_for("where", shapes)
    condition = rng.random((3, 4)) > 0.4
    check_op(
        lambda a, b: ag.where(condition, a, b),
        lambda a, b: where_ref(condition, a, b),
        [normal(rng, s) for s in shapes],
    )


def test_where_with_a_number_and_a_tensor_condition():
    rng = rng_for("where number")
    x = normal(rng, (3, 4))
    condition = Tensor(x > 0.2)
    check_op(lambda t: ag.where(condition, t, 0.0), lambda x_: anp.where(x > 0.2, x_, 0.0), [x])
    check_op(lambda t: ag.where(x > 0.2, -1.0, t), lambda x_: anp.where(x > 0.2, -1.0, x_), [x])


# --- binary cross-entropy ---------------------------------------------------------------------------------


def bce_probabilities_ref(A, Y, reduction):
    losses = -(Y * anp.log(A) + (1 - Y) * anp.log(1 - A))
    return {"mean": anp.mean, "sum": anp.sum, "none": lambda v: v}[reduction](losses)


def bce_logits_ref(Z, Y, reduction):
    return bce_probabilities_ref(sigmoid_ref(Z), Y, reduction)


@pytest.mark.parametrize("labels", ["hard", "soft"])
@pytest.mark.parametrize("shape", [(1, 5), (3, 4), (6,)], ids=str)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("logits", [False, True])
def test_binary_cross_entropy(logits, reduction, shape, labels):
    rng = rng_for("bce", logits, reduction, shape, labels)
    prediction = normal(rng, shape) * 2 if logits else rng.uniform(0.05, 0.95, size=shape)
    Y = (rng.random(shape) > 0.5).astype(float) if labels == "hard" else rng.uniform(0, 1, size=shape)
    ref = bce_logits_ref if logits else bce_probabilities_ref
    prediction_t, Y_t = check_op(
        lambda p, y: ag.binary_cross_entropy(p, y, logits=logits, reduction=reduction),
        lambda p, y: ref(p, y, reduction),
        [prediction, Y],
        rtol=1e-10,
    )
    assert prediction_t.grad is not None and Y_t.grad is not None


def test_binary_cross_entropy_with_constant_labels_matches_the_course_formula_for_dZ():
    """With logits, dJ/dZ = (A - Y) / m: the course's dZ = A - Y."""
    rng = rng_for("bce dZ")
    Z = Tensor(normal(rng, (1, 6)), requires_grad=True)
    Y = (rng.random((1, 6)) > 0.5).astype(float)
    ag.binary_cross_entropy(Z, Y, logits=True).backward()
    A = 1 / (1 + np.exp(-Z.data))
    np.testing.assert_allclose(Z.grad, (A - Y) / 6, rtol=1e-12)


def test_binary_cross_entropy_with_logits_is_stable_for_large_logits():
    Z = Tensor([[800.0, -800.0, 30.0]], requires_grad=True)
    J = ag.binary_cross_entropy(Z, [[1.0, 0.0, 1.0]], logits=True, reduction="sum")
    J.backward()
    assert J.item() == pytest.approx(np.log1p(np.exp(-30.0)), rel=1e-9)
    np.testing.assert_allclose(Z.grad, [[0.0, 0.0, 1 / (1 + np.exp(-30.0)) - 1.0]], atol=1e-15)


# --- ties: the gradient is shared, as HIPS autograd does ---------------------------------------------------


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("name", ["max", "min"])
def test_max_and_min_share_the_gradient_between_ties(name, axis):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0], [3.0, -1.0, 2.0]])
    check_op(
        lambda t: getattr(t, name)(axis=axis),
        lambda x_: REDUCTIONS[name](x_, axis=axis),
        [x],
        gradcheck=False,
    )


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_and_minimum_split_a_tie_half_and_half(name):
    a, b = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 5.0])
    lite_fn, ref_fn = BINARY_OPS[name]
    ta, tb = check_op(lite_fn, ref_fn, [a, b], gradcheck=False)
    R = weights_like((3,))
    assert ta.grad[0] == pytest.approx(R[0] / 2) and tb.grad[0] == pytest.approx(R[0] / 2)
