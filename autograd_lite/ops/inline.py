"""A rule's own text, pasted into the methods made from it: the hot path runs the rule without a call.

A Scalar network makes one node per op, and a function call costs about a tenth of a node, so the
Scalar and Tensor methods of elementwise ops paste the rule's statements into themselves instead of
calling it. The rule stays the one definition: the methods are made from its text when the library is
imported, and ``inspect.getsource(Scalar.__mul__)`` shows the result.
"""

from __future__ import annotations

import ast
import copy
import inspect
import linecache
import textwrap
import types
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .record import Op

RESERVED = {"self", "other", "value", "local", "op", "error", "g", "saved", "needs", "Scalar", "Tensor",
            "ShapeError", "explain", "parents", "parent", "node"}  # fmt: skip


class RuleText:
    """A rule as text: its kernel and value parameter names, its statements, and what it returns.

    With ``deferred``, ``result`` returns the value and the names the partials need (``saved``) instead
    of the partials, which ``partials`` keeps as expressions for a vector-Jacobian product to compute.
    """

    __slots__ = ("xp", "values", "statements", "result", "saved", "partials")

    def __init__(
        self,
        xp: str | None,
        values: list[str],
        statements: list[str],
        result: str,
        saved: Sequence[str] = (),
        partials: Sequence[ast.expr] = (),
    ) -> None:
        self.xp, self.values, self.statements, self.result = xp, values, statements, result
        self.saved, self.partials = saved, partials


def _function_tree(function: Callable[..., Any]) -> ast.FunctionDef | None:
    """The syntax tree of a function's definition, without its docstring; None without source."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function))).body[0]
    except (OSError, TypeError, SyntaxError):  # no source at hand (e.g. frozen): it is called instead
        return None
    if not isinstance(tree, ast.FunctionDef):  # a lambda's line: no definition to paste
        return None
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        tree.body = body[1:]
    simple = not (tree.args.kwonlyargs or tree.args.vararg or tree.args.kwarg)
    return tree if simple and tree.body else None


def _one_expression(function: object) -> tuple[list[str], ast.expr] | None:
    """``(parameters, expression)`` of a kernel function whose body is ``return <expression>`` over its
    parameters alone (``maximum``: ``a if a >= b or a != a else b``), else None."""
    if not isinstance(function, types.FunctionType):
        return None
    tree = _function_tree(function)
    if tree is None or len(tree.body) != 1 or not isinstance(tree.body[0], ast.Return):
        return None
    parameters = [arg.arg for arg in tree.args.args]
    returned = tree.body[0].value
    names = {node.id for node in ast.walk(tree.body[0]) if isinstance(node, ast.Name)}
    return (parameters, returned) if returned is not None and names <= set(parameters) else None


class _PasteKernelCalls(ast.NodeTransformer):
    """``xp.maximum(a, 0.0)`` -> ``(a if a >= 0.0 or a != a else 0.0)`` for one-expression kernel
    functions called with names and numbers (nothing evaluated twice that was once)."""

    def __init__(self, xp: str | None, kernel: object) -> None:
        self.xp, self.kernel = xp, kernel

    def visit_Call(self, node: ast.Call) -> ast.AST:
        """A kernel call with a one-expression body becomes that expression."""
        self.generic_visit(node)
        function = node.func
        if not (isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name)):
            return node
        if function.value.id != self.xp or node.keywords:
            return node
        found = _one_expression(getattr(self.kernel, function.attr, None))
        if found is None or not all(isinstance(a, (ast.Name, ast.Constant)) for a in node.args):
            return node
        parameters, expression = found
        if len(parameters) != len(node.args):
            return node
        replace = dict(zip(parameters, node.args))
        return _Substitute(replace).visit(copy.deepcopy(expression))


class _Substitute(ast.NodeTransformer):
    def __init__(self, replace: dict[str, ast.expr]) -> None:
        self.replace = replace

    def visit_Name(self, node: ast.Name) -> ast.AST:
        """A parameter becomes the argument it was called with."""
        return copy.deepcopy(self.replace.get(node.id, node))


_LEN_OF_PARENTS = ast.dump(ast.parse("len(parents)", mode="eval").body)


class _KnownOperands(ast.NodeTransformer):
    """Code over ``parents`` in a method whose operands are named, written for those operands (a loop or a
    test costs more than the statement or two it leads to per node):

    - ``len(parents) == 2``: True or False, and an ``if`` on a known test keeps only the branch taken;
    - a loop that runs its body for each parent: the body once per operand, ``parent`` renamed;
    - a search, ``for parent in parents: if <test of parent>: <body>; break``, whose body does not use
      ``parent``: ``if <test of the first> or <test of the second>: <body>``.
    """

    def __init__(self, operands: tuple[str, ...]) -> None:
        self.operands = operands

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        """``len(parents) == n`` becomes the constant it is (other comparisons stay)."""
        self.generic_visit(node)
        left, ops, right = node.left, node.ops, node.comparators
        counted = ast.dump(left) == _LEN_OF_PARENTS
        if counted and len(ops) == 1 and isinstance(ops[0], ast.Eq) and isinstance(right[0], ast.Constant):
            return ast.Constant(len(self.operands) == right[0].value)
        return node

    def visit_If(self, node: ast.If) -> ast.AST | list[ast.stmt]:
        """An ``if`` whose test is now a constant becomes the branch it takes."""
        self.generic_visit(node)
        if isinstance(node.test, ast.Constant):
            return (node.body if node.test.value else node.orelse) or [ast.Pass()]
        return node

    def visit_For(self, node: ast.For) -> ast.AST | list[ast.stmt]:
        """A loop over ``parents`` becomes straight-line code (inner loops first); other loops stay."""
        self.generic_visit(node)
        target, over = node.target, node.iter
        if not (isinstance(target, ast.Name) and target.id == "parent" and isinstance(over, ast.Name)
                and over.id == "parents" and not node.orelse):  # fmt: skip
            return node
        jumps = [n for n in ast.walk(ast.Module(node.body, [])) if isinstance(n, (ast.Break, ast.Continue))]
        if not jumps:
            return [_renamed_copy(line, "parent", name) for name in self.operands for line in node.body]
        search = node.body[0]
        if len(node.body) != 1 or not isinstance(search, ast.If) or search.orelse:
            return node
        body = search.body
        if not isinstance(body[-1], ast.Break) or jumps != [body[-1]]:
            return node
        if any(isinstance(n, ast.Name) and n.id == "parent" for n in ast.walk(ast.Module(body, []))):
            return node
        tests = [_renamed_copy(search.test, "parent", name) for name in self.operands]
        test = tests[0] if len(tests) == 1 else ast.BoolOp(ast.Or(), tests)
        return ast.If(test, body[:-1] or [ast.Pass()], [])


def _renamed_copy(tree: Any, old: str, new: str) -> Any:
    """A copy of ``tree`` with the name ``old`` read as ``new``."""
    return _Substitute({old: ast.Name(new, ast.Load())}).visit(copy.deepcopy(tree))


def rule_text(rule: Callable[..., Any], kernel: object = None, deferred: bool = False) -> RuleText | None:
    """The text of ``rule(xp, a, b)``, or None when it cannot be pasted (keyword parameters, a
    ``return`` before the end, or a name that generated code uses itself). With a ``kernel``, its
    one-expression functions are pasted too. ``deferred``: see ``RuleText``."""
    tree = _function_tree(rule)
    if tree is None:
        return None
    *statements, last = tree.body
    returns = [node for node in ast.walk(ast.Module(statements, [])) if isinstance(node, ast.Return)]
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    if not isinstance(last, ast.Return) or last.value is None or returns or names & RESERVED:
        return None
    xp: str | None
    xp, *values = [arg.arg for arg in tree.args.args]
    if xp != "xp":  # a rule of values alone (Scalar.dot's)
        values = [xp, *values]
        xp = None
    if kernel is not None:
        tree = ast.fix_missing_locations(_PasteKernelCalls(xp, kernel).visit(tree))
        *statements, last = tree.body
    if not isinstance(last, ast.Return) or last.value is None:  # (it still is: pasting replaces calls only)
        return None
    lines = [ast.unparse(statement) for statement in statements]
    returned = last.value  # (value, (partial, ...))
    if not deferred:
        return RuleText(xp, values, lines, ast.unparse(returned))
    if not (isinstance(returned, ast.Tuple) and len(returned.elts) == 2):
        return None
    value, returned_partials = returned.elts
    if not isinstance(returned_partials, ast.Tuple):
        return None
    partials = returned_partials.elts
    assigned = {
        node.id
        for node in ast.walk(ast.Module(statements, []))
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }
    used = [node.id for partial in partials for node in ast.walk(partial) if isinstance(node, ast.Name)]
    saved = list(dict.fromkeys(name for name in used if name in assigned or name in values))
    result = f"{ast.unparse(value)}, ({''.join(f'{name}, ' for name in saved)})"
    return RuleText(xp, values, lines, result, saved, partials)


def deferred_functions(
    rule: Callable[..., Any], kernel: object
) -> tuple[Callable[..., tuple[Any, Any]], Callable[[Any, Any, tuple[bool, ...]], tuple[Any, ...]]] | None:
    """``forward(*values) -> (value, saved)`` and ``vjp(g, saved, needs)`` made from the rule's text:
    the forward pass computes only the value (and keeps what the partials need), the backward pass
    computes ``dA = dZ ⊙ partial`` from the rule's own partial expressions (``g / a`` for ``1 / a``).
    None when the rule cannot be split this way."""
    text = rule_text(rule, kernel, deferred=True)
    if text is None:
        return None
    name = rule.__name__.rstrip("_")
    lines = [f"def forward({', '.join(text.values)}):", *text.statements, f"return {text.result}"]
    forward = "\n    ".join(lines)
    unpack = f"{''.join(f'{saved}, ' for saved in text.saved)}= saved" if text.saved else "pass"
    terms = [f"{_times_g(partial)} if needs[{i}] else None" for i, partial in enumerate(text.partials)]
    vjp = f"def vjp(g, saved, needs):\n    {unpack}\n    return ({', '.join(terms)},)\n"
    namespace: dict[str, Any] = {**rule.__globals__, text.xp: kernel}  # type: ignore[dict-item]  # has an xp
    # (the rule's own constants, gelu's, are in its globals)
    return (
        compile_function(forward + "\n", f"<Tensor forward from the {name} rule>", dict(namespace)),
        compile_function(vjp, f"<Tensor vector-Jacobian product from the {name} rule>", dict(namespace)),
    )


def _times_g(partial: ast.expr) -> str:
    """``g`` times a partial, written the cheap way: ``g`` for 1, ``-g`` for -1, ``g / a`` for 1 / a."""
    if isinstance(partial, ast.Constant) and partial.value == 1:
        return "g"
    if isinstance(partial, ast.UnaryOp) and isinstance(partial.op, ast.USub) and (
        isinstance(partial.operand, ast.Constant) and partial.operand.value == 1
    ):
        return "-g"
    if isinstance(partial, ast.BinOp) and isinstance(partial.op, ast.Div) and (
        isinstance(partial.left, ast.Constant) and partial.left.value == 1
    ):
        return f"g / ({ast.unparse(partial.right)})"
    return f"g * ({ast.unparse(partial)})"


def body_text(function: Callable[..., Any], indent: str) -> str:
    """The statements of ``function`` (its docstring left out) as text, each line indented by ``indent``:
    a function pasted whole into a generated one (a Scalar method records its node without a call)."""
    tree = _function_tree(function)
    statements = tree.body  # type: ignore[union-attr]  # the library's own function: its source is at hand
    return "".join(textwrap.indent(ast.unparse(statement), indent) + "\n" for statement in statements)


def paste_rule(
    op: Op,
    operands: tuple[str, ...],
    template: str,
    namespace: dict[str, Any],
    kernel: object,
    deferred: bool = False,
) -> Callable[..., Any] | None:
    """The method written by ``template`` with ``op``'s rule pasted at ``{rule}``, or None if the rule
    cannot be pasted (then the caller calls it).

    ``operands`` names the method's arguments in the rule's order (``("other", "self")`` for ``3 * a``).
    The template may use ``{signature}``, ``{parents}`` (the operands as a tuple) and ``{needs}``; its
    loops over ``parents`` are written out for the operands.
    """
    rule = op.rule
    text = rule_text(rule, kernel, deferred) if rule is not None else None  # a structural op has no rule
    if rule is None or text is None:
        return None
    parents = f"({operands[0]},)" if len(operands) == 1 else f"({', '.join(operands)})"
    lines = [
        f"{', '.join(text.values)} = {', '.join(f'{x}.data' for x in operands)}",
        *text.statements,
        f"value, local = {text.result}",
    ]
    indent = template.split("{rule}")[0].rsplit("\n", 1)[1]
    source = template.format(
        signature=", ".join(sorted(operands, reverse=True)),  # (self, other) or (self)
        parents=parents,
        needs=f"({', '.join(f'{x}.requires_grad' for x in operands)}{',' if len(operands) == 1 else ''})",
        rule=f"\n{indent}".join(lines),
    )
    tree = _KnownOperands(operands).visit(ast.parse(source))
    source = ast.unparse(ast.fix_missing_locations(tree)) + "\n"
    payload = "Scalar" if "Scalar" in namespace else "Tensor"
    filename = f"<{payload} method from the {op.name} rule>"
    globals_: dict[str, Any] = {
        **rule.__globals__, **namespace, text.xp: kernel, "op": op  # type: ignore[dict-item]  # it has an xp
    }
    return compile_function(source, filename, globals_)


def compile_function(source: str, filename: str, namespace: dict[str, Any]) -> Callable[..., Any]:
    """Define the one function in ``source`` with ``namespace`` as its globals; its text is kept for
    tracebacks and ``inspect.getsource``."""
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    exec(compile(source, filename, "exec"), namespace)  # our own generated text, never user input
    name = source.split("def ", 1)[1].split("(", 1)[0]
    return namespace[name]
