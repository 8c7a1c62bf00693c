"""Tensor: a NumPy array on the same computation graph as Scalar.

The course's vectorized notation works as written (examples are columns, ``X`` is ``(n_x, m)``):

    Z1 = W1 @ X + b1;  A1 = Z1.tanh();  Z2 = W2 @ A1 + b2;  A2 = Z2.sigmoid()
    J = -(Y * A2.log() + (1 - Y) * (1 - A2).log()).sum() / m
    J.backward()       # W1.grad = dW1, b1.grad = db1, ...

Ops are records in the op catalogue (``autograd_lite.ops``); the methods below are made from them, and
``apply`` is the one place that runs an op and records it. A node's backward step
(``Tensor._backprop``) asks its op for vector-Jacobian products and hands each parent its share; the
parent sums it back to its own shape (``unbroadcast``), so broadcasting is handled in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from .anomaly import check_finite
from .broadcast import unbroadcast
from .errors import BackwardError, ShapeError
from .graph import (
    FREED,
    Node,
    _anomaly,
    _creation_numbers,
    _grad_mode,
    _switched,
    _tracing,
)
from .messages import check_domain, explain, name_of, shape_of
from .ops import OPS, Op, arrays, install_methods
from .ops.inline import paste_rule
from .saved import LockedArray, lock_saved_leaves
from .scalar import _constant as _scalar_constant

if TYPE_CHECKING:
    from types import EllipsisType, NotImplementedType
    from typing import TypeAlias, TypeVar

    from numpy.typing import ArrayLike, DTypeLike

    from .saved import _SavedArrayLock

    # what a Tensor op takes besides nodes: numbers and arrays (they become constants)
    _Number: TypeAlias = "float | np.floating[Any] | np.integer[Any]"
    _Operand: TypeAlias = "Node | _Number | np.ndarray | list[Any] | tuple[Any, ...]"
    _Axis: TypeAlias = "int | Sequence[int] | None"  # the axes a reduction runs over (None: all)
    # what NumPy indexes with (a Tensor as an index stands for its array)
    _Item: TypeAlias = "int | np.integer[Any] | slice | EllipsisType | None | np.ndarray | Tensor | list[Any]"
    _Index: TypeAlias = "_Item | tuple[_Item, ...]"
    _N = TypeVar("_N", bound=Node)

_ndarray = np.ndarray
_new_tensor = object.__new__
TRANSPOSE, RESHAPE = OPS["transpose"], OPS["reshape"]


class Tensor(Node):
    """An ndarray on the graph: ``Tensor(data, requires_grad=False, label=None, dtype=None, copy=True)``.

    float64 by default; float32 (and other float types) are kept. ``.grad`` is ``None`` until a
    backward pass reaches the node, then an array of the node's shape and dtype.

    The tensor holds its own copy of ``data`` (as ``torch.tensor`` does), so nothing the caller does
    to their array later can change a value an op saved. ``copy=False`` shares the caller's array
    instead, without copying a large input: a constant then makes that array read-only (it is locked,
    and writing to it raises), a parameter writes its updates into it. Writes through views of that
    memory made before are the caller's to avoid.
    """

    # _parents, _saved: see Node; _needs: which parents need a gradient (fixed when the op is recorded);
    # _holding: the locks this node holds on leaf arrays it saved (saved.py); _lock_ref: on a leaf, a weak
    # reference to its lock
    __slots__ = ("_parents", "_saved", "_needs", "_holding", "_lock_ref")
    _parents: tuple[Node, ...]
    _saved: Any
    data: np.ndarray
    grad: np.ndarray | np.generic | None  # None before a backward pass; a 0-d node's is a NumPy scalar
    _needs: tuple[bool, ...]
    _holding: tuple[_SavedArrayLock, ...] | None
    _lock_ref: Callable[[], _SavedArrayLock | None] | None  # a weak reference
    # NumPy defers to Tensor's operators (``interop`` routes ufuncs to the ops, and sets both)
    __array_ufunc__: ClassVar[Callable[..., Any] | None] = None
    __array_function__: ClassVar[Callable[..., Any]]

    def __init__(
        self,
        data: ArrayLike | Node,
        requires_grad: bool = False,
        label: str | None = None,
        dtype: DTypeLike | None = None,
        copy: bool = True,
    ) -> None:
        array = _as_array(data, dtype, requires_grad, label, copy)
        if not requires_grad:
            array.setflags(write=False)  # a constant (like X) never changes
        _as_leaf(self, array, bool(requires_grad), label)
        if _tracing.tape is not None:  # made inside a step that compile() traces
            _tracing.tape.leaf(self, data)

    # --- attributes ------------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape, e.g. (n_x, m)."""
        return self.data.shape

    @property
    def ndim(self) -> int:
        """The number of axes."""
        return self.data.ndim

    @property
    def size(self) -> int:
        """The number of elements."""
        return self.data.size

    @property
    def dtype(self) -> np.dtype[Any]:
        """The array's dtype (float64 by default; float32 is kept)."""
        return self.data.dtype

    @property
    def T(self) -> Tensor:
        """The transpose (all axes reversed), the course\'s Wᵀ."""
        return apply(TRANSPOSE, (self,), {"axes": None})

    def item(self) -> float:
        """The single number this tensor holds (e.g. the cost), as a Python float."""
        if self.data.size != 1:
            raise ValueError(
                f"item: {name_of(self)} has shape {self.shape}; only a one-element tensor has an item"
            )
        return self._read(_item)

    def _read(self, convert: Callable[[np.ndarray], Any]) -> Any:
        """``convert(self.data)``; a step that compile() traces reads a value here (an output or a guard)."""
        value = convert(self.data)
        if _tracing.tape is not None:
            _tracing.tape.read(self, convert, value)
        return value

    def numpy(self) -> np.ndarray:
        """The underlying array (read-only if an op computed it)."""
        return self.data

    def detach(self) -> Tensor:
        """This value as a constant, cut off from the graph (requires_grad False).

        It shares the data an op computed (read-only, so it cannot change); a parameter's values, which
        its updates change in place, are copied.
        """
        data = self.data
        if data.flags.writeable:
            data = data.copy()
            data.setflags(write=False)
        return _leaf(data, False, self.label)

    def __array__(self, dtype: DTypeLike | None = None, copy: bool | None = None) -> np.ndarray:
        """``np.asarray(t)`` gives the data (a copy if a dtype or copy is asked for)."""
        if dtype is None and not copy:
            return self.data
        return np.array(self.data, dtype=dtype, copy=True)

    def __float__(self) -> float:
        return float(self.item())

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(
                f"the truth value of {name_of(self)} {self.shape} is ambiguous: "
                "use (t > 0).any() or .all() on the data"
            )
        return self._read(_truth)

    def __len__(self) -> int:
        if not self.data.ndim:
            raise TypeError(f"len() of a 0-d tensor ({name_of(self)})")
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        """The rows (sub-tensors along axis 0), each on the graph."""
        for index in range(len(self)):
            yield self[index]

    def __repr__(self) -> str:
        label = f"label={self.label!r}, " if self.label is not None else ""
        body = np.array2string(self.data, precision=4, threshold=20, edgeitems=2, separator=", ")
        grad = ", requires_grad=True" if self.requires_grad else ""
        dtype = "" if self.dtype == np.float64 else f", dtype={self.dtype}"
        if self.data.size > 20 or "\n" in body:
            body = f"<{' x '.join(map(str, self.shape)) or 'scalar'} array>" if self.data.size > 20 else body
        return f"Tensor({label}{body}, shape={self.shape}{dtype}{grad})"

    # --- the chain rule ----------------------------------------------------------------------------
    @staticmethod
    def _backward_pass(order: Sequence[Node], retain_graph: bool) -> None:
        """The backward pass over ``order`` (children first), in one loop: each node takes its complete
        gradient, keeps it as ``.grad``, asks its op for vector-Jacobian products and hands each parent its
        share."""
        for node in order:
            if type(node) is not Tensor and not isinstance(node, Tensor):  # a Scalar inside a Tensor op
                node._backprop(retain_graph)
                continue
            g = node._g  # dJ/d(node), complete: every child has pushed its share
            node._g = None
            if type(g) is not _ndarray and g is not False:  # NumPy answers 0-d arithmetic with a scalar
                g = np.array(g)
            op = node._op
            if op is None:  # a leaf: its .grad is its own, writable array (to clip or scale in place)
                if g is False:  # nothing reached it: the ops were recorded before it required grad
                    continue
                if node.grad is None:
                    node.grad = g if g.flags.writeable else g.copy()
                else:
                    node.grad = node._accumulate(g)
                continue
            # VJPs hand g on as it is (the 1 of +) or return new arrays, one per parent; read-only, g cannot
            # become a leaf's own .grad (a leaf copies what it cannot write)
            g.setflags(False)  # write=False
            node.grad = g if node.grad is None else node._accumulate(g)
            for parent, grad in zip(node._parents, op.vjp(g, node._saved, node._needs)):  # type: ignore[misc]  # it has one
                if grad is None or not parent.requires_grad:
                    continue
                if type(parent) is not Tensor:  # a Scalar inside a Tensor op
                    parent._receive(grad)
                    continue
                data = parent.data  # _receive, written out: dJ/d(parent) += its share, summed to its shape
                if grad.shape != data.shape or grad.dtype is not data.dtype:
                    grad = unbroadcast(grad, data)
                parent._g = grad if parent._g is False else parent._g + grad  # False: found, no share yet
            if not retain_graph:
                node._saved = FREED  # freed: a second backward() through here is an error
                node._holding = None  # saved inputs become writable again

    def _backprop(self, retain_graph: bool) -> None:
        Tensor._backward_pass((self,), retain_graph)

    def _accumulate(self, g: np.ndarray) -> np.ndarray:
        """``.grad + g``, a new array; a ``.grad`` the caller set to something else is refused clearly."""
        grad = self.grad
        if type(grad) is not _ndarray or grad.shape != g.shape:
            raise BackwardError(
                f"backward: {name_of(self)}.grad is {type(grad).__name__} "
                f"{np.shape(grad)}, but gradients "  # type: ignore[arg-type, unused-ignore]  # any value a caller set
                f"of {name_of(self)} {self.shape} add up into it; set .grad to None or call zero_grad()"
            )
        total = grad + g
        return total if type(total) is _ndarray else np.array(total)  # 0-d: an array, not a NumPy scalar

    def _receive(self, grad: Any) -> None:
        """Add a child's share of dJ/d(self), summed back over broadcast axes."""
        data = self.data
        if grad.shape != data.shape or grad.dtype is not data.dtype:
            grad = unbroadcast(grad, data)
        self._g = grad if self._g is False else self._g + grad  # False: found by the walk, no share yet

    def _seed(self, grad: ArrayLike | Node | None) -> None:
        if grad is None:
            if self.data.size != 1:
                raise BackwardError(
                    f"backward: {name_of(self)} has shape {self.shape}; backward() without a gradient "
                    "needs a single number (a cost); pass grad= an array of that shape"
                )
            self._g = np.array(1.0, self.data.dtype).reshape(self.data.shape)  # dJ/dJ = 1 (ones_like, faster)
            return
        grad = np.array(grad.data if isinstance(grad, Node) else grad, dtype=self.dtype)  # a copy
        if grad.size == 1 == self.data.size:
            grad = grad.reshape(self.shape)
        if grad.shape != self.shape:
            raise BackwardError(
                f"backward: grad has shape {grad.shape} but {name_of(self)} has shape {self.shape}"
            )
        self._g = grad

    def _reset_grad(self) -> None:
        if self.requires_grad:  # zero, as a Scalar's 0.0: an update after it changes nothing
            self.grad = np.zeros(self.data.shape, self.data.dtype)
            if _tracing.tape is not None:
                _tracing.tape.reset(self)

    def _clear_pass(self) -> None:
        self._g = None

    # --- shapes (reshape under other names) ----------------------------------------------------------
    def flatten(self) -> Tensor:
        """The elements as one axis."""
        return apply(RESHAPE, (self,), {"shape": (-1,)})

    def view(self, *shape: int | Sequence[int]) -> Tensor:
        """PyTorch's name for ``reshape``."""
        return self.reshape(*shape)

    def squeeze(self, axis: int | tuple[int, ...] | None = None) -> Tensor:
        """Without the axes of length 1 (or only ``axis``, which must have length 1)."""
        try:
            shape = np.squeeze(np.empty(self.shape, dtype=bool), axis=axis).shape
        except ValueError as error:
            raise ShapeError(f"squeeze({name_of(self)} {self.shape}, axis={axis}): {error}") from None
        return apply(RESHAPE, (self,), {"shape": shape})

    def unsqueeze(self, axis: int) -> Tensor:
        """With a new axis of length 1 at ``axis`` (NumPy's ``expand_dims``)."""
        try:
            shape = np.expand_dims(np.empty(self.shape, dtype=bool), axis).shape
        except (ValueError, np.exceptions.AxisError) as error:
            raise ShapeError(f"unsqueeze({name_of(self)} {self.shape}, axis={axis}): {error}") from None
        return apply(RESHAPE, (self,), {"shape": shape})

    expand_dims = unsqueeze

    # --- conversions ------------------------------------------------------------------------------------
    def astype(self, dtype: DTypeLike) -> Tensor:
        """The values as ``dtype``, on the graph (the gradient is cast back)."""
        if np.dtype(dtype) == self.dtype:
            return self
        return apply(OPS["astype"], (self,), {"dtype": np.dtype(dtype)})

    def tolist(self) -> Any:
        """The values as nested Python lists (a number for a 0-d tensor)."""
        return self._read(_tolist)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Make this leaf (not) require grad, in place, and return it (as PyTorch's)."""
        if self._op is not None:
            raise BackwardError(
                f"requires_grad_: {name_of(self)} was computed by {self._op.name}; only a leaf can change "
                "(use .detach() to get a leaf)"
            )
        if requires_grad and self.dtype.kind != "f":
            raise TypeError(f"requires_grad_: only floating-point tensors can require grad, not {self.dtype}")
        if requires_grad and not self.requires_grad and not self.data.flags.writeable:
            self.data = np.array(self.data)  # a constant is read-only: a parameter owns writable values
        self.requires_grad = bool(requires_grad)
        return self

    # --- comparisons: arrays of bools, never recorded (as in NumPy and PyTorch) --------------------------
    def __lt__(self, other: _Operand) -> np.ndarray:
        return self.data < _raw(other)

    def __le__(self, other: _Operand) -> np.ndarray:
        return self.data <= _raw(other)

    def __gt__(self, other: _Operand) -> np.ndarray:
        return self.data > _raw(other)

    def __ge__(self, other: _Operand) -> np.ndarray:
        return self.data >= _raw(other)

    def __eq__(self, other: object) -> np.ndarray:  # type: ignore[override]  # elementwise, as NumPy's
        return self.data == _raw(other)

    def __ne__(self, other: object) -> np.ndarray:  # type: ignore[override]  # elementwise, as NumPy's
        return self.data != _raw(other)

    __hash__ = Node.__hash__  # identity: nodes sit in sets and dicts; the engine never compares them with ==

    # --- the methods made from the op records at import (install_methods, at the end of this file) -----
    if TYPE_CHECKING:  # declared for type checkers only: at run time the generated methods are the ones

        def __abs__(self) -> Tensor: ...

        def __add__(self, other: _Operand) -> Tensor:
            """a + b."""

        def __radd__(self, other: _Operand) -> Tensor:
            """a + b."""

        def __sub__(self, other: _Operand) -> Tensor:
            """a - b."""

        def __rsub__(self, other: _Operand) -> Tensor:
            """a - b."""

        def __mul__(self, other: _Operand) -> Tensor:
            """a * b, elementwise."""

        def __rmul__(self, other: _Operand) -> Tensor:
            """a * b, elementwise."""

        def __truediv__(self, other: _Operand) -> Tensor:
            """a / b."""

        def __rtruediv__(self, other: _Operand) -> Tensor:
            """a / b."""

        def __pow__(self, other: _Operand) -> Tensor:
            """a ** b (a number or a node as the exponent)."""

        def __rpow__(self, other: _Operand) -> Tensor:
            """a ** b (a number or a node as the exponent)."""

        def __neg__(self) -> Tensor:
            """-a."""

        def abs(self) -> Tensor:
            """|a|; its derivative sign(a) is taken as 0 at the kink a = 0."""

        def exp(self) -> Tensor:
            """e^a (inf, not an error, when it overflows)."""

        def log(self) -> Tensor:
            """Natural logarithm, the course's ln a; a must be > 0."""

        def sqrt(self) -> Tensor:
            """Square root; a must be >= 0."""

        def tanh(self) -> Tensor:
            """tanh(z), the course's hidden-layer activation."""

        def sigmoid(self) -> Tensor:
            """σ(z) = 1 / (1 + e^-z), computed without overflow for any z (the course's output unit)."""

        def relu(self) -> Tensor:
            """max(0, z); its derivative is 1 for z > 0, else 0."""

        def leaky_relu(self, slope: float = 0.01) -> Tensor:
            """max(slope·z, z): z for z > 0, else slope·z (slope defaults to 0.01)."""

        def elu(self, alpha: float = 1.0) -> Tensor:
            """z for z > 0, else alpha·(e^z - 1) (alpha defaults to 1)."""

        def clip(self, low: ArrayLike | None = None, high: ArrayLike | None = None) -> Tensor:
            """a limited to [low, high] (either may be None); the gradient passes where a is inside."""

        def sin(self) -> Tensor:
            """sin a."""

        def cos(self) -> Tensor:
            """cos a."""

        def log1p(self) -> Tensor:
            """ln(1 + a), accurate for small a; a must be > -1."""

        def expm1(self) -> Tensor:
            """e^a - 1, accurate for small a."""

        def softplus(self) -> Tensor:
            """ln(1 + e^a), a smooth relu; its derivative is σ(a)."""

        def square(self) -> Tensor:
            """a²."""

        def reciprocal(self) -> Tensor:
            """1/a; a must not be 0."""

        def gelu(self) -> Tensor:
            """GELU, tanh approximation: ½a(1 + t), t = tanh(c(a + k a³)), c = √(2/π), k = 0.044715."""

        def __matmul__(self, other: _Operand) -> Tensor:
            """Matrix product (1-D, 2-D and batched), the course's Z = W A_prev."""

        def __rmatmul__(self, other: _Operand) -> Tensor:
            """Matrix product (1-D, 2-D and batched), the course's Z = W A_prev."""

        def sum(self, axis: _Axis = None, keepdims: bool = False, *, dim: _Axis = None) -> Tensor:
            """Sum of the elements (over ``axis``, or ``dim``; all by default)."""

        def mean(self, axis: _Axis = None, keepdims: bool = False, *, dim: _Axis = None) -> Tensor:
            """Mean of the elements (over ``axis``, or ``dim``; all by default): the course's (1/m) Σ."""

        def max(self, axis: _Axis = None, keepdims: bool = False, *, dim: _Axis = None) -> Tensor:
            """The largest element (over ``axis``, or ``dim``); ties share the gradient."""

        def min(self, axis: _Axis = None, keepdims: bool = False, *, dim: _Axis = None) -> Tensor:
            """The smallest element (over ``axis``, or ``dim``); ties share the gradient."""

        def var(
            self, axis: _Axis = None, keepdims: bool = False, ddof: int = 0, *, dim: _Axis = None
        ) -> Tensor:
            """Variance over ``axis`` (or ``dim``), mean((x - mean)²); ``ddof=1`` for the sample one."""

        def std(
            self, axis: _Axis = None, keepdims: bool = False, ddof: int = 0, *, dim: _Axis = None
        ) -> Tensor:
            """Standard deviation over ``axis`` (or ``dim``); ``ddof=1``: the sample one. Slope 0 at spread 0."""  # noqa: E501

        def logsumexp(self, axis: _Axis = None, keepdims: bool = False, *, dim: _Axis = None) -> Tensor:
            """log(sum(exp(x))) over ``axis``, computed stably (shifted by the maximum)."""

        def softmax(self, axis: int = 0, *, dim: int | None = None) -> Tensor:
            """Softmax over ``axis`` (default 0: classes are rows when examples are columns)."""

        def log_softmax(self, axis: int = 0, *, dim: int | None = None) -> Tensor:
            """log(softmax(x)) over ``axis``, computed stably."""

        def transpose(self, *axes: int | Sequence[int]) -> Tensor:
            """The axes reversed (``t.T``), or permuted as given."""

        def reshape(self, *shape: int | Sequence[int]) -> Tensor:
            """The same elements in a new shape (one entry may be -1)."""

        def __getitem__(self, index: _Index) -> Tensor:
            """Indexing and slicing, as NumPy's: ``t[0]``, ``t[:, 1:3]``, ``t[[0, 2]]``."""


# --- module-level functions over several tensors ----------------------------------------------------------


def concatenate(tensors: Iterable[Node | ArrayLike], axis: int = 0) -> Tensor:
    """Tensors joined along an existing ``axis``."""
    return apply(OPS["concatenate"], tuple([_as_node(t) for t in tensors]), {"axis": axis})


def stack(tensors: Iterable[Node | ArrayLike], axis: int = 0) -> Tensor:
    """Tensors of one shape stacked along a new ``axis``."""
    return apply(OPS["stack"], tuple([_as_node(t) for t in tensors]), {"axis": axis})


def where(condition: ArrayLike | Node, x: _Operand, y: _Operand) -> Tensor:
    """Elementwise ``x if condition else y``; the gradient flows to the chosen side."""
    condition = np.asarray(_raw(condition), dtype=bool)
    return apply(OPS["where"], _pair(x, y), {"condition": condition})


def maximum(x: _Operand, y: _Operand) -> Tensor:
    """The larger of x and y, elementwise; a tie splits the gradient in half."""
    return apply(OPS["maximum"], _pair(x, y))


def minimum(x: _Operand, y: _Operand) -> Tensor:
    """The smaller of x and y, elementwise; a tie splits the gradient in half."""
    return apply(OPS["minimum"], _pair(x, y))


def logsumexp(x: Tensor | ArrayLike, axis: _Axis = None, keepdims: bool = False) -> Tensor:
    """log(sum(exp(x))) over ``axis``, computed stably."""
    return _as_node(x).logsumexp(axis=axis, keepdims=keepdims)


def softmax(x: Tensor | ArrayLike, axis: int = 0) -> Tensor:
    """Softmax over ``axis`` (default 0: classes are rows when examples are columns)."""
    return _as_node(x).softmax(axis=axis)


def log_softmax(x: Tensor | ArrayLike, axis: int = 0) -> Tensor:
    """log(softmax(x)) over ``axis``, computed stably."""
    return _as_node(x).log_softmax(axis=axis)


def binary_cross_entropy(
    prediction: Node | ArrayLike,
    Y: Node | ArrayLike,
    logits: bool = False,
    reduction: Literal["mean", "sum", "none"] = "mean",
) -> Tensor:
    """The course's cost J = -(1/m) sum(Y log A + (1 - Y) log(1 - A)), fused and stable.

    ``prediction`` is A (probabilities) or, with ``logits=True``, Z (then A = sigmoid(Z) inside,
    never overflowing). ``reduction``: "mean" (the course's 1/m), "sum" or "none".
    """
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(
            f"binary_cross_entropy: reduction must be 'mean', 'sum' or 'none', not {reduction!r}"
        )
    prediction = _as_node(prediction)
    if not isinstance(Y, Node):  # labels given as a number or an array
        Y = _constant(
            np.array(
                np.broadcast_to(np.asarray(Y, dtype=_float_dtype(prediction)), np.shape(prediction.data))
            )
        )
    if np.shape(prediction.data) != np.shape(Y.data):
        raise ShapeError(
            f"binary_cross_entropy: prediction {name_of(prediction)} {shape_of(prediction)} and labels "
            f"{name_of(Y)} {shape_of(Y)} must have the same shape"
        )
    params = {"logits": bool(logits), "reduction": reduction}
    return apply(OPS["binary_cross_entropy"], (prediction, Y), params)


# --- recording ------------------------------------------------------------------------------------------


def apply(op: Op, operands: tuple[Node, ...], params: dict[str, Any] | None = None) -> Tensor:
    """Run ``op`` on the operands' data (with its ``params``, e.g. ``axis``) and, if any operand needs
    a gradient, record it.

    The one place a Tensor op result is made. NumPy errors become a ShapeError that names the
    op, the operands' labels and their shapes.
    """
    forward: Callable[..., tuple[Any, Any]]
    forward, count = op.forward, len(operands)  # type: ignore[assignment]  # a Tensor op's record has one
    if op.domain is not None:  # log, sqrt, /, **: the library's error, as for a Scalar, not NaN and a warning
        values = [x.data for x in operands]
        if not op.domain.surely_inside(values):
            needs = tuple([x.requires_grad and _grad_mode.enabled for x in operands])
            check_domain(op, operands, values, needs)
    try:
        if count == 2:  # unpacked by hand: the infix ops are the hot path of a training step
            a, b = operands
            needs = (a.requires_grad, b.requires_grad)
            if op.takes_needs:  # it can skip the derivatives nobody needs (x ** 2 needs no ln x)
                wanted = needs if _grad_mode.enabled else (False, False)
                params = {**(params or {}), "needs": wanted}
            out, saved = forward(a.data, b.data) if params is None else forward(a.data, b.data, **params)
        elif count == 1:
            (a,) = operands
            needs = (a.requires_grad,)
            out, saved = forward(a.data) if params is None else forward(a.data, **params)
        else:
            needs = tuple([x.requires_grad for x in operands])
            out, saved = forward(*[x.data for x in operands], **(params or {}))
    except (ValueError, IndexError, TypeError) as error:
        raise ShapeError(explain(op, operands, error)) from None
    return _record(out, operands, saved, op, needs, params)


def _record(
    out: Any,
    operands: tuple[Node, ...],
    saved: Any,
    op: Op,
    needs: tuple[bool, ...],
    params: dict[str, Any] | None = None,
) -> Tensor:
    """Wrap ``out`` in a node; record the op if grad mode is on and an operand ``needs`` a gradient.

    ``params`` (the op's keyword arguments) matter only to a step that compile() traces.
    """
    converted = type(out) is not _ndarray
    if converted:
        out = np.asarray(out)
    node = _new_tensor(Tensor)
    node.data = out
    node.grad = None
    node.label = None
    node._g = None
    node._lock_ref = None
    node._created = next(_creation_numbers)
    switched = _switched.count  # 0: no thread is in no_grad, detect_anomaly or a trace (the usual case)
    if True in needs and (not switched or _grad_mode.enabled):
        out.setflags(False)  # write=False: a value on the graph is never changed in place
        node.requires_grad = True
        node._parents = operands
        node._saved = saved
        node._op = op
        node._needs = needs
        node._holding = None
        for x in operands:
            if x._op is not None:  # computed: read-only already
                continue
            kind = type(x.data)
            if kind is _ndarray and (x.requires_grad or x.data.flags.writeable):  # type: ignore[union-attr]  # an array
                # a parameter's array (a constant's is read-only already): is it kept?
                kept = type(saved) is _ndarray or type(saved) is tuple and _ndarray in map(type, saved)
                if kept or out.base is not None:
                    node._holding = lock_saved_leaves(operands, saved, out, op)
                break
            if kind is LockedArray:  # a parameter an earlier op locked: this op may need it too
                node._holding = lock_saved_leaves(operands, saved, out, op)
                break
        if switched and _anomaly.enabled:
            check_finite(node, op, operands)
    else:
        if not switched or _grad_mode.enabled:  # a constant computed while a graph is built (1 - Y)
            out.setflags(False)  # write=False
        node.requires_grad = False
        node._parents = ()
        node._saved = ()
        node._op = None
        node._needs = ()
        node._holding = None
    if switched and _tracing.tape is not None:  # compile() is tracing a step: the op is written down
        _tracing.tape.op(node, operands, op, params, converted)
    return node


def _item(array: np.ndarray) -> Any:
    return array.item()


def _truth(array: np.ndarray) -> bool:
    return bool(array.reshape(()))


def _tolist(array: np.ndarray) -> Any:
    return array.tolist()


def _leaf(array: np.ndarray, requires_grad: bool, label: str | None) -> Tensor:
    return _as_leaf(_new_tensor(Tensor), array, requires_grad, label)


def _as_leaf(node: Tensor, array: np.ndarray, requires_grad: bool, label: str | None) -> Tensor:
    """Fill every slot of a new node that no op made (an input, a parameter or a constant)."""
    node.data = array
    node.requires_grad = requires_grad
    node.grad = None
    node.label = label
    node._parents = ()
    node._saved = ()
    node._op = None
    node._g = None
    node._needs = ()
    node._holding = None
    node._lock_ref = None
    node._created = next(_creation_numbers)
    return node


# --- helpers ----------------------------------------------------------------------------------------------


def _as_array(
    data: ArrayLike | Node, dtype: DTypeLike | None, requires_grad: bool, label: str | None, copy: bool = True
) -> np.ndarray:
    """``data`` as an array the new leaf owns (a copy), or, with ``copy=False``, the caller's own."""
    if isinstance(data, Node):
        data = data.data
    where = f"Tensor({label!r})" if label else "Tensor"
    if isinstance(data, (list, tuple)) and _holds_a_node(data):
        raise TypeError(
            f"{where}: the data holds graph nodes, whose graph a new leaf would drop; "
            "use autograd_lite.stack(nodes) to keep it (or .detach() each node to drop it on purpose)"
        )
    try:
        array = np.array(data, dtype=dtype) if copy else np.asarray(data, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{where}: cannot make an array of {type(data).__name__}: {error}") from None
    if dtype is None and array.dtype.kind not in "f" and (requires_grad or array.dtype.kind != "b"):
        if array.dtype.kind in "biu":  # numbers become float64; a constant of bools stays a mask
            array = array.astype(np.float64)
        else:
            raise TypeError(f"{where}: data must be numeric, got dtype {array.dtype}")
    if requires_grad and array.dtype.kind != "f":
        raise TypeError(f"{where}: only floating-point tensors can require grad, got dtype {array.dtype}")
    return array


def _holds_a_node(data: list[Any] | tuple[Any, ...]) -> bool:
    """True if a (nested) list or tuple holds a Scalar or Tensor."""
    stack = [data]
    while stack:
        for item in stack.pop():
            if isinstance(item, Node):
                return True
            if isinstance(item, (list, tuple)):
                stack.append(item)
    return False


def _operand(x: object, partner: object) -> Node | NotImplementedType:
    """The other operand of an infix op as a node: Scalars stay, numbers and arrays become constants."""
    if isinstance(x, Node):
        return x
    if type(x) is float or type(x) is int or isinstance(x, Real) and not isinstance(x, np.ndarray):
        # a constant Scalar: a Python float is "weak" in NumPy, so float32 tensors stay float32
        return _scalar_constant(x)
    if isinstance(x, (np.ndarray, list, tuple)):
        return _constant(_as_array(x, None, False, None))  # a copy: the caller may change their array
    return NotImplemented


def _constant(array: np.ndarray) -> Tensor:
    array.setflags(write=False)
    return _leaf(array, False, None)


def _as_node(x: _N | ArrayLike) -> _N | Tensor:
    # (NumPy 2.5's ArrayLike admits objects with __array__, which mypy then narrows to a plain Node)
    return x if isinstance(x, Node) else Tensor(x)  # type: ignore[return-value, unused-ignore]


def _pair(x: _Operand, y: _Operand) -> tuple[Node, Node]:
    if not isinstance(x, Node):
        x = _operand(x, y) if isinstance(y, Node) else Tensor(x)
    if not isinstance(y, Node):
        y = _operand(y, x)
    if x is NotImplemented or y is NotImplemented:
        raise TypeError("expected tensors, arrays or numbers")
    return x, y


def _float_dtype(node: Node) -> np.dtype[Any]:
    if isinstance(node, Tensor) and node.data.dtype.kind == "f":
        return node.data.dtype
    return np.dtype(np.float64)


def _raw(x: object) -> Any:
    return x.data if isinstance(x, Node) else x


# --- the methods, made from the op records ------------------------------------------------------------------


def _binary_method(op: Op, reflected: bool) -> Callable[..., Any]:
    """``a @ b`` (and ``X @ W`` when ``reflected``): numbers and arrays become constants first."""
    inlined = _inlined_method(op, ("other", "self") if reflected else ("self", "other"))
    if inlined is not None:
        return inlined

    def method(self, other):
        """Apply the op to this Tensor and ``other`` (numbers and arrays become constants)."""
        if type(other) is not Tensor:
            other = _operand(other, self)
            if other is NotImplemented:
                return other
        return apply(op, (other, self) if reflected else (self, other))

    return method


def _unary_method(op: Op) -> Callable[..., Any]:
    """``t.tanh()``, ``t.sum(axis=0)``: an elementwise op's parameters are fixed in a bound copy."""
    if not op.param_names:
        inlined = _inlined_method(op, ("self",))
        return inlined if inlined is not None else lambda self: apply(op, (self,))
    if op.elementwise:
        return lambda self, *args, **kwargs: apply(
            op.bind(**op.parse(*args, **kwargs)), (self,)  # type: ignore[misc]  # it has a parse
        )
    return lambda self, *args, **kwargs: apply(
        op, (self,), op.parse(*args, **kwargs)  # type: ignore[misc]  # it has a parse
    )


_RULE_THEN_RECORD = """    try:
        {rule}
    except (ValueError, IndexError, TypeError) as error:
        raise ShapeError(explain(op, {parents}, error)) from None
    return _record(value, {parents}, local, op, {needs})
"""
_UNARY = "def method({signature}):\n" + _RULE_THEN_RECORD
_UNARY_INSIDE = (  # log, sqrt: one reduction shows an array inside the domain, else apply's rules decide
    """def method({signature}):
    if not surely_inside((self.data,)):
        return apply(op, (self,))
"""
    + _RULE_THEN_RECORD
)
_BINARY = (
    """def method({signature}):
    if type(other) is not Tensor:
        other = _operand(other, self)
        if other is NotImplemented:
            return other
"""
    + _RULE_THEN_RECORD
)


def _inlined_method(op: Op, operands: tuple[str, ...]) -> Callable[..., Any] | None:
    """The method of an elementwise op with its rule pasted in: what ``apply`` does, without the calls."""
    if not op.elementwise or op.takes_needs:
        return None
    template = _BINARY if len(operands) == 2 else _UNARY
    if op.domain is not None:  # checked here by one reduction if it can be, else by apply
        if op.domain.inside_above is None or len(operands) != 1:
            return None
        template = _UNARY_INSIDE
    namespace = {
        "__name__": __name__,
        "Tensor": Tensor,
        "ShapeError": ShapeError,
        "explain": explain,
        "_operand": _operand,
        "_record": _record,
        "apply": apply,
        "surely_inside": op.domain.surely_inside if op.domain is not None else None,
    }
    return paste_rule(op, operands, template, namespace, arrays, deferred=op.deferred)


install_methods(Tensor, _binary_method, _unary_method, lambda op: op.forward is not None)
