"""Scalar ops: values and gradients against HIPS autograd and gradcheck, plus the course's examples."""

import math
from fractions import Fraction

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from pytest import approx

from autograd_lite import Scalar, gradcheck
from autograd_lite.graph import next_creation_number

REL, ABS = 1e-9, 1e-12

ANY = [(-2.5,), (-0.3,), (0.7,), (1.9,)]  # nonzero: away from the kinks of abs and relu
POSITIVE = [(0.3,), (1.0,), (4.2,)]
PAIRS = [(2.0, 3.0), (-1.5, 0.7), (0.25, -4.0)]
POSITIVE_BASES = [(2.0, 3.0), (0.5, -1.2), (3.3, 0.4)]
TRIPLES = [(1.0, -2.0, 0.5), (0.3, 0.3, -4.0)]
QUADRUPLES = [(0.5, -1.0, 2.0, 3.0), (-0.2, 0.4, 1.5, -2.5)]
QUINTUPLES = [(0.5, -1.0, 2.0, 3.0, 0.1), (-0.2, 0.4, 1.5, -2.5, -1.0)]


def np_sigmoid(x):
    return 1.0 / (1.0 + anp.exp(-x))


def np_leaky_relu(x, slope):
    return anp.where(x > 0, x, slope * x)


# (name, expression on Scalars, the same expression for HIPS autograd or None if identical, points)
CASES = [
    ("x + y", lambda x, y: x + y, None, PAIRS),
    ("x + 3", lambda x: x + 3, None, ANY),
    ("3 + x", lambda x: 3 + x, None, ANY),
    ("x - y", lambda x, y: x - y, None, PAIRS),
    ("x - 2.5", lambda x: x - 2.5, None, ANY),
    ("1 - x", lambda x: 1 - x, None, ANY),
    ("x * y", lambda x, y: x * y, None, PAIRS),
    ("3 * x", lambda x: 3 * x, None, ANY),
    ("x * 3", lambda x: x * 3, None, ANY),
    ("x / y", lambda x, y: x / y, None, PAIRS),
    ("x / 4", lambda x: x / 4, None, ANY),
    ("2 / x", lambda x: 2 / x, None, ANY),
    ("x ** 2", lambda x: x**2, None, ANY),
    ("x ** 3", lambda x: x**3, None, ANY),
    ("x ** -2", lambda x: x**-2, None, ANY),
    ("x ** 0.5", lambda x: x**0.5, None, POSITIVE),
    ("x ** -1.5", lambda x: x**-1.5, None, POSITIVE),
    ("x ** y", lambda x, y: x**y, None, POSITIVE_BASES),
    ("2 ** x", lambda x: 2**x, None, ANY),
    ("0.5 ** x", lambda x: 0.5**x, None, ANY),
    ("-x", lambda x: -x, None, ANY),
    ("abs(x)", lambda x: abs(x), None, ANY),
    ("exp(x)", lambda x: x.exp(), anp.exp, ANY),
    ("log(x)", lambda x: x.log(), anp.log, POSITIVE),
    ("sqrt(x)", lambda x: x.sqrt(), anp.sqrt, POSITIVE),
    ("tanh(x)", lambda x: x.tanh(), anp.tanh, ANY),
    ("sigmoid(x)", lambda x: x.sigmoid(), np_sigmoid, ANY),
    ("relu(x)", lambda x: x.relu(), lambda x: anp.maximum(x, 0.0), ANY),
    ("leaky_relu(x, 0.1)", lambda x: x.leaky_relu(0.1), lambda x: np_leaky_relu(x, 0.1), ANY),
    ("leaky_relu(x)", lambda x: x.leaky_relu(), lambda x: np_leaky_relu(x, 0.01), ANY),
    ("sum([x, y, z])", lambda x, y, z: Scalar.sum([x, y, z]), lambda x, y, z: x + y + z, TRIPLES),
    ("sum([x, 2, y, x])", lambda x, y: Scalar.sum([x, 2, y, x]), lambda x, y: x + 2 + y + x, PAIRS),
    (
        "dot([w1, w2], [x1, x2])",
        lambda w1, w2, x1, x2: Scalar.dot([w1, w2], [x1, x2]),
        lambda w1, w2, x1, x2: w1 * x1 + w2 * x2,
        QUADRUPLES,
    ),
    (
        "dot([w1, w2], [x1, x2], b)",
        lambda w1, w2, x1, x2, b: Scalar.dot([w1, w2], [x1, x2], b),
        lambda w1, w2, x1, x2, b: w1 * x1 + w2 * x2 + b,
        QUINTUPLES,
    ),
    (
        "dot([w1, w2], [1.5, -2], 0.5)",
        lambda w1, w2: Scalar.dot([w1, w2], [1.5, -2], 0.5),
        lambda w1, w2: w1 * 1.5 + w2 * -2 + 0.5,
        PAIRS,
    ),
    ("dot([x, y], [y, x])", lambda x, y: Scalar.dot([x, y], [y, x]), lambda x, y: 2 * x * y, PAIRS),
]

CASE_POINTS = [
    pytest.param(lite, numpy or lite, point, id=f"{name} at {point}")
    for name, lite, numpy, points in CASES
    for point in points
]


def leaves_at(point):
    return [Scalar(value, label=f"x{i}") for i, value in enumerate(point)]


def assert_matches_autograd(lite_fn, numpy_fn, point):
    """``lite_fn`` on Scalar leaves vs. ``numpy_fn`` under HIPS autograd: the value and d/d(each input)."""
    leaves = leaves_at(point)
    out = lite_fn(*leaves)
    out.backward()
    assert out.data == approx(float(numpy_fn(*point)), rel=REL)
    for position, leaf in enumerate(leaves):
        expected = float(grad(numpy_fn, position)(*point))
        assert leaf.grad == approx(expected, rel=REL, abs=ABS), f"d/d{leaf.label}"


@pytest.mark.parametrize(("lite_fn", "numpy_fn", "point"), CASE_POINTS)
def test_op_matches_hips_autograd(lite_fn, numpy_fn, point):
    assert_matches_autograd(lite_fn, numpy_fn, point)


@pytest.mark.parametrize(("lite_fn", "numpy_fn", "point"), CASE_POINTS)
def test_op_passes_gradcheck(lite_fn, numpy_fn, point):
    assert gradcheck(lite_fn, leaves_at(point)) is True


def test_gradcheck_leaves_inputs_as_they_were():
    x, y = Scalar(1.5, label="x"), Scalar(-0.5, label="y")
    x.grad, y.grad = 7.0, -3.0
    assert gradcheck(lambda x, y: (x * y).tanh(), [x, y])
    assert (x.data, y.data, x.grad, y.grad) == (1.5, -0.5, 7.0, -3.0)


# --- the course's worked example and derivative examples -------------------------------------------


def test_worked_example_j_equals_3_times_a_plus_bc():
    a, b, c = Scalar(5.0, label="a"), Scalar(3.0, label="b"), Scalar(2.0, label="c")
    u = b * c
    v = a + u
    J = 3 * v
    J.backward()
    assert (u.data, v.data, J.data) == (6.0, 11.0, 33.0)
    assert (a.grad, b.grad, c.grad) == (3.0, 6.0, 9.0)
    assert (u.grad, v.grad) == (3.0, 3.0)


@pytest.mark.parametrize(
    ("expression", "expected_grad"),
    [(lambda a: a**2, 4.0), (lambda a: a**3, 12.0), (lambda a: a.log(), 0.5)],
    ids=["a**2", "a**3", "log(a)"],
)
def test_derivative_examples_at_a_equals_2(expression, expected_grad):
    a = Scalar(2.0, label="a")
    expression(a).backward()
    assert a.grad == approx(expected_grad, rel=REL)


# --- numerical stability ------------------------------------------------------------------------------


@pytest.mark.parametrize(("z", "expected"), [(-1000.0, 0.0), (1000.0, 1.0)])
def test_sigmoid_saturates_without_overflow(z, expected):
    x = Scalar(z)
    s = x.sigmoid()
    s.backward()
    assert s.data == expected
    assert math.isfinite(x.grad)


def test_tanh_of_large_negative_saturates():
    x = Scalar(-1000)
    t = x.tanh()
    t.backward()
    assert t.data == -1.0
    assert x.grad == 0.0


def test_exp_overflow_gives_inf_not_an_exception():
    x = Scalar(1000.0)
    e = x.exp()
    e.backward()
    assert e.data == math.inf
    assert x.grad == math.inf


# --- comparisons, repr, construction ------------------------------------------------------------------


def test_comparisons_return_plain_bools_and_record_nothing():
    a, b = Scalar(2.0, label="a"), Scalar(3.0, label="b")
    first = next_creation_number()
    results = [a < b, a <= 2, a > b, b >= 3.0, a == 2, a == b, a != b, b != 3, 1 < a, 3.5 > b]
    assert next_creation_number() == first + 1, "a comparison created a node"
    assert all(type(result) is bool for result in results)
    assert results == [True, True, False, True, True, False, True, False, True, True]
    assert a.grad == 0.0 and b.grad == 0.0


def test_repr_shows_label_data_and_grad():
    a = Scalar(2.0, label="a")
    (a * a).backward()
    text = repr(a)
    assert "'a'" in text and "data=2.0" in text and "grad=4.0" in text


def test_repr_of_a_constant_says_it_does_not_require_grad():
    assert "requires_grad=False" in repr(Scalar(2.0, requires_grad=False))


@pytest.mark.parametrize("value", [3, 2.5, np.float32(1.5), np.float64(-0.25), Fraction(1, 4)])
def test_real_numbers_become_float_data(value):
    x = Scalar(value)
    assert type(x.data) is float
    assert x.data == float(value)


@pytest.mark.parametrize("value", ["1.0", 1 + 2j, None, [1.0]], ids=["str", "complex", "None", "list"])
def test_non_real_data_is_a_type_error(value):
    with pytest.raises(TypeError, match="real number"):
        Scalar(value)


def test_constants_have_grad_none_even_after_backward():
    k = Scalar(4.0, requires_grad=False)
    x = Scalar(0.5)
    (k * x).backward()
    assert k.grad is None and not k.requires_grad
    assert x.grad == 4.0


def test_truth_value_follows_the_number():
    assert not Scalar(0.0) and Scalar(-2.0) and bool(Scalar(1e-300))
