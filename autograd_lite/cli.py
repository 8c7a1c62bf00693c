"""The ``autograd-lite`` command line (also ``python -m autograd_lite``).

autograd-lite --version
autograd-lite example [--a 5 --b 3 --c 2]   the course's computation graph J = 3(a + bc)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .scalar import Scalar


def worked_example(a: float = 5.0, b: float = 3.0, c: float = 2.0) -> str:
    """The course's computation graph u = bc, v = a + u, J = 3v, forward then backward, as text."""
    a_, b_, c_ = Scalar(a, label="a"), Scalar(b, label="b"), Scalar(c, label="c")
    u = (b_ * c_).named("u")
    v = (a_ + u).named("v")
    J = (3 * v).named("J")
    J.backward()
    lines = [
        "Forward pass (left to right):",
        f"  u = b*c   = {_num(b)} * {_num(c)} = {_num(u.data)}",
        f"  v = a + u = {_num(a)} + {_num(u.data)} = {_num(v.data)}",
        f"  J = 3*v   = 3 * {_num(v.data)} = {_num(J.data)}",
        "Backward pass (right to left, chain rule):",
        f"  dJ/dv = {_num(v.grad)}",
        f"  dJ/du = dJ/dv * dv/du = 3 * 1 = {_num(u.grad)}",
        f"  dJ/da = dJ/dv * dv/da = 3 * 1 = {_num(a_.grad)}",
        f"  dJ/db = dJ/du * du/db = {_num(u.grad)} * c = {_num(b_.grad)}",
        f"  dJ/dc = dJ/du * du/dc = {_num(u.grad)} * b = {_num(c_.grad)}",
    ]
    return "\n".join(lines)


def _num(x: float) -> str:
    return f"{x:g}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograd-lite",
        description="Reverse-mode autodiff you can read: computation graphs, the chain rule, small nets.",
    )
    parser.add_argument("--version", action="version", version=f"autograd-lite {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    example = commands.add_parser("example", help="print the course's worked example J = 3(a + bc)")
    for name, default in (("a", 5.0), ("b", 3.0), ("c", 2.0)):
        example.add_argument(
            f"--{name}", type=float, default=default, help=f"value of {name} (default {default:g})"
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "example":
        print(worked_example(args.a, args.b, args.c))
        return 0
    parser.print_help(sys.stderr)
    return 2
