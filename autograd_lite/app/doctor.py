"""``autograd-lite doctor``: the versions, the diagram renderer and the formats that work here.

Prints the package, Python and NumPy versions; the renderer that ``viz.render`` uses (pygraphviz and
the Graphviz it bundles, or the system ``dot``) and why; whether each of SVG, PNG and PDF renders (a
tiny graph is rendered to each); and whether the optional matplotlib, h5py and torch import.
Exit code 0, or 2 when no image format renders.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import subprocess
import sys

from .. import __version__

EXIT_NO_RENDERER = 2
TINY_GRAPH = 'digraph doctor { a [label="a = 5"]; a -> b }'
OPTIONAL_MODULES = ("matplotlib", "h5py", "torch")


def pygraphviz_version() -> str | None:
    """``"2.0.4, Graphviz 14.1.5"``: pygraphviz and the Graphviz it runs (its wheels bundle one); None when
    it is not installed, ``"fails to load (...)"`` when it is but cannot be imported."""
    try:
        import pygraphviz
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] == "pygraphviz":
            return None
        return f"fails to load ({error})"
    except (ImportError, OSError) as error:  # a library of the wheel failed to load (a memory limit?)
        return f"fails to load ({error})"
    graphviz_version = getattr(pygraphviz, "__graphviz_version__", None)
    bundled = f", Graphviz {graphviz_version}" if graphviz_version else ""
    return f"{pygraphviz.__version__}{bundled}"


def dot_version(dot: str) -> str:
    """What ``dot -V`` says about itself (it writes to stderr), or why it could not be asked."""
    try:
        result = subprocess.run([dot, "-V"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"'dot -V' failed: {error}"
    text = " ".join((result.stderr or result.stdout).decode("utf-8", "replace").split())
    return text or f"'dot -V' said nothing (exit code {result.returncode})"


def module_status(name: str) -> str:
    """``"matplotlib 3.8.0"``, ``"torch: not installed"`` or ``"h5py: fails to import (...)"``."""
    try:
        module = importlib.import_module(name)
    except ImportError:
        return f"{name}: not installed"
    except Exception as error:  # a broken install: report it, do not crash the doctor
        return f"{name}: fails to import ({type(error).__name__}: {error})"
    return f"{name} {getattr(module, '__version__', '(version unknown)')}"


def format_results(renderer: str) -> dict[str, str | None]:
    """For each of svg, png, pdf: None when a tiny graph renders with ``renderer``, else the error."""
    from ..viz.render import IMAGE_FORMATS, render_bytes

    results: dict[str, str | None] = {}
    for format in IMAGE_FORMATS:
        try:
            render_bytes(TINY_GRAPH, format, renderer)
        except Exception as error:  # RuntimeError from the renderer; anything else is reported too
            results[format] = " ".join(str(error).split()) or type(error).__name__
        else:
            results[format] = None
    return results


def doctor_report() -> tuple[list[str], int]:
    """The lines ``autograd-lite doctor`` prints, and its exit code."""
    import numpy

    from ..viz.render import RENDERER_ENV, choose_renderer, system_dot

    lines = [
        f"autograd-lite {__version__}",
        f"Python {platform.python_version()} ({platform.system()} {platform.machine()})",
        f"NumPy {numpy.__version__}",
    ]
    pygraphviz = pygraphviz_version()
    dot = system_dot()
    dot_text = f"{dot_version(dot)} at {dot}" if dot else "not found on PATH"
    try:
        renderer = choose_renderer()
    except ValueError as error:
        lines.append(f"renderer: none ({error})")
        renderer = None
    else:
        setting = os.environ.get(RENDERER_ENV, "").strip()
        why = f"{RENDERER_ENV}={setting}" if setting else f"auto; {RENDERER_ENV}=pygraphviz or dot chooses"
        in_use = f"pygraphviz {pygraphviz or '(not installed)'}" if renderer == "pygraphviz" else "system dot"
        lines.append(f"renderer: {in_use} ({why})")
    lines.append(f"  pygraphviz: {pygraphviz or 'not installed'}")
    lines.append(f"  system dot: {dot_text}")
    results = format_results(renderer) if renderer else {}
    working = [format for format, error in results.items() if error is None]
    lines.append(f"formats: {', '.join([*working, 'dot']) if working else 'dot only (the DOT source)'}")
    for format, error in results.items():
        if error is not None:
            lines.append(f"  {format}: fails: {error}")
    lines.append("optional: " + ", ".join(module_status(name) for name in OPTIONAL_MODULES))
    return lines, 0 if working else EXIT_NO_RENDERER


def doctor_command(args: argparse.Namespace) -> int:
    """``autograd-lite doctor``: print the report; 0, or 2 when no renderer works."""
    lines, code = doctor_report()
    print("\n".join(lines))
    if code:
        print("autograd-lite doctor: error: no diagram format renders; see the lines above", file=sys.stderr)
    return code
