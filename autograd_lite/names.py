"""How a node is called in words: its formula over its parents' names, with the parentheses precedence
needs (``1 - a``, ``y*log(a)``, ``(a + b)*c``), as the diagrams, the command line and error messages
write it. Text rules only; ``viz/labels.py`` adds the per-diagram naming (unique names, subscripts).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .graph import Node
    from .ops.record import Op

MAX_NAME = 40  # longer formulas fall back to the op's name and a subscript

# precedence levels, weakest first; an operator's level is read from its record's ``symbol``
SUM, PRODUCT, UNARY, POWER, ATOM = 1, 2, 3, 4, 9
BINARY = {"+": SUM, "-": SUM, "*": PRODUCT, "/": PRODUCT, "@": PRODUCT, "**": POWER}
RIGHT_ASSOCIATIVE = {"**"}
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_FIELD = re.compile(r"\{(\d+|out)\}")


def number(x: float, digits: int = 4) -> str:
    """A short, stable rendering of a float: 33, 0.5, 0.000146, 1.2e+10; never ``-0``."""
    x = float(x)
    if x == 0:  # 0.0 and -0.0 alike
        return "0"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.{digits}g}"


def subscript(name: str, index: int) -> str:
    """``name`` with a subscript index: ``add₃``; a compound name in parentheses: ``(1 - a)₂``."""
    return f"{parenthesized(name)}{str(index).translate(_SUBSCRIPTS)}"


def precedence(name: str) -> int:
    """How tightly a name binds: the weakest operator outside parentheses (``ATOM`` if none).

    ``a + b`` is ``SUM``, ``w1*x1`` ``PRODUCT``, ``-a`` and ``-0.3`` ``UNARY``, ``a**2`` ``POWER``;
    ``u``, ``3``, ``1e-05``, ``log(1 - a)``, ``xᵀ``, ``add₃`` and ``(1 - a)₂`` are atoms.
    """
    lowest, depth, index = ATOM, 0, 0
    while index < len(name):
        character = name[index]
        if character in "([":
            depth += 1
        elif character in ")]":
            depth -= 1
        elif depth == 0:
            if name.startswith(("+ ", "- "), index) and name[index - 1 : index] == " ":
                lowest = min(lowest, SUM)
            elif name.startswith("**", index):
                lowest, index = min(lowest, POWER), index + 1
            elif character in "*/@":
                lowest = min(lowest, PRODUCT)
        index += 1
    return min(lowest, UNARY) if name.startswith("-") else lowest


def parenthesized(name: str) -> str:
    """``name`` as one operand: in parentheses unless it is an atom (``u``, ``log(a)``, ``add₃``)."""
    return name if precedence(name) == ATOM else f"({name})"


def derivative(of: str, wrt: str) -> str:
    """The partial derivative of one name with respect to another: ``∂L/∂(1 - a)``."""
    return f"∂{parenthesized(of)}/∂{parenthesized(wrt)}"


def fill(template: str, names: list[str], out: str) -> str:
    """A record's formula (``1/{0}``, ``d{out} · {1}ᵀ``) over names, compound ones parenthesized
    unless the field stands alone or already sits in parentheses (``σ({0})``)."""

    def name(match: re.Match[str]) -> str:
        """The name a field stands for, in parentheses where the template needs them."""
        field = match.group(1)
        text = out if field == "out" else names[int(field)]
        start, end = match.span()
        alone = template == match.group(0)
        enclosed = template[start - 1 : start] == "(" and template[end : end + 1] == ")"
        return text if alone or enclosed else parenthesized(text)

    return _FIELD.sub(name, template)


def formula(op: Op, parts: list[str]) -> str:
    """How ``op`` is written over its operands' names, with the parentheses precedence needs.

    Infix ops (their ``symbol`` in ``BINARY``) and unary minus use the record's ``notation``
    (``{0}*{1}``, ``-{0}``), a postfix notation (``{0}ᵀ``) too; anything else is a call, ``tanh(z)``.
    """
    notation = op.notation or op.name
    fields = len(_FIELD.findall(notation))
    if "{0}" in notation and fields == len(parts):
        symbol = op.symbol
        if fields == 2 and symbol in BINARY:
            level, right = BINARY[symbol], symbol in RIGHT_ASSOCIATIVE
            left_tight = precedence(parts[0]) > level if right else precedence(parts[0]) >= level
            right_tight = precedence(parts[1]) >= level if right else precedence(parts[1]) > level
            right_tight = right_tight and not parts[1].startswith("-")  # a + (-b), a*(-0.3)
            left = parts[0] if left_tight else f"({parts[0]})"
            return notation.format(left, parts[1] if right_tight else f"({parts[1]})")
        if fields == 1 and symbol is not None and notation.startswith(symbol):  # unary minus
            return notation.format(parts[0] if precedence(parts[0]) > UNARY else f"({parts[0]})")
        if fields == 1 and notation.startswith("{0}"):  # postfix, such as the transpose
            return notation.format(parenthesized(parts[0]))
    shown = parts if len(parts) <= 3 else [parts[0], "…", parts[-1]]
    return f"{notation}({', '.join(shown)})"


def formula_name(node: Node, budget: int = MAX_NAME) -> str | None:
    """``1 - a``, ``log(1 - a)``: an unnamed op output as its formula over its ancestors' labels and
    constants' values, or None when that is longer than ``budget`` or reaches an unnamed input.

    Bounded work: each level adds at least one character, so at most ``budget`` levels are visited.
    """
    if node.label is not None:
        return str(node.label)
    if node._op is None:
        data = node.data
        if node.requires_grad or getattr(data, "size", 1) != 1:
            return None  # an unnamed input or array: no name to show
        return number(data.item() if hasattr(data, "item") else data)
    if budget <= 0:
        return None
    parents = node._parents
    chosen = parents if len(parents) <= 3 else (parents[0], None, parents[-1])
    parts = []
    for parent in chosen:
        part = "…" if parent is None else formula_name(parent, budget - 1)
        if part is None:
            return None
        parts.append(part)
    name = formula(node._op, parts)
    return name if len(name) <= budget else None
