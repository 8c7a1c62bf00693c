"""Values and gradients that must not be silently wrong: the edge cases PyTorch (float64) agrees on.

Most tests here failed on the engine before their fix; the others guard what a fix must keep.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import Scalar, Tensor


@pytest.fixture(autouse=True)
def no_numpy_warning_escapes():
    """A NumPy RuntimeWarning from inside the library fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def param(values):
    """A float64 Tensor that requires grad."""
    return Tensor(np.asarray(values, dtype=np.float64), requires_grad=True, label="x")


# --- pow at a zero base: finite where PyTorch is finite, and the Tensor agrees with the Scalar -------


def test_x_to_the_zero_at_zero_has_gradient_zero():
    x = param([0.0, 2.0])
    (x**0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])
    s = Scalar(0.0)
    (s**0).backward()
    assert s.grad == 0.0


def test_tensor_exponent_at_a_zero_base_gets_gradient_zero():
    x, e = param([0.0, 2.0]), Tensor([2.0, 3.0], requires_grad=True)
    (x**e).sum().backward()
    np.testing.assert_allclose(x.grad, [0.0, 12.0])
    np.testing.assert_allclose(e.grad, [0.0, 8.0 * math.log(2.0)])


def test_zero_to_a_tensor_power_is_finite():
    v = Tensor([0.0, 1.0], requires_grad=True)
    y = 0.0**v
    y.sum().backward()
    np.testing.assert_array_equal(y.data, [1.0, 0.0])
    np.testing.assert_array_equal(v.grad, [0.0, 0.0])
    a, w = Scalar(0.0, requires_grad=False), Scalar(1.0)
    (a**w).backward()
    assert w.grad == 0.0


def test_square_root_power_at_zero_is_an_infinite_slope_without_a_warning():
    x = param([0.0])
    (x**0.5).sum().backward()
    assert x.grad[0] == math.inf


# --- relu: -inf gives 0, NaN propagates, on both payloads -----------------------------------------------


def test_relu_of_minus_infinity_is_zero_and_nan_propagates():
    out = Tensor([-np.inf, np.nan, 2.0]).relu().data
    assert out[0] == 0.0 and math.isnan(out[1]) and out[2] == 2.0
    assert Scalar(-math.inf).relu().data == 0.0
    assert math.isnan(Scalar(math.nan).relu().data)


# --- comparisons and masks -------------------------------------------------------------------------------


def test_all_six_comparisons_are_elementwise_bool_arrays():
    x = Tensor([1.0, 2.0, 3.0])
    for result, expected in (
        (x == 2, [False, True, False]),
        (x != 2, [True, False, True]),
        (x < 2, [True, False, False]),
        (x <= 2, [True, True, False]),
        (x > 2, [False, False, True]),
        (x >= 2, [False, True, True]),
    ):
        assert isinstance(result, np.ndarray) and result.dtype == np.bool_
        np.testing.assert_array_equal(result, expected)


def test_nodes_still_sit_in_sets_and_dicts_by_identity():
    a, b = Tensor([1.0]), Tensor([1.0])
    assert len({a, b}) == 2 and {a: 1}[a] == 1


def test_a_bool_mask_selects_and_routes_the_gradient():
    x = param([10.0, 20.0, 30.0])
    np.testing.assert_array_equal(x[Tensor([True, False, True])].data, [10.0, 30.0])
    np.testing.assert_array_equal(x[np.array([True, False, True])].data, [10.0, 30.0])
    np.testing.assert_array_equal(x[x == 20].data, [20.0])
    x[x > 15].sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 1.0])


def test_a_float_index_is_refused_rather_than_truncated():
    x = param([10.0, 20.0, 30.0])
    with pytest.raises(TypeError, match="float array cannot index"):
        x[Tensor([1.9])]
    with pytest.raises(TypeError, match="float array cannot index"):
        x[np.array([1.9])]


def test_a_tensor_made_of_nodes_is_refused_rather_than_dropping_their_graph():
    a, b = Scalar(1.0), Scalar(2.0)
    with pytest.raises(TypeError, match="use autograd_lite.stack"):
        Tensor([a, b])
    with pytest.raises(TypeError, match="use autograd_lite.stack"):
        Tensor([[param([1.0])], [param([2.0])]])
    s = ag.stack([a, b])  # the way that keeps the graph
    s.sum().backward()
    assert a.grad == 1.0 and b.grad == 1.0


# --- std at zero spread, zero-size reductions, float32 sigmoid --------------------------------------------


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_std_where_the_spread_is_zero_has_gradient_zero(axis):
    x = param([[1.0, 1.0], [2.0, 3.0]]) if axis == 1 else param([[4.0, 4.0]])
    x.std(axis=axis).sum().backward()
    assert np.all(np.isfinite(x.grad))
    if axis == 1:
        np.testing.assert_allclose(x.grad, [[0.0, 0.0], [-0.5, 0.5]])
    elif axis is None:
        np.testing.assert_array_equal(x.grad, [[0.0, 0.0]])


def test_std_over_an_axis_of_length_one_has_gradient_zero():
    x = param([[5.0, 7.0]])
    x.std(axis=0, keepdims=True).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 0.0]])


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmaxes_of_nothing_are_empty(name):
    out = getattr(Tensor(np.zeros((0, 3))), name)(axis=0)
    assert out.shape == (0, 3)


def test_logsumexp_of_nothing_is_minus_infinity():
    assert Tensor(np.zeros((0,))).logsumexp().item() == -math.inf
    np.testing.assert_array_equal(Tensor(np.zeros((2, 0))).logsumexp(axis=1).data, [-math.inf, -math.inf])


def test_float32_sigmoid_of_a_large_negative_number_is_zero_without_an_overflow_warning():
    out = Tensor(np.array([-100.0, -1000.0, 3.0], dtype=np.float32)).sigmoid()
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, [3.7835e-44, 0.0, 0.95257413], rtol=1e-4, atol=0)


# --- gradcheck in float32 --------------------------------------------------------------------------------


def test_gradcheck_passes_a_correct_float32_function_and_still_catches_a_wrong_one():
    x = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    assert ag.gradcheck(lambda t: (t * t).sum(), [x])  # float64's step gave "analytic 4.0, numeric 3.81"
    with pytest.raises(ag.GradcheckError):
        ag.gradcheck(lambda t: (t * t.detach()).sum(), [x])  # half the true gradient
