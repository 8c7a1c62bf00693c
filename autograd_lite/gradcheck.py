"""Numerical gradient check: the course's "gradient checking" with central differences.

    dJ/dx  ~  (J(x + eps) - J(x - eps)) / (2 eps)

``gradcheck(fn, inputs)`` compares that estimate with what ``backward()`` computes, for every
input that requires grad (every element of it, for arrays), and returns True or raises a
``GradcheckError`` listing each mismatching input with analytic and numeric values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .errors import GradcheckError
from .graph import Node, no_grad

# step and tolerances by the least precise input's float type: a float32 difference quotient with a
# float64 step is mostly rounding (analytic 4.0, numeric 3.81)
PRECISION = {
    np.dtype(np.float64): (1e-6, 1e-5, 1e-4),
    np.dtype(np.float32): (1e-2, 1e-2, 1e-2),
    np.dtype(np.float16): (1e-1, 1e-1, 1e-1),
}


def gradcheck(
    fn: Callable[..., Node],
    inputs: Node | Sequence[Node],
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
) -> bool:
    """Check ``fn(*inputs)``'s gradients against central differences; True or GradcheckError.

    ``fn`` must return a node holding one number (the cost J). Inputs' values and gradients are
    left as they were. ``eps``, ``atol`` and ``rtol`` default to what the inputs' precision allows
    (float64: 1e-6, 1e-5, 1e-4; float32: 1e-2 each).
    """
    inputs = [inputs] if isinstance(inputs, Node) else list(inputs)
    checked = [x for x in inputs if x.requires_grad]
    if not checked:
        raise GradcheckError("gradcheck: no input requires grad, so there is nothing to check")
    dtypes = [np.asarray(x.data).dtype for x in checked]
    least = min(dtypes, key=lambda dtype: np.finfo(dtype).bits if dtype.kind == "f" else 64)
    defaults = PRECISION.get(least, PRECISION[np.dtype(np.float64)])
    eps, atol, rtol = (
        given if given is not None else default for given, default in zip((eps, atol, rtol), defaults)
    )

    analytic = _analytic_gradients(fn, inputs, checked)
    failures = []
    positions = {id(x): i for i, x in enumerate(inputs)}
    for x, grad in zip(checked, analytic):
        numeric = _numeric_gradient(fn, inputs, x, eps)
        bad = ~np.isclose(grad, numeric, rtol=rtol, atol=atol)  # nan on either side counts as a mismatch
        if bad.any():
            failures.append(_describe_mismatch(x, positions[id(x)], grad, numeric, bad))
    if failures:
        raise GradcheckError(
            f"gradcheck failed for {len(failures)} of {len(checked)} inputs "
            f"(eps={eps:g}, atol={atol:g}, rtol={rtol:g}):\n" + "\n".join(failures)
        )
    return True


def _analytic_gradients(fn: Callable[..., Node], inputs: list[Node], checked: list[Node]) -> list[np.ndarray]:
    previous = [x.grad for x in checked]
    for x in checked:
        x._reset_grad()
    try:
        out = fn(*inputs)
        _value_of(out)  # refuses an output that is not a single number
        out.backward()
        return [
            np.zeros(np.shape(x.data)) if x.grad is None else np.array(x.grad, dtype=np.float64)
            for x in checked
        ]
    finally:
        for x, grad in zip(checked, previous):
            x.grad = grad


def _numeric_gradient(fn: Callable[..., Node], inputs: list[Node], x: Node, eps: float) -> np.ndarray:
    original = x.data
    values = np.array(original, dtype=np.float64)
    numeric = np.zeros_like(values)
    try:
        with no_grad():
            for index in np.ndindex(values.shape):
                shifted = values.copy()
                shifted[index] += eps
                x.data = _like(original, shifted)
                plus = _value_of(fn(*inputs))
                shifted[index] -= 2 * eps
                x.data = _like(original, shifted)
                minus = _value_of(fn(*inputs))
                numeric[index] = (plus - minus) / (2 * eps)
    finally:
        x.data = original
    return numeric


def _like(original: float | np.ndarray, values: np.ndarray) -> float | np.ndarray:
    """``values`` in the payload type of ``original`` (float for Scalar, ndarray for Tensor)."""
    if isinstance(original, float):
        return float(values)
    return values.astype(np.asarray(original).dtype)


def _value_of(out: object) -> float:
    if not isinstance(out, Node):
        raise GradcheckError(f"gradcheck: fn must return a graph node, got {type(out).__name__}")
    data = np.asarray(out.data)
    if data.size != 1:
        raise GradcheckError(
            f"gradcheck: fn must return a single number (a cost), got shape {data.shape}; "
            "reduce it first, e.g. with .sum()"
        )
    return float(data.reshape(()))


def _describe_mismatch(x: Node, position: int, grad: Any, numeric: np.ndarray, bad: np.ndarray) -> str:
    name = x.label if x.label is not None else f"input {position}"
    if np.ndim(grad) == 0:
        return f"  {name}: analytic {float(grad)!r}, numeric {float(numeric)!r}"
    worst = np.unravel_index(np.argmax(np.where(bad, np.abs(grad - numeric), -1.0)), np.shape(grad))
    return (
        f"  {name} {tuple(np.shape(grad))}: {int(bad.sum())} elements differ; "
        f"worst at {tuple(int(i) for i in worst)}: "
        f"analytic {float(grad[worst])!r}, numeric {float(numeric[worst])!r}"
    )
