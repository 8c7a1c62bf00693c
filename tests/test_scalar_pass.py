"""The Scalar backward pass against a chain rule of its own: dead branches, stale counts, retained graphs,
failed passes, requires_grad changed after recording, Scalars inside Tensor ops, anomaly mode and no_grad,
random graphs with random sequences of passes, and a long chain.

The pass counts each node's children as they are recorded and takes a node when its last child has handed
it its share; a wrong count gives a wrong gradient without any error. So every expected gradient here comes
from ``reference``: a depth-first search of its own over ``node.parents`` and the chain rule with
``node.local_derivatives()``, never from the engine's pass.
"""

import numpy as np
import pytest
from helpers import set_local_derivatives
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest import approx

import autograd_lite
import autograd_lite.scalar
from autograd_lite import BackwardError, Scalar, Tensor, detect_anomaly, no_grad
from autograd_lite.graph import FREED

# --- the reference -----------------------------------------------------------------------------------


def depends_on(root):
    """``root`` and every node it depends on through nodes that require grad, children before parents.

    An iterative depth-first search (parents finish before the node that found them), not the engine's
    walk or its creation numbers.
    """
    finished, entered = [], set()
    stack = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            finished.append(node)
            continue
        if id(node) in entered:
            continue
        entered.add(id(node))
        stack.append((node, True))
        for parent in node.parents:
            if parent.requires_grad and id(parent) not in entered:
                stack.append((parent, False))
    return finished[::-1]


def reference(root):
    """dRoot/dx for every node x that ``root`` depends on: {id: (x, dRoot/dx, bound)}.

    The chain rule over ``depends_on(root)`` with ``local_derivatives()`` (recomputed from the parents'
    values). ``bound`` is the same sum over the terms' absolute values, for a rounding tolerance.
    """
    grads, bounds, nodes = {id(root): 1.0}, {id(root): 1.0}, {}
    for node in depends_on(root):
        nodes[id(node)] = node
        g, bound = grads[id(node)], bounds[id(node)]  # complete: every child came before
        for parent, local in zip(node.parents, node.local_derivatives()):
            if parent.requires_grad:
                grads[id(parent)] = grads.get(id(parent), 0.0) + local * g
                bounds[id(parent)] = bounds.get(id(parent), 0.0) + abs(local) * bound
    return {key: (node, grads[key], bounds[key]) for key, node in nodes.items()}


class Ledger:
    """The ``.grad`` each node should have: the references of the passes so far, added up."""

    def __init__(self, *nodes):
        self.nodes, self.grad, self.bound = {}, {}, {}
        self.track(*nodes)

    def track(self, *nodes):
        """Follow these nodes too (a new node's ``.grad`` is 0.0, or None if it needs no gradient)."""
        for node in nodes:
            if id(node) not in self.nodes:
                self.nodes[id(node)] = node
                self.grad[id(node)] = 0.0 if node.requires_grad else None
                self.bound[id(node)] = 0.0

    def add(self, node, grad, bound=None):
        """One more share of a gradient computed outside ``reference`` (e.g. by hand)."""
        self.track(node)
        self.grad[id(node)] += grad
        self.bound[id(node)] += abs(grad) if bound is None else bound

    def backward(self, root, retain_graph=False):
        """``root.backward(retain_graph)``, expecting every gradient to grow by the reference."""
        expected = reference(root)  # before the pass: it may free what it visits
        root.backward(retain_graph=retain_graph)
        for node, grad, bound in expected.values():
            self.add(node, grad, bound)

    def refused(self, root, match="second time", retain_graph=False):
        """``root.backward()`` must raise BackwardError and change no gradient."""
        with pytest.raises(BackwardError, match=match):
            root.backward(retain_graph=retain_graph)
        self.check()

    def zero(self, nodes):
        """``autograd_lite.zero_grad(nodes)``, expecting zeros."""
        autograd_lite.zero_grad(nodes)
        for node in nodes:
            if node.requires_grad:
                self.track(node)
                self.grad[id(node)], self.bound[id(node)] = 0.0, 0.0

    def check(self):
        """Every followed node has the expected ``.grad`` and no share left over from a pass."""
        for key, node in self.nodes.items():
            expected = self.grad[key]
            tolerance = 1e-12 * max(1.0, self.bound[key])
            if expected is None:
                assert node.grad is None, f"{node!r} needs no gradient"
            else:
                assert node.grad == approx(expected, rel=1e-12, abs=tolerance), (
                    f"{node!r}: expected {expected}"
                )
            assert node._g is None, f"{node!r} kept a share of a pass: {node._g!r}"


def saved_intact(*nodes):
    """None of the (non-leaf) nodes had its saved values freed."""
    return all(node._saved is not FREED for node in nodes if node.parents)


class Boom(Exception):
    """Raised mid-pass by an ``Exploding`` local derivative."""


class Exploding:
    """A local derivative that raises as soon as the chain rule multiplies by it."""

    def __mul__(self, other):
        raise Boom("a local derivative failed")

    __rmul__ = __mul__


@pytest.fixture
def recounts(monkeypatch):
    """How many times a pass had to recount waiting nodes (``_finish_waiting`` calls), as a list."""
    calls = []
    original = autograd_lite.scalar._finish_waiting

    def counted(order):
        calls.append(len(order))
        return original(order)

    monkeypatch.setattr(autograd_lite.scalar, "_finish_waiting", counted)
    return calls


# --- the reference itself ----------------------------------------------------------------------------


def test_the_reference_gives_the_course_example_and_reuse():
    """The reference's own check: J = 3(a + bc) at 5, 3, 2 and a node used twice."""
    a, b, c = Scalar(5.0), Scalar(3.0), Scalar(2.0)
    J = 3 * (a + b * c)
    expected = reference(J)
    assert [expected[id(x)][1] for x in (a, b, c, J)] == [3.0, 6.0, 9.0, 1.0]
    p = Scalar(3.0)
    q = p * p + p
    assert reference(q)[id(p)][1] == 7.0
    assert id(J.parents[0]) not in expected, "constants need no gradient"


# --- 1. dead branches --------------------------------------------------------------------------------


def test_dead_branch_of_an_intermediate_is_finished_and_then_refused():
    """y has a child w not used in z: z.backward() still completes x and y; w.backward() then
    meets y freed and must be refused without changing any gradient."""
    x = Scalar(2.0)
    y = x * x
    z = y * 3
    w = y + 1  # never used in z
    ledger = Ledger(x, y, z, w)
    ledger.backward(z)
    assert (x.grad, y.grad, z.grad, w.grad) == (12.0, 3.0, 1.0, 0.0)
    ledger.check()
    ledger.refused(w)
    assert saved_intact(w), "a refused pass frees nothing"


def test_dead_branch_deep_in_the_graph():
    """A dead child of an early node under a long chain: the pass waits at the early node and the
    recount must still finish it and everything below it."""
    x, b = Scalar(0.3), Scalar(-0.4)
    h = x * b + x
    dead = h.tanh()  # noqa: F841  (a child of h that no root uses)
    y = h
    for i in range(60):
        y = (y * 0.97 + b * 0.01) if i % 2 else (y + x * 0.02).tanh()
    J = y * y
    ledger = Ledger(x, b, h, J)
    ledger.backward(J)
    ledger.check()
    assert x.grad != 0.0 and b.grad != 0.0


def test_several_dead_children_then_each_of_them_backwarded():
    """y has several children off the graph (some with children of their own); after a retained pass
    each dead child can be backwarded in turn and the gradients keep adding up."""
    x = Scalar(0.8)
    y = x.tanh()
    dead = [y * 2, y + 1, y.exp(), (y * y).relu()]
    dead.append(dead[0] * dead[1])  # a dead child of dead children
    J = y * y + x
    ledger = Ledger(x, y, J, *dead)
    ledger.backward(J, retain_graph=True)
    ledger.check()
    for node in dead:
        ledger.backward(node, retain_graph=True)
        ledger.check()
    ledger.backward(J)  # the last pass may free the graph
    ledger.check()


def test_dead_child_of_a_leaf_parameter():
    """A parameter with a child no root uses: its gradient is complete, and the dead child can be
    backwarded later (it was never freed)."""
    w, b = Scalar(0.5), Scalar(0.1)
    dead = w * 10
    J = (w * 3 + b).tanh()
    ledger = Ledger(w, b, dead, J)
    ledger.backward(J)
    ledger.check()
    assert saved_intact(dead)
    ledger.backward(dead)
    ledger.check()
    assert w.grad == approx(reference(J)[id(w)][1] + 10.0, rel=1e-12)


def test_a_leaf_taken_early_is_not_taken_again_by_a_recount():
    """x's count is reset after a pass that did not use its child d; a later pass that uses d (which has
    a dead child, so a recount runs) must still give every gradient once, without an error."""
    x = Scalar(1.0)
    d = x * 2  # not used by the first root
    ledger = Ledger(x, d)
    ledger.backward(x * 3)
    dead = d + 1  # noqa: F841  (d waits for it: the second pass recounts d and its ancestors)
    J = d * 5 + x * 7
    ledger.backward(J)
    ledger.check()
    assert x.grad == 3.0 + 7.0 + 10.0


# --- 2. stale counts on parameters -------------------------------------------------------------------


def model_loss(params, points):
    """A one-hidden-unit regression: sum of (w2 tanh(w0 x + w1) + w3 x + w4 - y)^2 over the points."""
    w0, w1, w2, w3, w4 = params
    loss = Scalar(0.0, requires_grad=False)
    for x, y in points:
        out = w2 * (w0 * x + w1).tanh() + w3 * x + w4
        loss = loss + (out - y) * (out - y)
    return loss


def test_an_evaluation_graph_never_backwarded_does_not_spoil_training_steps(recounts):
    """A forward pass with grad on that is never backwarded leaves a child on every parameter; each
    training step after it gives the reference gradients, and after the first step the parameters'
    counts are back to 0 so later steps need no recount."""
    rng = np.random.default_rng(7)
    params = [Scalar(float(v), label=f"w{i}") for i, v in enumerate(rng.uniform(-1.0, 1.0, 5))]
    points = [(float(x), float(np.sin(2 * x))) for x in rng.uniform(-1.5, 1.5, 6)]
    evaluation = model_loss(params, points[:3])  # noqa: F841  (never backwarded)
    ledger = Ledger(*params)
    for step in range(4):
        loss = model_loss(params, points)
        ledger.zero(params)
        before = len(recounts)
        ledger.backward(loss)
        ledger.check()
        assert [p._pending for p in params] == [0] * len(params), f"step {step}"
        if step:
            assert len(recounts) == before, f"step {step} recounted"
        with no_grad():
            for p in params:
                p.data -= 0.1 * p.grad
    assert recounts, "the first step had stale counts to finish"


def test_stale_counts_from_several_unused_graphs_and_an_unused_intermediate():
    """Several forward passes never backwarded, on the parameters and on an intermediate shared with the
    step's graph: the step's gradients are still the reference's."""
    w, b = Scalar(0.6), Scalar(-0.2)
    shared = (w * b).tanh()
    for scale in (1.0, 2.0, 3.0):
        _ = (shared * scale + w * w).exp()  # never backwarded
    ledger = Ledger(w, b, shared)
    for _ in range(3):
        J = shared * w + (w * 2 + b).relu()
        ledger.zero([w, b])
        ledger.backward(J, retain_graph=True)  # shared stays usable for the next step
        ledger.check()


# --- 3. retained graphs ------------------------------------------------------------------------------


def test_retained_pass_then_a_pass_doubles_every_gradient():
    """J.backward(retain_graph=True); J.backward(): every node's gradient is twice the reference, dead
    branch and reused nodes included."""
    a, b = Scalar(0.4), Scalar(-1.1)
    u = a * b
    dead = u * u  # noqa: F841
    v = u.tanh() + a
    J = v * u + b * b
    expected = reference(J)
    J.backward(retain_graph=True)
    J.backward()
    for node, grad, _ in expected.values():
        assert node.grad == approx(2 * grad, rel=1e-12, abs=1e-12)
    assert all(node._saved is FREED for node in (u, v, J)), "the second pass frees the graph"


def test_two_roots_sharing_a_subgraph():
    """Two roots on one shared subgraph, each backwarded with retain_graph=True, then one without: the
    sums of the references; the other root is then refused (the shared nodes are freed)."""
    a, b = Scalar(1.2), Scalar(0.3)
    m = (a * b).tanh()
    n = m * a
    J1 = n * n + b
    J2 = (m + n).exp() * b
    ledger = Ledger(a, b, m, n, J1, J2)
    ledger.backward(J1, retain_graph=True)
    ledger.backward(J2, retain_graph=True)
    ledger.check()
    ledger.backward(J1)
    ledger.check()
    ledger.refused(J2)


def test_a_root_built_after_a_retained_pass_on_part_of_its_graph():
    """y = 2x, a = 3y, a.backward(retain_graph=True), b = 4y, c = a + b, c.backward():
    x.grad = 6 + 2(3 + 4) = 20."""
    x = Scalar(1.5)
    y = x * 2
    a = y * 3
    ledger = Ledger(x, y, a)
    ledger.backward(a, retain_graph=True)
    b = y * 4
    c = a + b
    ledger.backward(c)
    ledger.check()
    assert x.grad == 20.0 and y.grad == 3.0 + 7.0


def test_a_node_reused_many_times():
    """p * p, x + x + x and a sum listing x three times: every share reaches its parent once per use."""
    p, x = Scalar(1.5), Scalar(0.3)
    q = p * p
    r = q * p + p
    s = x + x + x
    t = Scalar.sum([x, x, x, p])  # one node, x three times among its parents
    J = r * s + s * s + t * q
    ledger = Ledger(p, x, q, r, s, t, J)
    ledger.backward(J, retain_graph=True)
    ledger.check()
    ledger.backward(J)
    ledger.check()
    # dJ/dp = s (3p^2 + 1) + q + 2 p t, at p = 1.5, s = 0.9, t = 2.4, twice
    assert p.grad == approx(2 * (0.9 * (3 * 1.5**2 + 1) + 1.5**2 + 2 * 1.5 * 2.4), rel=1e-12)


# --- 4. a failed pass changes nothing ----------------------------------------------------------------


@pytest.mark.parametrize("freed_first", [True, False], ids=["freed operand first", "freed operand second"])
def test_a_pass_refused_at_a_freed_node_changes_nothing(freed_first):
    """z = u + y with y freed by an earlier pass: refused, no gradient changed, no share left, u not
    freed; u.backward() then gives the reference."""
    a, b, x = Scalar(2.0), Scalar(-3.0), Scalar(0.5)
    u = a * b
    y = x * x
    ledger = Ledger(a, b, x, u, y)
    ledger.backward(y)
    z = y + u if freed_first else u + y
    ledger.track(z)
    ledger.refused(z)
    assert saved_intact(u, z)
    ledger.backward(u)
    ledger.check()
    assert (a.grad, b.grad, x.grad) == (-3.0, 2.0, 1.0)


def poisoned_graph():
    """a, b; u = ab, v = tanh u, w = 3u, e = w + v, p = exp b (with a dead child), J = e + p.

    The pass takes J, e, v, w (v hands u its share before w does), u and a, then waits at p and b:
    p and b are finished by the recount.
    """
    a, b = Scalar(0.7), Scalar(-0.9)
    u = a * b
    v = u.tanh()
    w = u * 3
    e = w + v
    p = b.exp()
    dead = p * 2
    J = e + p
    return {"a": a, "b": b, "u": u, "v": v, "w": w, "e": e, "p": p, "dead": dead, "J": J}


@pytest.mark.parametrize("retain_graph", [True, False], ids=["retained", "not retained"])
@pytest.mark.parametrize(
    "poisoned",
    ["w", "v", "u", "p"],
    ids=["after a sibling's share", "one parent", "after the first parent's share", "in the recount"],
)
def test_an_exception_mid_pass_changes_nothing(poisoned, retain_graph):
    """A local derivative that raises mid-pass: the exception comes out, no gradient changes, no share
    is left, nothing is freed; with the saved values restored, a new root over the middle of the graph
    (whose nodes' counts the failed pass had taken down) and the pass give the reference."""
    nodes = poisoned_graph()
    J, node = nodes["J"], nodes[poisoned]
    ledger = Ledger(*nodes.values())
    ledger.backward(J, retain_graph=True)  # gradients that are not zero, to see that they stay
    original = node._saved
    last = max(i for i, parent in enumerate(node.parents) if parent.requires_grad)  # after the others' shares
    set_local_derivatives(node, [Exploding() if i == last else local for i, local in enumerate(original)])
    with pytest.raises(Boom):
        J.backward(retain_graph=retain_graph)
    ledger.check()
    assert saved_intact(*nodes.values())
    set_local_derivatives(node, original)
    ledger.backward(nodes["v"] * nodes["w"], retain_graph=True)
    ledger.check()
    ledger.backward(J, retain_graph=retain_graph)
    ledger.check()


# --- 5. requires_grad changed after recording --------------------------------------------------------


@pytest.mark.parametrize("checked", [False, True], ids=["pass", "under detect_anomaly"])
def test_a_constant_made_to_require_grad_after_recording_gets_its_gradient(checked):
    """k is recorded as a constant next to a, then set to require grad: backward gives k (and a) the
    reference gradients, which treat k as requiring grad; the checked pass of detect_anomaly too."""
    k, a = Scalar(1.5, requires_grad=False), Scalar(-0.5)
    J = (k * a).tanh() + k * k * a
    k.requires_grad = True
    expected = reference(J)
    if checked:
        with detect_anomaly():
            J.backward()
    else:
        J.backward()
    assert k.grad == approx(expected[id(k)][1], rel=1e-12)
    assert a.grad == approx(expected[id(a)][1], rel=1e-12)


def test_a_constant_made_to_require_grad_with_a_zero_grad_gets_its_gradient():
    """As above with k.grad also set to 0.0: k's count, kept since recording, lets the pass finish k."""
    k, a = Scalar(1.5, requires_grad=False), Scalar(-0.5)
    u = k * a
    J = u.tanh() + k * k * a
    k.requires_grad, k.grad = True, 0.0
    ledger = Ledger(k, a, u, J)
    ledger.backward(J)
    ledger.check()
    assert k.grad != 0.0


def test_a_leaf_no_longer_requiring_grad_gets_nothing():
    """a is recorded requiring grad, then set not to: the pass hands it nothing (its .grad stays 0.0)
    and the other gradients are the reference's; an intermediate set not to require grad cuts its
    parents off the same way."""
    a, b, c = Scalar(0.3), Scalar(1.7), Scalar(-0.6)
    u = a * b
    J = u.tanh() * c + a * c
    a.requires_grad = False
    ledger = Ledger(a, b, c, u, J)
    ledger.grad[id(a)] = 0.0  # its .grad is still the float it had
    ledger.backward(J, retain_graph=True)
    ledger.check()
    assert a.grad == 0.0 and b.grad != 0.0
    b_before = b.grad
    u.requires_grad = False
    ledger.backward(J)
    ledger.check()
    assert b.grad == b_before, "b is reached only through u"
    assert saved_intact(u), "a node that no longer requires grad is not on the pass"


# --- 6. Scalars inside Tensor ops --------------------------------------------------------------------


def tensor_cost(s, t, T):
    """sum(T t) + sum(tanh(T s)); its gradients by hand: d/dt = sum T, d/ds = sum T (1 - tanh(T s)^2)
    (s directly; through t = 2s the pass adds 2 d/dt)."""
    cost = (T * t).sum() + (T * s).tanh().sum()
    values = T.data
    by_hand = {"t": float(values.sum()), "s": float((values * (1 - np.tanh(values * s.data) ** 2)).sum())}
    return cost, by_hand


@pytest.mark.parametrize("tensor_first", [True, False], ids=["Tensor cost first", "Scalar cost first"])
def test_scalars_inside_tensor_ops_and_a_scalar_expression(tensor_first):
    """s and t = 2s in a Tensor cost and in q = t t + s: after both passes (the first retained) every
    Scalar's gradient is the sum of the two; more Scalar ops on s then backward normally."""
    s = Scalar(0.4)
    t = s * 2
    T = Tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    cost, by_hand = tensor_cost(s, t, T)
    q = t * t + s
    ledger = Ledger(s, t, q)
    if tensor_first:
        cost.backward(retain_graph=True)
        ledger.backward(q)
    else:
        ledger.backward(q, retain_graph=True)
        cost.backward()
    ledger.add(t, by_hand["t"])
    ledger.add(s, by_hand["s"] + 2 * by_hand["t"])
    ledger.check()
    np.testing.assert_allclose(T.grad, t.data + s.data * (1 - np.tanh(T.data * s.data) ** 2), rtol=1e-12)
    for _ in range(3):  # nothing stuck on s
        r = (s * 3).tanh() * s + s
        ledger.backward(r)
        ledger.check()


def test_a_tensor_pass_frees_the_scalars_it_visits():
    """A Tensor cost backwarded without retaining frees t: q = t t + s is then refused and changes
    nothing; new Scalar ops on s backward normally."""
    s = Scalar(-0.3)
    t = s * 2
    T = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    cost, by_hand = tensor_cost(s, t, T)
    q = t * t + s
    ledger = Ledger(s, t, q)
    cost.backward()
    ledger.add(t, by_hand["t"])
    ledger.add(s, by_hand["s"] + 2 * by_hand["t"])
    ledger.check()
    ledger.refused(q)
    r = (s * s).exp() + s * 5
    ledger.backward(r, retain_graph=True)
    ledger.backward(r * r)
    ledger.check()


# --- 7. detect_anomaly and no_grad -------------------------------------------------------------------


def test_passes_under_detect_anomaly_give_the_reference_and_leave_counts_consistent():
    """Under detect_anomaly (the checked pass): the reference, retained or not, with a dead branch; then,
    outside, a node shared with a graph the checked pass retained, and a fresh graph on the same leaves."""
    a, b = Scalar(0.7), Scalar(-1.2)
    ledger = Ledger(a, b)
    with detect_anomaly():
        u = a * b
        dead = u.exp()  # noqa: F841
        J = (u.tanh() + a) * u
        ledger.backward(J, retain_graph=True)
        ledger.check()
        ledger.backward(J)
        ledger.check()
    m = a * b
    c1 = m * m
    with detect_anomaly():
        ledger.backward(c1, retain_graph=True)  # must leave m's count as it was: c1 hands it two shares
    c2 = m.tanh() + c1
    ledger.backward(c2)
    ledger.check()
    v = a * a + b  # a fresh graph on the same leaves, with a dead branch
    dead2 = v * 2  # noqa: F841
    ledger.backward(v.tanh() * b)
    ledger.check()


def test_no_grad_records_no_children_and_passes_inside_it_give_the_reference():
    """Ops under no_grad add no child to a count (a pass then needs no recount), a constant computed
    under no_grad takes part as a constant, and a backward run inside no_grad gives the reference."""
    a, b = Scalar(0.9), Scalar(-0.4)
    with no_grad():
        c = a * b  # a constant
        _ = a * 5 + b  # records nothing
    J = c * a + b.tanh()
    assert (a._pending, b._pending) == (1, 1), "only the recorded ops count as children"
    ledger = Ledger(a, b, c)
    ledger.backward(J)
    ledger.check()
    assert a.grad == c.data and c.grad is None
    K = a * a * b + (a - b).exp()
    with no_grad():
        ledger.backward(K, retain_graph=True)
    ledger.backward(K)
    ledger.check()


# --- 8. random graphs and random sequences of passes -------------------------------------------------

LIMIT = 4.0  # operands stay within this (a larger result is used through its tanh): nothing overflows
UNARY = ("tanh", "relu", "exp")


def grow(data, nodes):
    """One random op on earlier nodes (reused freely); every node it makes is appended to ``nodes``."""
    op = data.draw(st.sampled_from(("add", "sub", "mul", "div", "tanh", "relu", "exp", "sum", "dot")))
    operands = [node for node in nodes if abs(node.data) <= LIMIT]

    def pick():
        return operands[data.draw(st.integers(0, len(operands) - 1))]

    if op in UNARY:
        out = getattr(pick(), op)()
    elif op == "sum":
        out = Scalar.sum([pick() for _ in range(data.draw(st.integers(1, 3)))])
    elif op == "dot":
        bias = pick() if data.draw(st.booleans()) else None
        out = Scalar.dot([pick()], [pick()], bias)
    else:
        a, b = pick(), pick()
        if op == "add":
            out = a + b
        elif op == "sub":
            out = a - b
        elif op == "mul":
            out = a * b
        else:
            out = a / b if abs(b.data) >= 0.25 else a / 2.0
    nodes.append(out)
    if abs(out.data) > LIMIT:
        nodes.append(out.tanh())


def children_counts(nodes):
    """For each node, how many times it is a parent of a node in ``nodes`` (recorded children)."""
    counts = {}
    for node in nodes:
        for parent in node.parents:
            counts[id(parent)] = counts.get(id(parent), 0) + 1
    return counts


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_random_graphs_and_random_passes_match_the_reference(data):
    """A random DAG (leaves, constants, 5-40 ops reusing earlier nodes, many of them never used), then
    1-4 random actions: a pass from a random node (retained or not), new ops on top, zero_grad on the
    leaves. After each: every .grad is the reference's sum, no share is left over, a pass through a node
    a non-retained pass freed is refused, and no node the pass may still reach counts fewer children
    than it has (a lower count would let a pass take it before all its shares are in)."""
    leaves = [
        Scalar(data.draw(st.floats(-2.0, 2.0)), label=f"x{i}") for i in range(data.draw(st.integers(1, 3)))
    ]
    constants = [
        Scalar(data.draw(st.floats(-2.0, 2.0)), requires_grad=False)
        for _ in range(data.draw(st.integers(0, 2)))
    ]
    nodes = leaves + constants
    for _ in range(data.draw(st.integers(5, 40))):
        grow(data, nodes)
    ledger = Ledger(*nodes)
    freed = set()
    for _ in range(data.draw(st.integers(1, 4))):
        action = data.draw(st.sampled_from(("retained", "retained", "not retained", "grow", "zero")))
        if action == "grow":
            for _ in range(data.draw(st.integers(1, 5))):
                grow(data, nodes)
            ledger.track(*nodes)
        elif action == "zero":
            ledger.zero(leaves)
        else:
            roots = [node for node in nodes if node.parents] or leaves
            if data.draw(st.integers(0, 3)):  # mostly a root whose graph no pass has freed
                whole = [root for root in roots if not any(id(node) in freed for node in depends_on(root))]
                roots = whole or roots
            root = roots[data.draw(st.integers(0, len(roots) - 1))]
            visited = depends_on(root)
            if any(id(node) in freed for node in visited):
                ledger.refused(root, retain_graph=action == "retained")
            else:
                ledger.backward(root, retain_graph=action == "retained")
                if action == "not retained":
                    freed.update(id(node) for node in visited if node.parents)
        ledger.check()
        assert all((node._saved is FREED) == (id(node) in freed) for node in nodes if node.parents)
        children = children_counts(nodes)
        for node in nodes:
            if node.parents and id(node) not in freed:
                assert node._pending >= children.get(id(node), 0), f"{node!r} counts too few children"


# --- 9. long chains ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dead_at", [None, 199_000], ids=["no dead branch", "dead branch near the root"])
def test_a_200000_node_chain(dead_at):
    """A 200,000-node chain backpropagates without recursion and gives the leaf the reference; with a
    dead child near the root the pass stops there and the recount walks most of the chain."""
    x = Scalar(1.0)
    y = x
    for i in range(200_000):
        y = y * 1.00001 if i % 2 else y + 0.5
        if i == dead_at:
            dead = y * 2  # noqa: F841
    expected = reference(y)[id(x)][1]
    y.backward()
    assert x.grad == approx(expected, rel=1e-12)
    assert x.grad == approx(1.00001**100_000, rel=1e-9)
