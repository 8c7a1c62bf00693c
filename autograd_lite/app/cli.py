"""The ``autograd-lite`` command line (also ``python -m autograd_lite``).

autograd-lite demo [--out DIR]                       the main job: diagrams, a trained net, one page
autograd-lite graph "u = b*c; v = a + u; J = 3*v" --set a=5 b=3 c=2 [--backward|--both] -o J.svg
autograd-lite train planar|logreg|deep [--data DIR] [--plot DIR]
autograd-lite example [--a 5 --b 3 --c 2]            the course's worked example, as text
autograd-lite --version
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..course import worked_example
from .program import ProgramError, run_program

# --- graph ----------------------------------------------------------------------------------------


def _inputs(assignments: Sequence[str]) -> dict[str, float]:
    values = {}
    for item in assignments:
        name, equals, text = item.partition("=")
        if not equals or not name.isidentifier():
            raise ProgramError(f"--set takes NAME=VALUE pairs, as in --set a=5 b=3; got {item!r}")
        if name in values:
            raise ProgramError(f"--set {name}: given twice")
        try:
            values[name] = float(text)
        except ValueError:
            raise ProgramError(f"--set {name}: {text!r} is not a number") from None
    return values


def graph_command(args: argparse.Namespace) -> int:
    """``autograd-lite graph``: run a program, print its derivatives, write the diagram."""
    from .. import viz

    program = run_program(args.program, _inputs(args.set or []))
    J, root = program.output, program.output_name
    J.backward(retain_graph=True)
    print(f"{root} = {J.data:g}")
    for name, node in program.names.items():
        if name != root:
            print(f"  d{root}/d{name} = {node.grad:g}")
    view = "both" if args.both else "backward" if args.backward else "forward"
    if args.html:
        path = viz.to_html(J, args.output or "graph.html")
    elif args.format == "dot" and args.output is None:
        print(viz.draw(J, view=view).source, end="")
        return 0
    else:
        path = viz.render(J, args.output or f"graph.{args.format or 'svg'}", format=args.format, view=view)
    print(f"wrote {path}")
    return 0


# --- train ------------------------------------------------------------------------------------------


def train_command(args: argparse.Namespace) -> int:
    """``autograd-lite train``: run one of the course's models and save its plots."""
    from ..nn import course

    default = {"planar": 10_000, "logreg": 2000, "deep": 2500}[args.model]
    iterations = default if args.iterations is None else args.iterations
    if args.model == "planar":
        result = course.planar(iterations=iterations, plot=args.plot, progress=args.progress)
    elif args.model == "logreg":
        result = course.logistic_regression(args.data, iterations=iterations, plot=args.plot)
    else:
        layers = tuple(int(n) for n in args.layers.split(","))
        result = course.deep_network(args.data, layers, iterations=iterations, plot=args.plot)
    for path in result.plots:
        print(f"saved {path}")
    return 0


# --- demo ---------------------------------------------------------------------------------------------


def demo_command(args: argparse.Namespace) -> int:
    """``autograd-lite demo``: the main job, written into one folder."""
    from .demo import run_demo

    index = run_demo(Path(args.out), iterations=args.iterations, progress=args.progress)
    print(f"\nOpen {index} in a browser to see everything.")
    return 0


# --- parser -------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="autograd-lite",
        description="Reverse-mode autodiff you can read: computation graphs, the chain rule, small nets.",
    )
    parser.add_argument("--version", action="version", version=f"autograd-lite {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo", help="render the course's graphs, train the planar net, write one page"
    )
    demo.add_argument(
        "--out", default="autograd-lite-demo", help="output folder (default: autograd-lite-demo)"
    )
    demo.add_argument("--iterations", type=int, default=10_000, help="planar training iterations")
    demo.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help="tqdm bar")

    graph = commands.add_parser("graph", help="draw the graph of a little program and its derivatives")
    graph.add_argument("program", help='statements over named inputs, e.g. "u = b*c; v = a + u; J = 3*v"')
    graph.add_argument("--set", nargs="+", metavar="NAME=VALUE", help="input values, e.g. --set a=5 b=3 c=2")
    views = graph.add_mutually_exclusive_group()
    views.add_argument("--backward", action="store_true", help="gradients and local derivatives")
    views.add_argument("--both", action="store_true", help="values and gradients")
    graph.add_argument("--html", action="store_true", help="write a page that steps through backprop")
    graph.add_argument("--format", choices=("svg", "png", "pdf", "dot"), help="default: from -o, else svg")
    graph.add_argument("-o", "--output", help="output file (default graph.svg; DOT goes to stdout)")

    train = commands.add_parser("train", help="run one of the course's models")
    train.add_argument("model", choices=("planar", "logreg", "deep"))
    train.add_argument("--data", help="folder with the cat .h5 files (default: $AUTOGRAD_LITE_DATA)")
    train.add_argument("--plot", type=Path, help="save plots here (needs matplotlib)")
    train.add_argument("--layers", default="12288,20,7,5,1", help="layer_dims for 'deep'")
    train.add_argument("--iterations", type=int, help="default: as the course")
    train.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help="tqdm bar")

    example = commands.add_parser("example", help="print the course's worked example J = 3(a + bc)")
    for name, default in (("a", 5.0), ("b", 3.0), ("c", 2.0)):
        example.add_argument(
            f"--{name}", type=float, default=default, help=f"value of {name} (default {default:g})"
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv``; returns the exit code (2 for an error, printed as one line)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    if args.command == "example":
        print(worked_example(args.a, args.b, args.c))
        return 0
    handler = {"graph": graph_command, "train": train_command, "demo": demo_command}[args.command]
    try:
        return handler(args)
    except (ProgramError, FileNotFoundError, ImportError, ValueError, RuntimeError) as error:
        print(f"autograd-lite {args.command}: error: {error}", file=sys.stderr)
        return 2
