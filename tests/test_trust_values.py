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


# --- domains: one rule for both payloads -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_scalar", "make_tensor", "problem"),
    [
        (lambda x: x.log(), lambda x: x.log(), "is not > 0"),
        (lambda x: x.sqrt(), lambda x: x.sqrt(), "is negative"),
        (lambda x: x.log1p(), lambda x: x.log1p(), "is not > -1"),
        (lambda x: x ** 0.5, lambda x: x ** 0.5, "is negative and exponent 0.5 is not an integer"),
    ],
    ids=["log", "sqrt", "log1p", "pow"],
)
def test_a_tensor_outside_the_domain_raises_the_scalar_error_with_count_and_first_index(
    make_scalar, make_tensor, problem
):
    with pytest.raises(ag.DomainError, match=problem):
        make_scalar(Scalar(-1.5, label="x"))
    x = Tensor([[1.0, 2.0, -1.5], [0.5, -3.0, 4.0]], requires_grad=True, label="x")
    with pytest.raises(ag.DomainError) as error:
        make_tensor(x)
    message = str(error.value)
    assert "2 of 6 values are outside its domain" in message
    assert "[0, 2] = " in message and problem in message


def test_a_zero_divisor_in_a_tensor_is_named_by_label_and_index():
    message = r"div\(n / d\): 1 of 3 values is outside .* d\[1\] = 0.0 is zero"
    with pytest.raises(ag.DomainError, match=message):
        Tensor([1.0, 2.0, 3.0], label="n") / Tensor([1.0, 0.0, 2.0], requires_grad=True, label="d")


def test_nan_is_inside_every_domain_and_propagates():
    assert math.isnan(Scalar(math.nan).log().data)
    out = Tensor([math.nan, 1.0], requires_grad=True).log()
    assert math.isnan(out.data[0]) and out.data[1] == 0.0


def test_a_negative_base_to_a_tensor_exponent_under_no_grad_is_fine_as_for_a_scalar():
    base = Tensor([-2.0], requires_grad=True)
    with ag.no_grad():
        assert (base ** Tensor([2.0], requires_grad=True)).data.tolist() == [4.0]


# --- extreme finite inputs: IEEE results, no warning, on both payloads --------------------------------------

EXTREMES = [1000.0, -1000.0, 1e-8, -1e-8, 0.0]  # exp overflows; no product of them does


@pytest.mark.parametrize("name", [n for n, op in ag.ops.OPS.items() if op.elementwise and op.arity == 1])
def test_every_unary_op_at_extreme_finite_inputs_gives_ieee_results_and_no_warning(name):
    op = ag.ops.OPS[name]
    for value in EXTREMES:
        if op.domain is not None and op.domain.rules[0][0](value, (True,)):
            continue  # outside the domain: a DomainError, tested above
        scalar = Scalar(value)
        scalar_out = getattr(scalar, op.method)()
        scalar_out.backward()
        if op.forward is None:
            continue
        tensor = Tensor([value], requires_grad=True)
        tensor_out = getattr(tensor, op.method)()
        tensor_out.sum().backward()
        np.testing.assert_array_equal(tensor_out.data, [scalar_out.data], err_msg=f"{name}({value})")
        np.testing.assert_array_equal(tensor.grad, [scalar.grad], err_msg=f"d {name}({value})")


def test_sin_and_cos_of_infinity_are_nan_on_a_scalar_not_a_math_error():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy may say so for the Tensor: not the point here
        for name in ("sin", "cos"):
            assert math.isnan(getattr(Scalar(math.inf), name)().data)


def test_overflow_warnings_from_non_finite_inputs_do_not_reach_a_script(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "script.py"
    script.write_text(
        "import numpy as np\n"
        "from autograd_lite import Tensor\n"
        "x = Tensor([np.inf, -np.inf, 1.0], requires_grad=True)\n"
        "y = (x - x) + x.sin() + x.gelu() + x * 0.0 + Tensor([1e-320], requires_grad=True).reciprocal()\n"
        "y.sum().backward()\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-W", "default", str(script)], capture_output=True, text=True)
    assert done.stdout == "ok\n" and done.stderr == ""


# --- detect_anomaly on Scalar graphs ----------------------------------------------------------------------


def test_detect_anomaly_stops_a_scalar_op_that_overflows():
    x = Scalar(1000.0, label="x")
    x.exp()  # off: inf, silently, as IEEE gives
    with ag.detect_anomaly(), pytest.raises(FloatingPointError, match=r"exp\(x = 1000.0\) produced inf"):
        x.exp()


def test_detect_anomaly_stops_a_scalar_op_that_makes_nan():
    i = Scalar(math.inf, label="i")
    message = r"sub\(i = inf, i = inf\) produced nan"
    with ag.detect_anomaly(), pytest.raises(FloatingPointError, match=message):
        i - i


def test_detect_anomaly_stops_a_scalar_backward_step_that_makes_inf():
    z = Scalar(0.0, label="z")
    with ag.detect_anomaly():
        y = z.sqrt()  # sqrt(0) = 0 is fine; its slope 1/(2 sqrt 0) is not
        with pytest.raises(FloatingPointError, match="the backward of sqrt produced nan or inf for z"):
            y.backward()
    assert z.grad == 0.0  # the failed pass left nothing behind


def test_messages_name_unnamed_nodes_by_their_formula_as_the_diagrams_do():
    a = Scalar(0.5, label="a")
    with pytest.raises(ag.DomainError, match=r"^log\(1 - a - 0\.5\): 1 - a - 0\.5 = 0\.0 is not > 0$"):
        (1 - a - 0.5).log()
    A = Tensor([[0.5, 1.5]], requires_grad=True, label="A")
    with pytest.raises(ag.DomainError, match=r"the first: \(1 - A\)\[0, 1\] = -0\.5 is not > 0"):
        (1 - A).log()
    W = Tensor(np.ones((2, 3)), requires_grad=True, label="W")
    with pytest.raises(ag.ShapeError, match=r"matmul: exp\(W\) \(2, 3\) @ x \(4,\)"):
        W.exp() @ Tensor(np.ones(4), label="x")
