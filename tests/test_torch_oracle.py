"""PyTorch as a second oracle: random graphs built in the library and in PyTorch, compared node by node.

``test_op_catalogue.py`` checks each op alone against HIPS autograd; here every op of the catalogue that
PyTorch has an equivalent for (the rows of ``torch_cases.py``) is run inside graphs, in float64 and float32:

- each op on new leaves of any shape (0-d, size-1 and zero-size axes, broadcasting), every axis choice of
  the reductions (``None``, ``()``, ints, tuples, negative, ``keepdims``), drawn parameters, Scalars mixed
  into Tensor ops; then random graphs of 2-4 ops in which a node may be used more than once;
- for every node, leaves and intermediates alike: its value, its dtype (float32 stays float32) and its
  gradient for J = sum(output * R), R fixed random weights (so gradients are not all ones);
- inputs lie in each op's domain and away from its kinks: a node an op cannot take is first squashed into
  the op's range (``sigmoid``) or shifted off its kinks (``+ c``), by library ops recorded in both graphs;
- edge cases where PyTorch's answer is the expected one (std and var without spread, pow at a zero base,
  relu at -inf and NaN, reductions of no elements, var and std without degrees of freedom), kept as
  regression tests of the library bugs this suite found.

Requires PyTorch (the ``torch`` extra); skipped without it.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest

torch = pytest.importorskip(
    "torch",
    reason="PyTorch is this file's oracle: install the torch extra, pip install -e '.[torch]' (CPU build)",
)

from helpers import uniform  # noqa: E402
from hypothesis import HealthCheck, assume, given, note, reject, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from torch_cases import (  # noqa: E402
    DRAW_RANGE,
    SKIPPED,
    TORCH_ROWS,
    Operand,
    Reduction,
    shapes,
    torch_index,
)

import autograd_lite as ag  # noqa: E402
from autograd_lite import Scalar, Tensor  # noqa: E402
from autograd_lite.ops import OPS  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")  # the library computes warning-free

RTOL = {np.dtype(np.float64): 1e-9, np.dtype(np.float32): 1e-4}  # atol: RTOL times the array's magnitude
TORCH_DTYPE = {np.dtype(np.float64): torch.float64, np.dtype(np.float32): torch.float32}
NODE_MARGIN = 0.01  # a node closer than this to a kink is shifted (rounding differs far less)
SHIFTS = np.array(sorted(np.linspace(-6.0, 6.0, 2401), key=abs))  # candidate shifts, smallest first
DTYPES = [pytest.param(np.float64, id="float64"), pytest.param(np.float32, id="float32")]
GRAPH_ROWS = [name for name, row in TORCH_ROWS.items() if row.graph]

_SETTINGS = {
    "deadline": None,
    "derandomize": True,  # the same examples on every run and machine
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
}
PER_OP = settings(max_examples=35, **_SETTINGS)
GRAPHS = settings(max_examples=500, **_SETTINGS)


# --- building a graph twice ------------------------------------------------------------------------------





def weights(shape, dtype) -> np.ndarray:
    """Fixed random weights R of the cost J = sum(output * R)."""
    return np.random.default_rng(12345).normal(size=shape).astype(dtype)


class Pair:
    """A node of the library (``ours``: Tensor or Scalar) and its twin in PyTorch (``theirs``)."""

    __slots__ = ("ours", "theirs", "name")

    def __init__(self, ours, theirs, name: str) -> None:
        self.ours, self.theirs, self.name = ours, theirs, name

    @property
    def scalar(self) -> bool:
        return isinstance(self.ours, Scalar)

    @property
    def shape(self) -> tuple:
        return np.shape(self.ours.data)


class Graph:
    """A random graph built in the library and in PyTorch side by side, from hypothesis's draws."""

    def __init__(self, data, dtype) -> None:
        self.draw = data.draw
        self.dtype = np.dtype(dtype)
        self.rng = np.random.default_rng(self.draw(st.integers(0, 2**32 - 1), label="seed"))
        self.pool: list[Pair] = []  # nodes later ops may take: leaves and op results
        self.nodes: list[Pair] = []  # every node (squashes and shifts too): all are compared
        self.lines: list[str] = []  # the graph as text, for failure messages
        self.output: Pair | None = None

    @property
    def program(self) -> str:
        return "\n".join(self.lines)

    def add(self, ours, theirs, text: str, pool: bool = True) -> Pair:
        pair = Pair(ours, theirs, f"n{len(self.nodes)}")
        if theirs.grad_fn is not None:
            theirs.retain_grad()  # PyTorch keeps only the leaves' gradients unless asked
        self.nodes.append(pair)
        if pool:
            self.pool.append(pair)
        self.lines.append(f"{pair.name} = {text}")
        return pair

    # --- leaves and operands ---------------------------------------------------------------------------
    def leaf(self, spec: Operand, scalar: bool = False, grad: bool = True) -> Pair:
        values = uniform(self.rng, spec.low, spec.high, () if scalar else spec.shape, spec.kinks)
        if scalar:
            value = float(values)
            ours = Scalar(value, requires_grad=grad)
            theirs = torch.tensor(value, dtype=torch.float64, requires_grad=grad)
            return self.add(ours, theirs, f"Scalar({value!r}, requires_grad={grad})")
        array = values.astype(self.dtype)
        ours = Tensor(array.copy(), requires_grad=grad)
        theirs = torch.tensor(array, requires_grad=grad)
        return self.add(ours, theirs, f"Tensor(<{spec.shape} {self.dtype}>, requires_grad={grad})")

    def tensor(self, spec: Operand, node: Pair) -> Pair:
        """A Tensor of ``spec.shape``: the node itself, another node of the graph, or a new leaf."""
        same = [p for p in self.pool if not p.scalar and p.shape == spec.shape and p.ours.dtype == self.dtype]
        if same and self.draw(st.integers(0, 2)) == 0:
            if node in same and self.draw(st.booleans()):
                return node  # the same Tensor twice in one op: x * x
            return self.draw(st.sampled_from(same))
        return self.leaf(spec, grad=self.draw(st.integers(0, 4)) > 0)  # sometimes a constant

    def scalar(self, spec: Operand) -> Pair:
        """A Scalar: one of the graph or a new leaf."""
        scalars = [p for p in self.pool if p.scalar]
        if scalars and self.draw(st.booleans()):
            return self.draw(st.sampled_from(scalars))
        return self.leaf(spec, scalar=True, grad=self.draw(st.integers(0, 4)) > 0)

    def derive(self, pair: Pair, ours, theirs, text: str) -> Pair:
        return self.add(ours(pair.ours), theirs(pair.theirs), text, pool=False)

    def adapt(self, pair: Pair, spec: Operand) -> Pair:
        """The node made acceptable to the op, by ops recorded in both graphs: squashed into the op's range,
        shifted off its kinks, given a spread (var and std) where it is (nearly) constant."""
        values = np.asarray(pair.ours.data, dtype=np.float64)
        if not np.isfinite(values).all():
            reject()
        if values.size and (values.min() < spec.accept[0] or values.max() > spec.accept[1]):
            center = float(values.max() + values.min()) / 2
            scale = float(values.max() - values.min()) / 4 or 1.0  # (h - center) / scale in [-2, 2]
            width, low = spec.high - spec.low, spec.low
            squash = lambda h: ((h - center) / scale).sigmoid() * width + low
            text = f"sigmoid(({pair.name} - {center:.6g}) / {scale:.6g}) * {width:.6g} + {low:.6g}"
            pair = self.derive(pair, squash, squash, text)
            values = np.asarray(pair.ours.data, dtype=np.float64)
        kinks = np.array(spec.kinks, dtype=np.float64)
        if kinks.size and values.size and np.abs(values.reshape(-1, 1) - kinks).min() < NODE_MARGIN:
            distance = np.abs(values.reshape(1, -1, 1) + SHIFTS.reshape(-1, 1, 1) - kinks).min(axis=(1, 2))
            good = np.flatnonzero(distance >= NODE_MARGIN)
            if not good.size:
                reject()
            shift = float(SHIFTS[good[0]])
            pair = self.derive(pair, lambda h: h + shift, lambda h: h + shift, f"{pair.name} + {shift:.6g}")
            values = np.asarray(pair.ours.data, dtype=np.float64)
        if spec.spread is not None and values.size:
            magnitude = max(1.0, float(np.abs(values).max()))
            if np.std(values, axis=spec.spread).min() < 0.1 * magnitude:
                ramp = self.ramp(values.shape, spec.spread, magnitude)
                text = f"{pair.name} + <ramp over axes {spec.spread}>"
                pair = self.derive(pair, lambda h: h + ramp, lambda h: h + torch.from_numpy(ramp), text)
        return pair

    def ramp(self, shape: tuple, axes: tuple, magnitude: float) -> np.ndarray:
        """A constant running from 0 to ``magnitude`` within each group of elements reduced over ``axes``."""
        grid = np.indices(shape)
        sizes = [shape[a] for a in axes]
        position = np.ravel_multi_index([grid[a] for a in axes], sizes)
        return (position / max(math.prod(sizes) - 1, 1) * magnitude).astype(self.dtype)

    # --- ops ---------------------------------------------------------------------------------------------
    def pick(self, row) -> Pair | None:
        """The node an op is applied to: usually the last result (a chain), else any node of the graph."""
        candidates = [p for p in self.pool if row.takes_scalars or not p.scalar]
        if self.output in candidates and self.draw(st.integers(0, 2)) > 0:
            return self.output
        return self.draw(st.sampled_from(candidates)) if candidates else None

    def apply(self, name: str, shape: tuple | None = None, scalar: bool = False) -> Pair | None:
        """Apply op ``name`` to a node of the graph, or with ``shape`` to a new leaf (a Scalar if ``scalar``);
        None if the op does not apply to it."""
        row = TORCH_ROWS[name]
        node = None
        if shape is None:
            node = self.pick(row)
            if node is None:
                return None
            shape, scalar = node.shape, node.scalar
        call = row.plan(self.draw, shape, scalar)
        if call is None:
            return None
        if node is None:
            (spec,) = [spec for spec in call.operands if spec.kind == "node"]
            node = self.leaf(spec, scalar=scalar)
        operands = [self.operand(spec, node) for spec in call.operands]  # (ours, theirs, name) each
        ours, theirs, names = (list(column) for column in zip(*operands))
        if any(isinstance(o, Tensor) and o.dtype == np.float32 for o in ours):
            # a Scalar is a Python float: beside a float32 array NumPy computes in float32; in PyTorch its
            # twin, a float64 0-d tensor, is cast (the gradient flows back through the cast)
            theirs = [t.to(torch.float32) if isinstance(o, Scalar) else t for o, t in zip(ours, theirs)]
        params = ", ".join(f"{key}={value!r}" for key, value in call.params.items())
        text = f"{name}({', '.join(names)}{'; ' + params if params else ''})"
        result = row.theirs(theirs, call.params)
        if any(result is t for t in theirs):  # PyTorch may hand back its input (a 1-d flatten): a node of
            result = result.view_as(result)  # its own, as the library's, so the gradients are its own too
        self.output = self.add(row.ours(ours, call.params), result, text)
        return self.output

    def operand(self, spec: Operand, node: Pair) -> tuple:
        """The operand ``spec`` asks for, in the library and in PyTorch, and its name."""
        if spec.kind == "number":
            return spec.value, spec.value, repr(spec.value)
        if spec.kind == "array":
            array = spec.fill(self.rng, spec.shape).astype(self.dtype)
            return array, torch.tensor(array), f"<{spec.shape} constant>"
        if spec.kind == "node":
            pair = node
        else:
            pair = self.tensor(spec, node) if spec.kind == "tensor" else self.scalar(spec)
        pair = self.adapt(pair, spec)
        return pair.ours, pair.theirs, pair.name

    def extend(self, attempts: int = 12) -> Pair:
        """One more op, drawn from every row, applied to a node of the graph."""
        for _ in range(attempts):
            applied = self.apply(self.draw(st.sampled_from(GRAPH_ROWS), label="op"))
            if applied is not None:
                return applied
        reject()

    # --- the comparison ------------------------------------------------------------------------------------
    def check(self) -> None:
        """Every node's value, dtype and gradient of J = sum(output * R) against PyTorch's."""
        note(self.program)
        out = self.output
        R = weights(out.shape, np.float64 if out.scalar else self.dtype)
        if out.scalar:
            J_ours, J_theirs = out.ours * float(R), out.theirs * float(R)
        else:
            J_ours, J_theirs = (out.ours * R).sum(), (out.theirs * torch.from_numpy(R)).sum()
        J = self.add(J_ours, J_theirs, f"sum({out.name} * R)", pool=False)
        for pair in self.nodes:
            self.check_node(pair)
        assert J.ours.requires_grad == J.theirs.requires_grad, self.message("requires_grad", J)
        if not J.ours.requires_grad:
            return
        J_ours.backward()
        J_theirs.backward()
        for pair in self.nodes:
            if pair.ours.requires_grad:
                self.check_grad(pair)

    def message(self, what: str, pair: Pair) -> str:
        return f"{what} of {pair.name} differs from PyTorch's in the graph\n{self.program}"

    def check_node(self, pair: Pair) -> None:
        ours, theirs = pair.ours, pair.theirs
        if pair.scalar:
            assert type(ours.data) is float and theirs.dtype == torch.float64, self.message("type", pair)
        else:
            assert ours.dtype == self.dtype, self.message(f"dtype {ours.dtype}", pair)
            expected = TORCH_DTYPE[self.dtype]
            assert theirs.dtype == expected, self.message(f"PyTorch's dtype {theirs.dtype}", pair)
        assert ours.requires_grad == theirs.requires_grad, self.message("requires_grad", pair)
        assert_close(ours.data, theirs.detach().numpy(), self.dtype, self.message("the value", pair))

    def check_grad(self, pair: Pair) -> None:
        ours, theirs = pair.ours, pair.theirs
        expected = np.zeros(pair.shape) if theirs.grad is None else theirs.grad.numpy()
        grad = ours.grad
        if grad is None:  # a node the output does not depend on (PyTorch: None as well)
            grad = np.zeros(pair.shape)
        elif pair.scalar:
            assert type(grad) is float, self.message("the gradient's type", pair)
        else:
            same = grad.dtype == self.dtype and grad.shape == pair.shape
            assert same, self.message(f"the gradient's dtype {grad.dtype} or shape {grad.shape}", pair)
        assert_close(grad, expected, self.dtype, self.message("the gradient", pair))


def assert_close(actual, expected, dtype, message: str) -> None:
    """Equal shapes; values within RTOL of the dtype, and an atol of RTOL times the expected array's
    magnitude (rounding in a sum or a difference is relative to its terms, not to its result)."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"shape {actual.shape} != PyTorch's {expected.shape}: {message}"
    rtol = RTOL[np.dtype(dtype)]
    finite = np.abs(expected[np.isfinite(expected)])
    scale = max(1.0, float(finite.max())) if finite.size else 1.0
    np.testing.assert_allclose(
        actual, expected, rtol=rtol, atol=rtol * scale, equal_nan=True, err_msg=message
    )


# --- a. every op has a PyTorch row --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(OPS))
def test_every_op_has_a_torch_row(name):
    assert name in TORCH_ROWS or name in SKIPPED, (
        f"op {name!r} has no PyTorch oracle: add its row to tests/torch_cases.py (or, if PyTorch has no "
        "equivalent, an entry in SKIPPED saying why)"
    )


@pytest.mark.parametrize("name", [*TORCH_ROWS, *SKIPPED])
def test_every_torch_row_names_an_op(name):
    assert name in OPS, f"tests/torch_cases.py names {name!r}, which is not an op in OPS"
    assert not (name in TORCH_ROWS and name in SKIPPED), f"{name!r} has a row and is skipped"
    assert name in TORCH_ROWS or SKIPPED[name].strip(), f"skipped op {name!r} needs a reason"


# --- b. each op, then random graphs ------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", GRAPH_ROWS)
@PER_OP
@given(data=st.data())
def test_op_matches_torch(name, dtype, data):
    """The op on new leaves of a drawn shape (a Scalar, for elementwise ops, now and then), with drawn
    parameters and operands, then maybe one more op on its result."""
    graph = Graph(data, dtype)
    scalar = TORCH_ROWS[name].takes_scalars and data.draw(st.integers(0, 4)) == 0
    shape = () if scalar else data.draw(shapes(), label="shape")
    assume(graph.apply(name, shape, scalar) is not None)
    if data.draw(st.booleans()):
        graph.extend()
    graph.check()


@pytest.mark.parametrize("dtype", DTYPES)
@GRAPHS
@given(data=st.data())
def test_random_graphs_match_torch(dtype, data):
    """2-4 ops drawn from every row, each on the last result or on any earlier node; operands are nodes of
    the graph (the same node again included), new leaves, Scalars or numbers."""
    graph = Graph(data, dtype)
    graph.leaf(Operand("tensor", data.draw(shapes(), label="shape")))
    if data.draw(st.integers(0, 3)) == 0:
        graph.leaf(Operand("scalar"), scalar=True)
    for _ in range(data.draw(st.integers(2, 4), label="depth")):
        graph.extend()
    graph.check()


REDUCTIONS = [name for name, row in TORCH_ROWS.items() if isinstance(row, Reduction)]
AXIS_CHOICES = [None, *(axes for n in range(4) for axes in itertools.combinations(range(3), n))]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_over_every_axis_choice(name, dtype):
    """Every reduction over every axis choice of a (2, 3, 1) array (None, (), each subset, written with
    negative axes too), with and without keepdims, through the rows' calls; var and std with ddof 0 and,
    where there are 2 or more elements, 1. Also a zero-size (2, 0, 3) array for sum and logsumexp."""
    row = TORCH_ROWS[name]
    cases = [((2, 3, 1), axes) for axes in AXIS_CHOICES]
    if name in ("sum", "logsumexp"):
        cases += [((2, 0, 3), axes) for axes in AXIS_CHOICES]
    values = np.random.default_rng(7).uniform(*DRAW_RANGE, size=6)
    for shape, axes in cases:
        count = math.prod(shape[a] for a in (range(3) if axes is None else axes))
        for keepdims, ddof, negative in itertools.product((False, True), (0, 1), (False, True)):
            if ddof and (not row.ddof or count < 2):
                continue
            spelled = None if axes is None else tuple(a - 3 for a in axes) if negative else axes
            params = {"axis": spelled, "keepdims": keepdims, **({"ddof": ddof} if row.ddof else {})}
            x, tx = twins(values[: math.prod(shape)].reshape(shape), dtype)
            y, ty = row.ours([x], params), row.theirs([tx], params)
            what = f"{name}({params}) of {shape}"
            assert y.dtype == dtype, what
            assert_matches(y.data, ty, dtype, f"value of {what}")
            backward_both(y, ty, weights(y.shape, dtype))
            assert x.grad.dtype == dtype, what
            assert_matches(x.grad, tx.grad, dtype, f"gradient of {what}")


# --- c. reuse, Scalars, the Scalar APIs, casts --------------------------------------------------------------


def twins(values, dtype=np.float64, grad: bool = True):
    """A Tensor and the equal PyTorch tensor, both requiring grad."""
    array = np.asarray(values, dtype=dtype)
    return Tensor(array.copy(), requires_grad=grad), torch.tensor(array, requires_grad=grad)


def assert_matches(ours, theirs, dtype=np.float64, what: str = "") -> None:
    assert_close(np.asarray(ours), theirs.detach().numpy(), dtype, what)


@pytest.mark.parametrize("dtype", DTYPES)
def test_a_node_used_several_times(dtype):
    """x * x + x, and the result used again: every use adds to the gradient of x and of y."""
    x, tx = twins([[0.5, -1.25, 2.0], [1.5, -0.75, 0.25]], dtype)
    y, ty = x * x + x, tx * tx + tx
    z, tz = (y * x).sum(axis=0) + y.max(axis=1).sum(), (ty * tx).sum(dim=0) + ty.amax(dim=1).sum()
    ty.retain_grad()
    tz.retain_grad()
    R = weights(z.shape, dtype)
    (z * R).sum().backward()
    (tz * torch.from_numpy(R)).sum().backward()
    for name, ours, theirs in (("y", y, ty), ("z", z, tz), ("x", x, tx)):
        assert ours.dtype == dtype and ours.grad.dtype == dtype, name
        assert_matches(ours.data, theirs, dtype, f"value of {name}")
        assert_matches(ours.grad, theirs.grad, dtype, f"gradient of {name}")


@pytest.mark.parametrize("dtype", DTYPES)
def test_scalars_mixed_into_tensor_ops(dtype):
    """Scalars on either side of Tensor ops, one used several times: its gradient is the sum over every
    position it met, as a 0-d PyTorch tensor's; a float32 Tensor stays float32."""
    x, tx = twins([[0.5, -1.25, 2.0], [1.5, -0.75, 0.25]], dtype)
    s, a = Scalar(1.3, label="s"), Scalar(-0.4, label="a")
    ts, ta = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (1.3, -0.4))
    cs, ca = ts.to(tx.dtype), ta.to(tx.dtype)  # NumPy computes a Python float beside float32 in float32
    u = s * a + s.tanh()  # Scalar ops make a Scalar
    tu = ts * ta + ts.tanh()
    cu = tu.to(tx.dtype)
    out = x * s + s**2 * x.exp() - ag.maximum(x, a) / u + u ** x.sigmoid() + ag.where(x > 0, x, s)
    out = out.sum(axis=1)
    tout = (
        tx * cs
        + cs**2 * tx.exp()
        - torch.maximum(tx, ca) / cu
        + cu ** tx.sigmoid()
        + torch.where(tx > 0, tx, cs)
    )
    tout = tout.sum(dim=1)
    assert isinstance(u, Scalar) and out.dtype == dtype
    R = weights(out.shape, dtype)
    (out * R).sum().backward()
    (tout * torch.from_numpy(R)).sum().backward()
    assert_matches(out.data, tout, dtype, "value")
    assert x.grad.dtype == dtype
    assert_matches(x.grad, tx.grad, dtype, "dx")
    for name, ours, theirs in (("s", s, ts), ("a", a, ta)):
        assert type(ours.grad) is float, name
        assert_matches(ours.grad, theirs.grad, dtype, f"d{name}")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "index",
    [
        np.array([0, 0, 2]),  # a repeated row
        (np.array([1, -2, 1]), slice(None)),  # the same row written two ways
        (slice(None), np.array([[0, 3], [3, 0]])),  # a 2-d index array
        (np.array([0, 1, 0]), np.array([3, 2, 3])),  # a repeated element through two arrays
        (Ellipsis, np.array([2, 2]), None),
    ],
    ids=["rows", "negative", "2-d", "pairs", "ellipsis"],
)
def test_repeated_indices_add_up(index, dtype):
    """Each use of an element adds its share to the element's gradient (PyTorch's index backward
    accumulates as well)."""
    x, tx = twins(np.arange(12.0).reshape(3, 4) / 7 - 0.5, dtype)
    y, ty = x[index], tx[torch_index(index)]
    backward_both(y, ty, weights(y.shape, dtype))
    assert_matches(y.data, ty, dtype, "value")
    assert_matches(x.grad, tx.grad, dtype, "gradient")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axes", [(1, 2, 0), (2, 0, 1), (-1, 0, -2), (0, 2, 1, 3)])
def test_transpose_by_a_cycle(axes, dtype):
    """A permutation that is not its own inverse: the gradient goes back through the inverse one."""
    shape = (2, 3, 4, 5)[: len(axes)]
    x, tx = twins(np.arange(math.prod(shape), dtype=np.float64).reshape(shape) / 10, dtype)
    y, ty = x.transpose(axes), tx.permute(axes)
    backward_both(y, ty, weights(y.shape, dtype))
    assert_matches(y.data, ty, dtype, "value")
    assert_matches(x.grad, tx.grad, dtype, "gradient")


@settings(max_examples=40, **_SETTINGS)
@given(
    n=st.integers(0, 4),
    inputs_are_numbers=st.booleans(),
    bias=st.sampled_from(("Scalar", "number", None)),
    seed=st.integers(0, 2**32 - 1),
)
def test_scalar_dot_and_sum_match_torch(n, inputs_are_numbers, bias, seed):
    """The Scalar n-ary APIs: ``Scalar.dot(w, x, b)`` against ``torch.dot(w, x) + b``, ``Scalar.sum``
    against ``torch.stack(...).sum()``."""
    values = np.random.default_rng(seed).uniform(*DRAW_RANGE, size=2 * n + 1)
    w = [Scalar(v) for v in values[:n]]
    tw = [torch.tensor(v, requires_grad=True) for v in values[:n]]
    if inputs_are_numbers:
        x, tx = [float(v) for v in values[n : 2 * n]], [torch.tensor(v) for v in values[n : 2 * n]]
    else:
        x = [Scalar(v) for v in values[n : 2 * n]]
        tx = [torch.tensor(v, requires_grad=True) for v in values[n : 2 * n]]
    b = tb = None
    if bias == "Scalar":
        b, tb = Scalar(values[-1]), torch.tensor(values[-1], requires_grad=True)
    elif bias == "number":
        b, tb = float(values[-1]), torch.tensor(values[-1])
    z = TORCH_ROWS["dot"].ours([w, x, b], {})
    tz = TORCH_ROWS["dot"].theirs([tw, tx, tb], {})
    total = Scalar.sum([z, *w, z])  # z twice: its gradient adds up
    ttotal = torch.stack([tz, *tw, tz]).sum()
    assert_matches(total.data, ttotal)
    assert total.requires_grad == ttotal.requires_grad
    if not total.requires_grad:  # no weights, a number as the bias
        return
    total.backward()
    ttotal.backward()
    for ours, theirs in zip([*w, *x, b], [*tw, *tx, tb]):
        if isinstance(ours, Scalar):
            assert_matches(ours.grad, theirs.grad)


@pytest.mark.parametrize(("start", "target"), [(np.float64, np.float32), (np.float32, np.float64)])
def test_astype_matches_torch(start, target):
    """One cast (graphs cast there and back): the value in the new dtype, the gradient cast back."""
    x, tx = twins([[0.1, -2.5, 3.0], [1e-3, 7.25, -0.3]], start)
    y, ty = x.astype(target), tx.to(TORCH_DTYPE[np.dtype(target)])
    assert y.dtype == target and ty.dtype == TORCH_DTYPE[np.dtype(target)]
    assert_matches(y.data, ty, target, "value")
    R = weights(y.shape, target)
    (y * R).sum().backward()
    (ty * torch.from_numpy(R)).sum().backward()
    assert x.grad.dtype == start
    assert_matches(x.grad, tx.grad, start, "gradient")


# --- d. edge cases where PyTorch's answer is the expected one (regression tests) ----------------------------


def backward_both(ours, theirs, grad) -> None:
    ours.backward(grad)
    theirs.backward(torch.as_tensor(grad, dtype=theirs.dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["std", "var"])
@pytest.mark.parametrize(
    ("values", "axis"),
    [
        ([[1.0, 1.0, 1.0], [2.0, 3.0, 4.0]], 1),  # a row without spread
        ([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], None),  # no spread at all
        ([[1.0], [2.5]], 1),  # an axis of length 1
        ([[1.0, -2.0, 0.5]], 0),
        (4.0, None),  # a 0-d tensor
    ],
)
def test_std_and_var_without_spread(name, values, axis, dtype):
    """ddof=0 (the library's default is NumPy's; PyTorch's correction is passed explicitly): value 0 and
    gradient 0 where there is no spread, as PyTorch's."""
    x, tx = twins(values, dtype)
    y = getattr(x, name)(axis=axis)
    ty = getattr(torch, name)(tx, dim=None if axis is None else axis, correction=0)
    assert_matches(y.data, ty, dtype, "value")
    backward_both(y, ty, weights(y.shape, dtype))
    assert_matches(x.grad, tx.grad, dtype, "gradient")


@pytest.mark.parametrize("name", ["std", "var"])
def test_std_and_var_with_ddof_1_over_one_element_are_nan(name):
    """The sample spread of one element is 0/0: NaN, as PyTorch's (and NumPy's)."""
    x, tx = twins([[1.0], [2.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both warn that the degrees of freedom are <= 0
        y = getattr(x, name)(axis=1, ddof=1)
        ty = getattr(torch, name)(tx, dim=1, correction=1)
    assert np.isnan(y.data).all() and torch.isnan(ty).all()


@pytest.mark.parametrize("name", ["var", "std"])
def test_spread_backward_with_ddof_1_over_one_element_is_nan(name):
    # no degrees of freedom: the value and the gradient are nan (var once raised ZeroDivisionError, and
    # std's "slope 0 at spread 0" rule once turned the nan slope into 0)
    x, tx = twins([[1.0], [2.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y, ty = getattr(x, name)(axis=1, ddof=1), getattr(torch, name)(tx, dim=1, correction=1)
        backward_both(y, ty, np.ones(2))
    assert torch.isnan(tx.grad).all()
    assert_matches(x.grad, tx.grad, what="gradient")


@pytest.mark.parametrize("name", ["std", "var"])
def test_std_and_var_of_nothing_with_ddof_0_are_nan(name):
    x, tx = twins(np.zeros((0, 3)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y, ty = getattr(x, name)(axis=0), getattr(torch, name)(tx, dim=0, correction=0)
    assert_matches(y.data, ty, what="value")
    assert np.isnan(y.data).all()


@pytest.mark.parametrize("name", ["std", "var"])
def test_std_and_var_of_nothing_with_ddof_1_are_nan(name):
    # degrees of freedom max(0 - 1, 0) = 0, as NumPy counts them (once -1, which gave -0.0)
    x, tx = twins(np.zeros((0, 3)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y, ty = getattr(x, name)(axis=0, ddof=1), getattr(torch, name)(tx, dim=0, correction=1)
    assert_matches(y.data, ty, what="value")


@pytest.mark.parametrize("dtype", DTYPES)
def test_pow_at_a_zero_base(dtype):
    """x ** e at x = 0 for a Tensor exponent e in {0, 1, 2, 3}: x.grad = e·0^(e-1) (0 for e = 0) and
    e.grad = 0 (finite: 0^e ln 0 is taken as 0); x ** 0 with a number; 0.0 ** v at v = [0, 1]."""
    x, tx = twins([0.0, 0.0, 0.0, 0.0], dtype)
    e, te = twins([0.0, 1.0, 2.0, 3.0], dtype)
    y, ty = x**e, tx**te
    assert_matches(y.data, ty, dtype, "value")
    backward_both(y, ty, np.array([1.5, -0.5, 2.0, 1.0], dtype=dtype))
    assert np.isfinite(e.grad).all()
    assert_matches(x.grad, tx.grad, dtype, "dx")
    assert_matches(e.grad, te.grad, dtype, "de")

    x, tx = twins([0.0, 2.0], dtype)
    y, ty = x**0, tx**0
    backward_both(y, ty, np.ones(2, dtype=dtype))
    assert_matches(y.data, ty, dtype, "x ** 0")
    assert_matches(x.grad, tx.grad, dtype, "d(x ** 0)/dx")

    v, tv = twins([0.0, 1.0], dtype)
    y, ty = 0.0**v, 0.0**tv
    backward_both(y, ty, np.ones(2, dtype=dtype))
    assert_matches(y.data, ty, dtype, "0 ** v")
    assert np.isfinite(v.grad).all()
    assert_matches(v.grad, tv.grad, dtype, "d(0 ** v)/dv")


@pytest.mark.parametrize("dtype", DTYPES)
def test_relu_at_infinity_and_nan(dtype):
    """relu(-inf) = 0, relu(inf) = inf, relu(nan) = nan, as PyTorch's; the gradient agrees away from NaN.

    Convention: at NaN the library's gradient is 0 (relu' = [z > 0]), PyTorch's passes the incoming
    gradient on (its mask is [relu(z) <= 0], false for NaN); neither is a derivative, so it is not compared.
    """
    x, tx = twins([-np.inf, np.inf, np.nan, -1.0, 2.0], dtype)
    y, ty = x.relu(), torch.relu(tx)
    assert_matches(y.data, ty, dtype, "value")
    assert y.data[0] == 0 and np.isnan(y.data[2])
    backward_both(y, ty, np.array([1.5, -0.5, 2.0, 1.0, 3.0], dtype=dtype))
    finite = [0, 1, 3, 4]
    assert_matches(x.grad[finite], tx.grad[finite], dtype, "gradient")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    ("name", "axis", "ours", "theirs"),
    [
        ("logsumexp", 0, lambda x: x.logsumexp(axis=0), lambda t: torch.logsumexp(t, dim=0)),  # -inf
        ("logsumexp", None, lambda x: x.logsumexp(), lambda t: torch.logsumexp(t, dim=(0, 1))),
        ("logsumexp", 1, lambda x: x.logsumexp(axis=1, keepdims=True), lambda t: torch.logsumexp(t, 1, True)),
        ("softmax", 0, lambda x: x.softmax(axis=0), lambda t: torch.softmax(t, dim=0)),
        ("softmax", 1, lambda x: x.softmax(axis=1), lambda t: torch.softmax(t, dim=1)),
        ("log_softmax", 0, lambda x: x.log_softmax(axis=0), lambda t: torch.log_softmax(t, dim=0)),
        ("log_softmax", 1, lambda x: ag.log_softmax(x, axis=1), lambda t: torch.log_softmax(t, dim=1)),
        ("sum", 0, lambda x: x.sum(axis=0), lambda t: t.sum(dim=0)),  # 0
        ("mean", 0, lambda x: x.mean(axis=0), lambda t: t.mean(dim=0)),  # NaN
    ],
)
def test_reductions_of_nothing(name, axis, ours, theirs, dtype):
    """Over a zero-size axis: logsumexp is -inf (the log of an empty sum), a softmax is empty, a sum is 0,
    a mean NaN; the gradients are empty."""
    x, tx = twins(np.zeros((0, 3)), dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the mean's 0/0 warns, as NumPy's
        y, ty = ours(x), theirs(tx)
        assert y.dtype == dtype
        assert_matches(y.data, ty, dtype, "value")
        backward_both(y, ty, weights(y.shape, dtype))
    assert x.grad.shape == (0, 3) and x.grad.dtype == dtype
    assert_matches(x.grad, tx.grad, dtype, "gradient")


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_and_min_of_nothing_are_errors(name):
    x, tx = twins(np.zeros((0, 3)))
    with pytest.raises(ag.ShapeError):
        getattr(x, name)(axis=0)
    with pytest.raises((RuntimeError, IndexError)):
        getattr(torch, f"a{name}")(tx, dim=0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_ties_share_the_gradient(dtype):
    """max and min split the gradient between tied elements (PyTorch's amax and amin), maximum and minimum
    in half between tied operands (PyTorch's maximum and minimum)."""
    values = [[3.0, 1.0, 3.0], [-2.0, -2.0, 0.5]]
    for ours, theirs in (
        (lambda x: x.max(axis=1), lambda t: t.amax(dim=1)),
        (lambda x: x.min(), lambda t: t.amin()),
        (lambda x: ag.maximum(x, x[::-1]), lambda t: torch.maximum(t, t.flip(0))),
        (lambda x: ag.minimum(x, 0.5), lambda t: torch.minimum(t, torch.tensor(0.5, dtype=t.dtype))),
    ):
        x, tx = twins(values, dtype)
        y, ty = ours(x), theirs(tx)
        backward_both(y, ty, weights(y.shape, dtype))
        assert_matches(y.data, ty, dtype, "value")
        assert_matches(x.grad, tx.grad, dtype, "gradient")


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_cross_entropy_at_certain_predictions(dtype):
    """Predictions of exactly 0 and 1: both libraries clamp the logs at -100 and the gradient's denominator
    A(1 - A) at 1e-12 (PyTorch's 1e-12 is a float32 constant, 4e-9 away: compared to 1e-8)."""
    A, tA = twins([0.0, 1.0, 1.0, 0.0, 0.5], dtype)
    Y = np.array([0.0, 1.0, 0.0, 1.0, 1.0], dtype=dtype)
    J = ag.binary_cross_entropy(A, Y, reduction="sum")
    tJ = torch.nn.functional.binary_cross_entropy(tA, torch.tensor(Y), reduction="sum")
    assert_matches(J.data, tJ, dtype, "value")
    backward_both(J, tJ, np.array(1.0, dtype=dtype))
    np.testing.assert_allclose(A.grad, tA.grad.numpy(), rtol=max(RTOL[np.dtype(dtype)], 1e-8), atol=0)
