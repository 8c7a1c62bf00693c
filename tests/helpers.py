"""Graphs several test files build."""

from autograd_lite.course import course_graph as _course_graph


def course_graph(backward: bool = True):
    """The course's J = 3(a + bc) with a = 5, b = 3, c = 2; returns J and its named nodes."""
    nodes = _course_graph(backward=backward)
    return nodes["J"], nodes
