"""The ``autograd-lite`` command line (also ``python -m autograd_lite``).

autograd-lite demo [--out DIR]                       the main job: diagrams, a trained net, one page
autograd-lite graph "u = b*c; v = a + u; J = 3*v" --set a=5 b=3 c=2 [--backward|--both] -o J.svg
                                                     (--format dot without -o: only DOT on stdout)
autograd-lite train planar|logreg|deep [--data DIR] [--plot DIR]
autograd-lite play ["u = b*c; v = a + u; J = 3*v"] [--set a=5] [--port N] [--no-browser]
                                                     the live playground in a browser (Ctrl-C stops it)
autograd-lite example [--a 5 --b 3 --c 2]            the course's worked example, as text
autograd-lite doctor                                 which renderer, formats and versions are in use
autograd-lite --version

Every error is one line on stderr, ``autograd-lite COMMAND: error: ...``, with exit code 2; output
paths are checked before any long work starts. When the reader of stdout goes away early
(``autograd-lite example | head -1``), the command stops quietly with exit code 141, as a shell
reports for a program stopped by a closed pipe (128 + SIGPIPE).
"""

from __future__ import annotations

import argparse
import os
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..course import worked_example
from .doctor import doctor_command
from .paths import output_file, output_folder
from .program import ProgramError, run_program

EXIT_ERROR = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE

# --- graph ----------------------------------------------------------------------------------------


def _inputs(assignments: Sequence[str]) -> dict[str, float]:
    values = {}
    for item in assignments:
        typed, equals, text = item.partition("=")
        name = unicodedata.normalize("NFKC", typed)  # as Python reads names in the program
        if not equals or not name.isidentifier():
            raise ProgramError(f"--set takes NAME=VALUE pairs, as in --set a=5 b=3; got {item!r}")
        if name in values:
            same = "" if typed == name else f" (the same name as {name})"
            raise ProgramError(f"--set {typed}: given twice{same}")
        try:
            values[name] = float(text)
        except ValueError:
            raise ProgramError(f"--set {name}: {text!r} is not a number") from None
    return values


def graph_command(args: argparse.Namespace) -> int:
    """``autograd-lite graph``: run a program, print its derivatives, write the diagram."""
    from .. import viz
    from ..viz.labels import grad_name, number

    inputs = _inputs(args.set or [])
    path, format = _graph_output(args)
    program = run_program(args.program, inputs)
    J, root = program.output, program.output_name
    J.backward(retain_graph=True)
    lines = [f"{root} = {number(J.data, 6)}"]
    for name, node in program.names.items():  # program variables keep their names: ∂J/∂u = 3
        if name != root:
            lines.append(f"  {grad_name(node, name, root)} = {number(node.grad, 6)}")
    view = "both" if args.both else "backward" if args.backward else "forward"
    if path is None:  # DOT on stdout, and nothing else there (pipe it to dot); the values go to stderr
        source = viz.draw(J, view=view).source
        print("\n".join(lines), file=sys.stderr)
        print(source, end="")
        return 0
    if args.html:
        viz.to_html(J, path)
    else:
        viz.render(J, path, format=format, view=view)
    lines.append(f"wrote {path}")
    print("\n".join(lines))  # all at the end: a failed diagram leaves neither a file nor half the text
    return 0


def _graph_output(args: argparse.Namespace) -> tuple[Path | None, str]:
    """The file ``graph`` writes (None: DOT to stdout) and its format, checked before any work."""
    if args.output is None:
        if args.html:
            return output_file("graph.html", "output"), "html"
        if args.format == "dot":
            return None, "dot"
        return output_file(f"graph.{args.format or 'svg'}", "output"), args.format or "svg"
    path = output_file(args.output, "-o")
    if args.html:
        return path, "html"
    format = (args.format or path.suffix.lstrip(".") or "svg").lower()
    if not path.suffix:  # the suffix viz.render would add
        path = output_file(str(path.with_suffix(f".{format}")), "-o")
    return path, format


# --- play -------------------------------------------------------------------------------------------


def play_command(args: argparse.Namespace) -> int:
    """``autograd-lite play``: the live playground, until Ctrl-C."""
    from . import playground
    from .program import input_names

    program = playground.DEFAULT_PROGRAM if args.program is None else args.program
    given = _inputs(args.set or [])
    names = input_names(program)
    unknown = sorted(set(given) - set(names))
    if unknown:
        raise ProgramError(
            f"--set {unknown[0]}: the program has no input {unknown[0]!r} (its inputs: {', '.join(names)})"
        )
    defaults = playground.DEFAULT_INPUTS if args.program is None else {}
    inputs = {name: given.get(name, defaults.get(name, playground.DEFAULT_VALUE)) for name in names}
    run_program(program, inputs)  # a program that cannot run is one line here, before any server starts
    playground.serve(program, inputs, port=args.port, open_browser=args.browser)
    return 0


# --- train ------------------------------------------------------------------------------------------


def train_command(args: argparse.Namespace) -> int:
    """``autograd-lite train``: run one of the course's models and save its plots."""
    from ..nn import course

    default = {"planar": 10_000, "logreg": 2000, "deep": 2500}[args.model]
    iterations = default if args.iterations is None else args.iterations
    plot = None
    if args.plot is not None:  # checked now, so that a long run is not lost at the end
        plot = output_folder(args.plot, "--plot")
        _require_matplotlib()
    if args.model == "planar":
        result = course.planar(iterations=iterations, plot=plot, progress=args.progress)
    elif args.model == "logreg":
        result = course.logistic_regression(args.data, iterations=iterations, plot=plot)
    else:
        result = course.deep_network(args.data, args.layers, iterations=iterations, plot=plot)
    for path in result.plots:
        print(f"saved {path}")
    return 0


# --- demo ---------------------------------------------------------------------------------------------


def demo_command(args: argparse.Namespace) -> int:
    """``autograd-lite demo``: the main job, written into one folder."""
    from .demo import run_demo

    out = output_folder(args.out, "--out")
    index = run_demo(out, iterations=args.iterations, progress=args.progress)
    print(f"\nOpen {index} in a browser to see everything.")
    return 0


def _require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ImportError("--plot needs matplotlib: pip install 'autograd-lite[plot]'") from None


# --- parser -------------------------------------------------------------------------------------------


def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number >= 1")
    return value


def port_number(text: str) -> int:
    """argparse type: a TCP port, 0 to 65535 (0: any free port)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r}: a port is a whole number from 0 to 65535")
    return value


def layer_sizes(text: str) -> tuple[int, ...]:
    """argparse type: layer sizes such as ``12288,20,7,5,1`` (at least two, each >= 1, the last 1)."""
    parts = text.split(",")
    if len(parts) < 2:
        raise argparse.ArgumentTypeError(f"{text!r}: give two sizes or more, separated by commas: 12288,7,1")
    sizes = []
    for position, part in enumerate(parts, 1):
        try:
            size = int(part)
        except ValueError:
            what = "is empty" if not part.strip() else f"{part.strip()!r} is not a whole number"
            raise argparse.ArgumentTypeError(f"{text!r}: size {position} {what}") from None
        if size < 1:
            raise argparse.ArgumentTypeError(f"{text!r}: size {position} is {size}; each size must be >= 1")
        sizes.append(size)
    if sizes[-1] != 1:  # the cat classifier has one sigmoid output unit
        raise argparse.ArgumentTypeError(
            f"{text!r}: the last size must be 1 (one output unit), not {sizes[-1]}"
        )
    return tuple(sizes)


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
    demo.add_argument("--iterations", type=positive_int, default=10_000, help="planar training iterations")
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

    play = commands.add_parser("play", help="the live playground: move inputs, watch values and gradients")
    play.add_argument(
        "program", nargs="?", help="statements over named inputs (default: the course's J = 3v)"
    )
    play.add_argument(
        "--set", nargs="+", metavar="NAME=VALUE", help="starting values (default 1, or a=5 b=3 c=2)"
    )
    play.add_argument("--port", type=port_number, default=8765, help="port on 127.0.0.1 (default 8765)")
    play.add_argument("--no-browser", dest="browser", action="store_false", help="do not open a browser")

    train = commands.add_parser("train", help="run one of the course's models")
    train.add_argument(
        "model",
        choices=("planar", "logreg", "deep"),
        metavar="planar|logreg|deep",
        help="planar: one hidden layer on the flower data; logreg: logistic regression on the cat data; "
        "deep: an L-layer network on the cat data",
    )
    train.add_argument(
        "--data", metavar="DIR", help="folder with the cat .h5 files (default: $AUTOGRAD_LITE_DATA)"
    )
    train.add_argument("--plot", metavar="DIR", help="save plots in this folder (needs matplotlib)")
    train.add_argument(
        "--layers",
        type=layer_sizes,
        default="12288,20,7,5,1",
        metavar="N0,N1,...,1",
        help="layer sizes for 'deep', input first, one output unit last (default: 12288,20,7,5,1)",
    )
    train.add_argument("--iterations", metavar="N", type=positive_int, help="default: as the course")
    train.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help="tqdm bar")

    example = commands.add_parser("example", help="print the course's worked example J = 3(a + bc)")
    for name, default in (("a", 5.0), ("b", 3.0), ("c", 2.0)):
        example.add_argument(
            f"--{name}", type=float, default=default, help=f"value of {name} (default {default:g})"
        )

    commands.add_parser("doctor", help="show the versions, the diagram renderer and the formats that work")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv``; returns the exit code.

    0: done; 2: an error, printed as one line on stderr; 141: stdout was closed early (a pipe).
    """
    try:
        try:
            return _main(argv)
        finally:
            if sys.stdout is not None:  # flushed here, so that a closed pipe is noticed in time
                sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    if args.command == "example":
        print(worked_example(args.a, args.b, args.c))
        return 0
    handler = {
        "graph": graph_command,
        "play": play_command,
        "train": train_command,
        "demo": demo_command,
        "doctor": doctor_command,
    }[args.command]
    try:
        return handler(args)
    except BrokenPipeError:
        raise
    except OSError as error:  # last line of defence: paths are checked before the work starts
        return _fail(args.command, _os_error_text(error, args.command))
    except (ProgramError, ImportError, ValueError, RuntimeError) as error:
        return _fail(args.command, str(error))


def _fail(command: str, message: str) -> int:
    """Print ``message`` as one line on stderr; returns the exit code for an error."""
    text = " ".join(line.strip() for line in message.splitlines() if line.strip())
    print(f"autograd-lite {command}: error: {text}", file=sys.stderr)
    return EXIT_ERROR


def _os_error_text(error: OSError, command: str) -> str:
    """``cannot write 'x': Is a directory``, or the error's own words when it names no file."""
    if error.filename is None or not error.strerror:
        return str(error)
    verb = "open" if command == "train" else "write"  # train also reads data; the others only write
    return f"cannot {verb} {str(error.filename)!r}: {error.strerror}"


def _silence_stdout() -> None:
    """Point stdout at the null device, so that Python's last flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (captured in tests)
        pass
