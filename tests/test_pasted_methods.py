"""The methods made from the op records' text: what pasting writes out for a method's own operands.

``_KnownOperands`` rewrites code over ``parents`` for the operands a generated method names; a wrong
rewrite would record a wrong graph without any error, so each rule is checked on text, and the methods
made with it on their recorded graphs.
"""

import ast
import inspect

import pytest

from autograd_lite import Scalar, no_grad
from autograd_lite.ops.inline import _KnownOperands


def written(source: str, operands=("other", "self")) -> str:
    """``source`` as pasting writes it for ``operands``."""
    tree = _KnownOperands(operands).visit(ast.parse(source))
    return ast.unparse(ast.fix_missing_locations(tree))


def test_len_of_parents_becomes_the_branch_it_takes():
    """``len(parents) == 2`` keeps the first branch for two operands, the ``elif`` one for one."""
    source = "if len(parents) == 2:\n    x = 2\nelif len(parents) == 1:\n    x = 1\nelse:\n    x = 0\n"
    assert written(source) == "x = 2"
    assert written(source, ("self",)) == "x = 1"


def test_a_loop_over_the_parents_is_written_once_per_operand():
    assert written("for parent in parents:\n    parent._pending += 1\n") == (
        "other._pending += 1\nself._pending += 1"
    )


def test_a_search_over_the_parents_becomes_one_test():
    """``for parent in parents: if test(parent): body; break`` is ``if test(a) or test(b): body``."""
    source = "for parent in parents:\n    if parent.requires_grad:\n        y = 1\n        break\n"
    assert written(source) == "if other.requires_grad or self.requires_grad:\n    y = 1"


@pytest.mark.parametrize(
    "source",
    [
        "x = 0 < len(parents) < 3",  # a chained comparison
        "x = len(parents) > 1",  # not an equality
        "x = len(others) == 2",  # not the parents
        # a search whose body uses parent; a loop with more than the search in it
        "for parent in parents:\n    if parent.requires_grad:\n        y = parent\n        break",
        "for parent in parents:\n    if parent.requires_grad:\n        break\n    y = 1",
        "for parent in parents:\n    y = 1\nelse:\n    y = 2",  # a loop with an else
        "for child in parents:\n    child._pending += 1",  # another loop name
    ],
)
def test_code_that_does_not_match_stays_as_it_was(source):
    assert written(source) == ast.unparse(ast.parse(source))


def test_the_generated_methods_have_no_loop_over_their_parents_and_record_the_same_graph():
    """``__mul__`` and ``relu`` as pasted: no ``for`` and no ``len(parents)`` left; their nodes hold the
    operands, the local derivatives and one more child for each operand, and under no_grad nothing."""
    for method in (Scalar.__mul__, Scalar.__rmul__, Scalar.relu):
        text = inspect.getsource(method)
        assert "for parent" not in text and "len(parents)" not in text
    a, b = Scalar(3.0), Scalar(-2.0)
    u = a * b
    assert u._parents == (a, b) and u._saved == (-2.0, 3.0) and (a._pending, b._pending) == (1, 1)
    v = 4.0 * b
    assert v._parents[1] is b and v._saved == (-2.0, 4.0) and b._pending == 2
    r = b.relu()
    assert r._parents == (b,) and r._saved == (0.0,) and b._pending == 3
    c = Scalar(1.0, requires_grad=False)
    assert (c * c)._parents == () and c._pending == 0
    with no_grad():
        w = a * b
    assert w._parents == () and (a._pending, b._pending) == (1, 3)
