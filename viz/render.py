"""Turning diagrams into files: SVG, PNG and PDF after a plain ``pip install``, with no system Graphviz.

Two renderers can run Graphviz's ``dot`` layout:

- ``"dot"``: the ``dot`` program of a system Graphviz, run as a subprocess;
- ``"pygraphviz"``: the ``pygraphviz`` dependency, whose wheels bundle Graphviz; it runs in-process.

Which one is used: the ``renderer`` argument of ``render``, ``render_bytes`` or ``svg_from_dot``, else the
environment variable ``AUTOGRAD_LITE_RENDERER``, else ``"auto"``: the system ``dot`` when it is on PATH
(the Graphviz the user installed, with the fonts it was set up with), otherwise pygraphviz.
Every failure of a renderer (not installed, a Graphviz error, out of memory) is one ``RuntimeError``
that names the format and what to install or try.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import graphviz

from autograd_lite.files import write_bytes_atomically
from autograd_lite.graph import Node

from .draw import draw

FORMATS = ("svg", "png", "pdf", "dot")
IMAGE_FORMATS = ("svg", "png", "pdf")
RENDERERS = ("auto", "pygraphviz", "dot")
RENDERER_ENV = "AUTOGRAD_LITE_RENDERER"
INSTALL_PYGRAPHVIZ = "pip install 'pygraphviz>=2.0.4' (its wheels bundle Graphviz)"
INSTALL_DOT = (
    "install Graphviz (apt-get install graphviz, brew install graphviz, or conda install graphviz) "
    "so that the 'dot' program is on PATH"
)
DOT_TIMEOUT = 120  # seconds


def system_dot() -> str | None:
    """Path of the system Graphviz ``dot`` program, or None."""
    return shutil.which("dot")


def choose_renderer(renderer: str | None = None) -> str:
    """The renderer to use, ``"pygraphviz"`` or ``"dot"``, from ``renderer`` or $AUTOGRAD_LITE_RENDERER.

    ``None`` reads the environment variable; ``"auto"`` (its default) picks the system ``dot`` when it is
    on PATH, else pygraphviz. Any other name is a ValueError.
    """
    source = "renderer" if renderer is not None else RENDERER_ENV
    name = renderer if renderer is not None else os.environ.get(RENDERER_ENV, "")
    name = name.strip().lower() or "auto"
    if name not in RENDERERS:
        raise ValueError(f"render: {source} must be one of {', '.join(RENDERERS)}, not {name!r}")
    if name == "auto":
        return "dot" if system_dot() is not None else "pygraphviz"
    return name


def render_bytes(source: str, format: str = "svg", renderer: str | None = None) -> bytes:
    """The bytes of the ``format`` ("svg", "png" or "pdf") rendering of the DOT ``source``.

    ``renderer`` is "auto", "pygraphviz" or "dot" (see the module's documentation); a failure of the
    renderer is a RuntimeError that says what to install or try.
    """
    format = format.lower()
    if format not in IMAGE_FORMATS:
        raise ValueError(f"render: format must be one of {', '.join(IMAGE_FORMATS)}, not {format!r}")
    if choose_renderer(renderer) == "dot":
        return _render_with_dot(source, format)
    return _render_with_pygraphviz(source, format)


def svg_from_dot(source: str, renderer: str | None = None) -> str:
    """SVG text for DOT source, from the renderer ``choose_renderer(renderer)`` picks."""
    return render_bytes(source, "svg", renderer).decode("utf-8")


def render(
    target: Node | graphviz.Digraph,
    path: str | Path,
    format: str | None = None,
    view: str = "forward",
    renderer: str | None = None,
    **draw_options,
) -> Path:
    """Write the diagram of ``target`` (a node, or a diagram from ``draw``) to ``path``.

    ``format`` is "svg", "png", "pdf" or "dot" (default: from the file suffix, else svg).
    ``renderer`` is "auto" (the system ``dot`` when on PATH, else the bundled Graphviz of pygraphviz),
    "pygraphviz" or "dot"; default: $AUTOGRAD_LITE_RENDERER, else "auto".
    Other keyword arguments go to ``draw`` (``modules``, ``collapse``, ``max_nodes``, ...).
    """
    path = Path(path)
    format = (format or path.suffix.lstrip(".") or "svg").lower()
    if format not in FORMATS:
        raise ValueError(f"render: format must be one of {', '.join(FORMATS)}, not {format!r}")
    if not path.suffix:
        path = path.with_suffix(f".{format}")
    diagram = target if isinstance(target, graphviz.Digraph) else draw(target, view=view, **draw_options)
    source = diagram.source
    if format == "dot":
        content = source.encode("utf-8")
    elif format == "svg":
        content = svg_from_dot(source, renderer).encode("utf-8")
    else:
        content = render_bytes(source, format, renderer)
    path.parent.mkdir(parents=True, exist_ok=True)  # once the content is ready: a failure creates nothing
    return write_bytes_atomically(path, content, f"render {path}")


def _render_with_pygraphviz(source: str, format: str) -> bytes:
    """``format`` bytes from Graphviz in-process (pygraphviz); every failure is one RuntimeError."""
    what = format.upper()
    try:
        import pygraphviz
    except (ImportError, OSError) as error:  # not installed, or a library of the wheel failed to load
        found = "is not installed" if _not_installed(error) else f"failed to load ({error})"
        raise RuntimeError(
            f"render: {what} output needs Graphviz; pygraphviz {found} and no system 'dot' program "
            f"was found: {INSTALL_PYGRAPHVIZ}, or {INSTALL_DOT}, or use format='dot' for the DOT source"
        ) from None
    try:
        content = pygraphviz.AGraph(string=source).draw(format=format, prog="dot")
    except MemoryError:
        raise RuntimeError(
            f"render: pygraphviz ran out of memory rendering {what}; raise the memory limit, draw fewer "
            f"nodes (max_nodes=...), or use format='dot' for the DOT source"
        ) from None
    except Exception as error:  # DotError, ValueError, ...: Graphviz's own errors
        detail = str(error).strip() or type(error).__name__
        raise RuntimeError(
            f"render: pygraphviz could not render {what} ({detail}); try the system Graphviz with "
            f"{RENDERER_ENV}=dot ({INSTALL_DOT}), or use format='dot' for the DOT source"
        ) from None
    if not content:
        raise RuntimeError(
            f"render: pygraphviz rendered an empty {what}; try the system Graphviz with {RENDERER_ENV}=dot, "
            f"or use format='dot' for the DOT source"
        )
    return bytes(content)


def _render_with_dot(source: str, format: str) -> bytes:
    """The output of the system ``dot -T<format>`` for ``source``; every failure is one RuntimeError."""
    what = format.upper()
    dot = system_dot()
    if dot is None:
        raise RuntimeError(
            f"render: {what} output with the 'dot' renderer needs the Graphviz 'dot' program, which was "
            f"not found; {INSTALL_DOT}, or use the bundled Graphviz: renderer='pygraphviz' "
            f"({RENDERER_ENV}=pygraphviz)"
        )
    try:
        result = subprocess.run(
            [dot, f"-T{format}"], input=source.encode("utf-8"), capture_output=True, timeout=DOT_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        detail = f"no answer after {DOT_TIMEOUT} s"
    except (OSError, MemoryError) as error:
        detail = str(error) or type(error).__name__
    else:
        if result.returncode == 0 and result.stdout:
            return result.stdout
        stderr = " ".join(result.stderr.decode("utf-8", "replace").split())
        detail = stderr or f"exit code {result.returncode}"
    raise RuntimeError(
        f"render: the Graphviz 'dot' program ({dot}) could not render {what} ({detail}); "
        f"try {RENDERER_ENV}=pygraphviz, or use format='dot' for the DOT source"
    )


def _not_installed(error: BaseException) -> bool:
    """Whether an import error says pygraphviz is absent (not: present, but failed to load)."""
    return isinstance(error, ModuleNotFoundError) and (error.name or "").split(".")[0] == "pygraphviz"
