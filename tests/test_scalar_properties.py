"""Property tests: random expression trees over 1-3 Scalars agree with HIPS autograd and pass gradcheck."""

import operator
from typing import NamedTuple

import autograd.numpy as anp
import numpy as np
from autograd import grad
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pytest import approx

from autograd_lite import Scalar, gradcheck

MAX_DEPTH = 5
MAX_MAGNITUDE = 1e4  # every intermediate value stays below this, so rounding noise stays tiny
MIN_DIVISOR = 0.1


class Expr(NamedTuple):
    """A node of an expression tree: ``op`` names a rule of ``evaluate``; ``param`` is its number."""

    op: str
    args: tuple = ()
    param: float | int | None = None  # leaf index, constant value, leaky slope or dot's pair count


# --- the trees ---------------------------------------------------------------------------------------

UNARY = ["neg", "tanh", "sigmoid", "exp_tanh", "relu", "abs", "square", "cube"]
BINARY = ["add", "sub", "mul", "div"]


def trees(n_leaves: int, depth: int = MAX_DEPTH):
    leaf = st.integers(0, n_leaves - 1).map(lambda i: Expr("leaf", param=i))
    constant = st.floats(-2.0, 2.0).map(lambda c: Expr("const", param=c))
    terminal = st.one_of(leaf, leaf, constant)
    if depth == 0:
        return terminal
    sub = trees(n_leaves, depth - 1)
    unary = st.builds(lambda op, a: Expr(op, (a,)), st.sampled_from(UNARY), sub)
    binary = st.builds(lambda op, a, b: Expr(op, (a, b)), st.sampled_from(BINARY), sub, sub)
    leaky = st.builds(lambda slope, a: Expr("leaky_relu", (a,), slope), st.sampled_from([0.01, 0.2]), sub)
    total = st.lists(sub, min_size=1, max_size=3).map(lambda args: Expr("sum", tuple(args)))
    return st.one_of(terminal, unary, unary, binary, binary, leaky, total, dots(sub))


def dots(sub):
    @st.composite
    def dot(draw):
        pairs = draw(st.integers(1, 2))
        weights_and_inputs = draw(st.lists(sub, min_size=2 * pairs, max_size=2 * pairs))
        bias = draw(st.lists(sub, max_size=1))
        return Expr("dot", tuple(weights_and_inputs + bias), pairs)

    return dot()


@st.composite
def problems(draw):
    """Leaf values and a tree that uses at least one of them."""
    n_leaves = draw(st.integers(1, 3))
    values = draw(st.lists(st.floats(-3.0, 3.0), min_size=n_leaves, max_size=n_leaves))
    tree = draw(trees(n_leaves))
    assume(uses_a_leaf(tree))
    return values, tree


def uses_a_leaf(tree: Expr) -> bool:
    return tree.op == "leaf" or any(uses_a_leaf(arg) for arg in tree.args)


# --- one evaluator, two backends ---------------------------------------------------------------------


def evaluate(tree: Expr, leaves, ops):
    args = [evaluate(arg, leaves, ops) for arg in tree.args]
    if tree.op == "leaf":
        return leaves[tree.param]
    if tree.op == "const":
        return ops["const"](tree.param)
    if tree.op in ("leaky_relu", "dot"):  # ops that take a number besides their operands
        return ops[tree.op](*args, tree.param)
    if tree.op == "sum":
        return ops["sum"](args)
    return ops[tree.op](*args)


def split_dot(args, pairs):
    return args[:pairs], args[pairs : 2 * pairs], (args[2 * pairs] if len(args) > 2 * pairs else None)


def lite_dot(*args):
    weights, inputs, bias = split_dot(args[:-1], args[-1])
    return Scalar.dot(weights, inputs, bias)


def numpy_dot(*args):
    weights, inputs, bias = split_dot(args[:-1], args[-1])
    return sum(map(operator.mul, weights, inputs), 0.0 if bias is None else bias)  # Scalar.dot's order


def lite_ops(margin: float) -> dict:
    """Scalar ops that reject (hypothesis.assume) kinks within ``margin``, tiny divisors, huge values."""

    def away_from_kink(op):
        def guarded(a, *params):
            assume(abs(a.data) > margin)
            return op(a, *params)

        return guarded

    def divide(a, b):
        assume(abs(b.data) > max(margin, MIN_DIVISOR))
        return a / b

    raw = {
        "const": lambda c: Scalar(c, requires_grad=False),
        "neg": operator.neg,
        "tanh": Scalar.tanh,
        "sigmoid": Scalar.sigmoid,
        "exp_tanh": lambda a: a.tanh().exp(),
        "relu": away_from_kink(Scalar.relu),
        "abs": away_from_kink(abs),
        "square": lambda a: a**2,
        "cube": lambda a: a**3,
        "leaky_relu": away_from_kink(Scalar.leaky_relu),
        "add": operator.add,
        "sub": operator.sub,
        "mul": operator.mul,
        "div": divide,
        "sum": Scalar.sum,
        "dot": lite_dot,
    }
    return {name: bounded(op) for name, op in raw.items()}


def bounded(op):
    def checked(*args):
        out = op(*args)
        assume(abs(out.data) < MAX_MAGNITUDE)
        return out

    return checked


def numpy_sigmoid(a):
    """The stable two-branch formula: 1 / (1 + e^-a) overflows for large negative a."""
    if a >= 0:
        return 1.0 / (1.0 + anp.exp(-a))
    e = anp.exp(a)
    return e / (1.0 + e)


NUMPY_OPS = {
    "const": lambda c: c,
    "neg": operator.neg,
    "tanh": anp.tanh,
    "sigmoid": numpy_sigmoid,
    "exp_tanh": lambda a: anp.exp(anp.tanh(a)),
    "relu": lambda a: anp.maximum(a, 0.0),
    "abs": anp.abs,
    "square": lambda a: a**2,
    "cube": lambda a: a**3,
    "leaky_relu": lambda a, slope: anp.where(a > 0, a, slope * a),
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "sum": sum,
    "dot": numpy_dot,
}


# --- the properties ----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(problems())
def test_random_trees_match_hips_autograd(problem):
    values, tree = problem
    leaves = [Scalar(v, label=f"x{i}") for i, v in enumerate(values)]
    out = evaluate(tree, leaves, lite_ops(margin=1e-6))
    out.backward()

    def numpy_fn(x):
        return evaluate(tree, [x[i] for i in range(len(values))], NUMPY_OPS)

    point = np.array(values)
    with np.errstate(over="ignore"):  # e.g. autograd's tanh gradient 1/cosh(a)^2 at a large a
        expected_value, expected_grads = numpy_fn(point), grad(numpy_fn)(point)
    assert out.data == approx(float(expected_value), rel=1e-7, abs=1e-9)
    assert [leaf.grad for leaf in leaves] == approx(list(expected_grads), rel=1e-7, abs=1e-9)


@settings(max_examples=50, deadline=None)
@given(problems())
def test_random_trees_pass_gradcheck(problem):
    values, tree = problem
    leaves = [Scalar(v, label=f"x{i}") for i, v in enumerate(values)]
    ops = lite_ops(margin=1e-2)  # kinks well beyond the finite-difference step
    assert gradcheck(lambda *xs: evaluate(tree, xs, ops), leaves) is True
