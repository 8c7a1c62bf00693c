"""A rule's own text, pasted into the methods made from it: the hot path runs the rule without a call.

A Scalar network makes one node per op, and a function call costs about a tenth of a node, so the
Scalar and Tensor methods of elementwise ops paste the rule's statements into themselves instead of
calling it. The rule stays the one definition: the methods are made from its text when the library is
imported, and ``inspect.getsource(Scalar.__mul__)`` shows the result.
"""

from __future__ import annotations

import ast
import inspect
import linecache
import textwrap

RESERVED = {"self", "other", "value", "local", "op", "error", "Scalar", "Tensor", "ShapeError", "explain"}


class RuleText:
    """A rule as text: its kernel and value parameter names, its statements, and what it returns."""

    __slots__ = ("xp", "values", "statements", "result")

    def __init__(self, xp: str, values: list[str], statements: list[str], result: str) -> None:
        self.xp, self.values, self.statements, self.result = xp, values, statements, result


def rule_text(rule) -> RuleText | None:
    """The text of ``rule(xp, a, b)``, or None when it cannot be pasted (keyword parameters, a
    ``return`` before the end, or a name that generated code uses itself)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(rule))).body[0]
    except (OSError, TypeError, SyntaxError):  # no source at hand (e.g. frozen): call the rule instead
        return None
    body = list(tree.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    if tree.args.kwonlyargs or tree.args.vararg or tree.args.kwarg or not body:
        return None
    *statements, last = body
    returns = [node for node in ast.walk(ast.Module(statements, [])) if isinstance(node, ast.Return)]
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    if not isinstance(last, ast.Return) or last.value is None or returns or names & RESERVED or any(
        name.startswith("_") for name in names
    ):
        return None
    xp, *values = [arg.arg for arg in tree.args.args]
    return RuleText(xp, values, [ast.unparse(statement) for statement in statements], ast.unparse(last.value))


def paste_rule(op, operands: tuple[str, ...], template: str, namespace: dict, kernel):
    """The method written by ``template`` with ``op``'s rule pasted at ``{rule}``, or None if the rule
    cannot be pasted (then the caller calls it).

    ``operands`` names the method's arguments in the rule's order (``("other", "self")`` for ``3 * a``).
    The template may use ``{signature}``, ``{parents}`` (the operands as a tuple) and ``{needs}``.
    """
    text = rule_text(op.rule)
    if text is None:
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
    filename = f"<{namespace['__name__']} method from the {op.name} rule>"
    return compile_function(source, filename, {**namespace, text.xp: kernel, "op": op})


def compile_function(source: str, filename: str, namespace: dict):
    """Define the one function in ``source`` with ``namespace`` as its globals; its text is kept for
    tracebacks and ``inspect.getsource``."""
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    exec(compile(source, filename, "exec"), namespace)  # our own generated text, never user input
    name = source.split("def ", 1)[1].split("(", 1)[0]
    return namespace[name]
