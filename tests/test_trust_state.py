"""What the caller holds cannot change a saved value, and what the caller is given is theirs to change.

- A Tensor owns a copy of its data (``copy=False`` shares and locks instead), so writing to the
  caller's array, a base array or an earlier view after the forward pass leaves the gradient right.
- A leaf's ``.grad`` is its own writable array: scale it, clip it in place.
- ``zero_grad()`` means zero for both payloads, so an update after it changes nothing.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import Scalar, Tensor

# --- saved values cannot change under the caller's writes ---------------------------------------------


def test_writing_the_callers_array_after_the_forward_pass_leaves_the_gradient_right():
    X = np.ones((2, 3))
    w = Tensor(np.ones((2, 3)), requires_grad=True)
    y = (w * Tensor(X)).sum()
    X[0] = 100.0
    y.backward()
    np.testing.assert_array_equal(w.grad, np.ones((2, 3)))


def test_a_raw_array_operand_is_copied_too():
    X = np.ones(3)
    w = Tensor(np.ones(3), requires_grad=True)
    y = (w * X).sum()
    X[:] = 100.0
    y.backward()
    np.testing.assert_array_equal(w.grad, np.ones(3))


def test_a_parameter_made_from_a_slice_does_not_see_writes_through_the_base():
    base = np.ones(6)
    w = Tensor(base[:3], requires_grad=True)
    y = (w * w).sum()
    base[:] = 100.0
    y.backward()
    np.testing.assert_array_equal(w.grad, np.full(3, 2.0))
    np.testing.assert_array_equal(w.data, np.ones(3))


def test_a_view_taken_before_the_forward_pass_cannot_reach_the_saved_value():
    X = np.ones(3)
    view = X[:]
    w = Tensor(np.ones(3), requires_grad=True)
    y = (w * Tensor(X)).sum()
    view[:] = 100.0
    y.backward()
    np.testing.assert_array_equal(w.grad, np.ones(3))


def test_copy_false_shares_a_constant_and_locks_the_callers_array():
    X = np.ones((2, 3))
    t = Tensor(X, copy=False)
    assert np.shares_memory(t.data, X)
    with pytest.raises(ValueError, match="read-only"):
        X[0, 0] = 5.0


def test_copy_false_parameter_updates_the_callers_array():
    values = np.zeros(3)
    w = Tensor(values, requires_grad=True, copy=False)
    (w * 2).sum().backward()
    w.data -= 0.5 * w.grad
    np.testing.assert_array_equal(values, np.full(3, -1.0))


def test_detach_of_a_parameter_is_a_snapshot_not_a_window():
    w = Tensor(np.ones(3), requires_grad=True)
    frozen = w.detach()
    w.data -= 1.0
    np.testing.assert_array_equal(frozen.data, np.ones(3))
    assert not frozen.requires_grad


# --- a leaf's gradient is its own, writable array ------------------------------------------------------


def test_two_leaves_never_share_one_gradient_array():
    a, b = Tensor(np.ones(3), requires_grad=True), Tensor(np.ones(3), requires_grad=True)
    (a + b).sum().backward()
    assert a.grad is not b.grad and not np.shares_memory(a.grad, b.grad)
    a.grad *= 0.5
    np.testing.assert_array_equal(b.grad, np.ones(3))


@pytest.mark.parametrize(
    "make",
    [
        lambda W, x: (W @ x).sum(),
        lambda W, x: (W + 0).sum(),  # add hands the child's gradient on as it is
        lambda W, x: W.sum(),
        lambda W, x: (W * 3).mean(),
        lambda W, x: W.T.sum(),
        lambda W, x: W.reshape(-1).sum(),
        lambda W, x: (W + W).sum(),  # the same leaf twice
    ],
    ids=["matmul", "add", "sum", "mean", "transpose", "reshape", "reused"],
)
def test_gradient_clipping_and_scaling_in_place_work_on_any_leaf(make):
    W = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True, label="W")
    x = Tensor(np.ones((3, 1)))
    make(W, x).backward()
    before = W.grad.copy()
    W.grad *= 0.5
    W.grad[:] = np.clip(W.grad, -1.0, 1.0)
    np.clip(W.grad, -0.25, 0.25, out=W.grad)
    np.testing.assert_array_equal(W.grad, np.clip(np.clip(before * 0.5, -1, 1), -0.25, 0.25))


def test_a_root_that_is_a_leaf_gets_a_writable_gradient():
    t = Tensor(np.array(2.0), requires_grad=True)
    t.backward()
    t.grad += 1.0
    assert t.grad == 2.0


def test_a_gradient_set_to_a_wrong_shape_is_refused_in_the_librarys_words():
    W = Tensor(np.ones((2, 2)), requires_grad=True, label="W")
    W.grad = np.zeros(3)
    with pytest.raises(ag.BackwardError, match=r"W.grad is ndarray \(3,\).*W \(2, 2\).*zero_grad"):
        W.sum().backward()


# --- zero_grad means zero, for both payloads -----------------------------------------------------------


def test_zero_grad_means_zero_for_scalar_and_tensor_so_an_update_after_it_changes_nothing():
    s = Scalar(2.0, label="s")
    t = Tensor(np.array([2.0, 3.0]), requires_grad=True, label="t")
    (s * 3).backward()
    (t * 3).sum().backward()
    ag.zero_grad([s, t])
    assert s.grad == 0.0
    np.testing.assert_array_equal(t.grad, [0.0, 0.0])
    t.data -= 0.1 * t.grad  # the course's update: no TypeError, no change
    np.testing.assert_array_equal(t.data, [2.0, 3.0])
    t.grad[0] = 1.0  # and the zeros are the leaf's own to write


def test_zero_grad_keeps_the_dtype():
    t = Tensor(np.ones(2, dtype=np.float32), requires_grad=True)
    t.zero_grad()
    assert t.grad.dtype == np.float32


def test_a_constant_has_no_gradient_to_zero():
    c = Tensor(np.ones(2))
    c.zero_grad()
    assert c.grad is None


# --- a parameter a graph needs refuses writes in the library's words ----------------------------------

WRITES = {
    "item": lambda d: d.__setitem__(0, 1.0),
    "in place": lambda d: d.__isub__(1.0),
    "ufunc out": lambda d: np.clip(d, 0, 1, out=d),
    "through a view": lambda d: d.T.__setitem__(0, 3.0),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_writing_a_parameter_the_graph_needs_names_the_parameter_and_the_op(write):
    W = Tensor(np.ones((2, 3)), requires_grad=True, label="W")
    J = (W @ Tensor(np.ones((3, 1)))).sum()
    with pytest.raises(ValueError, match=r"W.data is read-only while the graph needs .* \(saved by matmul\)"):
        write(W.data)
    J.backward()
    np.testing.assert_array_equal(W.grad, np.ones((2, 3)))  # the refused write changed nothing
    W.data -= 0.5 * W.grad  # after backward the course's update works on a plain array again
    assert type(W.data) is np.ndarray
    np.testing.assert_array_equal(W.data, np.full((2, 3), 0.5))


def test_the_refusal_names_the_parameter_as_it_is_labelled_when_written():
    W = Tensor(np.ones(3), requires_grad=True)
    J = (W * 2).sum()  # noqa: F841  (keeps the graph, so W is locked)
    W.named("W1")
    with pytest.raises(ValueError, match=r"^W1.data is read-only .* \(saved by mul\)"):
        W.data[0] = 5.0


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_view_kept_from_while_the_parameter_was_locked_says_so(write):
    W = Tensor(np.ones((2, 2)), requires_grad=True, label="W")
    J = (W * 2).sum()
    kept = W.data  # the locked view
    J.backward()  # the lock is gone: W.data is the plain array again, the kept view stays read-only
    with pytest.raises(ValueError, match=r"view of a parameter's data taken while a graph needed it"):
        write(kept)
    W.data[0, 0] = 5.0  # the parameter itself is free
    assert kept[0, 0] == 5.0


def test_a_parameter_stays_locked_while_any_graph_needs_it():
    W = Tensor(np.ones(3), requires_grad=True, label="W")
    first = (W * 2).sum()
    second = (W * W).sum()  # made while W is locked: it holds the lock too
    first.backward()
    with pytest.raises(ValueError, match="W.data is read-only"):
        W.data[0] = 100.0
    second.backward()
    np.testing.assert_array_equal(W.grad, np.full(3, 2.0) + 2 * np.ones(3))
    W.data[0] = 100.0  # both graphs done: free again


def test_dropping_the_graph_lets_go_of_the_parameter():
    W = Tensor(np.ones(3), requires_grad=True, label="W")
    J = (W * 2).sum()
    del J
    W.data[0] = 5.0
    assert type(W.data) is np.ndarray


def test_reading_a_locked_parameter_gives_plain_arrays():
    W = Tensor(np.ones(3), requires_grad=True, label="W")
    J = (W * 2).sum()  # noqa: F841  (keeps the graph, so W is locked)
    assert type(W.data * 2) is np.ndarray and type(np.exp(W.data)) is np.ndarray
    copy = W.data.copy()
    copy[0] = 7.0  # a copy is the caller's to change
    assert W.data[0] == 1.0
