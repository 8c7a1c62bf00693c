"""The one computation graph that Scalar and Tensor nodes share.

Course picture: the forward pass builds the graph left to right (``u = b*c``, ``v = a + u``,
``J = 3*v``); the backward pass walks it right to left and applies the chain rule,
``dJ/da = dJ/dv * dv/da``. This module holds what both payloads share:

- ``Node``: value, gradient, label, and the record of the op that made it (its parents and
  what its backward rule saved);
- ``topological_order``: every node that leads to the output, in an order where a node always
  comes before its parents (iterative, so a 1,000,000-node chain is fine);
- ``walk_in_order``: the nodes a Tensor pass visits, marked and sorted (a Scalar pass needs no walk:
  each Scalar counts its children as they are made, and the pass takes a node when its last child is
  done, see ``Scalar._backward_pass``);
- ``backward``: seeds ``dJ/dJ`` and lets each node push its gradient to its parents;
- ``no_grad``: a context (or decorator) in which ops are computed but not recorded.

Each payload class says how its own node applies the chain rule (``Node._backprop``):
a Scalar multiplies by stored local derivatives, a Tensor computes a vector-Jacobian product.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from itertools import count
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar

from .errors import BackwardError

if TYPE_CHECKING:
    from typing import ParamSpec, Protocol, TypeVar

    import numpy as np
    from numpy.typing import ArrayLike
    from typing_extensions import Self

    from .compiled import Tape
    from .ops.record import Op

    _P = ParamSpec("_P")
    _R = TypeVar("_R")

    class _Mode(Protocol):
        enabled: bool

# Every node gets a creation number. Parents exist before their children, so newest-first
# creation order is a topological order of any graph: no recursion, one C-level sort.
_creation_numbers = count()
_newest_first = attrgetter("_created")


class _Freed:
    """What ``_saved`` becomes once backward() has used and released it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "FREED"


FREED = _Freed()


class _GradMode(threading.local):
    enabled = True  # class default: every new thread starts with recording on


_grad_mode = _GradMode()


class _AnomalyMode(threading.local):
    enabled = False  # set by ``detect_anomaly`` (anomaly.py)


_anomaly = _AnomalyMode()


class _Tracing(threading.local):
    tape: Tape | None = None  # the tape of the step ``compile`` is tracing in this thread (compiled.py)


_tracing = _Tracing()


class _Switched:
    """How many switches (``no_grad``, ``detect_anomaly``, a ``compile`` trace, ...) are on, in any thread.

    While none is, every thread is in the default modes (recording, no anomaly checks, no trace), so the
    hot paths read this one number instead of three thread-local flags per op.
    """

    __slots__ = ("count", "_lock")

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def on(self) -> None:
        """A switch is turned on (entering ``no_grad``, ``detect_anomaly``, a trace)."""
        with self._lock:
            self.count += 1

    def off(self) -> None:
        """A switch is turned off again (leaving its block)."""
        with self._lock:
            self.count -= 1


_switched = _Switched()


def is_grad_enabled() -> bool:
    """True when new ops are recorded on the graph (False inside ``no_grad()``)."""
    return _grad_mode.enabled


class Switch:
    """A context (and decorator) that sets ``state.enabled`` to ``value`` inside; nesting is fine."""

    __slots__ = ("_previous",)
    state: ClassVar[_Mode] = None  # type: ignore[assignment]  # each switch names its own state
    value: ClassVar[bool] = False

    def __enter__(self) -> Self:
        self._previous = self.state.enabled
        _switched.on()
        self.state.enabled = self.value
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.state.enabled = self._previous
        _switched.off()

    def __call__(self, function: Callable[_P, _R]) -> Callable[_P, _R]:
        import functools

        @functools.wraps(function)
        def switched(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            """``function`` run with the switch set."""
            with type(self)():
                return function(*args, **kwargs)

        return switched


class no_grad(Switch):
    """Compute without recording the graph: ``with no_grad(): W.data -= lr * W.grad``.

    Also works as a decorator. Results made inside do not require grad.
    """

    __slots__ = ()
    state, value = _grad_mode, False


class Node:
    """A value on the graph. Subclasses: ``Scalar`` (a float) and ``Tensor`` (an ndarray).

    Public attributes: ``data``, ``grad`` (dJ/d this node after ``backward``; kept for leaves and
    intermediates alike), ``requires_grad``, ``label``. Internal record of the op that made it:
    ``_parents`` (input nodes), ``_op`` (the op, for names and diagrams), ``_saved`` (what the
    backward rule needs; ``FREED`` once released by ``backward``), ``_g`` (gradient arriving during
    the current backward pass), ``_created`` (creation number, see ``topological_order``). Each payload
    class keeps ``_parents`` and ``_saved`` its own way (a Tensor in two slots; a Scalar in a slot per
    input and per local derivative, so that a node is one object, see ``Scalar``).
    """

    __slots__ = ("_g", "requires_grad", "grad", "data", "label", "_op", "_created")  # the pass's first
    # the slots' types (annotations only: the slots above are the attributes)
    data: float | np.ndarray  # a Scalar's float or a Tensor's array
    grad: float | np.ndarray | np.generic | None  # dJ/d(this node), of the payload's type; None: not kept
    requires_grad: bool
    label: str | None
    _g: Any  # during a pass: None (no share yet; a Tensor pass marks the nodes it will take with False)
    _op: Op | None
    _created: int
    if TYPE_CHECKING:
        _parents: tuple[Node, ...]  # each payload class keeps these two its own way
        _saved: Any  # what the op's backward rule needs (its own format), or FREED

        # made from the op records at import (each payload class declares its own)

        def abs(self) -> Node:
            """|x|, elementwise."""

    # --- naming -------------------------------------------------------------------------------
    def named(self, label: str) -> Self:
        """Set ``label`` and return the node, so naming chains: ``u = (b * c).named("u")``."""
        self.label = label
        return self

    @property
    def is_leaf(self) -> bool:
        """True for nodes made by the user rather than by an op (``a``, ``W1``)."""
        return not self._parents

    @property
    def parents(self) -> tuple[Node, ...]:
        """The nodes this node was computed from (empty for leaves and constants)."""
        return self._parents

    @property
    def op(self) -> Op | None:
        """The op that made this node, or ``None`` for a leaf."""
        return self._op

    def __pos__(self) -> Self:
        return self

    def __abs__(self) -> Node:
        return self.abs()  # the payload's abs op

    # --- gradients ----------------------------------------------------------------------------
    def backward(self, grad: ArrayLike | Node | None = None, retain_graph: bool = False) -> None:
        """Fill ``.grad`` of every node this one depends on with dJ/d(node), J being this node.

        Gradients add up across calls (call ``zero_grad`` between training steps). The graph's
        saved values are freed afterwards unless ``retain_graph=True``.
        """
        backward(self, grad, retain_graph)

    def zero_grad(self, graph: bool = False) -> None:
        """Set this node's gradient to zero (0.0 for a Scalar, zeros for a Tensor); with ``graph=True``
        every node it depends on as well."""
        nodes = topological_order(self, check_saved=False) if graph else (self,)
        for node in nodes:
            node._reset_grad()

    def detach(self) -> Node:
        """A new leaf with the same data that does not require grad and has no history."""
        raise NotImplementedError  # each payload class makes its own leaf

    # --- hooks each payload class implements -----------------------------------------------------
    def _backward_order(self) -> list[Node]:
        """The nodes a backward pass from this root visits, children first (``walk_in_order``)."""
        return walk_in_order(self)

    @staticmethod
    def _backward_pass(order: list[Node], retain_graph: bool) -> None:
        """The chain rule over ``order`` (children before parents): each node pushes its gradient on.

        The root's class runs the pass (a Scalar graph holds Scalars only; a Tensor graph may hold both).
        """
        for node in order:  # each node's gradient is complete when it is reached
            node._backprop(retain_graph)

    def _backprop(self, retain_graph: bool) -> None:
        """Take ``_g`` (dJ/d self for this pass), add it to ``grad``, push it to the parents."""
        raise NotImplementedError

    def _receive(self, grad: Any) -> None:
        """Add a child's share of dJ/d(self) to ``_g`` (Tensor ops hand over arrays)."""
        raise NotImplementedError

    def _reset_grad(self) -> None:
        raise NotImplementedError

    def _seed(self, grad: ArrayLike | Node | None) -> None:
        """Set ``_g`` = dJ/dJ at the start of a backward pass (1 for a scalar output)."""
        raise NotImplementedError

    def _clear_pass(self) -> None:
        """Empty ``_g`` after a failed pass so the next pass starts clean."""
        raise NotImplementedError


def topological_order(root: Node, check_saved: bool = True, constants: bool = False) -> list[Node]:
    """Nodes that ``root`` depends on and that require grad, ``root`` first, parents after children.

    Iterative: a list that grows as the walk finds parents instead of recursion, then one sort by
    creation number (newest first).
    With ``check_saved`` it refuses a graph whose saved values a previous backward freed; with
    ``constants`` it also lists the nodes that need no gradient (for drawing the whole graph).
    """
    seen = {root}
    found = [root]
    see, find = seen.add, found.append
    for node in found:  # the list grows as the walk finds parents: each is visited once
        if node._saved is FREED and check_saved:
            raise freed_error(node)
        for parent in node._parents:
            if (parent.requires_grad or constants) and parent not in seen:
                see(parent)
                find(parent)
    found.sort(key=_newest_first, reverse=True)  # parents are older than their children
    return found


def walk_in_order(root: Node) -> list[Node]:
    """The nodes a backward pass from ``root`` visits (they require grad), children first (newest first):
    the order a Tensor pass, a checked pass and a traced pass take. Each found node's ``_g`` is set to
    False (found, no share yet; it is None outside a pass, so no set of the found is kept). Refuses a
    graph whose saved values a previous backward freed."""
    root._g = False
    found = [root]
    find = found.append
    for node in found:  # the list grows as the walk finds parents: each is visited once
        if node._saved is FREED:
            for found_node in found:
                found_node._g = None
            raise freed_error(node)
        for parent in node._parents:
            if parent.requires_grad and parent._g is None:
                parent._g = False
                find(parent)
    found.sort(key=_newest_first, reverse=True)  # parents are older than their children
    return found


def freed_error(node: Node) -> BackwardError:
    """The error of a second backward() through ``node``, whose saved values the first one freed."""
    return BackwardError(
        f"backward through {name_of(node)} a second time: its saved values were freed by "
        "the first backward(); call backward(retain_graph=True) the first time to keep them"
    )


def backward(root: Node, grad: ArrayLike | Node | None = None, retain_graph: bool = False) -> None:
    """Reverse-mode chain rule from ``root``: every node's ``grad`` += dRoot/dNode."""
    if not root.requires_grad:
        raise BackwardError(
            f"backward: {name_of(root)} does not require grad, so there is nothing to "
            "differentiate (were its inputs made with requires_grad=False or under no_grad()?)"
        )
    checked = _anomaly.enabled or _tracing.tape is not None  # these passes take every node in order
    order = walk_in_order(root) if checked else root._backward_order()  # a failure below clears the marks
    try:
        root._seed(grad)
        if _anomaly.enabled:
            from .anomaly import checked_backprop

            checked_backprop(order, retain_graph)
        elif _tracing.tape is not None:  # compile() is tracing a step: the pass is written down as it runs
            _tracing.tape.backward(order, retain_graph)
        else:
            root._backward_pass(order, retain_graph)
    except BaseException:
        for node in order:
            node._clear_pass()
        raise


def zero_grad(nodes: Iterable[Node]) -> None:
    """Set the gradient of each given node (typically a model's parameters) to zero.

    A Scalar's becomes 0.0 and a Tensor's an array of zeros of its shape and dtype, so the course's
    update ``W.data -= lr * W.grad`` after it changes nothing. (A Tensor's ``.grad`` is ``None`` only
    before any backward pass has reached it.)
    """
    for node in nodes:
        node._reset_grad()


def name_of(node: Node) -> str:
    """How a node is called in messages: its label, else its formula as the diagrams write it
    (``1 - a``, ``log(y*a)``), else the op that made it (``<mul output>``)."""
    if node.label is not None:
        return node.label
    if node._op is not None:
        from .names import formula_name

        return formula_name(node) or f"<{node._op.name} output>"
    return "<constant>" if not node.requires_grad else f"<{type(node).__name__.lower()}>"


def next_creation_number() -> int:
    """The number the next node will get (nodes made later get larger ones)."""
    return next(_creation_numbers)
