"""``compile(step)``: trace one call of a training step, then replay it as straight-line code.

The first call runs ``step`` eagerly, exactly as without ``compile``, and writes down on a *tape* what it
does, as the lines of a Python function:

- every Tensor op, as a call of its record's own ``forward`` (``v7, s7 = matmul(p3, v0)``);
- ``backward()``, as the calls of the records' ``vjp`` functions that the pass makes, in the pass's
  order, with broadcasting undone where the trace saw it and children's shares added as the nodes add
  them;
- gradient resets (``zero_grad``) and the update: NumPy ufuncs and functions, indexing, item assignment
  and copies applied to parameters' gradients and to what is computed from them, writing into the
  parameters' data or into arrays kept between steps (``W.data -= lr * W.grad``; an optimizer's state
  changed in place);
- the values the step reads (``J.item()``, ``bool(t)``): one it returns is an output, any other is a
  guard, checked again by every replay.

Later calls whose arguments have the same shapes and dtypes (and equal non-array arguments) run that
function instead: no node is made and nothing is locked, and every derivative comes from the same record
code the eager pass calls, in the same order, so the results equal the eager step's bit for bit. A change
of an argument's shape or dtype, of a parameter's shape or dtype, or of a value read as a guard (the
step would take another path) traces again; a value outside an op's domain also goes back to the eager
step, which raises its error.

What a trace cannot see, as with ``jax.jit``: Python side effects (``print``), Python numbers kept
between steps (keep them in 0-d arrays changed in place), NumPy code on a node's ``.data`` (a constant
of the trace: use Tensor ops). An array computed by the update and kept after the step (state assigned
with ``=`` instead of changed in place) is refused, as is a step that adds to gradients left from
before it (each call computes fresh gradients), or a view NumPy makes that the trace cannot name (a
gradient's ``.T``, a slice of a parameter's ``.data`` written into). A float the step reads and returns
is an output, not a guard: return the Tensor, not its ``.item()``, if the step also branches on it.
"""

from __future__ import annotations

import ast
import builtins
import functools
import itertools
import operator
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from .broadcast import stretched_axes, unbroadcast
from .errors import CompileError
from .graph import FREED, _anomaly, _switched, _tracing
from .messages import name_of
from .ops import arrays
from .ops.inline import _times_g, rule_text

if TYPE_CHECKING:
    from typing import ParamSpec, Protocol, TypeVar

    from numpy.typing import NDArray

    _P = ParamSpec("_P")
    _R = TypeVar("_R")
    _R_co = TypeVar("_R_co", covariant=True)
    _S = TypeVar("_S", bound=np.generic)

    class CompiledStep(Protocol[_P, _R_co]):
        """What ``compile(step)`` gives (a ``Compiled``): called as ``step`` itself, with its arguments
        and its result."""

        traces: int

        def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co: ...

_ndarray = np.ndarray


class Retrace(Exception):
    """Raised inside a replay when the step would take another path: trace it again."""


@overload
def compile(step: Callable[_P, _R], /) -> CompiledStep[_P, _R]:
    """``compile(step)`` and ``@compile``: the compiled step."""


@overload
def compile(step: None = None, /) -> Callable[[Callable[_P, _R]], CompiledStep[_P, _R]]:
    """``@compile()``: the decorator itself."""


def compile(step: Callable[..., Any] | None = None, /) -> Any:  # noqa: A001 (ag.compile, as torch.compile)
    """Trace ``step`` on its first call and replay the trace on later calls (see the module docs).

    ``step(*args)`` does a whole training step: forward pass, cost, ``backward()``, update. Arrays and
    Tensors among the arguments are its inputs (an array reaches the step as a constant Tensor); any
    other argument is fixed for the trace it made. Use as ``fast = compile(step)`` or ``@compile``.
    """
    if step is None:
        return compile
    return Compiled(step)


class Compiled:
    """A compiled step: call it as the step itself. ``traces`` counts the traces it has made."""

    __slots__ = ("step", "replays", "traces", "__wrapped__", "__dict__")

    def __init__(self, step: Callable[..., Any]) -> None:
        self.step = self.__wrapped__ = step
        self.replays: dict[tuple[Any, ...], Callable[..., Any]] = {}
        self.traces = 0
        functools.update_wrapper(self, step)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _tracing.tape is not None or _anomaly.enabled:  # inside another trace, or checking: eagerly
            return self.step(*args, **kwargs)
        key, values = _key(args, kwargs)
        replay = self.replays.get(key)
        if replay is not None:
            try:
                return replay(*values)
            except Retrace:  # raised before the replay changed anything
                pass
        return self._trace(key, args, kwargs)

    def _trace(self, key, args, kwargs):
        tape = Tape()
        traced_args = [_as_input(x, tape) for x in args]
        traced_kwargs = {k: _as_input(v, tape) for k, v in kwargs.items()}
        _switched.on()
        _tracing.tape = tape
        try:
            result = self.step(*traced_args, **traced_kwargs)
        finally:
            _tracing.tape = None
            _switched.off()
            tape.open = False
            leaves = tape.release_gradients()
        replay = tape.function(result, leaves)
        self.replays[key] = replay
        self.traces += 1
        return result

    def __repr__(self) -> str:
        return f"compile({getattr(self.step, '__qualname__', self.step)!r}, traces={self.traces})"


def state(array: NDArray[_S]) -> NDArray[_S]:
    """An array a step keeps between calls and changes in place (an optimizer's ``v``, ``s``, ``t``).

    Returns ``array`` itself, except while ``compile`` traces a step: then a view whose NumPy operations
    the trace follows, so that replays change the array as the eager step does. Change it in place
    (``v *= beta; v += (1 - beta) * dW``): an array assigned anew would not be the one replays change.
    """
    tape = _tracing.tape
    if tape is None:
        return array
    view = array.view(Traced)
    view._tape = tape
    tape.keep(view, array)
    return view


def _key(args, kwargs) -> tuple:
    """The trace's key (the arrays' shapes and dtypes, the other arguments' values) and the arrays."""
    key, values = [tuple(kwargs)], []
    for x in (*args, *kwargs.values()) if kwargs else args:
        kind = type(x)
        if kind is _Tensor or isinstance(x, _Tensor):
            if x.requires_grad:
                raise CompileError(
                    f"compile: the argument {name_of(x)} requires grad; pass data as arguments and let the "
                    "step reach its parameters (the model) itself"
                )
            x = x.data
            kind = type(x)
        if kind is _ndarray:
            key += (x.shape, x.dtype)
            values.append(x)
        else:
            key.append(x if kind in _PLAIN else _static(x))
    return tuple(key), values


_PLAIN = {int, float, str, bool, bytes, type(None)}


def _static(x):
    try:
        hash(x)
    except TypeError:
        raise CompileError(
            f"compile: an argument of type {type(x).__name__} is neither an array nor a hashable value; "
            "pass arrays or Tensors, numbers, strings or tuples"
        ) from None
    return (type(x), x)


def _as_input(x, tape: Tape):
    """An argument as the traced call sees it: a Tensor input (arrays become constant Tensors)."""
    if isinstance(x, _Tensor) or type(x) is _ndarray:
        node = x if isinstance(x, _Tensor) else _Tensor(x)
        tape.input(node)
        return node
    return x


class Traced(np.ndarray):
    """A parameter's gradient, or an array computed from one, while a step is traced: NumPy ufuncs and
    functions of it are computed as usual and written down on the tape. Outside a trace, a plain array."""

    _tape: Tape | None = None

    def __array_finalize__(self, obj) -> None:
        self._tape = None  # a view or copy made by NumPy is not on the tape (using it is refused)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        function = ufunc if method == "__call__" else getattr(ufunc, method)
        tape = _open_tape(inputs, kwargs.get("out", ()))
        if tape is None:
            if "out" in kwargs:
                kwargs["out"] = tuple(map(_plain, kwargs["out"]))
            return function(*map(_plain, inputs), **kwargs)
        return tape.numpy_call(function, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        tape = _open_tape(args, kwargs.values())
        if tape is None:
            return func(*map(_plain_nested, args), **{k: _plain_nested(v) for k, v in kwargs.items()})
        return tape.numpy_call(func, args, kwargs)

    def __getitem__(self, index):
        tape = _open_tape((self,), _flat((index,)))
        if tape is None:
            return self.view(np.ndarray)[_plain_nested(index)]
        return tape.numpy_call(operator.getitem, (self, index), {})

    def __setitem__(self, index, value) -> None:
        tape = _open_tape((self, value), _flat((index,)))
        if tape is None:
            self.view(np.ndarray)[_plain_nested(index)] = _plain(value)
        else:
            tape.numpy_call(operator.setitem, (self, index, value), {})
            tape.mutated = True

    def copy(self, order="C"):
        """A copy; while tracing, written down as one."""
        tape = _open_tape((self,))
        if tape is None:
            return self.view(np.ndarray).copy(order)
        return tape.numpy_call(np.copy, (self,), {"order": order})

    def __bool__(self) -> bool:
        return self._read(bool)

    def __float__(self) -> float:
        return self._read(float)

    def __int__(self) -> int:
        return self._read(int)

    def item(self, *args):
        """The value as a Python number; while tracing, the step read it (an output or a guard)."""
        return self._read(_ITEM if not args else functools.partial(_item_at, args))

    def _read(self, convert):
        value = convert(self.view(np.ndarray))
        if self._tape is not None and self._tape.open:
            self._tape.read(self, convert, value)
        return value


def _item(array):
    return array.item()


def _item_at(index, array):
    return array.item(*index)


_ITEM = _item


def _plain(x):
    return x.view(np.ndarray) if isinstance(x, Traced) else x


def _plain_nested(x):
    if isinstance(x, (tuple, list)):
        return type(x)(_plain(item) for item in x)
    return _plain(x)


def _open_tape(*groups):
    for group in groups:
        for x in group:
            if isinstance(x, Traced) and x._tape is not None and x._tape.open:
                return x._tape
    return None


class Tape:
    """What one traced call did, written down as the lines of a Python function as it happens."""

    def __init__(self) -> None:
        self.open = True
        self.inputs: list[str] = []  # the generated function's parameters: the step's array arguments
        self.prologue: list[str] = []  # parameters read, their shapes checked
        self.lines: list[str] = []
        self.namespace: dict = {"np": np, "Retrace": Retrace, "unbroadcast": unbroadcast}
        self.slots: dict[int, str] = {}  # id(node or array) -> the local variable holding its value
        self.kept: list = []  # what those ids belong to, alive while the trace runs
        self.saved: dict[int, str] = {}  # id(node) -> the local variable holding what its op saved
        self.parameters: dict[int, tuple] = {}  # id(leaf) -> (leaf, local variable of its data)
        self.gradients: dict[int, str] = {}  # id(leaf) -> local variable of the .grad this trace gave it
        self.reads: list[tuple] = []  # (value read, line index, variable, line that only reads it)
        self.computed: list = []  # arrays the update computed: none may outlive the step
        self.mutated = False  # an update has written into an array: later guards cannot go back
        self.pasted: dict[str, list] = {}  # saved variable of a pasted rule -> its g * partial expressions
        self._count = itertools.count()

    # --- names ----------------------------------------------------------------------------------------
    def _new(self, prefix: str) -> str:
        return f"{prefix}{next(self._count)}"

    def constant(self, value) -> str:
        """A name for ``value`` in the generated function's namespace (held by reference)."""
        name = self._new("c")
        self.namespace[name] = value
        return name

    def _bind(self, thing, slot: str) -> None:
        self.slots[id(thing)] = slot
        self.kept.append(thing)

    def input(self, node) -> None:
        """An argument of the step: its value is the generated function's next parameter."""
        slot = f"a{len(self.inputs)}"
        self.inputs.append(slot)
        self._bind(node, slot)
        self._bind(node.data, slot)

    # --- the forward pass -----------------------------------------------------------------------------
    def op(self, node, operands: tuple, op, params: dict | None, converted: bool) -> None:
        """``node = op(*operands, **params)``: one call of the record's forward function."""
        arguments = [self.operand(x) for x in operands]
        if op.domain is not None:  # outside it, the eager step raises the library's error
            check = f"{self.constant(_inside)}({self.constant(op)}, ({', '.join(arguments)},), "
            check += f"{self.constant(node._needs or (False,) * len(operands))})"
            if op.domain.inside_above is not None and node.data.size:  # one reduction decides, as in apply
                (a,) = arguments
                check = f"{a}.min() > {op.domain.inside_above!r} or {check}"
            self.lines.append(f"if not ({check}): raise Retrace")
        value, saved = self._new("v"), self._new("s")
        text = rule_text(op.rule, arrays, deferred=True) if op.deferred and not params else None
        if text is None or not self._paste(op, text, arguments, value, saved):
            if params:
                arguments += [f"{key}={self.constant(value)}" for key, value in params.items()]
            self.lines.append(f"{value}, {saved} = {self.constant(op.forward)}({', '.join(arguments)})")
        if converted:  # the forward gave a NumPy scalar, which the node holds as a 0-d array
            self.lines.append(f"{value} = np.asarray({value})")
        self._bind(node, value)
        self._bind(node.data, value)
        self.saved[id(node)] = saved

    def _paste(self, op, text, arguments: list[str], value: str, saved: str) -> bool:
        """``value = <the rule's value>`` with the rule's statements before it, its local names made unique;
        ``saved`` then names the partials' expressions over those locals, for the backward pass."""
        suffix = self._new("_")
        assigned = {
            node.id
            for statement in text.statements
            for node in ast.walk(ast.parse(statement))
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
        }
        if assigned & set(text.values):  # a rule that assigns to an operand's name: called instead
            return False
        rename = {name: f"{name}{suffix}" for name in assigned}
        rename.update(zip(text.values, arguments))  # the operands' variables, used as they are
        rename[text.xp] = self.constant(arrays)
        for name in _names_in(text):
            if name not in rename and name in op.rule.__globals__:  # a constant of the rule's module
                rename[name] = self.constant(op.rule.__globals__[name])
        lines = [_renamed(statement, rename) for statement in text.statements]
        forward_value = _renamed(ast.parse(text.result, mode="eval").body.elts[0], rename)
        lines.append(f"{value} = {forward_value}")
        self.lines += lines
        self.pasted[saved] = [_renamed(_times_g(partial), rename) for partial in text.partials]
        return True

    def operand(self, node) -> str:
        """The variable holding an operand's value: known, a parameter (read at the top), or a constant."""
        slot = self.slots.get(id(node))
        if slot is not None:
            return slot
        if node.requires_grad:
            if node._op is None and isinstance(node.data, _ndarray):
                return self.parameter(node)
            raise CompileError(
                f"compile: {name_of(node)} is a Scalar that requires grad; compiled steps take Tensor "
                "parameters (make it a 0-d Tensor)"
            )
        data = node.data
        slot = self.slots.get(id(data)) or self._view_slot(data)
        if slot is None:  # a number, or an array the step made or closes over: fixed in the trace
            slot = self.constant(data)
        self._bind(node, slot)
        return slot

    def parameter(self, leaf) -> str:
        """A parameter: the replay reads its array at the top and checks its shape and dtype."""
        known = self.parameters.get(id(leaf))
        if known is not None:
            return known[1]
        slot = self._new("p")
        array = leaf.data if type(leaf.data) is _ndarray else leaf.data.base  # under a lock's view
        same = f"{slot}.shape == {array.shape!r} and {slot}.dtype == {self.constant(array.dtype)}"
        self.prologue += [  # the array the trace saw (changed in place since), or one of its shape and dtype
            f"{slot} = {self.constant(leaf)}.data",
            f"if {slot} is not {self.constant(array)} and not ({same}):\n    raise Retrace",
        ]
        self.parameters[id(leaf)] = (leaf, slot)
        self._bind(leaf, slot)
        self._bind(array, slot)
        return slot

    def _view_slot(self, array) -> str | None:
        """The variable of a known array that ``array`` views element for element (a lock's view); not a
        transpose or a reversed slice, which have the same shape but other elements in each place."""
        base = getattr(array, "base", None)
        while base is not None:
            slot = self.slots.get(id(base))
            if slot is not None and _same_elements(array, base):
                return slot
            base = base.base
        return None

    def _views_known(self, array) -> bool:
        """True if ``array`` is a view of an array the trace holds in a variable."""
        base = array.base
        while base is not None:
            if id(base) in self.slots:
                return True
            base = getattr(base, "base", None)
        return False

    def leaf(self, node, source) -> None:
        """``Tensor(source)`` made in the step: a copy of a traced value; a new parameter is refused."""
        if node.requires_grad:
            raise CompileError(
                f"compile: the step makes the parameter {name_of(node)} (a Tensor that requires grad); make "
                "parameters once, outside the step"
            )
        slot = self.slots.get(id(source))
        if slot is None and isinstance(source, _ndarray):
            slot = self._view_slot(source)
        if slot is not None:
            copy = self._new("v")
            self.lines.append(f"{copy} = np.array({slot}, dtype={self.constant(node.data.dtype)})")
            self._bind(node, copy)
            self._bind(node.data, copy)

    # --- the backward pass ----------------------------------------------------------------------------
    def backward(self, order: list, retain_graph: bool) -> None:
        """The backward pass over ``order``, run as ``Tensor._backprop`` runs it and written down."""
        root = order[0]
        if any(type(node._g if node is root else node.data) is float for node in order):
            raise CompileError("compile: backward() through Scalars is not compiled; compile Tensor steps")
        incoming = {id(root): self._seed(root)}
        for node in order:
            g, node._g = node._g, None
            g_slot = incoming.pop(id(node), None)
            if g_slot is None:  # a leaf nothing reached (it came to require grad after the ops)
                continue
            if node._op is None:
                self._leaf_gradient(node, g, g_slot)
                continue
            g.setflags(write=False)
            node.grad = g if node.grad is None else node._accumulate(g)
            grads = node._op.vjp(g, node._saved, node._needs)
            results = [self._new("d") for _ in grads]
            pasted = self.pasted.get(self.saved[id(node)])
            if pasted is not None:  # g * partial, as the record's vjp computes it, for each input needed
                for result, term, need in zip(results, pasted, node._needs):
                    self.lines.append(f"{result} = {_renamed(term, {'g': g_slot}) if need else None}")
            else:
                call = f"{self.constant(node._op.vjp)}({g_slot}, {self.saved[id(node)]}, {node._needs!r})"
                self.lines.append(f"{', '.join(results)}{',' if len(results) == 1 else ''} = {call}")
            for parent, grad, slot in zip(node._parents, grads, results):
                if grad is None or not parent.requires_grad:
                    continue
                data = parent.data
                if grad.shape != data.shape or grad.dtype is not data.dtype:  # as Tensor._receive
                    summed = self._new("d")
                    self.lines.append(f"{summed} = {self._unbroadcast(grad, data, slot, parent)}")
                    grad, slot = unbroadcast(grad, data), summed
                if parent._g is False:  # found by the walk, no share yet
                    parent._g, incoming[id(parent)] = grad, slot
                else:
                    total = self._new("g")
                    self.lines.append(f"{total} = {incoming[id(parent)]} + {slot}")
                    parent._g, incoming[id(parent)] = parent._g + grad, total
            if not retain_graph:
                node._saved = FREED
                node._holding = None

    def _unbroadcast(self, grad, like, slot: str, parent) -> str:
        """``unbroadcast(grad, like)``, as the one sum it is here when only stretched axes are summed."""
        if type(grad) is _ndarray and grad.ndim == like.ndim and grad.dtype == like.dtype:
            return f"np.add.reduce({slot}, axis={stretched_axes(grad.shape, like.shape)!r}, keepdims=True)"
        return f"unbroadcast({slot}, {self.operand(parent)})"

    def _seed(self, root) -> str:
        slot = self._new("g")
        if root._g.size == 1 and root._g.item() == 1.0:
            value = self.operand(root)  # dJ/dJ = 1, made as Tensor._seed makes it
            self.lines.append(f"{slot} = np.array(1.0, {value}.dtype).reshape({value}.shape)")
        else:  # a gradient given to backward(grad=...): fixed in the trace
            self.lines.append(f"{slot} = {self.constant(root._g.copy())}.copy()")
        return slot

    def _leaf_gradient(self, leaf, g, g_slot: str) -> None:
        """A parameter's ``.grad``: this step's gradient, or what zero_grad gave it plus it."""
        if id(leaf) not in self.parameters:
            raise CompileError(
                f"compile: backward() reaches {name_of(leaf)}, which requires grad but is not a parameter "
                "of the step's ops"
            )
        before, slot = leaf.grad, self._new("g")
        if before is None:
            grad = g if g.flags.writeable else g.copy()  # as Tensor._backprop: a leaf owns its .grad
            self.lines.append(f"{slot} = {g_slot}{'' if grad is g else '.copy()'}")
        elif id(before) in self.slots:  # zeros from zero_grad, or an earlier backward of this trace
            grad = leaf._accumulate(g)
            self.lines.append(f"{slot} = {self.slots[id(before)]} + {g_slot}")
        else:
            raise CompileError(
                f"compile: the step adds to {name_of(leaf)}.grad left from before it, but a compiled step "
                "computes fresh gradients: clear them in the step first (zero_grad(), or .grad = None)"
            )
        leaf.grad = self._traced(grad, slot)
        self.gradients[id(leaf)] = slot

    def reset(self, leaf) -> None:
        """``zero_grad`` gave ``leaf`` an array of zeros (a parameter's; intermediates' are not replayed)."""
        if leaf._op is not None:
            return
        self.parameter(leaf)
        slot = self._new("z")
        grad = leaf.grad
        self.lines.append(f"{slot} = np.zeros({grad.shape!r}, {self.constant(grad.dtype)})")
        self._bind(grad, slot)
        self.gradients[id(leaf)] = slot

    def release_gradients(self) -> list:
        """After the traced call: parameters' gradients become plain arrays again; which they are."""
        leaves = []
        for leaf_id in self.gradients:
            leaf = self.parameters[leaf_id][0]
            grad = leaf.grad
            if isinstance(grad, Traced):  # back to the plain array it views
                leaf.grad = grad.base if type(grad.base) is _ndarray else grad.view(np.ndarray)
            leaves.append((leaf, self.slots.get(id(grad)) if grad is not None else None))
        return leaves

    # --- NumPy code on gradients: the update ----------------------------------------------------------
    def numpy_call(self, function, args, kwargs):
        """``function(*args, **kwargs)`` with traced arrays among the arguments: computed, written down."""
        written = [self._argument(x) for x in args]
        written += [f"{key}={self._argument(value)}" for key, value in kwargs.items()]
        result = function(*map(_plain_nested, args), **{k: _plain_nested(v) for k, v in kwargs.items()})
        slot = self._new("u")
        self.lines.append(f"{slot} = {self.constant(function)}({', '.join(written)})")
        if "out" in kwargs:  # written into an array: a parameter, or state kept between steps
            self.mutated = True
            out = kwargs["out"]
            return out[0] if isinstance(out, tuple) and len(out) == 1 else out
        if isinstance(result, tuple):
            return tuple(self._traced(part, f"{slot}[{i}]") for i, part in enumerate(result))
        return self._traced(result, slot)

    def _traced(self, result, slot: str):
        if not isinstance(result, (_ndarray, np.generic)):
            return result
        traced = np.asarray(result).view(Traced)
        traced._tape = self
        self._bind(traced, slot)
        self._bind(result, slot)
        self.computed.append(traced)
        return traced

    def _argument(self, x) -> str:
        if isinstance(x, (tuple, list)):
            inner = ", ".join(self._argument(item) for item in x)
            return f"({inner},)" if isinstance(x, tuple) else f"[{inner}]"
        if isinstance(x, _ndarray):
            slot = self.slots.get(id(x)) or self._view_slot(x)
            if slot is not None:
                return slot
            if isinstance(x, Traced) or self._views_known(x):
                raise CompileError(
                    "compile: the update uses a view of a parameter's data or of a gradient (a transpose, "
                    "a slice of .data), which the trace cannot follow; index the gradient itself "
                    "(W.grad[0]), or write the update with NumPy ufuncs on whole arrays"
                )
        return self.constant(x)  # a number, or an array kept between steps (by reference)

    def keep(self, view, array) -> None:
        """``view`` of ``array``, kept between steps: the replay works on the array itself."""
        slot = self.slots.get(id(array)) or self.constant(array)
        self._bind(view, slot)
        self._bind(array, slot)

    # --- values the step reads ------------------------------------------------------------------------
    def read(self, thing, convert, value) -> None:
        """The step read a traced value as a Python value: a guard, unless the step returns it."""
        slot = self.slots.get(id(thing))
        if slot is None:
            return
        name = self._new("r")
        assign = f"{name} = {self.constant(convert)}({slot})"
        escape = self.constant(_late_guard) + "()" if self.mutated else "Retrace"
        expected = self.constant(value)
        if isinstance(value, (bool, int, float)):
            same = f"{name} == {expected} or {name} != {name} and {expected} != {expected}"
        else:
            same = f"np.array_equal({name}, {expected}, equal_nan=True)"
        self.reads.append((value, len(self.lines), name, assign))
        self.lines.append(f"{assign}\nif not ({same}): raise {escape}")

    # --- the function ---------------------------------------------------------------------------------
    def function(self, result, leaves: list):
        """The replay: the prologue, the lines, the gradients handed to the parameters, the result."""
        returned = self._output(result)
        self._refuse_kept_arrays(result)
        end = []
        for leaf, slot in leaves:
            if slot is None and leaf.grad is not None:
                raise CompileError(
                    f"compile: the step sets {name_of(leaf)}.grad to an array the trace does not know"
                )
            end.append(f"{self.constant(leaf)}.grad = {slot}")
        body = [*"\n".join(self.prologue + self.lines).split("\n"), *end, f"return {returned}"]
        source = f"def replay({', '.join(self.inputs)}):\n" + "".join(f"    {line}\n" for line in body)
        namespace = dict(self.namespace)
        exec(builtins.compile(source, "<compiled step>", "exec"), namespace)  # noqa: S102 (our own code)
        replay = namespace["replay"]
        replay.source = source
        self.kept.clear()
        return replay

    def _output(self, value) -> str:
        from .tensor import Tensor

        if value is None:
            return "None"
        if isinstance(value, Tensor):
            if id(value) in self.parameters:  # a parameter: the very Tensor, as the eager step returns it
                return self.constant(value)
            slot = self.slots.get(id(value))
            if slot is None:
                raise CompileError(f"compile: the step returns {name_of(value)}, which no traced op made")
            if slot in self.inputs:  # the caller's array, as a constant Tensor (not locked: it is theirs)
                return f"{self.constant(_leaf)}({slot}, False, {value.label!r})"
            return f"{self.constant(_result)}({slot}, {value.label!r})"
        if isinstance(value, (tuple, list)):
            inner = ", ".join(self._output(item) for item in value)
            return f"({inner},)" if isinstance(value, tuple) else f"[{inner}]"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{self.constant(k)}: {self._output(v)}" for k, v in value.items()) + "}"
        if isinstance(value, _ndarray) and id(value) in self.slots:
            return self.slots[id(value)]
        matches = [(line, name, assign) for read, line, name, assign in self.reads if read is value]
        if matches:
            line, name, assign = matches[-1]
            if type(value) is float and len(matches) == 1:  # the very float a read made: not a guard
                self.lines[line] = assign
            # a bool or int (True, 0 are one object for every read): which read it is cannot be told,
            # so all stay guards, and the value they ensure is the one returned
            return name
        raise CompileError(
            f"compile: the step returns {type(value).__name__} {value!r}, which the trace cannot follow; "
            "return Tensors, or t.item() of one"
        )

    def _refuse_kept_arrays(self, result) -> None:
        """An array the update computed and the caller still holds would not change on a replay."""
        if not hasattr(sys, "getrefcount"):
            return
        returned = {id(x) for x in _flat(result)}
        for array in self.computed:  # held by: this loop, getrefcount's argument, and the tape's lists
            own = sum(1 for x in self.kept if x is array) + sum(1 for x in self.computed if x is array)
            if sys.getrefcount(array) - 2 - own > 0 and id(array) not in returned:
                raise CompileError(
                    "compile: the step keeps an array computed from gradients after it returns (state "
                    "assigned with =, e.g. v = beta * v + ...); a replay would not change it: update such "
                    "state in place (v *= beta; v += ...)"
                )


def _names_in(text) -> set[str]:
    """Every name a rule's text reads."""
    sources = [*text.statements, text.result, *(ast.unparse(p) for p in text.partials)]
    trees = [ast.parse(source) for source in sources]
    return {node.id for tree in trees for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _renamed(source, rename: dict) -> str:
    """``source`` (text or an expression's tree) with its names replaced as ``rename`` says."""
    tree = ast.parse(source if isinstance(source, str) else ast.unparse(source))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in rename:
            node.id = rename[node.id]
    return ast.unparse(tree)


def _flat(value):
    if isinstance(value, (tuple, list)):
        for item in value:
            yield from _flat(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _flat(item)
    else:
        yield value


def _same_elements(view, base) -> bool:
    """True if ``view`` shows ``base``'s memory as ``base`` does: same start, shape, strides and dtype."""
    return (
        view.shape == base.shape
        and view.dtype == base.dtype
        and view.strides == base.strides
        and view.__array_interface__["data"][0] == base.__array_interface__["data"][0]
    )


def _inside(op, values: tuple, needs: tuple) -> bool:
    """True if the values are inside ``op``'s domain (NaN is inside every domain)."""
    return not any(np.any(outside(*values, needs)) for outside, _ in op.domain.rules)


def _late_guard() -> None:
    raise CompileError(
        "compile: a value the step reads after its update differs from the trace, so the step would take "
        "another path, but its updates are made already; read values before updating"
    )


def _result(array, label):
    """A Tensor the replay returns: a constant holding the value the replay computed (read-only, as the
    eager step's)."""
    if type(array) is not _ndarray:
        array = np.asarray(array)
    array.setflags(write=False)
    return _leaf(array, False, label)


from .tensor import Tensor as _Tensor  # noqa: E402 (tensor.py is loaded after the graph's hooks)
from .tensor import _leaf  # noqa: E402

