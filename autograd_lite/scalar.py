"""Scalar: one number on the computation graph, exactly like the course's pictures.

    a = Scalar(5.0, label="a"); b = Scalar(3.0, label="b"); c = Scalar(2.0, label="c")
    u = b * c          # u = 6      du/db = c = 2, du/dc = b = 3
    v = a + u          # v = 11     dv/da = 1,     dv/du = 1
    J = 3 * v          # J = 33     dJ/dv = 3
    J.backward()       # a.grad = 3, b.grad = 6, c.grad = 9

Every op is one record in the op catalogue (``autograd_lite.ops``), whose rule returns the forward
value *and* its local derivatives d(out)/d(input) side by side, e.g. ``mul``: ``a * b, (b, a)``.
A Scalar op runs that rule on the operands' values and stores the local derivatives; the backward
pass (``_hand_on``) is then the chain rule in one line, taken node by node from J back to the inputs:

    dJ/d(parent) += d(node)/d(parent) * dJ/d(node)

A node hands its share on once all its children have handed theirs to it (each node counts its
children as they are made), so dJ/d(node) is complete when it is used.

The methods (``+``, ``*``, ``.tanh()``, ...) are made from the records at the end of this file.
"""

from __future__ import annotations

import inspect
import itertools
import operator
import textwrap
from collections.abc import Callable, Iterable, Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any, SupportsFloat, cast

from .anomaly import check_finite
from .errors import BackwardError
from .graph import (
    FREED,
    Node,
    _anomaly,
    _creation_numbers,
    _grad_mode,
    _switched,
    freed_error,
)
from .messages import check_domain, name_of
from .ops import OPS, Op, floats, install_methods
from .ops.inline import body_text, compile_function, paste_rule, rule_text

if TYPE_CHECKING:
    from typing import TypeAlias

    _Operand: TypeAlias = "Scalar | float"  # what a Scalar op takes besides Scalars: a number (int too)

SUM, DOT = OPS["sum"], OPS["dot"]

# --- recording ---------------------------------------------------------------------------------


def _record(value: float, parents: tuple[Scalar, ...], local: tuple[Any, ...], op: Op) -> Scalar:
    """The one place a Scalar op result is made and, if anything needs a gradient, recorded (the
    arithmetic methods paste these statements in, made from this text: no call per node)."""
    node = _new_scalar(Scalar)
    node.data = value
    node.label = None
    node._g = None  # no gradient in a pass yet (see Scalar._backward_pass)
    node._pending = 0  # no children yet
    node._created = next(_creation_numbers)
    for parent in parents:
        if parent.requires_grad:
            switched = _switched.count  # 0: no no_grad or detect_anomaly on in any thread (the usual case)
            if not switched or _grad_mode.enabled:
                node.grad = 0.0
                node.requires_grad = True
                node._op = op
                if len(parents) == 2:  # the inputs a, b and d(node)/da, d(node)/db, in the node's own slots
                    node._a, node._b = parents
                    node._da, node._db = local
                elif len(parents) == 1:
                    (node._a,), (node._da,) = parents, local
                    node._b = node._db = None
                else:  # many inputs (sum, dot): a tuple of them and one of their local derivatives
                    node._a, node._b, node._da, node._db = parents, None, tuple(local), None
                if switched and value - value != 0.0 and _anomaly.enabled:  # inf or nan, and checked
                    check_finite(node, op, parents)
                for parent in parents:  # one more child to hand it a share in backward (every parent's count:
                    parent._pending += 1  # then it never errs low, even if requires_grad changes later)
                return node
            break
    node.grad = None
    node.requires_grad = False
    node._a = node._b = node._da = node._db = None
    node._op = None
    return node


def _apply(op: Op, operands: tuple[Scalar, ...]) -> Scalar:
    """Run ``op``'s rule on the operands' values; record the value and the local derivatives."""
    values: Sequence[Any] = [x.data for x in operands]
    if op.arity is None:  # an n-ary rule (sum, dot): its record says how it takes the values
        values = op.gather(tuple(values))
    if op.domain is None and not op.takes_needs:
        value, local = op.scalar(*values)  # type: ignore[misc]  # a Scalar op's record has a scalar rule
        return _record(value, operands, local, op)
    needs = _needs(operands)
    if op.domain is not None:
        check_domain(op, operands, values, needs)
    value, local = (
        op.scalar(*values, needs=needs) if op.takes_needs else op.scalar(*values)  # type: ignore[misc]  # as above
    )
    return _record(value, operands, local, op)


def _needs(operands: tuple[Node, ...]) -> tuple[bool, ...]:
    """Which operands will get a gradient (none under ``no_grad``)."""
    return tuple([x.requires_grad and _grad_mode.enabled for x in operands])


def _constant(value: SupportsFloat) -> Scalar:
    """A Python number met in an op becomes a constant node (so diagrams can show it)."""
    return _as_leaf(_new_scalar(Scalar), float(value), False, None)


def _as_leaf(node: Scalar, value: float, requires_grad: bool, label: str | None) -> Scalar:
    """Fill every slot of a node that no op made (an input or a constant)."""
    node.data = value
    node.requires_grad = requires_grad
    node.grad = 0.0 if requires_grad else None
    node.label = label
    node._a = node._b = node._da = node._db = None
    node._op = None
    node._g = None
    node._pending = 0
    node._created = next(_creation_numbers)
    return node


_new_scalar = object.__new__



# --- the backward pass ---------------------------------------------------------------------------


def _hand_on(order: list[Scalar]) -> int:
    """The chain rule from the nodes in ``order``: each node hands every parent its share,
    dJ/d(parent) += d(node)/d(parent) * dJ/d(node), and a parent whose last child is done is taken next
    (its own dJ/d(parent) is then complete) and joins ``order``. Returns how many parents got a first
    share."""
    touched = 0
    ready = order[::-1]
    del order[:]
    take, put, done = ready.pop, ready.append, order.append
    node = None
    try:
        while ready:
            node = take()
            done(node)
            a, b = node._a, node._b  # its inputs (b None for a one-input op)
            if a is None:  # a leaf: nothing to hand on
                continue
            g = node._g  # dJ/d(node), complete: every child has handed over its share
            if type(a) is tuple:  # many inputs (sum, dot): a share for each
                for parent, local in zip(a, node._da):
                    if parent.requires_grad:
                        if parent._g is None:  # its first share
                            parent._g = local * g  # dJ/d(parent) = d(node)/d(parent) * dJ/d(node)
                            touched += 1
                        else:
                            parent._g += local * g  # dJ/d(parent) += d(node)/d(parent) * dJ/d(node)
                        parent._pending -= 1
                        if not parent._pending:
                            put(parent)
                continue
            if a.requires_grad:
                if a._g is None:
                    a._g = node._da * g  # dJ/da = d(node)/da * dJ/d(node)
                    touched += 1
                else:
                    a._g += node._da * g  # dJ/da += d(node)/da * dJ/d(node)
                a._pending -= 1
                if not a._pending:
                    put(a)
            if b is not None and b.requires_grad:
                if b._g is None:
                    b._g = node._db * g
                    touched += 1
                else:
                    b._g += node._db * g
                b._pending -= 1
                if not b._pending:
                    put(b)
    except TypeError:
        if node is None:
            raise
        if node._da is FREED:  # its local derivatives are gone: nothing to multiply
            order.pop()  # (it handed nothing on)
            raise freed_error(node) from None
        unrecorded = _unrecorded_parent(node._parents, node._saved)
        if unrecorded is not None:
            raise _unrecorded_error(node, unrecorded) from None
        raise
    return touched


def _finish_waiting(order: list[Scalar]) -> None:
    """Finish a pass in which some nodes got a share but wait for a child that is not on this graph (a dead
    branch, or an op recorded and never used). Those nodes and their ancestors get their children counted
    afresh, on this graph only, and the chain rule goes on over them. Then each count goes back to what it
    was less the shares handed over, as after a pass without dead branches. A leaf's goes to 0: it hands
    nothing on, so it may be taken early (its later shares still add up in ``_g`` before they go into
    ``.grad``), and counting afresh at every pass would cost the walk the counts save."""
    taken = {id(node) for node in order}
    found = {}  # the waiting nodes and their ancestors, by id
    for node in order:
        for parent in node._parents:
            if parent.requires_grad and parent._g is not None and id(parent) not in taken:
                found[id(parent)] = parent
    rest = list(found.values())
    for node in rest:  # the list grows as the walk finds parents (a leaf already taken keeps its place)
        if node._saved is FREED:
            raise freed_error(node)
        for parent in node._parents:
            if parent.requires_grad and id(parent) not in found and id(parent) not in taken:
                found[id(parent)] = parent
                rest.append(parent)
    before = [node._pending for node in rest]
    for node in rest:
        node._pending = 0
    for node in rest:
        for parent in node._parents:
            if id(parent) in found:
                parent._pending += 1
    counted = [node._pending for node in rest]
    ready = [node for node in rest if not node._pending]
    try:
        _hand_on(ready)
    except BaseException:
        for node, count in zip(rest, before):
            node._pending = count
            node._g = None
        raise
    order += ready
    for node, count, here in zip(rest, before, counted):
        node._pending = count - here if node._a is not None else 0


def _into_grads(order: list[Scalar], free: bool) -> None:
    """Each node's dJ/d(node) from this pass added to its ``.grad`` and, with ``free``, its local derivatives
    released. A ``.grad`` of None (a constant set to require grad after ops used it) starts at 0.0."""
    nodes = iter(order)
    while True:
        try:
            for node in nodes:
                node.grad += node._g
                node._g = None
                if free and node._a is not None:
                    node._da = node._db = FREED  # freed: a second backward() through here is an error
            return
        except TypeError:
            if node.grad is not None:  # something else than a number: refused, and the rest stays as it was
                rest = (node, *nodes)
                for node_left in rest:
                    node_left._g = None
                if free:  # not freed, so their shares may come again
                    _give_back(rest)
                raise _grad_error(node) from None
            node.grad = 0.0
            nodes = itertools.chain((node,), nodes)  # and on from this node


def _grad_plus(node: Scalar, g: float) -> float:
    """``node.grad + g`` for a pass that takes one node at a time (a ``.grad`` of None starts at 0.0, as in
    ``_into_grads``)."""
    grad = 0.0 if node.grad is None else node.grad
    try:
        return grad + g
    except TypeError:
        raise _grad_error(node) from None


def _grad_error(node: Scalar) -> BackwardError:
    """The error of a pass whose gradient cannot add into a ``.grad`` the caller set to something else."""
    grad = node.grad
    return BackwardError(
        f"backward: {name_of(node)}.grad is {type(grad).__name__} {grad!r}, but its gradient, a float, adds "
        "up into it; set .grad to 0.0 or call zero_grad()"
    )


def _unrecorded_parent(parents: tuple[Scalar, ...], saved: tuple[Any, ...]) -> Scalar | None:
    """A parent that requires grad now but for which the op kept no local derivative (None), if any."""
    pairs = zip(parents, saved)
    return next((parent for parent, local in pairs if parent.requires_grad and local is None), None)


def _unrecorded_error(node: Scalar, parent: Scalar) -> BackwardError:
    """The error of a pass that needs d(node)/d(parent), which the op did not compute: ``parent`` did not
    require grad when the op was recorded."""
    op = node._op.name if node._op is not None else "its op"
    return BackwardError(
        f"backward: {name_of(parent)} = {parent.data!r} did not require grad when {op} used it, so {op} kept "
        f"no derivative for it; set requires_grad=True before using it in ops"
    )


def _abandon(order: list[Scalar]) -> None:
    """After a pass failed: no share stays behind, and each count the pass took down goes back up (a node
    not reached yet took none down; its parents' counts end one too high, which only costs a recount)."""
    for node in order:
        node._g = None
        for parent in node._parents:
            parent._g = None
    _give_back(order)


def _give_back(nodes: Iterable[Scalar]) -> None:
    """Each count that the shares of ``nodes`` took down goes back up: they stay on the graph, and may hand
    their shares over again."""
    for node in nodes:
        for parent in node._parents:
            if parent.requires_grad:
                parent._pending += 1


def _comparison(compare: Callable[[float, float], bool]) -> Callable[[Scalar, object], bool]:
    """A comparison method on the values: returns a plain bool and records nothing."""

    def method(self, other):
        """Compare the values: a plain bool, nothing recorded."""
        other = _value(other)
        return other if other is NotImplemented else compare(self.data, other)

    method.__name__ = f"__{compare.__name__}__"
    return method


class Scalar(Node):
    """A float on the computation graph (the course's ``a``, ``u = bc``, ``J = 3v``).

    ``Scalar(data, requires_grad=True, label=None)``. ``.grad`` is dJ/d(this node) after
    ``J.backward()`` (0.0 before; ``None`` for constants that do not require grad).
    """

    # _a, _b: the inputs of the op that made it (None if absent; for sum and dot, _a is a tuple of them),
    # _da, _db: d(node)/da and d(node)/db (FREED once backward has used them); _pending: see _record.
    # In the node's own slots rather than in tuples: a Scalar is one object (half the garbage collector's
    # work on a big graph).
    __slots__ = ("_pending", "_a", "_b", "_da", "_db")
    data: float
    grad: float | None  # 0.0 until backward() reaches the node; None for constants (no grad needed)
    _pending: int
    _a: Any
    _b: Scalar | None
    _da: Any
    _db: Any

    def __init__(self, data: float | Scalar, requires_grad: bool = True, label: str | None = None) -> None:
        if isinstance(data, Scalar):
            data = data.data
        elif not isinstance(data, Real) or isinstance(data, bool) and requires_grad:
            raise TypeError(
                f"Scalar{'(' + repr(label) + ')' if label else ''}: data must be a real number, "
                f"got {type(data).__name__} {data!r}"
            )
        _as_leaf(self, float(data), bool(requires_grad), label)

    @property
    def _parents(self) -> tuple[Scalar, ...]:  # type: ignore[override]  # the slots above are the record
        """The inputs of the op that made this node, as a tuple (empty for a leaf)."""
        a, b = self._a, self._b
        if a is None:
            return ()
        if b is not None:
            return (a, b)
        return a if type(a) is tuple else (a,)

    @property
    def _saved(self) -> Any:
        """d(self)/d(input) for each input as a tuple (empty for a leaf), or FREED once backward used them."""
        a, da = self._a, self._da
        if a is None or da is FREED:
            return () if a is None else FREED
        if self._b is not None:
            return (da, self._db)
        return da if type(a) is tuple else (da,)

    # --- the chain rule ----------------------------------------------------------------------
    def _backward_order(self) -> list[Node]:
        """Just this node: the pass finds the others, each when its last child has handed it its share."""
        if self._da is FREED:
            raise freed_error(self)
        return [self]

    @staticmethod
    def _backward_pass(order: list[Node], retain_graph: bool) -> None:
        """The backward pass of a Scalar graph from ``order[0]``, the root, growing ``order`` as it goes.

        Every Scalar counts its children as they are made (``_pending``), so the pass needs no walk: a node
        is taken once its last child has handed it its share, and its dJ/d(node) is then complete
        (``_hand_on``). A child that is not on this graph (a dead branch: computed, never used in J) never
        hands its share over; the nodes waiting for one are finished by ``_finish_waiting``. The
        gradients go into ``.grad`` at the end, so a pass that fails leaves every ``.grad`` as it was.
        """
        scalars = cast("list[Scalar]", order)  # a Scalar's parents are Scalars
        try:
            touched = _hand_on(scalars)
            if touched != len(scalars) - 1:  # some got a share but still wait for a child off this graph
                _finish_waiting(scalars)
        except BaseException:
            _abandon(scalars)
            raise
        if retain_graph:  # the children stay on the graph
            _give_back(scalars)
        _into_grads(scalars, free=not retain_graph)

    def _backprop(self, retain_graph: bool) -> None:
        g = self._g or 0.0  # dJ/d(self), complete: every child has already pushed its share (None: nothing)
        self._g = None
        parents, saved = self._parents, self._saved
        unrecorded = _unrecorded_parent(parents, saved)
        if unrecorded is not None:
            raise _unrecorded_error(self, unrecorded)
        self.grad = _grad_plus(self, g)
        for parent, local in zip(parents, saved):
            if parent.requires_grad:
                parent._g = local * g + (parent._g or 0.0)  # dJ/d(parent) += d(self)/d(parent) * dJ/d(self)
                if not retain_graph:
                    parent._pending -= 1  # this child is freed: it will not hand a share over again
        if not retain_graph and self._a is not None:
            self._da = self._db = FREED  # freed: a second backward() through here is an error

    def _receive(self, grad: Any) -> None:
        """A Tensor op hands this Scalar its gradient: summed over every position it broadcast to."""
        self._g = float(grad.sum()) + (self._g or 0.0)

    def _seed(self, grad: Any) -> None:
        self._g = 1.0 if grad is None else float(grad)  # dJ/dJ = 1

    def _reset_grad(self) -> None:
        if self.requires_grad:
            self.grad = 0.0

    def _clear_pass(self) -> None:
        self._g = None

    def detach(self) -> Scalar:
        """A constant with the same value, cut off from the graph."""
        return Scalar(self.data, requires_grad=False, label=self.label)

    def local_derivatives(self) -> tuple[float, ...]:
        """d(self)/d(parent) for each parent, recomputed by the op's rule from the parents' values."""
        if self._op is None:
            return ()
        op, values = self._op, tuple([p.data for p in self._parents])
        rule: Callable[..., Any] = op.scalar  # type: ignore[assignment]  # a Scalar op's record has one
        if op.arity is None:  # an n-ary rule (sum, dot): its record says how it takes the values
            return rule(*op.gather(values))[1]
        if op.takes_needs:
            return rule(*values, needs=_needs(self._parents))[1]
        return rule(*values)[1]

    # --- n-ary ops: one node instead of a chain of binary ones ------------------------------
    @staticmethod
    def sum(values: Iterable[Scalar | float]) -> Scalar:
        """x1 + x2 + ... + xn as one node (each local derivative is 1)."""
        values = _scalars(values, "Scalar.sum")
        if not values:
            return _constant(0.0)
        value, local = SUM.scalar(tuple([v.data for v in values]))  # type: ignore[misc]  # it has a rule
        return _record(value, values, local, SUM)

    @staticmethod
    def dot(
        weights: Iterable[Scalar | float],
        inputs: Iterable[Scalar | float],
        bias: Scalar | float | None = None,
    ) -> Scalar:
        """The course's neuron pre-activation z = w1 x1 + ... + wn xn + b, as one node.

        Local derivatives: dz/dwi = xi, dz/dxi = wi, dz/db = 1. ``inputs`` may be numbers.
        """
        weights, inputs = _scalars(weights, "Scalar.dot"), _scalars(inputs, "Scalar.dot")
        if len(weights) != len(inputs):
            raise ValueError(
                f"Scalar.dot: {len(weights)} weights but {len(inputs)} inputs; they must pair up"
            )
        parents = weights + inputs
        if bias is not None:
            bias = bias if type(bias) is Scalar else _operand_or_error(bias, "Scalar.dot")
            parents += (bias,)
            bias = bias.data
        # (_pasted_dot replaces this call with the dot rule's text: keep the call on one line)
        value, local = DOT.scalar(tuple([v.data for v in weights]), tuple([v.data for v in inputs]), bias)  # type: ignore[misc]  # it has a rule
        return _record(value, parents, local, DOT)

    # --- comparisons: plain bools, never recorded --------------------------------------------
    if TYPE_CHECKING:  # what the methods made below take

        def __lt__(self, other: _Operand) -> bool: ...
        def __le__(self, other: _Operand) -> bool: ...
        def __gt__(self, other: _Operand) -> bool: ...
        def __ge__(self, other: _Operand) -> bool: ...
        def __eq__(self, other: object) -> bool: ...
        def __ne__(self, other: object) -> bool: ...

    else:
        __lt__ = _comparison(operator.lt)
        __le__ = _comparison(operator.le)
        __gt__ = _comparison(operator.gt)
        __ge__ = _comparison(operator.ge)
        __eq__ = _comparison(operator.eq)
        __ne__ = _comparison(operator.ne)
    __hash__ = Node.__hash__  # identity, like PyTorch tensors: nodes can sit in sets and dicts

    def __bool__(self) -> bool:
        return self.data != 0.0

    def __float__(self) -> float:
        return self.data

    def item(self) -> float:
        """The value as a Python float (as ``Tensor.item``)."""
        return self.data

    def __repr__(self) -> str:
        label = f"label={self.label!r}, " if self.label is not None else ""
        grad = f"grad={self.grad!r}" if self.requires_grad else "requires_grad=False"
        return f"Scalar({label}data={self.data!r}, {grad})"

    # --- the methods made from the op records at import (install_methods, at the end of this file) -----
    if TYPE_CHECKING:  # declared for type checkers only: at run time the generated methods are the ones

        def __abs__(self) -> Scalar: ...

        def __add__(self, other: _Operand) -> Scalar:
            """a + b."""

        def __radd__(self, other: _Operand) -> Scalar:
            """a + b."""

        def __sub__(self, other: _Operand) -> Scalar:
            """a - b."""

        def __rsub__(self, other: _Operand) -> Scalar:
            """a - b."""

        def __mul__(self, other: _Operand) -> Scalar:
            """a * b, elementwise."""

        def __rmul__(self, other: _Operand) -> Scalar:
            """a * b, elementwise."""

        def __truediv__(self, other: _Operand) -> Scalar:
            """a / b."""

        def __rtruediv__(self, other: _Operand) -> Scalar:
            """a / b."""

        def __pow__(self, other: _Operand) -> Scalar:
            """a ** b (a number or a node as the exponent)."""

        def __rpow__(self, other: _Operand) -> Scalar:
            """a ** b (a number or a node as the exponent)."""

        def __neg__(self) -> Scalar:
            """-a."""

        def abs(self) -> Scalar:
            """|a|; its derivative sign(a) is taken as 0 at the kink a = 0."""

        def exp(self) -> Scalar:
            """e^a (inf, not an error, when it overflows)."""

        def log(self) -> Scalar:
            """Natural logarithm, the course's ln a; a must be > 0."""

        def sqrt(self) -> Scalar:
            """Square root; a must be >= 0."""

        def tanh(self) -> Scalar:
            """tanh(z), the course's hidden-layer activation."""

        def sigmoid(self) -> Scalar:
            """σ(z) = 1 / (1 + e^-z), computed without overflow for any z (the course's output unit)."""

        def relu(self) -> Scalar:
            """max(0, z); its derivative is 1 for z > 0, else 0."""

        def leaky_relu(self, slope: float = 0.01) -> Scalar:
            """max(slope·z, z): z for z > 0, else slope·z (slope defaults to 0.01)."""

        def elu(self, alpha: float = 1.0) -> Scalar:
            """z for z > 0, else alpha·(e^z - 1) (alpha defaults to 1)."""

        def clip(self, low: float | None = None, high: float | None = None) -> Scalar:
            """a limited to [low, high] (either may be None); the gradient passes where a is inside."""

        def sin(self) -> Scalar:
            """sin a."""

        def cos(self) -> Scalar:
            """cos a."""

        def log1p(self) -> Scalar:
            """ln(1 + a), accurate for small a; a must be > -1."""

        def expm1(self) -> Scalar:
            """e^a - 1, accurate for small a."""

        def softplus(self) -> Scalar:
            """ln(1 + e^a), a smooth relu; its derivative is σ(a)."""

        def square(self) -> Scalar:
            """a²."""

        def reciprocal(self) -> Scalar:
            """1/a; a must not be 0."""

        def gelu(self) -> Scalar:
            """GELU, tanh approximation: ½a(1 + t), t = tanh(c(a + k a³)), c = √(2/π), k = 0.044715."""


# --- the methods, made from the op records ---------------------------------------------------------


def _binary_method(op: Op, reflected: bool) -> Callable[..., Any]:
    """``a * b`` (and ``3 * a`` when ``reflected``): numbers become constants, then the op's rule runs."""
    inlined = _inlined_method(op, ("other", "self") if reflected else ("self", "other"))
    if inlined is not None:
        return inlined

    def method(self, other):
        """Apply the op to this Scalar and ``other`` (a number becomes a constant)."""
        other = _operand(other)
        if other is NotImplemented:
            return other
        return _apply(op, (other, self) if reflected else (self, other))

    return method


def _unary_method(op: Op) -> Callable[..., Any]:
    """``a.tanh()``; parameters such as ``leaky_relu(slope)`` are fixed in a bound copy of the op."""
    if op.param_names:
        return lambda self, *args, **kwargs: _apply(
            op.bind(**op.parse(*args, **kwargs)), (self,)  # type: ignore[misc]  # it has a parse
        )
    inlined = _inlined_method(op, ("self",))
    return inlined if inlined is not None else lambda self: _apply(op, (self,))


_RULE_THEN_RECORD = (  # the rule, then _record's own statements (pasted: no call per node)
    """    {rule}
    parents = {parents}
"""
    + body_text(_record, "    ").replace("{", "{{").replace("}", "}}")
)
_UNARY = "def method({signature}):\n" + _RULE_THEN_RECORD
_BINARY = (
    """def method({signature}):
    if type(other) is not Scalar:
        other = _operand(other)
        if other is NotImplemented:
            return other
"""
    + _RULE_THEN_RECORD
)


def _inlined_method(op: Op, operands: tuple[str, ...]) -> Callable[..., Any] | None:
    """The method with the op's rule pasted in (no call per node: the hot path of a scalar net).

    E.g. for ``*``: ``a, b = self.data, other.data; value, local = a * b, (b, a)``, then record.
    Ops with a domain, parameters or ``needs`` go through ``_apply``, which checks and binds them.
    """
    if op.domain is not None or op.takes_needs:
        return None
    template = _BINARY if len(operands) == 2 else _UNARY
    namespace = {**globals(), "__name__": __name__}  # _record's names too
    return paste_rule(op, operands, template, namespace, floats)


def _operand(x: object) -> Any:
    """Turn the other operand of an arithmetic op into a Scalar; defer to other node types."""
    if type(x) is Scalar:
        return x
    if type(x) is float or type(x) is int or isinstance(x, Real) and not isinstance(x, bool):
        return _constant(x)
    if isinstance(x, bool):
        return _constant(float(x))
    return NotImplemented  # e.g. a Tensor: its reflected op handles the mixed case


def _scalars(values: Iterable[object], where: str) -> tuple[Scalar, ...]:
    """``values`` as a tuple of Scalars (numbers become constants)."""
    values = tuple(values)
    for value in values:
        if type(value) is not Scalar:
            return tuple(v if type(v) is Scalar else _operand_or_error(v, where) for v in values)
    return values  # type: ignore[return-value]  # every one is a Scalar


def _operand_or_error(x: object, where: str) -> Scalar:
    operand = _operand(x)
    if operand is NotImplemented:
        raise TypeError(f"{where}: expected Scalars or numbers, got {type(x).__name__} {x!r}")
    return operand


def _value(x: object) -> Any:
    if isinstance(x, Scalar):
        return x.data
    if isinstance(x, Real):
        return x
    return NotImplemented


def _pasted_dot() -> staticmethod[..., Scalar]:
    """``Scalar.dot`` with the dot rule's text pasted where it calls the rule (a net has a dot per neuron,
    and the call would cost a few percent of it). The method above is the source; this is its copy."""
    rule, marker = DOT.scalar, "    value, local = DOT.scalar("
    text = rule_text(rule) if rule is not None else None
    source = textwrap.dedent(inspect.getsource(Scalar.dot)).replace("@staticmethod\n", "")
    if rule is None or text is None or marker not in source:  # no source at hand, or the call was rewritten
        return Scalar.__dict__["dot"]  # keep it
    head, call = source.split(marker, 1)
    arguments, rest = call.split("\n", 1)
    lines = [f"{', '.join(text.values)} = {arguments.rsplit(')', 1)[0]}", *text.statements]
    lines.append(f"value, local = {text.result}")
    source = head + "".join(f"    {line}\n" for line in lines) + rest
    namespace = {**rule.__globals__, **globals()}
    return staticmethod(compile_function(source, "<Scalar.dot from the dot rule>", namespace))


Scalar.dot = _pasted_dot()  # type: ignore[method-assign]  # the same method, the rule's text pasted in
install_methods(Scalar, _binary_method, _unary_method, lambda op: op.elementwise)
