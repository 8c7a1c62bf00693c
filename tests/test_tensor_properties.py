"""Property tests: random broadcast-compatible shapes and random chains of elementwise and reduction
ops, value and gradients compared with HIPS autograd."""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as ag
from autograd_lite import Tensor

RTOL, ATOL = 1e-6, 1e-9
SETTINGS = settings(max_examples=100, deadline=None)

# --- strategies -------------------------------------------------------------------------------------------


@st.composite
def broadcast_shape_pairs(draw):
    """Two shapes of rank 0-3 (dims 1-4) that broadcast together: each takes trailing dims of a common
    shape, some of them replaced by 1."""
    full = draw(st.lists(st.integers(1, 4), min_size=0, max_size=3))

    def operand_shape():
        rank = draw(st.integers(0, len(full)))
        dims = full[len(full) - rank :]
        return tuple(1 if draw(st.booleans()) else n for n in dims)

    return operand_shape(), operand_shape()


def arrays_of(shape):
    return hnp.arrays(np.float64, shape, elements=st.floats(-2.0, 2.0, allow_nan=False, width=64))


# Each step: (lite, reference). ``v`` is the running value, ``y`` the second input, ``p`` the step's
# parameter (an axis for reductions, see ``axis_for``).
# Domains are safe: log and sqrt of v*v + 0.5, exp of tanh(v).
ELEMENTWISE = {
    "tanh": (lambda v, y, p: v.tanh(), lambda v, y, p: anp.tanh(v)),
    "sigmoid": (lambda v, y, p: v.sigmoid(), lambda v, y, p: 1 / (1 + anp.exp(-v))),
    "exp(tanh)": (lambda v, y, p: v.tanh().exp(), lambda v, y, p: anp.exp(anp.tanh(v))),
    "log": (lambda v, y, p: (v * v + 0.5).log(), lambda v, y, p: anp.log(v * v + 0.5)),
    "sqrt": (lambda v, y, p: (v * v + 0.5).sqrt(), lambda v, y, p: anp.sqrt(v * v + 0.5)),
    "square": (lambda v, y, p: v**2, lambda v, y, p: v**2),
    "neg*0.7": (lambda v, y, p: -v * 0.7, lambda v, y, p: -v * 0.7),
    "1.5-v": (lambda v, y, p: 1.5 - v, lambda v, y, p: 1.5 - v),
    "relu": (lambda v, y, p: v.relu(), lambda v, y, p: anp.maximum(v, 0.0)),
    "abs": (lambda v, y, p: abs(v), lambda v, y, p: anp.abs(v)),
    "leaky_relu": (lambda v, y, p: v.leaky_relu(0.1), lambda v, y, p: anp.where(v > 0, v, 0.1 * v)),
    "+y": (lambda v, y, p: v + y, lambda v, y, p: v + y),
    "-y": (lambda v, y, p: v - y, lambda v, y, p: v - y),
    "*y": (lambda v, y, p: v * y, lambda v, y, p: v * y),
    "/(y*y+0.5)": (lambda v, y, p: v / (y * y + 0.5), lambda v, y, p: v / (y * y + 0.5)),
    "maximum(v, y)": (lambda v, y, p: ag.maximum(v, y), lambda v, y, p: anp.maximum(v, y)),
    "minimum(y, v)": (lambda v, y, p: ag.minimum(y, v), lambda v, y, p: anp.minimum(y, v)),
}
# Kinks and ties: both libraries agree on them, but rounding may put the two computations on different
# sides, so the examples keep a margin from them.
KINKED = {"relu", "abs", "leaky_relu"}  # v away from 0
TIED = {"maximum(v, y)", "minimum(y, v)"}  # v away from y
EXTREMES = {"max", "min"}  # one clear winner along the axis
MARGIN = 1e-6

# reductions keep their axes, so the result still broadcasts against y
REDUCTIONS = {
    "sum": (lambda v, y, p: v.sum(axis=p, keepdims=True), lambda v, y, p: anp.sum(v, axis=p, keepdims=True)),
    "mean": (
        lambda v, y, p: v.mean(axis=p, keepdims=True),
        lambda v, y, p: anp.mean(v, axis=p, keepdims=True),
    ),
    "max": (lambda v, y, p: v.max(axis=p, keepdims=True), lambda v, y, p: anp.max(v, axis=p, keepdims=True)),
    "min": (lambda v, y, p: v.min(axis=p, keepdims=True), lambda v, y, p: anp.min(v, axis=p, keepdims=True)),
    "logsumexp": (
        lambda v, y, p: v.logsumexp(axis=p, keepdims=True),
        lambda v, y, p: anp.log(anp.sum(anp.exp(v), axis=p, keepdims=True)),
    ),
}
STEPS = {**ELEMENTWISE, **REDUCTIONS}


@st.composite
def problems(draw):
    """Two broadcast-compatible inputs, a chain of 2-5 steps, and a weight array for J = sum(out * R)."""
    shape_x, shape_y = draw(broadcast_shape_pairs())
    x, y = draw(arrays_of(shape_x)), draw(arrays_of(shape_y))
    chain = []
    for name in draw(st.lists(st.sampled_from(sorted(STEPS)), min_size=2, max_size=5)):
        chain.append((name, draw(st.one_of(st.none(), st.integers(-12, 11))) if name in REDUCTIONS else None))
    seed = draw(st.integers(0, 2**32 - 1))
    return x, y, chain, seed


def axis_for(v, p):
    """A reduction's drawn number ``p`` as an axis of ``v`` (negative stays negative); None for all."""
    ndim = np.ndim(v)
    if p is None or ndim == 0:
        return None
    return p % ndim - (ndim if p < 0 else 0)


def clear_winner(v, axis) -> bool:
    """True when max and min along ``axis`` are each ahead of the runner-up by more than MARGIN."""
    v = np.reshape(v, -1) if axis is None else np.moveaxis(np.asarray(v), axis, -1)
    if v.shape[-1] < 2:
        return True
    ordered = np.sort(v, axis=-1)
    return bool(
        np.all(ordered[..., -1] - ordered[..., -2] > MARGIN)
        and np.all(ordered[..., 1] - ordered[..., 0] > MARGIN)
    )


def run_chain(chain, x, y, backend: int):
    """Apply the chain with the lite (backend 0) or reference (backend 1) functions."""
    v = x
    for name, p in chain:
        v = STEPS[name][backend](v, y, axis_for(v, p))
    return v


def assume_away_from_kinks(chain, x, y):
    """Walk the chain on plain arrays; skip examples that put a value on (or next to) a kink or a tie."""
    v = x
    for name, p in chain:
        if name in KINKED:
            assume(np.all(np.abs(v) > MARGIN))
        if name in TIED:
            assume(np.all(np.abs(v - y) > MARGIN))
        if name in EXTREMES:
            assume(clear_winner(v, axis_for(v, p)))
        v = STEPS[name][1](v, y, axis_for(v, p))
    return v


def compare_with_autograd(x, y, chain, seed):
    expected = assume_away_from_kinks(chain, x, y)
    out_shape = np.shape(expected)
    R = np.random.default_rng(seed).normal(size=out_shape)

    tx, ty = Tensor(x.copy(), requires_grad=True), Tensor(y.copy(), requires_grad=True)
    out = run_chain(chain, tx, ty, 0)
    assert out.shape == out_shape
    np.testing.assert_allclose(out.data, expected, rtol=RTOL, atol=ATOL)
    (out * R).sum().backward()

    def J(x_, y_):
        return anp.sum(run_chain(chain, x_, y_, 1) * R)

    for i, t in enumerate((tx, ty)):
        reference = np.asarray(autograd.grad(J, i)(x, y))
        got = np.zeros_like(t.data) if t.grad is None else t.grad  # y unused: no gradient recorded
        assert got.shape == t.shape
        np.testing.assert_allclose(got, reference, rtol=RTOL, atol=ATOL, err_msg=f"{'xy'[i]}: {chain}")


# --- properties -------------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Output seems independent of input")  # chains that never use y
@SETTINGS
@given(problems())
def test_random_chains_match_autograd(problem):
    compare_with_autograd(*problem)


@SETTINGS
@given(broadcast_shape_pairs(), st.data())
def test_broadcast_binary_ops_match_autograd(shapes, data):
    x, y = data.draw(arrays_of(shapes[0])), data.draw(arrays_of(shapes[1]))
    op = data.draw(st.sampled_from(["+y", "-y", "*y", "/(y*y+0.5)", "maximum(v, y)"]))
    compare_with_autograd(x, y, [(op, None), ("tanh", None)], data.draw(st.integers(0, 2**32 - 1)))


@SETTINGS
@given(broadcast_shape_pairs(), st.data())
def test_unbroadcast_sums_back_to_the_operand_shape(shapes, data):
    small, other = shapes
    big = np.broadcast_shapes(small, other)
    grad = data.draw(arrays_of(big))
    summed = ag.unbroadcast(grad, np.zeros(small))
    assert summed.shape == small
    # the defining property: <grad, broadcast(v)> == <unbroadcast(grad), v> for every v
    v = data.draw(arrays_of(small))
    np.testing.assert_allclose(
        np.sum(summed * v), np.sum(grad * np.broadcast_to(v, big)), rtol=1e-12, atol=1e-9
    )
