"""The course's worked example on the graph: J = 3(a + bc), computed as u = bc, v = a + u, J = 3v.

Used by the command line (``autograd-lite example``, the demo), the examples and the tests.
"""

from __future__ import annotations

from .scalar import Scalar


def course_graph(a: float = 5.0, b: float = 3.0, c: float = 2.0, backward: bool = True) -> dict[str, Scalar]:
    """The course's J = 3(a + bc) as u = bc, v = a + u, J = 3v (backpropagated, graph kept)."""
    nodes = {"a": Scalar(a, label="a"), "b": Scalar(b, label="b"), "c": Scalar(c, label="c")}
    nodes["u"] = (nodes["b"] * nodes["c"]).named("u")
    nodes["v"] = (nodes["a"] + nodes["u"]).named("v")
    nodes["J"] = (3 * nodes["v"]).named("J")
    if backward:
        nodes["J"].backward(retain_graph=True)
    return nodes


def worked_example(a: float = 5.0, b: float = 3.0, c: float = 2.0) -> str:
    """The course's computation graph u = bc, v = a + u, J = 3v, forward then backward, as text."""
    graph = course_graph(a, b, c)
    u, v, J = graph["u"], graph["v"], graph["J"]
    a_, b_, c_ = graph["a"], graph["b"], graph["c"]
    lines = [
        "Forward pass (left to right):",
        f"  u = b*c   = {_num(b)} * {_num(c)} = {_num(u.data)}",
        f"  v = a + u = {_num(a)} + {_num(u.data)} = {_num(v.data)}",
        f"  J = 3*v   = 3 * {_num(v.data)} = {_num(J.data)}",
        "Backward pass (right to left, chain rule):",
        f"  ∂J/∂v = {_num(v.grad)}",  # type: ignore[arg-type]  # backward() set it
        f"  ∂J/∂u = ∂J/∂v * ∂v/∂u = 3 * 1 = {_num(u.grad)}",  # type: ignore[arg-type]  # backward() set it
        f"  ∂J/∂a = ∂J/∂v * ∂v/∂a = 3 * 1 = {_num(a_.grad)}",  # type: ignore[arg-type]  # backward() set it
        f"  ∂J/∂b = ∂J/∂u * ∂u/∂b = {_num(u.grad)} * c = {_num(b_.grad)}",  # type: ignore[arg-type]  # backward() set it
        f"  ∂J/∂c = ∂J/∂u * ∂u/∂c = {_num(u.grad)} * b = {_num(c_.grad)}",  # type: ignore[arg-type]  # backward() set it
    ]
    return "\n".join(lines)


def _num(x: float) -> str:
    return f"{x + 0.0:g}"  # + 0.0: never "-0"
