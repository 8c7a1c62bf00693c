"""Clear errors: a ShapeError naming the op, the operands' labels and shapes (no bare NumPy
traceback), bad arguments, and detect_anomaly naming the op that produced nan or inf."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import ShapeError, Tensor


def raised(fn) -> BaseException:
    """The exception ``fn()`` raises (a ShapeError is expected)."""
    with pytest.raises(ShapeError) as info:
        fn()
    return info.value


def assert_no_numpy_traceback(exc: BaseException) -> None:
    assert type(exc) is ShapeError
    assert exc.__cause__ is None
    assert exc.__suppress_context__ is True


# --- shapes -----------------------------------------------------------------------------------------------


def test_matmul_inner_dimensions_message_is_exact():
    W2 = Tensor(np.ones((1, 4)), label="W2")
    A1 = Tensor(np.ones((3, 400)), label="A1")
    exc = raised(lambda: W2 @ A1)
    assert str(exc) == "matmul: W2 (1, 4) @ A1 (3, 400): inner dimensions 4 and 3 differ"
    assert_no_numpy_traceback(exc)


def test_matmul_error_when_the_parameter_requires_grad():
    W = Tensor(np.ones((2, 3)), requires_grad=True, label="W")
    X = Tensor(np.ones((2, 5)), label="X")
    exc = raised(lambda: W @ X)
    assert str(exc) == "matmul: W (2, 3) @ X (2, 5): inner dimensions 3 and 2 differ"
    assert_no_numpy_traceback(exc)


@pytest.mark.parametrize(
    ("a_shape", "b_shape", "expected"),
    [
        ((3,), (4,), "inner dimensions 3 and 4 differ"),
        ((2, 3), (4,), "inner dimensions 3 and 4 differ"),
        ((3,), (4, 2), "inner dimensions 3 and 4 differ"),
        ((2, 2, 3), (3, 3, 4), "batch dimensions (2,) and (3,) cannot broadcast"),
        ((), (3,), "0-d"),
    ],
    ids=str,
)
def test_other_matmul_errors(a_shape, b_shape, expected):
    a, b = Tensor(np.ones(a_shape), label="a"), Tensor(np.ones(b_shape), label="b")
    exc = raised(lambda: a @ b)
    assert str(exc).startswith(f"matmul: a {a_shape} @ b {b_shape}: ")
    assert expected in str(exc)
    assert_no_numpy_traceback(exc)


def test_matmul_error_with_an_ndarray_names_it_a_constant():
    W = Tensor(np.ones((2, 3)), requires_grad=True, label="W")
    exc = raised(lambda: W @ np.ones((4, 1)))
    assert str(exc) == "matmul: W (2, 3) @ <constant> (4, 1): inner dimensions 3 and 4 differ"


@pytest.mark.parametrize(("op", "symbol"), [("add", "+"), ("sub", "-"), ("mul", "*"), ("div", "/")])
def test_broadcasting_failure_names_op_labels_and_shapes(op, symbol):
    Z = Tensor(np.ones((4, 3)), requires_grad=True, label="Z1")
    b = Tensor(np.ones((3, 1)), label="b1")
    fn = {"+": lambda: Z + b, "-": lambda: Z - b, "*": lambda: Z * b, "/": lambda: Z / b}[symbol]
    exc = raised(fn)
    assert str(exc) == f"{op}: Z1 (4, 3) {symbol} b1 (3, 1): shapes cannot be broadcast together"
    assert_no_numpy_traceback(exc)


def test_broadcasting_failure_of_a_function_names_it():
    a = Tensor(np.ones(3), label="a")
    b = Tensor(np.ones(4), label="b")
    for fn, name in [(ag.maximum, "maximum"), (ag.minimum, "minimum")]:
        exc = raised(lambda fn=fn: fn(a, b))
        assert name in str(exc) and "a (3,)" in str(exc) and "b (4,)" in str(exc)
        assert "cannot be broadcast" in str(exc)
        assert_no_numpy_traceback(exc)


def test_unnamed_result_of_an_op_is_described():
    a = Tensor(np.ones((2, 3)), requires_grad=True)
    exc = raised(lambda: a.exp() + np.ones(4))
    assert "<exp output> (2, 3)" in str(exc) and "<constant> (4,)" in str(exc)


def test_reshape_to_an_impossible_shape():
    exc = raised(lambda: Tensor(np.ones((2, 3)), label="A1").reshape(4, 2))
    message = str(exc)
    assert message.startswith("reshape(A1 (2, 3))")
    assert "size 6" in message and "(4,2)" in message.replace(" ", "")
    assert_no_numpy_traceback(exc)


def test_concatenate_with_mismatched_shapes():
    a, b = Tensor(np.ones((2, 3)), label="a"), Tensor(np.ones((2, 4)), label="b")
    exc = raised(lambda: ag.concatenate([a, b], axis=0))
    assert str(exc).startswith("concatenate(a (2, 3), b (2, 4))")
    assert_no_numpy_traceback(exc)


def test_sum_over_a_missing_axis():
    exc = raised(lambda: Tensor(np.ones((2, 3)), label="x").sum(axis=2))
    assert str(exc).startswith("sum(x (2, 3))")
    assert_no_numpy_traceback(exc)


def test_transpose_with_wrong_axes():
    exc = raised(lambda: Tensor(np.ones((2, 3)), label="x").transpose(0, 0))
    assert str(exc).startswith("transpose(x (2, 3))")


def test_index_out_of_range():
    exc = raised(lambda: Tensor(np.ones((2, 3)), label="x")[5])
    assert str(exc).startswith("getitem(x (2, 3))")
    assert "5" in str(exc)


# --- binary cross-entropy -----------------------------------------------------------------------------------


def test_binary_cross_entropy_with_mismatched_shapes():
    A = Tensor(np.full((1, 3), 0.5), requires_grad=True, label="A2")
    Y = Tensor(np.ones((3, 1)), label="Y")
    exc = raised(lambda: ag.binary_cross_entropy(A, Y))
    assert (
        str(exc) == "binary_cross_entropy: prediction A2 (1, 3) and labels Y (3, 1) must have the same shape"
    )


@pytest.mark.parametrize("reduction", ["avg", "MEAN", None, ""])
def test_binary_cross_entropy_with_a_bad_reduction(reduction):
    with pytest.raises(ValueError, match=r"binary_cross_entropy: reduction must be 'mean', 'sum' or 'none'"):
        ag.binary_cross_entropy(Tensor([0.5]), Tensor([1.0]), reduction=reduction)


def test_binary_cross_entropy_with_a_number_as_labels_is_clear():
    """A number is not an array of labels: either it broadcasts, or the error is a clear ShapeError."""
    A = Tensor([0.25, 0.5], requires_grad=True, label="A")
    try:
        J = ag.binary_cross_entropy(A, 1.0)
    except ShapeError as exc:
        assert "binary_cross_entropy" in str(exc)
    else:
        assert J.item() == pytest.approx(-np.mean(np.log([0.25, 0.5])))


# --- backward errors -------------------------------------------------------------------------------------


def test_backward_error_names_the_output():
    out = Tensor(np.ones((2, 3)), requires_grad=True) * 2
    out.label = "Z"
    with pytest.raises(ag.BackwardError, match=r"Z has shape \(2, 3\)"):
        out.backward()


def test_int_tensor_that_requires_grad_error_names_the_label():
    with pytest.raises(TypeError, match=r"Tensor\('n'\).*floating-point.*int64"):
        Tensor(np.arange(3), dtype=np.int64, requires_grad=True, label="n")


# --- detect_anomaly ---------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # inf - inf, on purpose
def test_detect_anomaly_names_the_op_that_made_nan():
    x = Tensor([np.inf], requires_grad=True, label="x")
    with ag.detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"sub\(x \(1,\), x \(1,\)\) produced nan"):
            x - x


def test_detect_anomaly_names_the_op_that_made_inf():
    x = Tensor([1.0, 800.0], requires_grad=True, label="x")
    with ag.detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"exp\(x \(2,\)\) produced inf"):
            x.exp()


def test_detect_anomaly_checks_gradients_too():
    x = Tensor([0.0, 1.0], requires_grad=True, label="x")
    with ag.detect_anomaly():
        y = x.sqrt()  # finite value, but d sqrt/dx = inf at 0
        with pytest.raises(FloatingPointError, match="sqrt"):
            y.sum().backward()


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # inf - inf, on purpose
def test_without_detect_anomaly_nan_is_allowed():
    x = Tensor([np.inf, 1.0], requires_grad=True)
    y = x * 0.0  # inf * 0 = nan, as IEEE gives
    y.sum().backward()
    assert np.isnan(y.data[0]) and y.data[1] == 0.0
    assert x.grad.tolist() == [0.0, 0.0]


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # inf - inf, on purpose
def test_detect_anomaly_is_off_again_after_nested_contexts():
    x = Tensor([np.inf], requires_grad=True)
    with ag.detect_anomaly():
        with ag.detect_anomaly():
            pass
        with pytest.raises(FloatingPointError):  # the outer context is still on
            x - x
    x - x  # off again: no error
