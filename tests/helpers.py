"""Graphs several test files build."""

from autograd_lite import Scalar


def course_graph(backward: bool = True):
    """The course's J = 3(a + bc) with a = 5, b = 3, c = 2; returns J and its named nodes."""
    a, b, c = Scalar(5.0, label="a"), Scalar(3.0, label="b"), Scalar(2.0, label="c")
    u = (b * c).named("u")
    v = (a + u).named("v")
    J = (3 * v).named("J")
    if backward:
        J.backward()
    return J, {"a": a, "b": b, "c": c, "u": u, "v": v, "J": J}
