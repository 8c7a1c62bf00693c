"""Safe little programs for the command line: ``u = b*c; v = a + u; J = 3*v`` over named inputs.

Parsed with ``ast`` and checked against a short list of allowed node types: assignments to plain
names, + - * / **, unary minus, numbers, names, and calls of the engine's functions (the op records
flagged for programs, with their numeric parameters: ``leaky_relu(z, 0.1)``). No ``eval``, no
attribute access, no imports, no other calls; limits on size and nesting. Every error says
where: ``line 1, column 9: unknown input 'x' (give it a value with --set x=VALUE)``.

The limits count what the program builds: each name, number, operation and call is one part, and
a run of the same kind of operator (``a + b - c + d``, ``a*b/c``) is one level, not one per sign.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass

from ..errors import DomainError
from ..ops import OPS
from ..scalar import Scalar

MAX_LENGTH = 2000  # characters
MAX_DEPTH = 32  # nesting of expressions (a run of + and -, or of * and /, is one level)
MAX_NODES = 500  # names, numbers, operations, calls and statements
MAX_NUMBER = 100  # characters in one number
_CHAINS = {ast.Add: "+-", ast.Sub: "+-", ast.Mult: "*/", ast.Div: "*/"}  # left-associative runs
_SYNTAX = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}  # Python's operators
OPERATORS = {
    syntax: op
    for syntax, symbol in _SYNTAX.items()
    for op in OPS.values()
    if op.program and op.arity == 2 and op.symbol == symbol
}
FUNCTIONS = {op.method: op for op in OPS.values() if op.program and op.symbol is None}


class ProgramError(ValueError):
    """A program that cannot be run; the message starts with the line and column, which ``line`` and
    ``column`` also hold (None for an error that is not at a place in the program)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line, self.column = line, column


@dataclass
class Program:
    """The graph a program built: its output (the last statement), its name, and every named node."""

    output: Scalar
    names: dict[str, Scalar]
    output_name: str = "J"


def run_program(source: str, inputs: dict[str, float]) -> Program:
    """Build the graph of ``source`` over ``inputs`` (name -> value) and return its output."""
    try:
        return _run(source, inputs)
    except ProgramError as error:
        raise _located(str(error), source) from None


def input_names(source: str) -> list[str]:
    """The inputs of ``source``: the names it reads before assigning them, in the order they appear.

    ``input_names("u = b*c; v = a + u; J = 3*v")`` is ``["b", "c", "a"]``. A program that cannot run
    raises ProgramError, as ``run_program`` would.
    """
    try:
        tree = _parse(source)
    except ProgramError as error:
        raise _located(str(error), source) from None
    found: dict[str, None] = {}
    assigned: set[str] = set()
    for statement in tree.body:
        read = [node for node in ast.walk(statement.value) if isinstance(node, ast.Name)]
        for node in sorted(read, key=lambda node: (node.lineno, node.col_offset)):
            if node.id not in assigned and node.id not in FUNCTIONS:
                found.setdefault(node.id)
        if isinstance(statement, ast.Assign):
            assigned.add(statement.targets[0].id)
    return list(found)


def _parse(source: str) -> ast.Module:
    """The checked syntax tree of ``source`` (errors carry ``@line:column@`` markers)."""
    if len(source) > MAX_LENGTH:
        raise ProgramError(
            f"{_position(1, 1)}: program too long ({len(source)} characters, at most {MAX_LENGTH})"
        )
    text = "\n".join(line.lstrip() for line in _statement_lines(source))
    try:
        tree = ast.parse(text, mode="exec")
    except SyntaxError as error:
        raise ProgramError(f"{_position(error.lineno or 1, error.offset or 1)}: {error.msg}") from None
    except (RecursionError, MemoryError):
        raise ProgramError(f"{_position(1, 1)}: program nested too deeply") from None
    _check(tree)
    if not tree.body:
        raise ProgramError(f"{_position(1, 1)}: empty program (write e.g. 'J = 3*(a + b*c)')")
    return tree


def _run(source: str, inputs: dict[str, float]) -> Program:
    tree = _parse(source)
    used = {
        node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }
    unused = sorted(set(inputs) - used)
    if unused:
        raise ProgramError(
            f"{_position(1, 1)}: input {', '.join(map(repr, unused))} is not used by the program"
        )
    names = {name: Scalar(value, label=name) for name, value in inputs.items()}
    output, output_name = None, "J"
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            output_name = statement.targets[0].id
            if output_name in names:
                where = _where(statement.targets[0])
                raise ProgramError(f"{where}: {output_name!r} already has a value; use a new name")
        output = _as_scalar(_evaluate(statement.value, names))
        if isinstance(statement, ast.Assign):
            if output.label is None:  # a copy such as 'u = a' keeps the name it already has
                output.label = output_name
            names[output_name] = output
        else:  # a bare expression: the result, named J unless it already has a name
            output.label = output.label or "J"
            output_name = output.label
    if not output.requires_grad:
        raise ProgramError(
            f"{_position(1, 1)}: the result does not depend on any input, so it has no derivatives"
        )
    return Program(output, names, output_name)


def _as_scalar(value) -> Scalar:
    return value if isinstance(value, Scalar) else Scalar(value, requires_grad=False)


def _check(tree: ast.Module) -> None:
    """Refuse anything but the small language above, before running any of it."""
    count = 0
    stack = [(tree, 0, tree)]
    while stack:
        node, depth, parent = stack.pop()
        located = node if hasattr(node, "lineno") else parent  # operators (not, ~) carry no position
        if isinstance(node, (ast.expr, ast.stmt)):  # not the markers Load, Store, Add...
            count += 1
        if count > MAX_NODES:
            raise ProgramError(f"{_where(located)}: program too large (more than {MAX_NODES} parts)")
        if depth > MAX_DEPTH:
            raise ProgramError(
                f"{_where(located)}: expression nested too deeply (more than {MAX_DEPTH} levels)"
            )
        problem = _problem(node)
        if problem:
            raise ProgramError(f"{_where(located)}: {problem}")
        stack.extend((child, _depth(node, child, depth), located) for child in ast.iter_child_nodes(node))


def _depth(node: ast.AST, child: ast.AST, depth: int) -> int:
    """The child's level: the same as ``node``'s when it continues a run such as a + b - c."""
    if isinstance(node, ast.BinOp) and child is node.left and isinstance(child, ast.BinOp):
        if _CHAINS.get(type(node.op), "?") == _CHAINS.get(type(child.op)):
            return depth
    return depth + 1


def _problem(node: ast.AST) -> str | None:
    if isinstance(node, (ast.Module, ast.Expr, ast.Load, ast.Store, ast.UAdd, ast.USub)):
        return None
    if isinstance(node, ast.Assign):
        if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
            return "assign to one plain name, as in 'u = b*c'"
        return None
    if isinstance(node, ast.BinOp):
        return None if type(node.op) in OPERATORS else f"operator {type(node.op).__name__} is not allowed"
    if isinstance(node, (ast.UnaryOp, ast.Name)):
        return None
    if type(node) in OPERATORS:
        return None
    if isinstance(node, ast.Constant):
        ok = isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
        return _number_problem(node) if ok else f"only numbers are allowed as constants, not {node.value!r}"
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            return f"only these functions can be called: {', '.join(FUNCTIONS)}"
        name, params = node.func.id, FUNCTIONS[node.func.id].param_names
        if node.keywords:
            return f"{name}() takes no keyword arguments"
        if not 1 <= len(node.args) <= 1 + len(params):
            counts = " or ".join(map(str, range(1, len(params) + 2)))
            return f"{name}() takes {counts} argument(s), got {len(node.args)}"
        for param, argument in zip(params, node.args[1:]):
            if _number(argument) is None:
                return f"the {param} of {name} must be a number"
        return None
    what = {ast.Attribute: "attribute access", ast.Import: "import", ast.ImportFrom: "import"}.get(type(node))
    return f"not allowed here: {what or type(node).__name__}"


def _number_problem(node: ast.Constant) -> str | None:
    """A number written with too many characters, or too large for a float."""
    if node.end_lineno == node.lineno and node.end_col_offset is not None:
        length = node.end_col_offset - node.col_offset  # numbers are ASCII: bytes are characters
        if length > MAX_NUMBER:
            return f"number too long ({length} characters, at most {MAX_NUMBER})"
    try:
        finite = math.isfinite(float(node.value))
    except OverflowError:
        finite = False
    return None if finite else "number too large (it does not fit in a float)"


def _evaluate(node: ast.expr, names: dict[str, Scalar]):
    """Value of an expression: a Scalar, or a plain number for constant parts."""
    try:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in names:
                if node.id in FUNCTIONS:
                    raise ProgramError(
                        f"{_where(node)}: {node.id} is a function; call it, as in {node.id}(x)"
                    )
                raise ProgramError(
                    f"{_where(node)}: unknown input {node.id!r} (give it a value with --set {node.id}=VALUE)"
                )
            return names[node.id]
        if isinstance(node, ast.UnaryOp):
            operand = _evaluate(node.operand, names)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            return _evaluate_operations(node, names)
        if isinstance(node, ast.Call):
            argument = _as_scalar(_evaluate(node.args[0], names))
            params = [_number(parameter) for parameter in node.args[1:]]
            return getattr(argument, FUNCTIONS[node.func.id].method)(*params)
    except DomainError as error:
        raise ProgramError(f"{_where(node)}: {error}") from None
    except (OverflowError, ZeroDivisionError) as error:
        raise ProgramError(f"{_where(node)}: {error}") from None
    raise ProgramError(f"{_where(node)}: not allowed here: {type(node).__name__}")


def _evaluate_operations(node: ast.BinOp, names: dict[str, Scalar]):
    """``a + b - c + ...``: Python nests such a run to the left; walk it in a loop, not by recursion."""
    run = [node]
    while isinstance(run[-1].left, ast.BinOp):
        run.append(run[-1].left)
    value = _evaluate(run[-1].left, names)
    for operation in reversed(run):  # innermost (leftmost) first
        right = _evaluate(operation.right, names)
        try:
            value = getattr(_as_scalar(value), OPERATORS[type(operation.op)].method)(right)
        except (DomainError, OverflowError, ZeroDivisionError) as error:
            raise ProgramError(f"{_where(operation)}: {error}") from None
    return value


def _number(node: ast.AST) -> float | None:
    """The value of a number written in the program (``0.1`` or ``-0.1``), else None."""
    sign = 1.0
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign, node = (-1.0 if isinstance(node.op, ast.USub) else 1.0), node.operand
    value = node.value if isinstance(node, ast.Constant) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return sign * float(value)
    return None


def _where(node: ast.AST) -> str:
    return _position(getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1)


def _position(line: int, column: int) -> str:
    """Line and column in the text as typed (statements split by ';' are parsed as lines)."""
    return f"@{line}:{column}@"


def _statement_lines(source: str) -> list[str]:
    """One statement per line: ';' counts as a line break (same length, so offsets still match)."""
    return source.replace(";", "\n").split("\n")


def _located(message: str, source: str) -> ProgramError:
    """The error with the ``@line:column@`` marker replaced by the position in ``source`` as typed."""
    if not message.startswith("@"):
        return ProgramError(message)
    marker, rest = message[1:].split("@", 1)
    line, column = (int(part) for part in marker.split(":"))
    lines = _statement_lines(source)
    line = min(max(line, 1), len(lines))
    indent = len(lines[line - 1]) - len(lines[line - 1].lstrip())
    offset = sum(len(text) + 1 for text in lines[: line - 1]) + indent + column - 1
    typed_line = source.count("\n", 0, offset) + 1
    typed_column = offset - (source.rfind("\n", 0, offset) + 1) + 1
    return ProgramError(f"line {typed_line}, column {typed_column}{rest}", typed_line, typed_column)
