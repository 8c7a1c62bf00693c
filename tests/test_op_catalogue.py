"""Op tests generated from the op catalogue: every op in ``autograd_lite.ops.OPS`` is tested from its record.

The record says what an op is (an elementwise rule or a structural forward/VJP, its arity, parameters,
domain and kinks, how it is written, the formulas diagrams print); ``op_cases.py`` adds one row per op:
an oracle written with ``autograd.numpy`` (HIPS autograd differentiates it independently) and the
parameters or inputs to test with. From the two, this file generates for every op:

- that it has a row (and that every row names an op);
- elementwise ops on Scalars: the rule on floats, then value and gradients through the public API,
  against the oracle, and ``gradcheck``; inputs drawn (seeded) from the record's domain, away from its kinks;
- elementwise ops on Tensors: float64 and float32, binary ops broadcasting, and with a Scalar operand;
- that the rule that runs is the record's: a Scalar keeps the local derivatives the rule returned, a
  Tensor's gradient is ``g ⊙ partial`` from the rule, a structural node records its op;
- ops flagged for the command line, run in a program (``J = tanh(a)``, ``J = a * b``);
- the record's formulas on the edges of a backward diagram;
- structural ops (and the Scalar n-ary APIs): value and gradients against the oracle, and ``gradcheck``.

A new op is covered as soon as it is in ``OPS`` and has its row.
"""

from __future__ import annotations

import functools
import operator
import re
import zlib

import numpy as np
import pytest
from autograd import grad
from helpers import uniform
from op_cases import ROWS, Elementwise, Scalars, Tensors, cases
from pytest import approx

import autograd_lite as ag
from autograd_lite import Scalar, Tensor, gradcheck, ops, viz
from autograd_lite.app.program import FUNCTIONS, OPERATORS, run_program
from autograd_lite.ops import OPS, wrap

REL, ABS = 1e-9, 1e-12  # float64 against the oracle
REL32, ABS32 = 1e-5, 1e-5  # float32: rounding in every step
DEFAULT_RANGE = (-3.0, 3.0)  # where inputs are drawn from when the record has no domain
POINTS = 3  # Scalar points per op
BROADCAST_SHAPES = {1: [((2, 3),)], 2: [((3, 1), (1, 4)), ((), (2, 3))]}
NAMES = "abcde"


def ops_where(predicate) -> list:
    """The ops for which ``predicate(op)`` holds, as parameters named after them."""
    return [pytest.param(op, id=name) for name, op in OPS.items() if predicate(op)]


ALL_OPS = ops_where(lambda op: True)
ELEMENTWISE = ops_where(lambda op: op.elementwise)
ELEMENTWISE_TENSOR = ops_where(lambda op: op.elementwise and op.forward is not None)
BINARY_TENSOR = ops_where(lambda op: op.elementwise and op.forward is not None and op.arity == 2)
SCALAR_METHOD = ops_where(lambda op: op.elementwise and op.method is not None and hasattr(Scalar, op.method))
PROGRAM = ops_where(lambda op: op.program)
STRUCTURAL = ops_where(lambda op: not op.elementwise)
TENSOR_CASES = [
    pytest.param(op, shapes, dtype, id=f"{op.name}-{'&'.join(map(str, shapes))}-{np.dtype(dtype).name}")
    for op in OPS.values()
    if op.elementwise and op.forward is not None
    for shapes in BROADCAST_SHAPES[op.arity]
    for dtype in (np.float64, np.float32)
]


# --- the rows, the records and how user code calls an op ------------------------------------------


def row_for(op):
    """The op's row in op_cases.py; a clear failure when there is none or it is the wrong kind."""
    row = ROWS.get(op.name)
    if row is None:
        kind = "Elementwise(oracle, **params)" if op.elementwise else "Tensors(...) or Scalars(...)"
        pytest.fail(f"op {op.name!r} has no row in tests/op_cases.py: add {kind}", pytrace=False)
    kinds = (Elementwise,) if op.elementwise else (Tensors, Scalars)
    if not all(isinstance(case, kinds) for case in cases(row)):
        wanted = " or ".join(kind.__name__ for kind in kinds)
        pytest.fail(f"op {op.name!r}: its row in tests/op_cases.py must be {wanted}", pytrace=False)
    return row


def bound(op, params: dict):
    """The record with its parameters fixed, as the engine makes it (``leaky_relu`` with ``slope=0.1``)."""
    return op.bind(**params) if params else op


def rule_on(op, params: dict, xp: str):
    """The record's rule on ``"floats"`` or ``"arrays"``, asked for every derivative.

    Returns ``values -> (value, partials)``, as the engine runs it (parameters bound, ``needs`` given).
    """
    record = bound(op, params)
    kernel = ops.floats if xp == "floats" else ops.arrays
    rule = functools.partial(record.rule, kernel, **record.params)  # a Tensor may defer the partials
    if op.takes_needs:
        return lambda *values: rule(*values, needs=(True,) * len(values))
    return rule


def oracle_of(op):
    """The op's HIPS autograd oracle with its test parameters bound."""
    row = row_for(op)
    return functools.partial(row.oracle, **row.params)


def user_call(op, params: dict):
    """The op as user code writes it: an operator (``a + b``, ``-a``), a method (``x.leaky_relu(slope=0.1)``)
    or, for a binary op that is no operator, the module function (``ag.maximum(x, y)``, which takes
    Scalars, Tensors and numbers in either place)."""
    function = getattr(ag, op.name, None)
    if op.arity == 2 and op.symbol is None and function is not None:
        return lambda *nodes: function(*nodes, **params)
    return method_call(op, params)


def method_call(op, params: dict):
    """The op as a method of its first operand (``a.tanh()``; operators as ``a + b``)."""
    assert op.method is not None, f"op {op.name!r} has neither a method nor a function in autograd_lite"
    if op.method.startswith("__"):
        return getattr(operator, op.method.strip("_"))
    return lambda first, *others: getattr(first, op.method)(*others, **params)


# --- inputs ----------------------------------------------------------------------------------------


def rng_for(*key) -> np.random.Generator:
    """A generator seeded from the test's key: every case has its own fixed data."""
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def input_ranges(op) -> list[tuple[float, float]]:
    """Where each input is drawn from: the record's domain ranges, else [-3, 3]."""
    given = op.domain.ranges if op.domain is not None else ()
    return [given[i] if i < len(given) else DEFAULT_RANGE for i in range(op.arity)]



def draw(op, rng, shapes) -> list[np.ndarray]:
    """One array per input of an elementwise op, from its range, away from its kinks."""
    return [uniform(rng, low, high, shape, op.kinks) for (low, high), shape in zip(input_ranges(op), shapes)]


def scalar_points(op, *key) -> list[tuple[float, ...]]:
    """Seeded Scalar test inputs from the op's domain, away from its kinks."""
    rng = rng_for(op.name, "points", *key)
    return [tuple(float(x) for x in draw(op, rng, [()] * op.arity)) for _ in range(POINTS)]


def scalars(values) -> list[Scalar]:
    """Labelled Scalars a, b, ... holding ``values``."""
    return [Scalar(value, label=name) for value, name in zip(values, NAMES)]


def weights(shape) -> np.ndarray:
    """Fixed random weights R for the cost J = sum(out * R), whose gradients are not all ones.

    ``out.backward(R)`` gives dJ/d(input) through the op under test alone (no mul, no sum);
    ``gradcheck`` builds J with the ops.
    """
    return np.random.default_rng(12345).normal(size=shape)


def oracle_cost_gradients(oracle, arrays, R) -> list:
    """d sum(oracle(*arrays) * R) / d(each array), by HIPS autograd."""
    cost = lambda *xs: (oracle(*xs) * R).sum()
    return [grad(cost, i)(*arrays) for i in range(len(arrays))]


# --- a. every op has a row -------------------------------------------------------------------------


@pytest.mark.parametrize("op", ALL_OPS)
def test_every_op_has_a_row(op):
    row = row_for(op)
    if op.elementwise:
        assert set(row.params) == set(op.param_names), (
            f"op {op.name!r} takes {op.param_names}; its row must give each a value to test with"
        )


@pytest.mark.parametrize("name", list(ROWS))
def test_every_row_names_an_op(name):
    assert name in OPS, f"tests/op_cases.py has a row for {name!r}, which is not an op in OPS"


# --- b. elementwise ops on Scalars -----------------------------------------------------------------


@pytest.mark.parametrize("op", ELEMENTWISE)
def test_scalar_rule_matches_oracle(op):
    """The record's rule on floats (``op.scalar``): the value and each partial derivative."""
    rule, oracle = rule_on(op, row_for(op).params, "floats"), oracle_of(op)
    for values in scalar_points(op):
        value, partials = rule(*values)
        assert value == approx(float(oracle(*values)), rel=REL, abs=ABS), f"value at {values}"
        for i, partial in enumerate(partials):
            expected = float(grad(oracle, i)(*values))
            assert float(partial) == approx(expected, rel=REL, abs=ABS), f"partial {i} at {values}"


@pytest.mark.parametrize("op", ELEMENTWISE)
def test_elementwise_op_on_scalars_matches_oracle(op):
    call, oracle = user_call(op, row_for(op).params), oracle_of(op)
    for values in scalar_points(op):
        leaves = scalars(values)
        out = call(*leaves)
        out.backward()
        assert float(out.data) == approx(float(oracle(*values)), rel=REL, abs=ABS), f"value at {values}"
        for i, leaf in enumerate(leaves):
            expected = float(grad(oracle, i)(*values))
            assert leaf.grad == approx(expected, rel=REL, abs=ABS), f"d/d{leaf.label} at {values}"
        assert gradcheck(call, scalars(values))


# --- c. elementwise ops on Tensors -----------------------------------------------------------------


@pytest.mark.parametrize(("op", "shapes", "dtype"), TENSOR_CASES)
def test_elementwise_op_on_tensors_matches_oracle(op, shapes, dtype):
    call, oracle = user_call(op, row_for(op).params), oracle_of(op)
    arrays = [x.astype(dtype) for x in draw(op, rng_for(op.name, shapes), shapes)]
    tensors = [Tensor(x, requires_grad=True, label=name) for x, name in zip(arrays, NAMES)]
    exact = [x.astype(np.float64) for x in arrays]  # the oracle sees the very same values
    rel, abs_ = (REL, ABS) if dtype == np.float64 else (REL32, ABS32)

    out = call(*tensors)
    assert out.dtype == dtype
    np.testing.assert_allclose(out.data, oracle(*exact), rtol=rel, atol=abs_)

    R = weights(out.shape)
    out.backward(R)  # dJ/d(out) = R, seeded in the output dtype
    for tensor, expected in zip(tensors, oracle_cost_gradients(oracle, exact, R)):
        assert tensor.grad.dtype == dtype and tensor.grad.shape == tensor.shape, tensor.label
        np.testing.assert_allclose(tensor.grad, expected, rtol=rel, atol=abs_, err_msg=f"d{tensor.label}")

    if dtype == np.float64:
        assert gradcheck(lambda *ts: (call(*ts) * R).sum(), tensors)


@pytest.mark.parametrize("scalar_at", [0, 1], ids=["scalar-first", "scalar-second"])
@pytest.mark.parametrize("op", BINARY_TENSOR)
def test_scalar_operand_of_tensor_op(op, scalar_at):
    """``s * t``, ``t ** s``: the Scalar's gradient is the sum over every position it broadcast to."""
    call, oracle = user_call(op, row_for(op).params), oracle_of(op)
    shapes = [(2, 3), (2, 3)]
    shapes[scalar_at] = ()
    values = draw(op, rng_for(op.name, "scalar operand", scalar_at), shapes)
    values[scalar_at] = float(values[scalar_at])
    nodes = [Tensor(values[i], requires_grad=True, label=NAMES[i]) for i in range(2)]
    nodes[scalar_at] = Scalar(values[scalar_at], label=NAMES[scalar_at])

    out = call(*nodes)
    assert isinstance(out, Tensor)
    np.testing.assert_allclose(out.data, oracle(*values), rtol=REL, atol=ABS)
    R = weights(out.shape)
    out.backward(R)
    for node, expected in zip(nodes, oracle_cost_gradients(oracle, values, R)):
        np.testing.assert_allclose(node.grad, expected, rtol=REL, atol=ABS, err_msg=f"d{node.label}")
    assert isinstance(nodes[scalar_at].grad, float)


# --- e. the rule that runs is the record's rule ---------------------------------------------------


@pytest.mark.parametrize("op", SCALAR_METHOD)
def test_scalar_node_keeps_the_partials_the_record_rule_returned(op):
    params = row_for(op).params
    call, rule = method_call(op, params), rule_on(op, params, "floats")
    for values in scalar_points(op, "rule"):
        out = call(*scalars(values))
        assert isinstance(out, Scalar) and out._op.base is op
        expected = rule(*values)[1]
        assert tuple(out._saved) == tuple(expected), f"at {values}"
        assert tuple(out.local_derivatives()) == tuple(expected), f"at {values}"


@pytest.mark.parametrize("op", ELEMENTWISE_TENSOR)
def test_tensor_gradient_is_g_times_the_record_partials(op):
    params = row_for(op).params
    call, rule = user_call(op, params), rule_on(op, params, "arrays")
    rng = rng_for(op.name, "vjp")
    arrays = draw(op, rng, [(2, 3)] * op.arity)
    tensors = [Tensor(x, requires_grad=True, label=name) for x, name in zip(arrays, NAMES)]
    out = call(*tensors)
    assert out._op.base is op
    partials = rule(*arrays)[1]
    if not op.deferred:  # the node keeps the rule's partials (a deferred op keeps what they need)
        for saved, partial in zip(out._saved, partials, strict=True):
            np.testing.assert_array_equal(saved, partial)
    g = rng.normal(size=out.shape)
    out.backward(g)
    for tensor, partial in zip(tensors, partials):  # g / a for 1 / a may round differently from g * (1/a)
        np.testing.assert_allclose(tensor.grad, g * partial, rtol=1e-13, atol=0, err_msg=f"d{tensor.label}")


@pytest.mark.parametrize("op", STRUCTURAL)
def test_structural_node_records_its_op(op):
    for case in cases(row_for(op)):
        if isinstance(case, Tensors):
            arrays = [uniform(rng_for(op.name), spec.low, spec.high, spec.shape) for spec in case.inputs]
            out = case.call(*[Tensor(x, requires_grad=True) for x in arrays])
            assert isinstance(out, Tensor) and out._op is op
        else:
            values = [float(x) for x in uniform(rng_for(op.name), *DEFAULT_RANGE, (case.count,))]
            out = case.call(*scalars(values))
            assert isinstance(out, Scalar) and out._op is op
            assert tuple(out._saved) == tuple(op.scalar(*op.gather(tuple(values)))[1])


# --- f. the command line's programs -----------------------------------------------------------------


def program_source(op, params: dict) -> str:
    """``J = a * b``, ``J = -a``, ``J = leaky_relu(a, 0.1)``."""
    if op.symbol is not None:
        return f"J = a {op.symbol} b" if op.arity == 2 else f"J = {op.symbol}a"
    arguments = [*NAMES[: op.arity], *(repr(params[name]) for name in op.param_names)]
    return f"J = {op.method}({', '.join(arguments)})"


@pytest.mark.parametrize("op", PROGRAM)
def test_op_in_a_program_matches_the_scalar_method(op):
    params = row_for(op).params
    source = program_source(op, params)
    for values in scalar_points(op, "program"):
        program = run_program(source, dict(zip(NAMES, values)))
        J = program.output
        J.backward()
        leaves = scalars(values)
        expected = user_call(op, params)(*leaves)
        expected.backward()
        assert J._op.base is op, source
        assert J.data == expected.data, f"{source} at {values}"
        for leaf in leaves:
            assert program.names[leaf.label].grad == leaf.grad, f"d{leaf.label} in {source} at {values}"


def test_program_functions_are_the_program_ops_without_a_symbol():
    assert FUNCTIONS == {op.method: op for op in OPS.values() if op.program and op.symbol is None}
    binary = {op.name for op in OPS.values() if op.program and op.symbol is not None and op.arity == 2}
    assert {op.name for op in OPERATORS.values()} == binary


# --- g. the record's formulas on a diagram's edges ---------------------------------------------------


def edge_label(node, record, index: int) -> str:
    """A regex for the backward edge node -> parent ``index``: the record's formula with the operands'
    names and the output's (``Z``) filled in, as ``viz/labels.py`` writes it."""
    names = [parent.label for parent in node._parents]
    count, parent = len(names), node._parents[index]
    if isinstance(node, Scalar):  # ∂Z/∂b = c, then "= value" unless the formula is the value
        formula = record.partial_formula(index, count).format(*names, out="Z")
        return rf'label="{re.escape(f"∂Z/∂{names[index]} = {formula}")}( = [^"]*)?"'
    formula = record.vjp_formula(index, count).format(*map(wrap, names), out=wrap("Z"))
    stretched = record.broadcasts and np.shape(parent.data) != np.shape(node.data)
    summed = " (summed over broadcast axes)" if stretched else ""
    return re.escape(f'label="d{wrap(names[index])} = {formula}{summed}"')


def assert_diagram_shows_the_formulas(Z, record) -> None:
    """Backpropagate ``Z`` and check its diagram's edges show the record's formulas."""
    Z.backward(None if np.size(Z.data) == 1 else weights(np.shape(Z.data)))
    source = viz.draw(Z, view="backward").source
    assert "VJP of" not in source
    for index, parent in enumerate(Z._parents):
        assert parent.label is not None
        if parent.requires_grad:
            pattern = edge_label(Z, record, index)
            assert re.search(pattern, source), f"no edge labelled {pattern!r} in\n{source}"


@pytest.mark.parametrize("kind", [Scalar, Tensor], ids=["Scalar", "Tensor"])
@pytest.mark.parametrize("op", ELEMENTWISE)
def test_elementwise_diagram_edges_show_the_record_formula(op, kind):
    if kind is Tensor and op.forward is None:
        pytest.skip(f"{op.name} is a Scalar-only op")
    params = row_for(op).params
    shapes = [()] * op.arity if kind is Scalar else BROADCAST_SHAPES[op.arity][0]  # (3, 1) and (1, 4)
    values = draw(op, rng_for(op.name, "diagram"), shapes)
    if kind is Scalar:
        leaves = scalars([float(x) for x in values])
    else:
        leaves = [Tensor(x, requires_grad=True, label=name) for x, name in zip(values, NAMES)]
    Z = user_call(op, params)(*leaves).named("Z")
    assert_diagram_shows_the_formulas(Z, bound(op, params))


@pytest.mark.parametrize("op", STRUCTURAL)
def test_structural_diagram_edges_show_the_record_formula(op):
    for case in cases(row_for(op)):
        rng = rng_for(op.name, "diagram")
        if isinstance(case, Tensors):
            leaves = [
                Tensor(uniform(rng, spec.low, spec.high, spec.shape), requires_grad=True, label=name)
                for spec, name in zip(case.inputs, NAMES)
            ]
        else:
            leaves = scalars(float(x) for x in uniform(rng, *DEFAULT_RANGE, (case.count,)))
        assert_diagram_shows_the_formulas(case.call(*leaves).named("Z"), op)


# --- h. structural ops against the oracle --------------------------------------------------------------


def check_tensors_case(op, case: Tensors) -> None:
    """A structural op on Tensors: value, gradients and gradcheck against its oracle."""
    rng = rng_for(op.name, "oracle")
    arrays = [uniform(rng, spec.low, spec.high, spec.shape) for spec in case.inputs]
    tensors = [Tensor(x.copy(), requires_grad=True, label=name) for x, name in zip(arrays, NAMES)]
    out = case.call(*tensors)
    expected = case.oracle(*arrays)
    rel, abs_ = (REL, ABS) if out.dtype == np.float64 else (REL32, ABS32)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=rel, atol=abs_)

    R = weights(out.shape)
    out.backward(R)
    for tensor, expected_grad in zip(tensors, oracle_cost_gradients(case.oracle, arrays, R)):
        assert tensor.grad.dtype == tensor.dtype and tensor.grad.shape == tensor.shape, tensor.label
        np.testing.assert_allclose(
            tensor.grad, expected_grad, rtol=rel, atol=abs_, err_msg=f"d{tensor.label}"
        )

    eps = 1e-6 if out.dtype == np.float64 else 1e-2  # a float32 output rounds away a tiny step
    assert gradcheck(lambda *ts: (case.call(*ts) * R).sum(), tensors, eps=eps)


def check_scalars_case(op, case: Scalars) -> None:
    """An n-ary Scalar API: value and gradients against its oracle."""
    rng = rng_for(op.name, "oracle")
    for _ in range(POINTS):
        values = tuple(float(x) for x in uniform(rng, *DEFAULT_RANGE, (case.count,)))
        leaves = scalars(values)
        out = case.call(*leaves)
        out.backward()
        assert out.data == approx(case.oracle(*values), rel=REL, abs=ABS), f"value at {values}"
        for i, leaf in enumerate(leaves):
            expected = float(grad(case.oracle, i)(*values))
            assert leaf.grad == approx(expected, rel=REL, abs=ABS), f"d/d{leaf.label} at {values}"
        assert gradcheck(case.call, scalars(values))


@pytest.mark.parametrize("op", STRUCTURAL)
def test_structural_op_matches_oracle(op):
    for case in cases(row_for(op)):
        (check_tensors_case if isinstance(case, Tensors) else check_scalars_case)(op, case)
