"""Graph semantics for Scalars: reuse, accumulation, retain_graph, zero_grad, no_grad, memory, order."""

import gc
import threading
from contextlib import contextmanager

import pytest
from pytest import approx

import autograd_lite
from autograd_lite import BackwardError, Scalar, is_grad_enabled, no_grad, topological_order


def worked_example():
    """The course's graph: u = b*c, v = a + u, J = 3*v at a=5, b=3, c=2."""
    a, b, c = Scalar(5.0, label="a"), Scalar(3.0, label="b"), Scalar(2.0, label="c")
    u = (b * c).named("u")
    v = (a + u).named("v")
    J = (3 * v).named("J")
    return a, b, c, u, v, J


def grads(*nodes):
    """The gradients of ``nodes``."""
    return tuple(node.grad for node in nodes)


@contextmanager
def gc_paused():
    """The garbage collector off inside, as it was after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def live_scalars():
    """How many Scalars are alive."""
    return sum(1 for obj in gc.get_objects() if type(obj) is Scalar)


# --- reused nodes --------------------------------------------------------------------------------


def test_a_times_a_gives_2a():
    a = Scalar(3.0)
    (a * a).backward()
    assert a.grad == 6.0


def test_a_plus_a_twice_gives_4():
    a = Scalar(3.0)
    b = a + a
    c = b + b
    c.backward()
    assert (c.data, a.grad, b.grad) == (12.0, 4.0, 2.0)


def test_a_times_a_times_a_gives_3a_squared():
    a = Scalar(3.0)
    (a * a * a).backward()
    assert a.grad == 27.0


# --- accumulation and retain_graph -----------------------------------------------------------------


def test_gradients_accumulate_over_two_backward_calls_on_a_retained_graph():
    a, b, c, u, v, J = worked_example()
    J.backward(retain_graph=True)
    J.backward()
    assert grads(a, b, c) == (6.0, 12.0, 18.0)


def test_gradients_accumulate_when_the_graph_is_built_twice():
    a, b, c, *_ = worked_example()
    for _ in range(2):
        (3 * (a + b * c)).backward()
    assert grads(a, b, c) == (6.0, 12.0, 18.0)


def test_two_retained_backward_calls_double_every_gradient_exactly():
    """Intermediates' accumulated .grad must not be pushed again: leaves get 2x, not 3x."""
    a, b, c, u, v, J = worked_example()
    J.backward(retain_graph=True)
    once = grads(a, b, c, u, v, J)
    J.backward(retain_graph=True)
    assert grads(a, b, c, u, v, J) == tuple(2 * g for g in once)
    assert grads(u, v, J) == (6.0, 6.0, 2.0)


def test_second_backward_without_retain_graph_is_refused_and_changes_nothing():
    a, b, c, u, v, J = worked_example()
    J.backward()
    before = grads(a, b, c, u, v, J)
    with pytest.raises(BackwardError, match=r"retain_graph=True"):
        J.backward()
    assert grads(a, b, c, u, v, J) == before


def test_new_root_over_a_freed_intermediate_is_refused_and_changes_nothing():
    a, b, c, u, v, J = worked_example()
    J.backward()
    K = u * 2
    with pytest.raises(BackwardError, match=r"retain_graph=True"):
        K.backward()
    assert grads(a, b, c, u, K) == (3.0, 6.0, 9.0, 3.0, 0.0)


@pytest.mark.parametrize(
    "make_root",
    [
        lambda: Scalar(1.0, requires_grad=False),
        lambda: Scalar(1.0, requires_grad=False) * 2 + 1,
        lambda: Scalar(1.0).detach(),
    ],
    ids=["constant", "expression of constants", "detached"],
)
def test_backward_on_a_node_that_does_not_require_grad_is_refused(make_root):
    with pytest.raises(BackwardError, match="does not require grad"):
        make_root().backward()


def test_backward_from_a_leaf_seeds_its_own_grad():
    a = Scalar(2.0)
    a.backward()
    assert a.grad == 1.0


# --- zero_grad -------------------------------------------------------------------------------------


def test_zero_grad_on_one_node_leaves_the_others():
    a, b, c, u, v, J = worked_example()
    J.backward()
    u.zero_grad()
    assert grads(a, b, c, u, v, J) == (3.0, 6.0, 9.0, 0.0, 3.0, 1.0)


def test_zero_grad_on_the_whole_graph_even_after_it_was_freed():
    a, b, c, u, v, J = worked_example()
    J.backward()
    J.zero_grad(graph=True)
    assert grads(a, b, c, u, v, J) == (0.0,) * 6
    assert J.parents[0].grad is None, "the constant 3 must stay without a gradient"


def test_module_level_zero_grad_resets_the_given_nodes():
    a, b, c, u, v, J = worked_example()
    J.backward()
    autograd_lite.zero_grad([a, b])
    assert grads(a, b, c) == (0.0, 0.0, 9.0)


# --- no_grad ---------------------------------------------------------------------------------------


def test_no_grad_context_records_nothing():
    a, b = Scalar(2.0), Scalar(3.0)
    with no_grad():
        assert not is_grad_enabled()
        y = (a * b + 1).tanh()
    assert is_grad_enabled()
    assert not y.requires_grad and y.grad is None and y.parents == () and y.op is None
    assert y.data == approx(0.9999983369439447)


def test_no_grad_nesting_restores_each_level():
    with no_grad():
        with no_grad():
            assert not is_grad_enabled()
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_no_grad_restores_recording_after_an_exception():
    with pytest.raises(RuntimeError), no_grad():
        raise RuntimeError("a failing update step")
    assert is_grad_enabled()


def test_no_grad_as_decorator():
    seen_inside = []

    @no_grad()
    def sgd_step(w, lr=0.1):
        """Update w in place."""
        seen_inside.append(is_grad_enabled())
        return w - lr * w.grad

    w = Scalar(1.0)
    (w * w).backward()
    updated = sgd_step(w)
    assert seen_inside == [False] and is_grad_enabled()
    assert updated.data == approx(0.8)
    assert not updated.requires_grad and updated.parents == ()
    assert sgd_step.__name__ == "sgd_step" and sgd_step.__doc__ == "Update w in place."


def test_no_grad_is_per_thread():
    seen_in_thread = []
    with no_grad():
        thread = threading.Thread(target=lambda: seen_in_thread.append(is_grad_enabled()))
        thread.start()
        thread.join()
    assert seen_in_thread == [True]


def test_ops_record_in_a_thread_while_another_is_in_no_grad():
    """The hot paths skip the thread-local modes only while no switch is on in any thread."""
    import numpy as np

    from autograd_lite import Tensor

    recorded = []

    def build():
        a, t = Scalar(2.0, label="a"), Tensor(np.ones(3), requires_grad=True, label="t")
        recorded.append(((a * a).requires_grad, (t * t).requires_grad))

    with no_grad():
        assert not (Scalar(2.0) * 3).requires_grad
        thread = threading.Thread(target=build)
        thread.start()
        thread.join()
        assert not (Tensor(np.ones(2), requires_grad=True) * 3).requires_grad
    assert recorded == [(True, True)]


def test_switches_are_counted_back_to_none():
    from autograd_lite.anomaly import detect_anomaly
    from autograd_lite.graph import _switched

    before = _switched.count
    with pytest.raises(RuntimeError):
        with no_grad(), detect_anomaly(), no_grad():
            assert _switched.count == before + 3
            raise RuntimeError("out of the block")
    assert _switched.count == before == 0


# --- constants, detach, named ----------------------------------------------------------------------


def test_constants_are_not_given_gradients():
    k = Scalar(2.0, requires_grad=False, label="k")
    a = Scalar(3.0, label="a")
    y = k * a + 5
    assert all(node is not k for node in topological_order(y))
    y.backward()
    assert k.grad is None and y.parents[1].grad is None
    assert a.grad == 2.0


def test_detach_cuts_the_graph():
    a, b = Scalar(2.0, label="a"), Scalar(3.0, label="b")
    d = (a * b).detach()
    assert (d.data, d.requires_grad, d.grad, d.parents, d.is_leaf) == (6.0, False, None, (), True)
    (d * a).backward()
    assert (a.grad, b.grad) == (6.0, 0.0)


def test_named_sets_the_label_and_chains():
    a = Scalar(1.0)
    assert a.named("x") is a and a.label == "x"
    u = (a * 2).named("u").named("u2")
    assert u.label == "u2"


# --- scale and memory ------------------------------------------------------------------------------


def test_million_node_chain_backpropagates_and_is_freed_without_recursion():
    gc.collect()  # earlier tests' garbage must not be collected during the count
    before = live_scalars()
    x = Scalar(1.0, label="x")
    with gc_paused():  # only for speed: a million allocations would trigger many collections
        y = x
        for _ in range(1_000_000):
            y = y * 1.0000001
    y.backward()
    assert x.grad == approx(1.0000001**1e6, rel=1e-6)
    del y  # a million-deep chain of parents: deallocation must not overflow the C stack
    assert live_scalars() == before + 1  # only x is left


def test_graph_is_freed_by_reference_counting_alone():
    """No reference cycles: deleting a graph frees it at once, with nothing left for the collector."""
    with gc_paused():
        gc.collect()
        before = live_scalars()
        a, b = Scalar(0.5, label="a"), Scalar(-1.5, label="b")
        J = Scalar.dot([a, b], [b, 2.0], 1.0).leaky_relu(0.1).sigmoid() / (abs(b) + a**2).exp()
        J.backward(retain_graph=True)
        J.backward()
        del a, b, J
        assert live_scalars() == before
        assert gc.collect() == 0


# --- topological order -----------------------------------------------------------------------------


def test_topological_order_puts_root_first_and_parents_after_children():
    a, b = Scalar(2.0, label="a"), Scalar(3.0, label="b")
    u = (a * b).named("u")
    v = (u + a).named("v")
    w = (u * v).named("w")
    J = (w - v).named("J")
    order = topological_order(J)
    assert order[0] is J
    assert {id(n) for n in order} == {id(n) for n in (a, b, u, v, w, J)}  # no constants
    position = {id(node): i for i, node in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] > position[id(node)], f"{parent.label} before {node.label}"


def test_topological_order_refuses_a_freed_graph_unless_asked_not_to_check():
    *_, J = worked_example()
    J.backward()
    with pytest.raises(BackwardError):
        topological_order(J)
    assert len(topological_order(J, check_saved=False)) == 6
