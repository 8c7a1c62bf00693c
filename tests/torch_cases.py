"""PyTorch's twin of every op in the catalogue: the rows ``test_torch_oracle.py`` builds its graphs from.

``op_cases.py`` gives each op an oracle written with HIPS autograd; this table gives it a second one,
PyTorch, with what a random graph needs to call the op on any node. One row per op of
``autograd_lite.ops.OPS``: an op with neither a row nor an entry in ``SKIPPED`` (with the reason) fails
``test_every_op_has_a_torch_row``, so a new op cannot land without its PyTorch oracle. A row has

- ``plan(draw, shape, scalar)``: for the node the op is applied to (its ``shape``; ``scalar``: it is a
  ``Scalar``), draw with hypothesis's ``draw`` what else the call needs: its parameters (``axis``,
  ``keepdims``, ``slope``, an index, ...) and its operands (``Operand``: the node itself, a Tensor of a
  given shape, a Scalar, a number or a constant array, each with the range its values are drawn from and
  the kinks they stay away from). ``None`` when the op does not apply to such a node (a softmax of a 0-d
  tensor, a max over no elements);
- ``ours(operands, params)``: the call as user code writes it (``a + b``, ``x.sum(axis=0)``,
  ``ag.where(condition, a, b)``);
- ``theirs(operands, params)``: the same computation in PyTorch (numbers become 0-d tensors of the other
  operand's dtype, as a Python float meets a NumPy array).

Where NumPy's conventions (which the library follows) and PyTorch's differ, the plans draw only calls on
which both agree, and say why at the place (``axis=()``, integer indices beside index arrays, the mean
cross-entropy of no elements).
"""

from __future__ import annotations

import math
import operator
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as ag
from autograd_lite import Scalar
from autograd_lite.ops import OPS

DRAW_RANGE = (-3.0, 3.0)  # where an operand's values are drawn from when its op has no domain
ELEMENTWISE_ACCEPT = (-6.0, 6.0)  # an elementwise op takes a node whose values lie here (else squashed)
STRUCTURAL_ACCEPT = (-1e3, 1e3)  # a reduction, a product or a shape op: anything of a sane size
SIDES = (2, 3, 1, 4)  # axis lengths (and now and then a zero-size axis)
NICE_NUMBERS = (0.0, 1.0, 2.0, -1.0, 0.5, 3.0, -2.0)  # constants worth a look (x ** 2, maximum(x, 0))


@dataclass(frozen=True)
class Operand:
    """One operand of a call.

    ``kind``: ``"node"`` (the node the op is applied to), ``"tensor"`` (a Tensor of ``shape``: the same
    node again, another node of the graph, or a new leaf), ``"scalar"`` (a Scalar), ``"number"`` (the
    Python float ``value``) or ``"array"`` (a constant ndarray, ``fill(rng, shape)``). New values are drawn
    from [low, high] away from ``kinks``; a node whose values leave ``accept`` is squashed into [low, high]
    first; ``spread``: the axes over which the values must not be (nearly) constant (var and std).
    """

    kind: str
    shape: tuple = ()
    low: float = DRAW_RANGE[0]
    high: float = DRAW_RANGE[1]
    accept: tuple = STRUCTURAL_ACCEPT
    kinks: tuple = ()
    spread: tuple | None = None
    value: float | None = None
    fill: Callable | None = None


class Call(NamedTuple):
    """A planned call: its operands, in order, and its parameters."""

    operands: list
    params: dict


# --- strategies -----------------------------------------------------------------------------------------


@st.composite
def shapes(draw, max_dims: int = 3):
    """Shapes of rank 0 to ``max_dims`` with axes of length 1 to 4; one in six has an axis of length 0."""
    dims = draw(st.lists(st.sampled_from(SIDES), max_size=max_dims))
    if dims and draw(st.integers(0, 5)) == 0:
        dims[draw(st.integers(0, len(dims) - 1))] = 0
    return tuple(dims)


@st.composite
def broadcast_partner(draw, shape: tuple):
    """A shape that broadcasts with ``shape``: some axes 1, a 1 of ``shape`` stretched, axes dropped in
    front or added there."""
    dims = [draw(st.sampled_from((n, n, 1) if n != 1 else (1, 1, 2, 3))) for n in shape]
    dropped = draw(st.integers(0, len(dims)))
    if dropped:
        return tuple(dims[dropped:])
    if len(dims) < 4 and draw(st.integers(0, 2)) == 0:
        dims.insert(0, draw(st.sampled_from((1, 2, 3))))
    return tuple(dims)


def number_in(low: float, high: float):
    """A Python float in [low, high]: a round one (2.0, 0.5, 0.0) or any."""
    nice = [x for x in NICE_NUMBERS if low <= x <= high]
    floats = st.floats(low, high, allow_subnormal=False)
    return st.one_of(st.sampled_from(nice), floats) if nice else floats


@st.composite
def reduced_axes(draw, ndim: int):
    """``None`` (every axis) or a tuple of distinct axes, possibly empty, in any order."""
    if ndim == 0:
        return draw(st.sampled_from((None, ())))
    subsets = st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim).map(tuple)
    return draw(st.one_of(st.none(), subsets))


def spelled_axes(draw, axes, ndim: int):
    """``axes`` as user code may write them: an int for one axis, a tuple or a list; negative or not."""
    if axes is None:
        return None
    axes = tuple(a - ndim if draw(st.booleans()) else a for a in axes)
    if len(axes) == 1 and draw(st.booleans()):
        return axes[0]
    return list(axes) if draw(st.integers(0, 3)) == 0 else axes


def normalized(axis, ndim: int) -> tuple:
    """``axis`` (None, an int, a tuple or a list) as a tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    return tuple(a % ndim for a in ((axis,) if isinstance(axis, int) else axis))


def binary_labels(rng, shape) -> np.ndarray:
    return rng.integers(0, 2, size=shape).astype(np.float64)


def soft_labels(rng, shape) -> np.ndarray:
    return rng.uniform(0.0, 1.0, size=shape)


# --- PyTorch helpers --------------------------------------------------------------------------------------


def as_tensors(values) -> list:
    """Numbers as 0-d tensors of the (first) tensor operand's dtype, as NumPy treats a Python float."""
    like = next(v for v in values if isinstance(v, torch.Tensor))
    return [torch.tensor(v, dtype=like.dtype) if isinstance(v, float) else v for v in values]


def torch_reduce(function, x, axis=None, keepdims: bool = False, dim=None, **kwargs):
    """A reduction over NumPy's ``axis`` (or ``dim``) in PyTorch.

    Convention: NumPy's ``axis=()`` reduces nothing, and neither does any axis choice on a 0-d array,
    while PyTorch reads ``dim=()`` as every axis. An empty choice reduces over a new axis of length 1
    instead: the same as reducing nothing, with PyTorch's own op.
    """
    dims = normalized(dim if dim is not None else axis, x.ndim)
    with warnings.catch_warnings():
        if not x.numel():  # var and std warn of a zero-size input's 0 / 0 "reduction factor"
            warnings.filterwarnings("ignore", "(std|var)\\(\\): degrees of freedom", UserWarning)
        if not dims:
            return function(x.unsqueeze(0), dim=0, keepdim=False, **kwargs)
        return function(x, dim=dims, keepdim=keepdims, **kwargs)


def torch_index(index):
    """A NumPy index for PyTorch: arrays (integers or bools) as tensors."""
    if isinstance(index, tuple):
        return tuple(torch_index(part) for part in index)
    return torch.from_numpy(index) if isinstance(index, np.ndarray) else index


# --- the rows ---------------------------------------------------------------------------------------------


class Row:
    """An op's PyTorch oracle (see the module docstring); ``op`` is its record, set from the table's key."""

    graph = True  # random graphs may use it (False: a Scalar-only API, tested on its own)
    takes_scalars = False  # the node it is applied to may be a Scalar
    op = None

    def plan(self, draw, shape: tuple, scalar: bool) -> Call | None:
        raise NotImplementedError

    def ours(self, operands: list, params: dict):
        raise NotImplementedError

    def theirs(self, operands: list, params: dict):
        raise NotImplementedError


class Elementwise(Row):
    """An elementwise op: ``torch_function(*tensors, **params)``; ``params(draw)`` draws the op's parameters
    (a key left out: the library's default, which ``torch_function`` must default to as well);
    ``kinks(params)``, for kinks that move with the parameters (clip's bounds)."""

    takes_scalars = True

    def __init__(self, torch_function: Callable, params: Callable | None = None, kinks=None) -> None:
        self.torch_function, self.draw_params, self.kinks_of = torch_function, params, kinks

    def ranges(self) -> list[tuple[float, float]]:
        """Each input's range: the record's domain ranges, else ``DRAW_RANGE``."""
        given = self.op.domain.ranges if self.op.domain is not None else ()
        return [given[i] if i < len(given) else DRAW_RANGE for i in range(self.op.arity)]

    def operand(self, kind: str, shape: tuple, position: int, kinks: tuple, value=None) -> Operand:
        low, high = self.ranges()[position]
        accept = (low, high) if self.op.domain is not None else ELEMENTWISE_ACCEPT
        return Operand(kind, shape, low, high, accept, kinks, value=value)

    def plan(self, draw, shape, scalar):
        params = self.draw_params(draw) if self.draw_params is not None else {}
        kinks = tuple(self.kinks_of(params)) if self.kinks_of is not None else tuple(self.op.kinks)
        if self.op.arity == 1:
            return Call([self.operand("node", shape, 0, kinks)], params)
        # binary: the node on either side; the other operand a Tensor broadcasting with it, a Scalar or a
        # number (a + 1.5, 2.0 ** x). maximum and minimum are module functions: on two Scalars (or a
        # Scalar and a number) they make a 0-d float64 Tensor, not a Scalar, so a Scalar meets a Tensor.
        at = draw(st.sampled_from((0, 0, 1)))
        kinds = ("tensor", "tensor", "tensor", "scalar", "number")
        kind = "tensor" if scalar and self.op.symbol is None else draw(st.sampled_from(kinds))
        other_shape = draw(broadcast_partner(shape)) if kind == "tensor" else ()
        value = draw(number_in(*self.ranges()[1 - at])) if kind == "number" else None
        operands = [None, None]
        operands[at] = self.operand("node", shape, at, kinks)
        operands[1 - at] = self.operand(kind, other_shape, 1 - at, kinks, value)
        return Call(operands, params)

    def ours(self, operands, params):
        op = self.op
        if op.symbol is not None:  # a + b, a ** b, -a
            return getattr(operator, op.method.strip("_"))(*operands)
        if op.arity == 2:  # ag.maximum(a, b)
            return getattr(ag, op.name)(*operands)
        return getattr(operands[0], op.method)(**params)  # x.leaky_relu(slope=0.2)

    def theirs(self, operands, params):
        return self.torch_function(*as_tensors(operands), **params)


def _slope(draw) -> dict:
    return draw(st.one_of(st.just({}), st.builds(lambda s: {"slope": s}, st.floats(0.01, 0.9))))


def _alpha(draw) -> dict:
    return draw(st.one_of(st.just({}), st.builds(lambda a: {"alpha": a}, st.floats(0.1, 2.0))))


def _bounds(draw) -> dict:
    """clip's bounds: low < high, either (not both) may be left out."""
    low = draw(st.none() | st.floats(-2.0, 1.0))
    high = draw(st.floats(-1.0, 2.0) if low is None else st.none() | st.floats(low + 0.2, low + 3.0))
    return {key: value for key, value in (("low", low), ("high", high)) if value is not None}


def _clip_kinks(params: dict) -> tuple:
    return tuple(params.values())


class Reduction(Row):
    """``x.<name>(axis=..., keepdims=...)`` (or ``dim=``): ``torch_function(x, dim=, keepdim=, **kw)``.

    ``least``: the fewest elements a reduction needs (a max of nothing is an error in both libraries, a
    mean of nothing is NaN: tested on their own); ``ddof``: var and std, whose ``ddof`` is PyTorch's
    ``correction`` (the library's default is NumPy's 0, PyTorch's is 1: always passed explicitly).
    """

    def __init__(self, torch_function: Callable, least: int = 1, ddof: bool = False) -> None:
        self.torch_function, self.least, self.ddof = torch_function, least, ddof

    def plan(self, draw, shape, scalar):
        if scalar:
            return None
        ndim = len(shape)
        axes = draw(reduced_axes(ndim))
        reduced = normalized(axes, ndim)
        ddof = draw(st.sampled_from((0, 1))) if self.ddof else 0
        count = math.prod(shape[a] for a in reduced)
        if count < self.least + ddof:
            return None
        params = {}
        if axes is not None or draw(st.booleans()):
            params["dim" if draw(st.integers(0, 3)) == 0 else "axis"] = spelled_axes(draw, axes, ndim)
        if draw(st.booleans()):
            params["keepdims"] = draw(st.booleans())
        if self.ddof:
            params["ddof"] = ddof
        spread = reduced if self.ddof and count >= 2 else None
        return Call([Operand("node", shape, spread=spread)], params)

    def ours(self, operands, params):
        return getattr(operands[0], self.op.method)(**params)

    def theirs(self, operands, params):
        params = dict(params)
        if "ddof" in params:
            params["correction"] = params.pop("ddof")
        return torch_reduce(self.torch_function, operands[0], **params)


class Softmax(Row):
    """``x.softmax(axis)`` (default 0, or ``dim=``): ``torch_function(x, dim)``."""

    def __init__(self, torch_function: Callable) -> None:
        self.torch_function = torch_function

    def plan(self, draw, shape, scalar):
        if scalar or not shape:  # over an axis: a 0-d array has none (PyTorch's would be its one element)
            return None
        axis = draw(st.integers(-len(shape), len(shape) - 1))
        spellings = [{"axis": axis}, {"dim": axis}] + ([{}] if axis % len(shape) == 0 else [])  # {}: axis 0
        params = draw(st.sampled_from(spellings))
        return Call([Operand("node", shape)], params)

    def ours(self, operands, params):
        return getattr(operands[0], self.op.method)(**params)

    def theirs(self, operands, params):
        return self.torch_function(operands[0], dim=params.get("axis", params.get("dim", 0)))


class Transpose(Row):
    """``x.T``, ``x.transpose()``, ``x.transpose(1, 0, 2)``, ``x.transpose((1, 0, 2))``: ``x.permute``."""

    def plan(self, draw, shape, scalar):
        if scalar:
            return None
        ndim = len(shape)
        style = draw(st.sampled_from(("arguments", "tuple", "T", "reversed", "arguments")))
        axes = None
        if style in ("arguments", "tuple"):
            axes = tuple(a - ndim if draw(st.booleans()) else a for a in draw(st.permutations(range(ndim))))
        return Call([Operand("node", shape)], {"style": style, "axes": axes})

    def ours(self, operands, params):
        (x,), style, axes = operands, params["style"], params["axes"]
        if style == "T":
            return x.T
        if style == "reversed":
            return x.transpose()
        return x.transpose(*axes) if style == "arguments" else x.transpose(axes)

    def theirs(self, operands, params):
        (x,), axes = operands, params["axes"]
        return x.permute(tuple(reversed(range(x.ndim))) if axes is None else normalized(axes, x.ndim))


@st.composite
def new_shape(draw, shape: tuple):
    """A shape with as many elements as ``shape`` (one entry may be -1), for reshape."""
    size = math.prod(shape)
    ndim = draw(st.integers(0 if size == 1 else 1, 4))
    dims = [1] * ndim
    if size == 0:
        dims = [draw(st.sampled_from((0, 1, 2, 3))) for _ in range(ndim)]
        dims[draw(st.integers(0, ndim - 1))] = 0
        return tuple(dims)
    factor, remaining = 2, size
    while remaining > 1:  # each prime factor goes to some axis
        while remaining % factor == 0:
            dims[draw(st.integers(0, ndim - 1))] *= factor
            remaining //= factor
        factor += 1
    if ndim and draw(st.booleans()):
        dims[draw(st.integers(0, ndim - 1))] = -1
    return tuple(dims)


class Reshape(Row):
    """``reshape`` and the methods made of it (``view``, ``flatten``, ``squeeze``, ``unsqueeze``)."""

    def plan(self, draw, shape, scalar):
        if scalar:
            return None
        style = draw(st.sampled_from(("arguments", "tuple", "view", "flatten", "squeeze", "unsqueeze")))
        ndim, argument = len(shape), None
        if style in ("arguments", "tuple", "view"):
            argument = draw(new_shape(shape))
        elif style == "squeeze":
            ones = [a for a, n in enumerate(shape) if n == 1]
            argument = draw(st.sampled_from([None, *ones, *(a - ndim for a in ones)]))
        elif style == "unsqueeze":
            argument = draw(st.integers(-ndim - 1, ndim))
        return Call([Operand("node", shape)], {"style": style, "argument": argument})

    def ours(self, operands, params):
        (x,), style, argument = operands, params["style"], params["argument"]
        if style == "arguments":
            return x.reshape(*argument)
        if style == "tuple":
            return x.reshape(argument)
        if style == "view":
            return x.view(*argument)
        if style == "flatten":
            return x.flatten()
        return x.squeeze(argument) if style == "squeeze" else x.unsqueeze(argument)

    def theirs(self, operands, params):
        (x,), style, argument = operands, params["style"], params["argument"]
        if style in ("arguments", "tuple", "view"):
            return x.reshape(argument)
        if style == "flatten":
            return x.flatten()
        if style == "squeeze":
            return x.squeeze() if argument is None else x.squeeze(argument)
        return x.unsqueeze(argument)


@st.composite
def index_for(draw, shape: tuple):
    """A NumPy index into an array of ``shape``: integers, slices (positive steps: PyTorch has no negative
    ones), integer arrays (repeats add up in the gradient), bool masks, ``None`` and ``...``.

    Convention: NumPy treats an integer beside an index array as one more index array (their axes go
    first when a slice separates them); PyTorch applies the integer first. An index with an array or a
    mask therefore has no integers.
    """
    ndim = len(shape)
    if ndim and draw(st.integers(0, 9)) == 0:  # a mask of the whole array: x[x > 0]
        return draw(hnp.arrays(np.bool_, shape))
    kinds = [draw(st.sampled_from(("slice", "array", "int", "array", "slice", "mask"))) for _ in shape]
    advanced = [i for i, kind in enumerate(kinds) if kind in ("array", "mask")]
    for extra in advanced[1 if any(kinds[i] == "mask" for i in advanced) else 2 :]:
        kinds[extra] = "slice"  # at most two integer arrays (of one length, they broadcast), or one mask
    advanced = [i for i in advanced if kinds[i] != "slice"]
    length = 0 if any(shape[i] == 0 for i in advanced) else draw(st.integers(0, 4))
    parts = []
    for n, kind in zip(shape, kinds):
        if kind == "int" and n and not advanced:
            parts.append(draw(st.integers(-n, n - 1)))
        elif kind == "array":
            item = st.integers(-n, n - 1) if n else st.nothing()  # length is 0 where n is
            items = draw(st.lists(item, min_size=length, max_size=length))
            if length >= 2 and draw(st.booleans()):  # a repeat (maybe written negative): its gradients add up
                items[1] = items[0] - n if items[0] >= 0 and draw(st.booleans()) else items[0]
            parts.append(np.array(items, dtype=np.intp))
        elif kind == "mask":
            parts.append(draw(hnp.arrays(np.bool_, (n,))))
        else:
            bound = st.none() | st.integers(-n - 1, n + 1)
            parts.append(slice(draw(bound), draw(bound), draw(st.sampled_from((None, 1, 2)))))
    form = draw(st.sampled_from(("full", "leading", "ellipsis")))
    if form == "leading":  # the last axes left out: taken whole
        parts = parts[: draw(st.integers(0, ndim))]
    elif form == "ellipsis":  # the first axes taken whole by ...
        parts = [Ellipsis, *parts[draw(st.integers(0, ndim)) :]]
    if draw(st.integers(0, 4)) == 0:
        parts.insert(draw(st.integers(0, len(parts))), None)
    if len(parts) == 1 and draw(st.booleans()):
        return parts[0]
    return tuple(parts)


class Getitem(Row):
    """``x[index]`` (NumPy's indexing): ``x[index]`` in PyTorch."""

    def plan(self, draw, shape, scalar):
        if scalar:
            return None
        return Call([Operand("node", shape)], {"index": draw(index_for(shape))})

    def ours(self, operands, params):
        return operands[0][params["index"]]

    def theirs(self, operands, params):
        return operands[0][torch_index(params["index"])]


class Join(Row):
    """``ag.concatenate(tensors, axis)`` / ``ag.stack(tensors, axis)``: ``torch.cat`` / ``torch.stack``.

    The node sits anywhere in the list, with one or two more tensors (the node again, other nodes of the
    graph or new leaves); for concatenate, of any length along ``axis``.
    """

    def __init__(self, torch_function: Callable, new_axis: bool) -> None:
        self.torch_function, self.new_axis = torch_function, new_axis

    def plan(self, draw, shape, scalar):
        if scalar or not (shape or self.new_axis):
            return None
        ndim = len(shape) + self.new_axis
        axis = draw(st.integers(-ndim, ndim - 1))
        operands = []
        for _ in range(draw(st.integers(1, 2))):
            other = list(shape)
            if not self.new_axis:
                other[axis] = draw(st.sampled_from((0, 1, 2, shape[axis])))
            operands.append(Operand("tensor", tuple(other)))
        operands.insert(draw(st.integers(0, len(operands))), Operand("node", shape))
        params = draw(st.sampled_from(({"axis": axis}, {"positional": axis}))) if axis else {}
        return Call(operands, params)

    def ours(self, operands, params):
        function = getattr(ag, self.op.name)
        if "positional" in params:
            return function(operands, params["positional"])
        return function(operands, **params)

    def theirs(self, operands, params):
        return self.torch_function(operands, dim=params.get("axis", params.get("positional", 0)))


class Where(Row):
    """``ag.where(condition, a, b)``, a constant bool ``condition``: ``torch.where``."""

    takes_scalars = True

    def plan(self, draw, shape, scalar):
        at = draw(st.sampled_from((0, 1)))
        # a Scalar beside a Scalar or a number would make a 0-d float64 Tensor (see Elementwise.plan)
        kind = "tensor" if scalar else draw(st.sampled_from(("tensor", "tensor", "scalar", "number")))
        other_shape = draw(broadcast_partner(shape)) if kind == "tensor" else ()
        value = draw(number_in(*DRAW_RANGE)) if kind == "number" else None
        operands = [None, None]
        operands[at] = Operand("node", shape)
        operands[1 - at] = Operand(kind, other_shape, value=value)
        out = np.broadcast_shapes(shape, other_shape)
        condition = draw(hnp.arrays(np.bool_, draw(broadcast_partner(out))))
        return Call(operands, {"condition": condition})

    def ours(self, operands, params):
        return ag.where(params["condition"], *operands)

    def theirs(self, operands, params):
        return torch.where(torch.from_numpy(params["condition"]), *as_tensors(operands))


@st.composite
def matmul_partner(draw, shape: tuple, at: int):
    """The other operand's shape of ``node @ other`` (``at`` 0) or ``other @ node`` (``at`` 1): a vector, a
    matrix, or a stack of matrices whose batch axes broadcast with the node's."""
    inner = shape[-1] if at == 0 else shape[0] if len(shape) == 1 else shape[-2]
    form = draw(st.sampled_from(("vector", "matrix", "batch")))
    if form == "vector":
        return (inner,)
    outer = draw(st.sampled_from((1, 2, 3, 0)))
    matrix = (inner, outer) if at == 0 else (outer, inner)
    if form == "matrix":
        return matrix
    batch = draw(broadcast_partner(shape[:-2])) if len(shape) > 2 else (draw(st.sampled_from((1, 2, 3))),)
    return batch[-2:] + matrix


class Matmul(Row):
    """``a @ b`` (vectors, matrices, broadcast batches, either side): ``torch.matmul``."""

    def plan(self, draw, shape, scalar):
        if scalar or not shape:
            return None
        at = draw(st.sampled_from((0, 1)))
        operands = [None, None]
        operands[at] = Operand("node", shape)
        operands[1 - at] = Operand("tensor", draw(matmul_partner(shape, at)))
        return Call(operands, {})

    def ours(self, operands, params):
        return operands[0] @ operands[1]

    def theirs(self, operands, params):
        return torch.matmul(*operands)


class BinaryCrossEntropy(Row):
    """``ag.binary_cross_entropy(A, Y, logits=, reduction=)``: ``F.binary_cross_entropy`` (or
    ``_with_logits``). The node is the prediction or the labels; the labels are constants (0/1 or soft)
    or a Tensor that needs a gradient too.

    Convention: the library's mean cross-entropy of no elements is 0 (it divides by max(m, 1)), PyTorch's
    is NaN; a zero-size prediction is tested with ``reduction="sum"`` or ``"none"``.
    """

    def plan(self, draw, shape, scalar):
        if scalar:
            return None
        logits = draw(st.booleans())
        reduction = draw(st.sampled_from((None, "mean", "sum", "none")))
        if math.prod(shape) == 0 and reduction in (None, "mean"):
            reduction = "sum"
        # probabilities stay away from 0 and 1, where the library and PyTorch clamp the logs at -100
        low, high = (-4.0, 4.0) if logits else (0.05, 0.95)
        prediction = Operand("tensor", shape, low, high, (-50.0, 50.0) if logits else (low, high))
        at = draw(st.sampled_from((0, 0, 1)))
        if at == 1:
            labels = Operand("node", shape, 0.0, 1.0, (0.0, 1.0))
        else:
            prediction = replace(prediction, kind="node")
            kind = draw(st.sampled_from(("array", "array", "tensor")))
            fill = draw(st.sampled_from((binary_labels, soft_labels)))
            labels = Operand(kind, shape, 0.0, 1.0, (0.0, 1.0), fill=fill)
        params = {"logits": logits} if logits or draw(st.booleans()) else {}
        if reduction is not None:
            params["reduction"] = reduction
        return Call([prediction, labels], params)

    def ours(self, operands, params):
        return ag.binary_cross_entropy(*operands, **params)

    def theirs(self, operands, params):
        function = F.binary_cross_entropy_with_logits if params.get("logits") else F.binary_cross_entropy
        return function(*operands, reduction=params.get("reduction", "mean"))


class Astype(Row):
    """``x.astype(other float type).astype(x.dtype)``: ``x.to(...).to(...)``.

    The way back keeps a graph in one dtype (NumPy and PyTorch promote a 0-d float64 beside a float32
    array differently); ``test_astype_matches_torch`` casts one way.
    """

    def plan(self, draw, shape, scalar):
        return None if scalar else Call([Operand("node", shape)], {})

    def ours(self, operands, params):
        (x,) = operands
        return x.astype(np.float32 if x.dtype == np.float64 else np.float64).astype(x.dtype)

    def theirs(self, operands, params):
        (x,) = operands
        return x.to(torch.float32 if x.dtype == torch.float64 else torch.float64).to(x.dtype)


class ScalarDot(Row):
    """``Scalar.dot(weights, inputs, bias)``, the neuron's w·x + b on Scalars: ``torch.dot(w, x) + b``
    (tested in ``test_scalar_dot_and_sum_match_torch``, not in Tensor graphs)."""

    graph = False

    def plan(self, draw, shape, scalar):
        return None

    def ours(self, operands, params):
        weights, inputs, bias = operands
        return Scalar.dot(weights, inputs, bias)

    def theirs(self, operands, params):
        weights, inputs, bias = operands
        zero = torch.zeros((), dtype=torch.float64)
        product = torch.dot(torch.stack(weights), torch.stack(inputs)) if weights else zero
        return product if bias is None else product + bias


TORCH_ROWS: dict[str, Row] = {
    # arithmetic
    "add": Elementwise(torch.add),
    "sub": Elementwise(torch.sub),
    "mul": Elementwise(torch.mul),
    "div": Elementwise(torch.div),
    "pow": Elementwise(torch.pow),
    "neg": Elementwise(torch.neg),
    "abs": Elementwise(torch.abs),
    "maximum": Elementwise(torch.maximum),
    "minimum": Elementwise(torch.minimum),
    # functions
    "exp": Elementwise(torch.exp),
    "log": Elementwise(torch.log),
    "sqrt": Elementwise(torch.sqrt),
    "tanh": Elementwise(torch.tanh),
    "sigmoid": Elementwise(torch.sigmoid),
    "relu": Elementwise(torch.relu),
    "leaky_relu": Elementwise(lambda x, slope=0.01: F.leaky_relu(x, negative_slope=slope), _slope),
    "elu": Elementwise(lambda x, alpha=1.0: F.elu(x, alpha=alpha), _alpha),
    "clip": Elementwise(lambda x, low=None, high=None: torch.clamp(x, low, high), _bounds, _clip_kinks),
    "sin": Elementwise(torch.sin),
    "cos": Elementwise(torch.cos),
    "log1p": Elementwise(torch.log1p),
    "expm1": Elementwise(torch.expm1),
    "softplus": Elementwise(F.softplus),  # PyTorch's is linear above 20; inputs stay below 6
    "square": Elementwise(torch.square),
    "reciprocal": Elementwise(torch.reciprocal),
    "gelu": Elementwise(lambda x: F.gelu(x, approximate="tanh")),  # the library's is the tanh approximation
    # losses
    "binary_cross_entropy": BinaryCrossEntropy(),
    # products
    "matmul": Matmul(),
    "dot": ScalarDot(),
    # reductions; max and min are amax and amin, which share the gradient between ties, as the library
    "sum": Reduction(torch.sum, least=0),
    "mean": Reduction(torch.mean),
    "max": Reduction(torch.amax),
    "min": Reduction(torch.amin),
    "var": Reduction(torch.var, ddof=True),
    "std": Reduction(torch.std, least=2, ddof=True),  # at no spread: test_std_and_var_without_spread
    "logsumexp": Reduction(torch.logsumexp),  # of no elements: test_reductions_of_nothing
    "softmax": Softmax(torch.softmax),
    "log_softmax": Softmax(torch.log_softmax),
    # shapes
    "transpose": Transpose(),
    "reshape": Reshape(),
    "getitem": Getitem(),
    "concatenate": Join(torch.cat, new_axis=False),
    "astype": Astype(),
    "stack": Join(torch.stack, new_axis=True),
    "where": Where(),
}

# Ops with no PyTorch row, each with the reason. Empty: every op of the catalogue has an equivalent.
SKIPPED: dict[str, str] = {}

for _name, _row in TORCH_ROWS.items():
    _row.op = OPS.get(_name)  # None for a row that names no op: test_every_torch_row_names_an_op says so
