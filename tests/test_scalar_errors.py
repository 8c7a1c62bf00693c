"""Errors from Scalar ops and gradcheck: the right type, and messages that name op, label and value."""

import math
import re

import pytest
from helpers import set_local_derivatives
from pytest import approx

from autograd_lite import (
    BackwardError,
    DomainError,
    GradcheckError,
    Scalar,
    Tensor,
    gradcheck,
    no_grad,
    zero_grad,
)

# --- domain errors ---------------------------------------------------------------------------------


def test_log_of_negative_names_op_label_and_value_exactly():
    with pytest.raises(DomainError) as error:
        Scalar(-2.0, label="a").log()
    assert str(error.value) == "log(a): a = -2.0 is not > 0"


def test_domain_errors_are_value_errors():
    with pytest.raises(ValueError):
        Scalar(0.0, label="a").log()


@pytest.mark.parametrize(
    ("make", "op", "names"),
    [
        (lambda: Scalar(0.0, label="z").log(), "log", ["z = 0.0"]),
        (lambda: Scalar(-4.0, label="s").sqrt(), "sqrt", ["s = -4.0"]),
        (lambda: Scalar(1.0, label="n") / Scalar(0.0, label="d"), "div", ["n", "d = 0.0"]),
        (lambda: 1 / Scalar(0.0, label="d"), "div", ["d = 0.0"]),
        (lambda: Scalar(-2.0, label="x") ** 0.5, "pow", ["x = -2.0", "0.5"]),
        (lambda: Scalar(0.0, label="x") ** -1, "pow", ["x = 0.0", "-1.0"]),
        (lambda: Scalar(-2.0, label="x") ** Scalar(2.0, label="p"), "pow", ["x = -2.0", "p"]),
        (lambda: (-2.0) ** Scalar(3.0, label="p"), "pow", ["-2.0", "p"]),
    ],
    ids=[
        "log(0)",
        "sqrt(negative)",
        "x / 0",
        "number / 0",
        "negative ** non-integer",
        "0 ** negative",
        "negative ** exponent requiring grad",
        "negative number ** exponent requiring grad",
    ],
)
def test_domain_error_message_names_op_labels_and_values(make, op, names):
    with pytest.raises(DomainError) as error:
        make()
    message = str(error.value)
    assert message.startswith(f"{op}(")
    for name in names:
        assert name in message


def test_unlabeled_operands_are_shown_by_value():
    with pytest.raises(DomainError, match=re.escape("divisor 0.0 is zero")):
        Scalar(3.0) / 0


def test_negative_base_is_fine_when_the_exponent_needs_no_gradient():
    base = Scalar(-2.0, label="x")
    assert (base ** Scalar(3.0, requires_grad=False)).data == -8.0
    with no_grad():
        assert (base ** Scalar(2.0)).data == 4.0


# --- Scalar.dot arguments --------------------------------------------------------------------------


def test_dot_with_mismatched_lengths_is_a_value_error():
    w = [Scalar(1.0), Scalar(2.0)]
    with pytest.raises(ValueError, match="2 weights but 1 inputs"):
        Scalar.dot(w, [Scalar(3.0)])


@pytest.mark.parametrize(
    ("weights", "inputs", "bias"),
    [(["w"], [1.0], None), ([Scalar(1.0)], [None], None), ([Scalar(1.0)], [2.0], "b")],
    ids=["weight", "input", "bias"],
)
def test_dot_with_a_non_number_is_a_type_error(weights, inputs, bias):
    with pytest.raises(TypeError, match="Scalar.dot"):
        Scalar.dot(weights, inputs, bias)


def test_sum_with_a_non_number_is_a_type_error():
    with pytest.raises(TypeError, match="Scalar.sum"):
        Scalar.sum([Scalar(1.0), "2"])


# --- gradcheck failures ----------------------------------------------------------------------------


def with_local_derivatives(node, *local):
    """Overwrite the local derivatives a node stored for backward: a deliberately wrong op."""
    set_local_derivatives(node, local)
    return node


def reported(message, name):
    """The (analytic, numeric) pair a GradcheckError message gives for ``name``."""
    match = re.search(rf"^  {re.escape(name)}: analytic (\S+), numeric (\S+)$", message, re.MULTILINE)
    assert match, f"{name!r} not reported in:\n{message}"
    return float(match[1]), float(match[2])


def test_gradcheck_reports_a_missed_term_with_label_analytic_and_numeric():
    x = Scalar(3.0, label="x")
    # x.detach() is a constant for backward, so the analytic gradient is x, the true one 2x
    with pytest.raises(GradcheckError) as error:
        gradcheck(lambda x: x * x.detach(), [x])
    message = str(error.value)
    assert "1 of 1 inputs" in message
    assert reported(message, "x") == (3.0, approx(6.0, rel=1e-6))


def test_gradcheck_reports_only_the_wrong_input():
    x, y = Scalar(1.5, label="x"), Scalar(2.0, label="y")
    with pytest.raises(GradcheckError) as error:
        gradcheck(lambda x, y: with_local_derivatives(x * y, 4.0, x.data), [x, y])
    message = str(error.value)
    assert "1 of 2 inputs" in message
    assert reported(message, "x") == (4.0, approx(2.0, rel=1e-6))
    assert "y:" not in message


def test_gradcheck_names_an_unlabeled_input_by_its_position():
    a, b = Scalar(2.0), Scalar(2.0)  # equal values: the position must come from identity, not ==
    with pytest.raises(GradcheckError) as error:
        gradcheck(lambda a, b: a * b.detach(), [a, b])
    assert reported(str(error.value), "input 1") == (0.0, approx(2.0, rel=1e-6))


def test_gradcheck_fails_on_a_nan_analytic_gradient():
    # at 0, d|x|/dx = 0 and d sqrt/du = inf: backward gives 0 * inf = nan; central differences give 0
    with pytest.raises(GradcheckError, match="analytic nan"):
        gradcheck(lambda x: abs(x).sqrt(), [Scalar(0.0, label="x")])


def test_gradcheck_fails_on_a_nan_stored_local_derivative():
    with pytest.raises(GradcheckError, match="analytic nan"):
        gradcheck(lambda x: with_local_derivatives(x * 2.0, math.nan, 0.0), [Scalar(1.0, label="x")])


def test_gradcheck_refuses_an_output_that_is_not_a_node():
    with pytest.raises(GradcheckError, match="must return a graph node, got float"):
        gradcheck(lambda x: 3.0, [Scalar(1.0)])


def test_gradcheck_refuses_an_output_that_is_not_a_single_number():
    with pytest.raises(GradcheckError, match=r"single number .* shape \(2,\)"):
        gradcheck(lambda x: Tensor([1.0, 2.0]) * x, [Scalar(1.0)])


def test_gradcheck_refuses_inputs_none_of_which_requires_grad():
    with pytest.raises(GradcheckError, match="no input requires grad"):
        gradcheck(lambda x: x * 2, [Scalar(1.0, requires_grad=False)])


def test_gradcheck_restores_inputs_after_a_failure():
    x = Scalar(3.0, label="x")
    x.grad = 5.0
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: x * x.detach(), [x])
    assert (x.data, x.grad) == (3.0, 5.0)


# --- a .grad that a gradient cannot add into --------------------------------------------------------


def test_a_grad_set_to_something_else_is_refused_naming_the_node_and_the_graph_stays_usable():
    """A .grad the caller set to a string: one BackwardError naming the node and what its .grad is; no
    node keeps a share of the failed pass, and the retained graph stays usable: after zero_grad, a new
    root on top of it (with a new child of u, whose count must still expect J's share) gets the right
    gradients."""
    a, b = Scalar(2.0, label="a"), Scalar(3.0, label="b")
    u = (a * b).named("u")
    J = (u * u).named("J")
    b.grad = "oops"
    with pytest.raises(BackwardError, match=r"b\.grad is str 'oops'.*zero_grad"):
        J.backward(retain_graph=True)
    assert all(node._g is None for node in (a, b, u, J))
    for node in (a, b, u, J):
        node.zero_grad()
    K = u + 1.0  # dK/du = 1
    L = J + K  # dL/du = 2u + 1 = 13
    L.backward()
    assert (J.grad, K.grad, u.grad, a.grad, b.grad) == (1.0, 1.0, 13.0, 39.0, 26.0)


def test_a_grad_set_to_something_else_is_refused_and_the_next_step_is_right():
    """Without retain_graph the failed pass may have used up part of the graph (as a finished pass does);
    the parameters stay usable: after zero_grad, the next forward and backward give the right gradients."""
    a, b = Scalar(2.0, label="a"), Scalar(3.0, label="b")
    J = (a * b) * (a * b)
    b.grad = "oops"
    with pytest.raises(BackwardError, match=r"b\.grad is str 'oops'"):
        J.backward()
    assert a._g is None and b._g is None
    zero_grad([a, b])
    J = (a * b) * (a * b)  # J = a²b²
    J.backward()
    assert (a.grad, b.grad) == (36.0, 24.0)


@pytest.mark.parametrize("base", [1.5, 0.0])  # 0.0: a power whose value is 0 (a Scalar that is falsy)
def test_an_exponent_set_to_require_grad_after_the_power_is_refused_clearly(base):
    """The power kept no derivative for an exponent that needed none when it was recorded: backward names
    the exponent and its value, and changes no gradient."""
    k, a = Scalar(2.0, requires_grad=False, label="k"), Scalar(base, label="a")
    J = a**k * 3.0
    k.requires_grad = True
    with pytest.raises(BackwardError, match=r"^backward: k = 2\.0 did not require grad when pow used it"):
        J.backward()
    assert (a.grad, J.grad, a._g, k._g) == (0.0, 0.0, None, None)
