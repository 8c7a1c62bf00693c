"""Check yourself: a learner's hand-written course function against the engine, on the same graph.

In the course's notebooks the learner writes ``linear_backward``, ``L_model_forward``, ``propagate``
and the rest by hand in NumPy. ``check(name, function)`` makes a few small random cases, builds each
one's computation on the engine (``Tensor`` nodes, the engine's own ``@``, ``+``, ``sigmoid``,
``relu``, ``tanh`` and the library's cross-entropy), runs ``backward()`` and compares, quantity by
quantity, the learner's results with the engine's values (forward functions) or gradients, its
``.grad`` (backward functions):

    from autograd_lite import nn
    result = nn.check("linear_activation_backward", linear_activation_backward)
    result            # "... 3 of 3 cases match the engine's gradients ✓", or what differs and where
    result.diagram    # on a mismatch: that case's graph, the first wrong node marked ✗

Notation as in the course: examples are columns, ``A_prev`` is ``(n[l-1], m)``, ``W`` is
``(n[l], n[l-1])``, ``b`` is ``(n[l], 1)``, ``Z = W A_prev + b`` and ``A = g(Z)`` are ``(n[l], m)``.
The cost is ``J = -(1/m) Σ (Y log AL + (1 - Y) log(1 - AL))``, the mean of the m per-example losses L.

The course's gradients: ``dW = ∂J/∂W`` and ``db = ∂J/∂b`` (the 1/m is in them:
``dW = (1/m) dZ A_prevᵀ``, ``db = (1/m) Σ dZ``), while its ``dA`` and ``dZ`` are per example
(``dAL = -(Y/AL - (1 - Y)/(1 - AL))``, ``dA_prev = Wᵀ dZ``), that is m times ``∂J/∂A``. So the engine
runs ``backward()`` from ``∂J/∂A = dA/m`` (or from the cost itself), its ``W.grad`` and ``b.grad`` are the
course's dW and db, and the course's ``dA_prev`` is ``m · A_prev.grad``.
"""

from __future__ import annotations

import html
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import autograd_lite
from autograd_lite.graph import Node
from autograd_lite.tensor import Tensor

from .losses import binary_cross_entropy

RTOL = 1e-5  # yours and the engine's agree when np.allclose(yours, engine's, rtol=RTOL, atol=ATOL)
ATOL = 1e-8
HIGHLIGHT = "✗"

LINEAR_CACHE = "(A_prev, W, b)"
ACTIVATION_CACHE = "Z"
LINEAR_ACTIVATION_CACHE = "(linear_cache, activation_cache) = ((A_prev, W, b), Z)"


@dataclass(repr=False, eq=False)
class CheckResult:
    """What ``check`` found: ``passed``, a readable ``message`` and, on a mismatch, a ``diagram``.

    ``name``: the course function checked. ``case``: the number of the case that failed (1, 2, ...)
    and ``quantity``: the first wrong quantity in the order the engine computes it (``"dW2"``,
    ``"Z1"``, ``"cost"``), both None when passed (``quantity`` is None too when the function raised).
    ``diagram``: ``viz.draw`` of the failing case's graph, forward view for a value and backward view
    for a gradient, the first wrong node highlighted (``✗``, red border); when the function raised, the
    case's graph with nothing marked; None when passed. The result is truthy when passed, prints as its
    message and displays in Jupyter with its diagram.
    """

    name: str
    passed: bool
    message: str
    diagram: Any = None
    case: int | None = None
    quantity: str | None = None

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        """The message, then (on a mismatch) the diagram's SVG."""
        text = f"<p>{html.escape(self.message)}</p>"
        if self.diagram is None:
            return text
        try:
            svg = self.diagram._repr_svg_()
        except Exception as error:  # no renderer: the message still shows
            return f"{text}<p><i>(the diagram could not be rendered: {html.escape(str(error))})</i></p>"
        box = '<div style="max-width: 100%; max-height: 80vh; overflow: auto">'
        return f"{text}{box}{svg[svg.find('<svg') :]}</div>"


class _Malformed(Exception):
    """The learner's result is not in the course's format (a missing key, a tuple of the wrong size)."""


@dataclass
class _Quantity:
    """One thing to compare: the engine's value or gradient, where to read the learner's, what to mark."""

    name: str  # "dW", "Z1", "cost"
    node: Node  # highlighted when this quantity is the first wrong one
    read: Callable[[Any], Any]  # the learner's value from their result; raises _Malformed
    reference: str  # the end of a shape message: "W is (3, 4)"
    view: str = "forward"  # "forward" for values, "backward" for gradients
    expected: np.ndarray | None = None  # in the course's units
    where: str = ""  # where in the result: "caches[0][1]"
    scalar: bool = False  # one number: any size-1 shape is fine (the cost, propagate's db)
    one_over_m: bool | None = None  # the course's formula has a 1/m (True), none (False), n/a (None)
    alternatives: tuple = ()  # (value, hint): a known mistake that gives exactly this value
    judge: Callable[[Any], str | None] | None = None  # instead of a comparison (initialization)
    root: Node | None = None  # the graph drawn (default: the case's)


@dataclass
class _Case:
    """One random case: the learner's arguments, the engine's graph and the quantities in order."""

    description: str  # the inputs' shapes and settings, for the message
    args: tuple  # fresh NumPy copies for the learner (their function may change them in place)
    quantities: list[_Quantity]
    root: Node  # drawn when the function raises
    view: str = "forward"
    m: int = 1
    note: str = ""  # added to the diagrams' titles


@dataclass
class _Spec:
    build: Callable[[np.random.Generator, int], _Case]
    compares: str  # the end of the passed message: "the engine's gradients"


# --- the learner's result: reading it, describing it -----------------------------------------------------


def _describe(value) -> str:
    """A short description of what the learner returned, for messages."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)} value{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        keys = list(value)
        shown = ", ".join(repr(k) for k in keys[:8]) + (", …" if len(keys) > 8 else "")
        return f"a dict with keys {shown}" if keys else "an empty dict"
    if isinstance(value, int | float | np.number):
        return f"the number {value!r}"
    if isinstance(value, Tensor):
        return f"a Tensor of shape {value.shape}"
    return f"a {type(value).__name__}"


def _path(*steps: tuple) -> Callable[[Any], Any]:
    """A reader that walks the learner's result: each step is (key, size, name, should).

    An int key indexes a tuple or list of ``size`` values; a str key looks up a dict. A result that does
    not fit raises ``_Malformed`` saying what it should be (``caches[1] should be ((A_prev, W, b), Z)``).
    """

    def read(value):
        """The part of the learner's result the steps lead to."""
        for key, size, name, should in steps:
            if isinstance(key, str):
                if not isinstance(value, dict):
                    raise _Malformed(f"{name} should be {should}, but it is {_describe(value)}")
                if key not in value:
                    raise _Malformed(f"{name} has no key {key!r} ({_describe(value)}); it should be {should}")
            elif not isinstance(value, tuple | list) or len(value) != size:
                raise _Malformed(f"{name} should be {should}, but it is {_describe(value)}")
            value = value[key]
        return value

    return read


def _itself(value):
    return value


def _copy(node: Node) -> np.ndarray:
    """A writable float64 copy of a node's value, for the learner."""
    return np.array(node.data, dtype=float)


def _number(value: float | np.ndarray) -> str:
    return f"{float(value) + 0.0:.4g}"  # + 0.0: never "-0"


def _preview(array: np.ndarray, limit: int = 4) -> str:
    """A few numbers: ``[0.1234, -0.5, 0.25, …] (12 values)``, or the one number."""
    if array.ndim == 0:
        return _number(array)
    flat = array.ravel()
    text = ", ".join(_number(v) for v in flat[:limit])
    return f"[{text}, …] ({flat.size} values)" if flat.size > limit else f"[{text}]"


def _close(got: np.ndarray, expected: np.ndarray) -> bool:
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=RTOL, atol=ATOL))


# --- comparing one quantity -------------------------------------------------------------------------------


def _compare(quantity: _Quantity, result, m: int) -> str | None:
    """None when the learner's quantity matches the engine's, else what is wrong (one sentence)."""
    label = quantity.name + (f" ({quantity.where})" if quantity.where else "")
    try:
        raw = quantity.read(result)
    except _Malformed as error:
        return f"{label}: {error}"
    if quantity.judge is not None:
        return quantity.judge(raw)
    expected = np.asarray(quantity.expected, dtype=float)
    try:
        got = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        shape = "a single number" if quantity.scalar else f"an array of shape {expected.shape}"
        return f"{label} should be {shape}, but it is {_describe(raw)}"
    if quantity.scalar:
        if got.size != 1:
            return f"{label} should be a single number, but it has shape {got.shape}"
        got, expected = got.reshape(()), expected.reshape(())
    elif got.shape != expected.shape:
        return (
            f"{label} has shape {got.shape} but {quantity.reference}{_shape_hint(quantity, got, expected, m)}"
        )
    if _close(got, expected):
        return None
    text = f"{label} differs: expected {_preview(expected)}, got {_preview(got)}"
    if got.ndim and got.size > 1:
        difference = np.abs(got - expected)
        at = np.unravel_index(int(np.argmax(np.where(np.isnan(difference), np.inf, difference))), got.shape)
        index = ", ".join(str(int(i)) for i in at)
        text += (
            f"; the largest difference is at {quantity.name}[{index}]: "
            f"expected {_number(expected[at])}, got {_number(got[at])}"
        )
    hint = _value_hint(quantity, got, expected, m)
    return f"{text}{': ' + hint if hint else ''}"


def _shape_hint(quantity: _Quantity, got: np.ndarray, expected: np.ndarray, m: int) -> str:
    """What a wrong shape means, only where the shape and the numbers show it."""
    if got.ndim == 2 and expected.ndim == 2 and got.shape == expected.shape[::-1]:
        if _close(got, expected.T):
            return f": it is the engine's {quantity.name} transposed"
        if not (quantity.name.startswith("db") and got.shape == (1, m)):
            return ": the transposed shape"
    if expected.ndim == 2 and expected.shape[1] == 1:  # a column such as b: (n, 1)
        n = expected.shape[0]
        total = np.isclose(got.sum(), expected.sum(), rtol=RTOL, atol=ATOL)
        if got.shape == (1, m) and m > 1 and total:
            return (
                ": it was summed over axis 0 (the units); the examples are the columns, so sum over them: "
                "np.sum(dZ, axis=1, keepdims=True)"
            )
        if got.shape == (n, m) and m > 1 and _close(got.sum(axis=1, keepdims=True), expected):
            return ": it was not summed over the examples: sum over axis=1 with keepdims=True"
        if got.shape == (n,) and _close(got, expected.reshape(n)):
            return f": right values in a rank-1 array; keep the column shape {expected.shape} (keepdims=True)"
        if got.shape == () and n > 1 and total:
            return ": it was summed over all of dZ; sum over the examples only (axis=1, keepdims=True)"
    return ""


def _value_hint(quantity: _Quantity, got: np.ndarray, expected: np.ndarray, m: int) -> str:
    """A hint only when the numbers prove it: yours equals a known mistake's result exactly."""
    for value, hint in quantity.alternatives:
        if _close(got, np.asarray(value, dtype=float).reshape(expected.shape)):
            return hint
    if not np.any(np.abs(expected) > 1e-12):
        return ""
    if quantity.one_over_m is not None and m > 1:
        if _close(got, expected * m):
            if quantity.one_over_m:
                return f"it is exactly m = {m} times the engine's: did you forget the 1/m?"
            return f"it is exactly m = {m} times the engine's"
        if _close(got, expected / m):
            if quantity.one_over_m:
                return f"it is exactly 1/m of the engine's (m = {m}): did you divide by m twice?"
            return (
                f"it is exactly 1/m of the engine's (m = {m}): {quantity.name} has no 1/m "
                "(the course's dA_prev = Wᵀ dZ; the 1/m belongs to dW and db)"
            )
    if _close(got, -expected):
        return "it has the opposite sign: check the minus sign"
    return ""


def _raised(error: Exception) -> str:
    """``ValueError: ... (line 7 of linear_backward: dW = np.dot(dZ, A_prev))``: where in your code."""
    own = [os.path.dirname(os.path.abspath(path)) for path in (np.__file__, autograd_lite.__file__, __file__)]
    frames = traceback.extract_tb(error.__traceback__)[1:]  # the first frame is check's own call
    yours = [f for f in frames if not any(os.path.abspath(f.filename).startswith(d + os.sep) for d in own)]
    text = f"{type(error).__name__}: {error}".strip()
    if yours:
        frame = yours[-1]
        line = f": {frame.line.strip()}" if frame.line else ""
        text += f" (line {frame.lineno} of {frame.name}{line})"
    return text


# --- building cases on the engine -------------------------------------------------------------------------


def _sizes(rng: np.random.Generator, case: int, count: int) -> list[int]:
    """``count`` layer sizes in 1..5 (2..5 in the first case, so every mistake shows there)."""
    return [int(n) for n in rng.integers(2 if case == 1 else 1, 6, size=count)]


def _examples(rng: np.random.Generator, case: int) -> int:
    """m in 1..6 (2..6 in the first case, so a missing 1/m shows there)."""
    return int(rng.integers(2 if case == 1 else 1, 7))


def _leaf(rng: np.random.Generator, shape, label: str, scale: float = 1.0, requires_grad=True) -> Tensor:
    return Tensor(rng.standard_normal(shape) * scale, requires_grad=requires_grad, label=label)


def _labels(rng: np.random.Generator, m: int) -> Tensor:
    return Tensor(rng.integers(0, 2, size=(1, m)).astype(float), label="Y")


def _activate(Z: Tensor, activation: str) -> Tensor:
    return Z.sigmoid() if activation == "sigmoid" else Z.relu() if activation == "relu" else Z.tanh()


def _g(z: np.ndarray, activation: str) -> np.ndarray:
    """g(z) in NumPy, for the hints (the engine computes the expected values)."""
    if activation == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    return np.maximum(z, 0.0) if activation == "relu" else np.tanh(z)


def _g_prime(z: np.ndarray, activation: str) -> np.ndarray:
    if activation == "sigmoid":
        s = _g(z, "sigmoid")
        return s * (1 - s)
    return (z > 0).astype(float) if activation == "relu" else 1 - np.tanh(z) ** 2


def _linear_grads(dZ, A_prev, W) -> dict[str, np.ndarray]:
    """The course's dW = (1/m) dZ A_prevᵀ, db = (1/m) Σ dZ, dA_prev = Wᵀ dZ (for the hints)."""
    m = dZ.shape[1]
    return {"dW": dZ @ A_prev.T / m, "db": dZ.sum(axis=1, keepdims=True) / m, "dA_prev": W.T @ dZ}


def _other(activation: str) -> str:
    return "relu" if activation == "sigmoid" else "sigmoid"


def _backward_mistakes(dA, Z, A_prev, W, activation) -> dict[str, list]:
    """Known mistakes in dZ = dA * g'(Z), each with what it makes of dW, db and dA_prev."""
    mistakes = [
        (
            dA * _g_prime(Z, _other(activation)),
            f"it matches the {_other(activation)} derivative: is activation = {activation!r} followed?",
        ),
    ]
    if activation == "sigmoid":
        mistakes.append(
            (
                dA * Z * (1 - Z),
                "it matches dZ = dA·Z(1 − Z): the activation cache holds Z, not "
                "A, so σ'(Z) = σ(Z)(1 − σ(Z)) needs s = σ(Z) first",
            )
        )
    else:
        mistakes.append(
            (
                dA * np.maximum(Z, 0.0),
                "it matches dZ = dA·A: relu's derivative is 1 where Z > 0 "
                "and 0 elsewhere (dZ = dA there), not A itself",
            )
        )
    found: dict[str, list] = {"dW": [], "db": [], "dA_prev": []}
    for dZ, hint in mistakes:
        for key, value in _linear_grads(dZ, A_prev, W).items():
            found[key].append((value, hint))
    return found


def _gradient(name: str, node: Tensor, read, *, scale: float = 1.0, where: str = "", **options) -> _Quantity:
    """The engine's ``node.grad`` (times ``scale``: m for the course's dA) as the expected ``name``."""
    options.setdefault("one_over_m", scale == 1.0)
    return _Quantity(
        name,
        node,
        read,
        f"{node.label} is {node.shape}",
        view="backward",
        expected=np.asarray(node.grad, dtype=float) * scale,
        where=where,
        **options,
    )


def _value(name: str, node: Tensor, read, should: str = "", *, where: str = "", **options) -> _Quantity:
    """The engine's ``node.data`` as the expected value ``name`` (forward view)."""
    shape = tuple(node.shape)
    reference = f"the engine's {name} has shape {shape}{' = ' + should if should else ''}"
    return _Quantity(
        name, node, read, reference, expected=np.array(node.data, dtype=float), where=where, **options
    )


def _result(index: int, count: int, should: str) -> tuple:
    return (index, count, "the result", should)


# week 2 ---------------------------------------------------------------------------------------------------


def _case_sigmoid(rng: np.random.Generator, case: int) -> _Case:
    shape = [(_sizes(rng, case, 1)[0], _examples(rng, case)), (_examples(rng, case),), ()][(case - 1) % 3]
    z = _leaf(rng, shape, "z", scale=3.0)
    s = z.sigmoid().named("s")
    argument = float(z.data) if shape == () else _copy(z)
    wrong_sign = 1.0 / (1.0 + np.exp(z.data))
    s_quantity = _value(
        "s",
        s,
        _itself,
        "z's shape (σ works elementwise)",
        alternatives=((wrong_sign, "it matches 1/(1 + e^z): σ(z) = 1/(1 + e^(−z))"),),
    )
    return _Case(f"z {'a number' if shape == () else shape}", (argument,), [s_quantity], s)


def _case_propagate(rng: np.random.Generator, case: int) -> _Case:
    n_x, m = _sizes(rng, case, 1)[0], _examples(rng, case)
    w, b = _leaf(rng, (n_x, 1), "w"), _leaf(rng, (), "b")
    X, Y = _leaf(rng, (n_x, m), "X", requires_grad=False), _labels(rng, m)
    A = (w.T @ X + b).sigmoid().named("A")
    J = binary_cross_entropy(A, Y).named("cost")
    J.backward()
    result = _result(0, 2, "(grads, cost)")
    grads = ("dw", None, "grads", 'a dict {"dw": dw, "db": db}')
    A_data, Y_data = A.data, Y.data
    forgot = -np.mean(Y_data * np.log(A_data))
    quantities = [
        _value(
            "cost",
            J,
            _path(_result(1, 2, "(grads, cost)")),
            scalar=True,
            one_over_m=True,
            alternatives=((forgot, "it matches −(1/m) Σ Y log A: the (1 − Y) log(1 − A) term is missing"),),
        ),
        _gradient("dw", w, _path(result, grads), where='grads["dw"]'),
        _gradient("db", b, _path(result, ("db", *grads[1:])), where='grads["db"]', scalar=True),
    ]
    args = (_copy(w), float(b.data), _copy(X), _copy(Y))
    return _Case(f"w ({n_x}, 1), b a number, X {X.shape}, Y {Y.shape}", args, quantities, J, "backward", m)


# week 3 ---------------------------------------------------------------------------------------------------


def _shallow(rng: np.random.Generator, case: int):
    """The planar network: X -> tanh hidden layer of n_h units -> one sigmoid unit."""
    n_x, n_h = _sizes(rng, case, 2)
    m = _examples(rng, case)
    X = _leaf(rng, (n_x, m), "X", requires_grad=False)
    W1, b1 = _leaf(rng, (n_h, n_x), "W1"), _leaf(rng, (n_h, 1), "b1", 0.5)
    W2, b2 = _leaf(rng, (1, n_h), "W2"), _leaf(rng, (1, 1), "b2", 0.5)
    Z1 = (W1 @ X + b1).named("Z1")
    A1 = Z1.tanh().named("A1")
    Z2 = (W2 @ A1 + b2).named("Z2")
    A2 = Z2.sigmoid().named("A2")
    nodes = {"X": X, "W1": W1, "b1": b1, "W2": W2, "b2": b2, "Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    description = f"X {X.shape}, n_h = {n_h}, W1 {W1.shape}, W2 {W2.shape}"
    return nodes, m, description


def _case_forward_propagation(rng: np.random.Generator, case: int) -> _Case:
    nodes, m, description = _shallow(rng, case)
    cache = _result(1, 2, "(A2, cache)")
    shape = 'a dict {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}'

    def from_cache(key):
        """A reader of ``cache[key]`` in the learner's (A2, cache)."""
        return _path(cache, (key, None, "cache", shape))

    Z1 = nodes["Z1"].data
    quantities = [
        _value("Z1", nodes["Z1"], from_cache("Z1"), "(n_h, m)", where='cache["Z1"]'),
        _value(
            "A1",
            nodes["A1"],
            from_cache("A1"),
            "(n_h, m)",
            where='cache["A1"]',
            alternatives=(
                (_g(Z1, "sigmoid"), "it matches sigmoid(Z1): the hidden layer uses tanh"),
                (_g(Z1, "relu"), "it matches relu(Z1): the hidden layer uses tanh"),
            ),
        ),
        _value("Z2", nodes["Z2"], from_cache("Z2"), "(1, m)", where='cache["Z2"]'),
        _value(
            "A2",
            nodes["A2"],
            _path(_result(0, 2, "(A2, cache)")),
            "(1, m)",
            where="the returned A2",
            alternatives=((np.tanh(nodes["Z2"].data), "it matches tanh(Z2): the output unit uses sigmoid"),),
        ),
        _value("A2", nodes["A2"], from_cache("A2"), "(1, m)", where='cache["A2"]'),
    ]
    parameters = {key: _copy(nodes[key]) for key in ("W1", "b1", "W2", "b2")}
    return _Case(description, (_copy(nodes["X"]), parameters), quantities, nodes["A2"], "forward", m)


def _case_compute_cost(rng: np.random.Generator, case: int) -> _Case:
    m = _examples(rng, case)
    AL = Tensor(rng.uniform(0.05, 0.95, size=(1, m)), requires_grad=True, label="AL")
    Y = _labels(rng, m)
    J = binary_cross_entropy(AL, Y).named("cost")
    forgot = -np.mean(Y.data * np.log(AL.data))
    cost = _value(
        "cost",
        J,
        _itself,
        scalar=True,
        one_over_m=True,
        alternatives=((forgot, "it matches −(1/m) Σ Y log AL: the (1 − Y) log(1 − AL) term is missing"),),
    )
    return _Case(f"AL (1, {m}), Y (1, {m})", (_copy(AL), _copy(Y)), [cost], J, "forward", m)


def _case_backward_propagation(rng: np.random.Generator, case: int) -> _Case:
    nodes, m, description = _shallow(rng, case)
    Y = _labels(rng, m)
    J = binary_cross_entropy(nodes["A2"], Y).named("cost")
    J.backward()
    shape = 'a dict {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}'
    quantities = [
        _gradient(key, nodes[key[1:]], _path((key, None, "grads", shape)), where=f'grads["{key}"]')
        for key in ("dW2", "db2", "dW1", "db1")
    ]
    parameters = {key: _copy(nodes[key]) for key in ("W1", "b1", "W2", "b2")}
    cache = {key: _copy(nodes[key]) for key in ("Z1", "A1", "Z2", "A2")}
    args = (parameters, cache, _copy(nodes["X"]), _copy(Y))
    return _Case(f"{description}, Y {Y.shape}", args, quantities, J, "backward", m)


# week 4: one layer -----------------------------------------------------------------------------------------


def _layer(rng: np.random.Generator, case: int, activation: str | None = None):
    n_prev, n = _sizes(rng, case, 2)
    m = _examples(rng, case)
    A_prev, W, b = (
        _leaf(rng, (n_prev, m), "A_prev"),
        _leaf(rng, (n, n_prev), "W"),
        _leaf(rng, (n, 1), "b", 0.5),
    )
    Z = (W @ A_prev + b).named("Z")
    A = _activate(Z, activation).named("A") if activation else None
    description = f"A_prev {A_prev.shape}, W {W.shape}, b {b.shape}"
    if activation:
        description += f", activation {activation!r}"
    return A_prev, W, b, Z, A, m, description


def _activation(case: int) -> str:
    """Case 1 sigmoid, case 2 relu, case 3 sigmoid, ...: both activations with the default 3 cases."""
    return ("sigmoid", "relu")[(case - 1) % 2]


def _linear_cache_quantities(read_cache, A_prev, W, b, where: str) -> list[_Quantity]:
    """The linear cache (A_prev, W, b): the inputs, kept for the backward pass."""
    read = [_path(*read_cache, (i, 3, where, LINEAR_CACHE)) for i in range(3)]
    return [
        _value("A_prev", A_prev, read[0], where=f"{where}[0]"),
        _value("W", W, read[1], where=f"{where}[1]"),
        _value("b", b, read[2], where=f"{where}[2]"),
    ]


def _case_linear_forward(rng: np.random.Generator, case: int) -> _Case:
    A_prev, W, b, Z, _, m, description = _layer(rng, case)
    cache = _result(1, 2, f"(Z, cache) with cache = {LINEAR_CACHE}")
    quantities = [
        _value(
            "Z",
            Z,
            _path(_result(0, 2, f"(Z, cache) with cache = {LINEAR_CACHE}")),
            "(n[l], m)",
            alternatives=((W.data @ A_prev.data, "it matches W·A_prev: + b is missing"),),
        ),
        *_linear_cache_quantities((cache,), A_prev, W, b, "cache"),
    ]
    return _Case(description, (_copy(A_prev), _copy(W), _copy(b)), quantities, Z, "forward", m)


def _case_linear_activation_forward(rng: np.random.Generator, case: int) -> _Case:
    activation = _activation(case)
    A_prev, W, b, Z, A, m, description = _layer(rng, case, activation)
    should = f"(A, cache) with cache = {LINEAR_ACTIVATION_CACHE}"
    cache = _result(1, 2, should)
    quantities = [
        _value(
            "Z",
            Z,
            _path(cache, (1, 2, "cache", LINEAR_ACTIVATION_CACHE)),
            "(n[l], m)",
            where="cache[1], the activation cache",
            alternatives=((A.data, "it matches A: the activation cache holds Z, the input of g"),),
        ),
        _value(
            "A",
            A,
            _path(_result(0, 2, should)),
            "(n[l], m)",
            where="the returned A",
            alternatives=(
                (
                    _g(Z.data, _other(activation)),
                    f"it matches {_other(activation)}(Z): is activation = {activation!r} followed?",
                ),
            ),
        ),
        *_linear_cache_quantities(
            (cache, (0, 2, "cache", LINEAR_ACTIVATION_CACHE)), A_prev, W, b, "cache[0]"
        ),
    ]
    args = (_copy(A_prev), _copy(W), _copy(b), activation)
    return _Case(description, args, quantities, A, "forward", m)


_BACKWARD_NOTE = "the course's dA is m × the dA drawn: J averages the m examples"


def _case_linear_backward(rng: np.random.Generator, case: int) -> _Case:
    A_prev, W, b, Z, _, m, description = _layer(rng, case)
    dZ = rng.standard_normal(Z.shape)
    Z.backward(dZ / m)  # ∂J/∂Z = dZ/m: the course's dZ is per example
    should = "(dA_prev, dW, db)"
    quantities = [
        _gradient(
            key,
            node,
            _path(_result(index, 3, should)),
            scale=scale,
        )
        for key, node, index, scale in (("dW", W, 1, 1.0), ("db", b, 2, 1.0), ("dA_prev", A_prev, 0, m))
    ]
    args = (dZ.copy(), (_copy(A_prev), _copy(W), _copy(b)))
    return _Case(f"dZ {dZ.shape}, {description}", args, quantities, Z, "backward", m, _BACKWARD_NOTE)


def _case_linear_activation_backward(rng: np.random.Generator, case: int) -> _Case:
    activation = _activation(case)
    A_prev, W, b, Z, A, m, description = _layer(rng, case, activation)
    dA = rng.standard_normal(A.shape)
    A.backward(dA / m)  # ∂J/∂A = dA/m: the course's dA is per example
    mistakes = _backward_mistakes(dA, Z.data, A_prev.data, W.data, activation)
    should = "(dA_prev, dW, db)"
    quantities = [
        _gradient(key, node, _path(_result(index, 3, should)), scale=scale, alternatives=tuple(mistakes[key]))
        for key, node, index, scale in (("dW", W, 1, 1.0), ("db", b, 2, 1.0), ("dA_prev", A_prev, 0, m))
    ]
    cache = ((_copy(A_prev), _copy(W), _copy(b)), _copy(Z))
    return _Case(
        f"dA {dA.shape}, {description}",
        (dA.copy(), cache, activation),
        quantities,
        A,
        "backward",
        m,
        _BACKWARD_NOTE,
    )


# week 4: L layers -----------------------------------------------------------------------------------------


@dataclass
class _Network:
    """[LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID on the engine, with the course's caches."""

    L: int
    m: int
    X: Tensor
    W: list[Tensor]  # W[l] for l = 1..L (index 0 unused)
    b: list[Tensor]
    Z: list[Tensor]
    A: list[Tensor]  # A[0] is X, A[L] is AL
    dims: list[int]

    def parameters(self) -> dict[str, np.ndarray]:
        """The course's parameters dict {"W1": ..., "b1": ..., ...} (copies)."""
        out = {}
        for l in range(1, self.L + 1):
            out[f"W{l}"], out[f"b{l}"] = _copy(self.W[l]), _copy(self.b[l])
        return out

    def caches(self) -> list:
        """The course's caches: one ((A_prev, W, b), Z) per layer (copies)."""
        return [
            ((_copy(self.A[l - 1]), _copy(self.W[l]), _copy(self.b[l])), _copy(self.Z[l]))
            for l in range(1, self.L + 1)
        ]

    def describe(self) -> str:
        """The case's sizes, for messages."""
        return f"layer_dims {self.dims}, X {self.X.shape}"


def _network(rng: np.random.Generator, case: int, x_requires_grad: bool = False) -> _Network:
    L = int(rng.integers(2 if case == 1 else 1, 4))
    dims = [*_sizes(rng, case, L), 1]  # one sigmoid output unit, as in the course (cat or not)
    m = _examples(rng, case)
    X = _leaf(rng, (dims[0], m), "X", requires_grad=x_requires_grad)
    W: list = [None]
    b: list = [None]
    Z: list = [None]
    A: list = [X]
    for l in range(1, L + 1):
        W.append(_leaf(rng, (dims[l], dims[l - 1]), f"W{l}", 1 / np.sqrt(dims[l - 1])))
        b.append(_leaf(rng, (dims[l], 1), f"b{l}", 0.5))
        Z.append((W[l] @ A[l - 1] + b[l]).named(f"Z{l}"))
        A.append(_activate(Z[l], "relu" if l < L else "sigmoid").named(f"A{l}" if l < L else "AL"))
    return _Network(L, m, X, W, b, Z, A, dims)


def _case_L_model_forward(rng: np.random.Generator, case: int) -> _Case:
    net = _network(rng, case)
    L = net.L
    should = f"(AL, caches) with caches a list of L = {L} caches"

    def layer_cache(l):
        """The reader steps to the course's cache of layer l, ``caches[l - 1]``."""
        return (
            _result(1, 2, should),
            (l - 1, L, "caches", f"a list of L = {L} caches, one per layer"),
            (1, 2, f"caches[{l - 1}]", LINEAR_ACTIVATION_CACHE),
        )

    quantities = []
    for l in range(1, L + 1):
        Z = net.Z[l]
        quantities.append(
            _value(
                f"Z{l}",
                Z,
                _path(*layer_cache(l)[:2], (1, 2, f"caches[{l - 1}]", LINEAR_ACTIVATION_CACHE)),
                f"(n[{l}], m)",
                where=f"caches[{l - 1}][1]",
                alternatives=((net.A[l].data, f"it matches A{l}: the activation cache holds Z"),),
            )
        )
        activation = "relu" if l < L else "sigmoid"
        wrong = (
            (
                _g(Z.data, _other(activation)),
                f"it matches {_other(activation)}(Z{l}): "
                + ("hidden layers use relu" if l < L else "the output layer uses sigmoid"),
            ),
        )
        if l < L:
            read = _path(
                *layer_cache(l + 1)[:2],
                (0, 2, f"caches[{l}]", LINEAR_ACTIVATION_CACHE),
                (0, 3, f"caches[{l}][0]", LINEAR_CACHE),
            )
            quantities.append(
                _value(
                    f"A{l}", net.A[l], read, f"(n[{l}], m)", where=f"caches[{l}][0][0]", alternatives=wrong
                )
            )
        else:
            quantities.append(
                _value(
                    "AL",
                    net.A[L],
                    _path(_result(0, 2, should)),
                    "(1, m)",
                    where="the returned AL",
                    alternatives=wrong,
                )
            )
    for l in range(1, L + 1):
        read_cache = (*layer_cache(l)[:2], (0, 2, f"caches[{l - 1}]", LINEAR_ACTIVATION_CACHE))
        for quantity in _linear_cache_quantities(
            read_cache, net.A[l - 1], net.W[l], net.b[l], f"caches[{l - 1}][0]"
        ):
            quantity.name = {"A_prev": "X" if l == 1 else f"A{l - 1}", "W": f"W{l}", "b": f"b{l}"}[
                quantity.name
            ]
            quantities.append(quantity)
    return _Case(net.describe(), (_copy(net.X), net.parameters()), quantities, net.A[L], "forward", net.m)


def _case_L_model_backward(rng: np.random.Generator, case: int) -> _Case:
    net = _network(rng, case, x_requires_grad=True)
    Y = _labels(rng, net.m)
    J = binary_cross_entropy(net.A[net.L], Y).named("cost")
    J.backward()
    shape = 'a dict with "dA{l-1}", "dW{l}", "db{l}" for l = 1..L'
    quantities = []
    for l in range(net.L, 0, -1):  # the backward pass: the last layer first; in each, dW, db, dA_prev
        for key, node, scale in (
            (f"dW{l}", net.W[l], 1.0),
            (f"db{l}", net.b[l], 1.0),
            (f"dA{l - 1}", net.A[l - 1], net.m),
        ):
            quantities.append(
                _gradient(key, node, _path((key, None, "grads", shape)), scale=scale, where=f'grads["{key}"]')
            )
    args = (_copy(net.A[net.L]), _copy(Y), net.caches())
    return _Case(f"{net.describe()}, Y {Y.shape}", args, quantities, J, "backward", net.m, _BACKWARD_NOTE)


def _case_update_parameters(rng: np.random.Generator, case: int) -> _Case:
    net = _network(rng, case, x_requires_grad=True)
    Y = _labels(rng, net.m)
    binary_cross_entropy(net.A[net.L], Y).backward()
    learning_rate = round(float(rng.uniform(0.05, 1.5)), 2)
    grads = {}
    for l in range(net.L, 0, -1):
        grads[f"dA{l - 1}"] = np.asarray(net.A[l - 1].grad, dtype=float) * net.m  # the course's dA
        grads[f"dW{l}"] = np.array(net.W[l].grad, dtype=float)
        grads[f"db{l}"] = np.array(net.b[l].grad, dtype=float)
    quantities = []
    shape = 'the parameters dict {"W1": W1, "b1": b1, ...}'
    for l in range(1, net.L + 1):
        for key, node in ((f"W{l}", net.W[l]), (f"b{l}", net.b[l])):
            # the update on the engine: new W = W - learning_rate * dW, as its own small graph
            old = Tensor(node.data, requires_grad=True, label=key)
            step = Tensor(np.asarray(node.grad), label=f"d{key}")
            new = (old - learning_rate * step).named(f"{key} updated")
            value, gradient = node.data, np.asarray(node.grad)
            quantities.append(
                _value(
                    key,
                    new,
                    _path((key, None, "the result", shape)),
                    f"{key}'s shape",
                    where=f'parameters["{key}"]',
                    root=new,
                    alternatives=(
                        (
                            value + learning_rate * gradient,
                            f"it matches {key} + α·d{key}: gradient descent subtracts α·d{key}",
                        ),
                        (
                            value - gradient,
                            f"it matches {key} − d{key}: multiply d{key} by the learning rate α",
                        ),
                    ),
                )
            )
    args = (net.parameters(), grads, learning_rate)
    description = f"layer_dims {net.dims}, learning_rate {learning_rate}"
    return _Case(description, args, quantities, quantities[0].node, "forward", net.m)


def _case_initialize_parameters_deep(rng: np.random.Generator, case: int) -> _Case:
    L = int(rng.integers(2 if case == 1 else 1, 4))
    dims = _sizes(rng, case, L + 1)
    # the network these parameters are for, drawn with the course's start (randn * 0.01, zeros)
    X = Tensor(np.zeros((dims[0], 1)), label="X")
    A, nodes = X, {}
    for l in range(1, L + 1):
        nodes[f"W{l}"] = Tensor(
            rng.standard_normal((dims[l], dims[l - 1])) * 0.01, requires_grad=True, label=f"W{l}"
        )
        nodes[f"b{l}"] = Tensor(np.zeros((dims[l], 1)), requires_grad=True, label=f"b{l}")
        Z = (nodes[f"W{l}"] @ A + nodes[f"b{l}"]).named(f"Z{l}")
        A = _activate(Z, "relu" if l < L else "sigmoid").named(f"A{l}" if l < L else "AL")
    shape = 'a dict {"W1": W1, "b1": b1, ..., "WL": WL, "bL": bL}'

    def judge(key: str, expected_shape: tuple, l: int):
        """A check of ``parameters[key]``: its shape, then its starting values."""
        def verdict(raw) -> str | None:
            """What is wrong with the learner's array, or None."""
            try:
                got = np.asarray(raw, dtype=float)
            except (TypeError, ValueError):
                return f"{key} should be an array of shape {expected_shape}, but it is {_describe(raw)}"
            if got.shape != expected_shape:
                rows = f"(n[{l}], n[{l - 1}])" if key[0] == "W" else f"(n[{l}], 1)"
                hint = ": it is transposed" if got.shape == expected_shape[::-1] and got.ndim == 2 else ""
                return f"{key} has shape {got.shape} but should be {rows} = {expected_shape}{hint}"
            if key[0] == "b" and np.any(got != 0):
                return f"{key} is not zero: the course starts b[{l}] at np.zeros((n[{l}], 1))"
            if key[0] == "W" and not np.any(got):
                return (
                    f"{key} is all zeros: the course starts W[{l}] random (np.random.randn(...) * 0.01) so "
                    "that the units of a layer do not all stay the same (symmetry)"
                )
            if key[0] == "W" and got.size > 1 and np.all(got == got.flat[0]):
                return f"all of {key}'s values are equal: draw them at random to break the symmetry"
            if key[0] == "W" and not np.all(np.isfinite(got)):
                return f"{key} has values that are not finite"
            return None

        return verdict

    quantities = []
    for l in range(1, L + 1):
        for key, expected_shape in ((f"W{l}", (dims[l], dims[l - 1])), (f"b{l}", (dims[l], 1))):
            quantities.append(
                _Quantity(
                    key,
                    nodes[key],
                    _path((key, None, "the result", shape)),
                    "",
                    judge=judge(key, expected_shape, l),
                )
            )
    return _Case(
        f"layer_dims {dims}",
        (list(dims),),
        quantities,
        A,
        "forward",
        1,
        "the course's start: W = randn·0.01, b = 0",
    )


_SPECS: dict[str, _Spec] = {
    "sigmoid": _Spec(_case_sigmoid, "the engine's values"),
    "propagate": _Spec(_case_propagate, "the engine's cost and gradients"),
    "forward_propagation": _Spec(_case_forward_propagation, "the engine's values"),
    "compute_cost": _Spec(_case_compute_cost, "the engine's cost"),
    "backward_propagation": _Spec(_case_backward_propagation, "the engine's gradients"),
    "initialize_parameters_deep": _Spec(
        _case_initialize_parameters_deep, "the course's parameter shapes and starting values"
    ),
    "linear_forward": _Spec(_case_linear_forward, "the engine's values"),
    "linear_activation_forward": _Spec(_case_linear_activation_forward, "the engine's values"),
    "L_model_forward": _Spec(_case_L_model_forward, "the engine's values"),
    "linear_backward": _Spec(_case_linear_backward, "the engine's gradients"),
    "linear_activation_backward": _Spec(_case_linear_activation_backward, "the engine's gradients"),
    "L_model_backward": _Spec(_case_L_model_backward, "the engine's gradients"),
    "update_parameters": _Spec(_case_update_parameters, "the engine's updated parameters"),
}

CHECKS: tuple[str, ...] = tuple(_SPECS)
"""The course functions ``check`` knows, in the course's order (weeks 2, 3 and 4)."""


def check(name: str, function: Callable, *, seed: int = 1, cases: int = 3) -> CheckResult:
    """Check a hand-written course function against the engine: ``nn.check("linear_backward", f)``.

    ``name`` is one of ``CHECKS``; ``function`` is called as the course calls it, with NumPy arrays:

    - ``sigmoid(z)``: s = σ(z) = 1/(1 + e^(−z)), for an (n, m) array, a vector and a number;
    - ``propagate(w, b, X, Y) -> (grads, cost)``: A = σ(wᵀX + b), J = −(1/m) Σ (Y log A + (1 − Y)
      log(1 − A)), grads ``{"dw": (1/m) X (A − Y)ᵀ, "db": (1/m) Σ (A − Y)}``; ``b`` is a number;
    - ``forward_propagation(X, parameters) -> (A2, cache)``: Z1 = W1 X + b1, A1 = tanh(Z1),
      Z2 = W2 A1 + b2, A2 = σ(Z2); cache ``{"Z1", "A1", "Z2", "A2"}``;
    - ``compute_cost(AL, Y) -> cost``: the cross-entropy J above, a number (any size-1 shape is fine);
    - ``backward_propagation(parameters, cache, X, Y) -> grads`` ``{"dW1", "db1", "dW2", "db2"}``:
      dZ2 = A2 − Y, dW2 = (1/m) dZ2 A1ᵀ, db2 = (1/m) Σ dZ2, dZ1 = W2ᵀ dZ2 ⊙ (1 − A1²), ...;
    - ``initialize_parameters_deep(layer_dims) -> parameters``: only shapes and the start are checked
      (W[l] of shape (n[l], n[l−1]), random, not all equal; b[l] zeros of shape (n[l], 1));
    - ``linear_forward(A_prev, W, b) -> (Z, cache)``: Z = W A_prev + b, linear cache ``(A_prev, W, b)``;
    - ``linear_activation_forward(A_prev, W, b, activation) -> (A, cache)``: A = g(Z) with activation
      "sigmoid" or "relu" (both are tried); cache ``((A_prev, W, b), Z)`` = (linear_cache,
      activation_cache);
    - ``L_model_forward(X, parameters) -> (AL, caches)``: [LINEAR → RELU] × (L − 1) → LINEAR → SIGMOID;
      ``caches``: a list of the L layers' ``((A_prev, W, b), Z)``;
    - ``linear_backward(dZ, cache) -> (dA_prev, dW, db)``: dW = (1/m) dZ A_prevᵀ, db = (1/m) Σ dZ over
      the examples, dA_prev = Wᵀ dZ; cache ``(A_prev, W, b)``;
    - ``linear_activation_backward(dA, cache, activation) -> (dA_prev, dW, db)``: dZ = dA ⊙ g'(Z), then
      as linear_backward; cache ``((A_prev, W, b), Z)``;
    - ``L_model_backward(AL, Y, caches) -> grads`` with ``"dA{l-1}"``, ``"dW{l}"``, ``"db{l}"`` for
      l = 1..L, from dAL = −(Y/AL − (1 − Y)/(1 − AL)); ``caches`` as L_model_forward returns them;
    - ``update_parameters(parameters, grads, learning_rate) -> parameters``: W[l] − α dW[l],
      b[l] − α db[l] (grads from a real backward pass, with its dA keys too).

    ``cases`` random cases come from ``seed`` (layer sizes 1..5, m = 1..6 examples; the first case
    has at least 2 of each so every mistake shows there; the same seed gives the same cases). For each,
    the engine builds the same computation with ``Tensor`` nodes and runs ``backward()``; the learner's
    results are compared in the order the engine computes them: values in forward order, gradients in
    the backward pass's order (the last layer first; in a layer dW, db, then dA_prev), shapes before
    values (``dW has shape (3, 1) but W is (3, 4)``), values with ``np.allclose(rtol=1e-5, atol=1e-8)``.
    The course's dA is per example, m · ∂J/∂A (see the module); dW and db are ∂J/∂W and ∂J/∂b.

    Returns a ``CheckResult``; the first mismatch stops the check, and a function that raises is a
    failed check that says which case and what error. Unknown ``name``: ``ValueError``.
    """
    if name not in _SPECS:
        raise ValueError(f"check: unknown course function {name!r}; choose one of {', '.join(CHECKS)}")
    if not callable(function):
        raise TypeError(f"check: {name} must be given the function to check, not {_describe(function)}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"check: seed must be an integer >= 0, not {seed!r}")
    if isinstance(cases, bool) or not isinstance(cases, int | np.integer) or cases < 1:
        raise ValueError(f"check: cases must be an integer >= 1, not {cases!r}")
    spec = _SPECS[name]
    for number in range(1, int(cases) + 1):
        case = spec.build(np.random.default_rng([int(seed), number]), number)
        where = f"{name}: case {number} (seed {seed})"
        before = f" ({number - 1} of {cases} cases matched before it.)" if number > 1 else ""
        inputs = f" Inputs: {case.description}."
        try:
            result = function(*case.args)
        except Exception as error:
            message = f"{where}: your function raised {_sentence(_raised(error))}{inputs}{before}"
            diagram = _diagram(case.root, case.view, None, f"{where}: the engine's graph", case.note)
            return CheckResult(name, False, message, diagram, number, None)
        for quantity in case.quantities:
            problem = _compare(quantity, result, case.m)
            if problem is not None:
                message = f"{where}: {_sentence(problem)}{inputs}{before}"
                what = "values" if quantity.view == "forward" else "gradients"
                title = f"{where}: the engine's {what}; {HIGHLIGHT} marks the first that differs from yours"
                diagram = _diagram(
                    case.root if quantity.root is None else quantity.root,
                    quantity.view,
                    quantity.node,
                    title,
                    case.note if quantity.view == "backward" or quantity.judge else "",
                )
                return CheckResult(name, False, message, diagram, number, quantity.name)
    counted = f"{cases} of {cases} cases match" if cases != 1 else "1 of 1 case matches"
    message = f"{name}: {counted} {spec.compares} ✓"
    return CheckResult(name, True, message)


def _sentence(text: str) -> str:
    """``text`` ending in a full stop (unless it ends in one already, or in a question)."""
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _diagram(root: Node, view: str, node: Node | None, title: str, note: str = ""):
    from autograd_lite.viz import draw

    return draw(
        root,
        view=view,
        highlight=None if node is None else [node],
        title=f"{title}\n({note})" if note else title,
    )


__all__ = ["CHECKS", "CheckResult", "check"]
