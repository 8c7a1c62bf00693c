"""viz.render: diagrams to files. SVG, PNG and PDF work without a system Graphviz (pygraphviz bundles
Graphviz); a system ``dot`` is used when present or asked for; every renderer failure is one RuntimeError
that says what to install or try."""

from __future__ import annotations

import html
import importlib
import importlib.util
import re
import stat
import sys

import numpy as np
import pytest
from helpers import course_graph

from autograd_lite import Tensor, nn, viz

render_module = importlib.import_module("autograd_lite.viz.render")  # viz.render is the function


def svg_text(path) -> str:
    """The SVG's text with Graphviz's character escapes (&#45;, &gt;, ...) undone."""
    text = path.read_text(encoding="utf-8")
    assert "<svg" in text and text.rstrip().endswith("</svg>")
    return html.unescape(text)


def dot_labels(source: str) -> set[str]:
    """Every line of every label in DOT source (``label="u = 6\n∂J/∂u = 3"`` gives two lines)."""
    found = set()
    for match in re.finditer(r'label=(?:"((?:[^"\\]|\\.)*)"|([^\s\]"]+))', source):
        text = match.group(1) if match.group(1) is not None else match.group(2)
        for line in re.split(r"\\[nlr]", text):
            line = line.replace('\\"', '"').replace("\\\\", "\\").strip()
            if line:
                found.add(line)
    return found


def assert_has_labels(svg: str, source: str) -> None:
    """The SVG text shows every label line of the DOT source it was rendered from."""
    labels = dot_labels(source)
    assert labels, "no labels found in the DOT source"
    missing = sorted(label for label in labels if label not in svg)
    assert not missing, missing


def forward_only(forward_source: str, backward_source: str) -> set[str]:
    """The value labels (``u = b*c = 6``) of the forward view that no backward label contains."""
    backward = dot_labels(backward_source)
    return {
        label
        for label in dot_labels(forward_source)
        if " = " in label and not any(label in other for other in backward)
    }


@pytest.fixture
def no_system_dot(monkeypatch):
    monkeypatch.setattr(render_module, "system_dot", lambda: None)


def test_this_machine_has_no_system_dot():
    if viz.system_dot() is not None:
        pytest.skip(f"a system Graphviz is installed at {viz.system_dot()}; the SVG tests still run")
    assert viz.system_dot() is None


@pytest.mark.svg
def test_svg_without_system_dot_has_values_and_gradients(tmp_path, no_system_dot):
    J = course_graph()[0]
    path = viz.render(J, tmp_path / "J.svg", view="both")
    assert path == tmp_path / "J.svg"
    text = svg_text(path)
    assert_has_labels(text, viz.draw(J, view="both").source)
    for value in ("= 6", "= 11", "= 33", "= 9"):  # values and gradients of the course's example
        assert value in text, value


@pytest.mark.svg
def test_svg_of_each_view(tmp_path):
    J = course_graph()[0]
    forward = svg_text(viz.render(J, tmp_path / "forward.svg"))  # forward is the default view
    backward = svg_text(viz.render(J, tmp_path / "backward.svg", view="backward"))
    forward_source, backward_source = viz.draw(J, view="forward").source, viz.draw(J, view="backward").source
    assert_has_labels(forward, forward_source)
    assert_has_labels(backward, backward_source)
    values = forward_only(forward_source, backward_source)  # u = b*c = 6, ...
    assert values and not any(label in backward for label in values)


def test_dot_format_writes_the_dot_source(tmp_path):
    J = course_graph()[0]
    path = viz.render(J, tmp_path / "J.txt", format="dot", view="both")
    assert path.read_text(encoding="utf-8") == viz.draw(J, view="both").source


@pytest.mark.svg
def test_format_is_inferred_from_the_suffix(tmp_path):
    J = course_graph()[0]
    dot = viz.render(J, tmp_path / "J.dot", view="backward")
    assert dot.read_text(encoding="utf-8") == viz.draw(J, view="backward").source
    svg = viz.render(J, tmp_path / "J.SVG")
    assert "<svg" in svg.read_text(encoding="utf-8")
    # no suffix: svg, and the suffix is added
    plain = viz.render(J, tmp_path / "nested" / "J")
    assert plain == tmp_path / "nested" / "J.svg" and "<svg" in plain.read_text(encoding="utf-8")
    # an explicit format without a suffix names the file after it
    assert viz.render(J, tmp_path / "K", format="dot").name == "K.dot"


@pytest.mark.parametrize("where", ["suffix", "argument"])
def test_unknown_format_raises_value_error(tmp_path, where):
    J = course_graph()[0]
    with pytest.raises(ValueError, match="format must be one of svg, png, pdf, dot, not 'gif'"):
        if where == "suffix":
            viz.render(J, tmp_path / "J.gif")
        else:
            viz.render(J, tmp_path / "J.out", format="gif")
    assert list(tmp_path.iterdir()) == []


MAGIC = {"svg": b"<?xml", "png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-"}
needs_pygraphviz = pytest.mark.skipif(
    importlib.util.find_spec("pygraphviz") is None, reason="needs pygraphviz (a dependency)"
)


@needs_pygraphviz
@pytest.mark.parametrize("format", ["svg", "png", "pdf"])
def test_every_format_without_system_dot(tmp_path, no_system_dot, format):
    path = viz.render(course_graph()[0], tmp_path / f"J.{format}", view="both")
    assert path.read_bytes().startswith(MAGIC[format])
    assert render_module.choose_renderer() == "pygraphviz"


@needs_pygraphviz
def test_render_bytes_with_pygraphviz_asked_for():
    assert render_module.render_bytes("digraph { a -> b }", "pdf", renderer="pygraphviz").startswith(b"%PDF-")
    svg = render_module.svg_from_dot('digraph { a [label="v = a + u = 11"] }', renderer="pygraphviz")
    assert "v = a + u = 11" in svg


@pytest.mark.parametrize("format", ["svg", "png", "pdf"])
def test_no_renderer_at_all_says_what_to_install(tmp_path, monkeypatch, no_system_dot, format):
    monkeypatch.setitem(sys.modules, "pygraphviz", None)  # as if it were not installed
    with pytest.raises(RuntimeError) as error:
        viz.render(course_graph()[0], tmp_path / f"J.{format}")
    message = str(error.value)
    assert message.startswith(f"render: {format.upper()} output needs Graphviz")
    assert "pip install 'pygraphviz>=2.0.4'" in message and "install Graphviz" in message
    assert "format='dot'" in message  # the way out that needs nothing
    assert error.value.__cause__ is None and error.value.__suppress_context__  # one error, not a chain
    assert list(tmp_path.iterdir()) == []


@needs_pygraphviz
@pytest.mark.parametrize(
    "failure", [ValueError("Graphviz raised a layout error."), MemoryError()], ids=["graphviz", "memory"]
)
@pytest.mark.parametrize("format", ["svg", "png"])
def test_a_pygraphviz_failure_is_one_clear_runtime_error(
    tmp_path, monkeypatch, no_system_dot, failure, format
):
    import pygraphviz

    def draw(self, *args, **kwargs):
        raise failure

    monkeypatch.setattr(pygraphviz.AGraph, "draw", draw)
    with pytest.raises(RuntimeError) as error:
        viz.render(course_graph()[0], tmp_path / f"J.{format}")
    message = str(error.value)
    assert message.startswith("render: pygraphviz ") and format.upper() in message
    assert "format='dot'" in message
    if isinstance(failure, MemoryError):
        assert "out of memory" in message
    else:
        assert "layout error" in message and "AUTOGRAD_LITE_RENDERER=dot" in message
    assert error.value.__cause__ is None and error.value.__suppress_context__
    assert list(tmp_path.iterdir()) == []


def test_bad_dot_source_is_a_runtime_error():
    with pytest.raises(RuntimeError, match="^render: .*could not render SVG"):
        viz.svg_from_dot("digraph { a -> }")


def fake_dot(folder, script: str) -> str:
    """An executable ``dot`` in ``folder`` that runs the shell ``script``; its path."""
    path = folder / "dot"
    path.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.mark.skipif(sys.platform == "win32", reason="the fake dot is a shell script")
def test_system_dot_is_used_when_present(tmp_path, monkeypatch):
    dot = fake_dot(tmp_path, 'cat > /dev/null; printf "%s output" "$1"')
    monkeypatch.setattr(render_module, "system_dot", lambda: dot)
    monkeypatch.delenv("AUTOGRAD_LITE_RENDERER", raising=False)
    assert render_module.choose_renderer() == "dot"
    assert render_module.render_bytes("digraph { a }", "png") == b"-Tpng output"
    monkeypatch.setenv("AUTOGRAD_LITE_RENDERER", "pygraphviz")  # asked for: the bundled Graphviz
    assert render_module.choose_renderer() == "pygraphviz"
    assert render_module.choose_renderer("auto") == "dot"  # the argument wins over the environment


@pytest.mark.skipif(sys.platform == "win32", reason="the fake dot is a shell script")
def test_a_system_dot_failure_is_one_clear_runtime_error(tmp_path, monkeypatch):
    dot = fake_dot(tmp_path, 'echo "Error: <stdin>: syntax error in line 1" >&2; exit 1')
    monkeypatch.setattr(render_module, "system_dot", lambda: dot)
    with pytest.raises(RuntimeError) as error:
        viz.render(course_graph()[0], tmp_path / "J.pdf", renderer="dot")
    message = str(error.value)
    assert message.startswith("render: the Graphviz 'dot' program") and "PDF" in message
    assert "syntax error in line 1" in message and "AUTOGRAD_LITE_RENDERER=pygraphviz" in message
    assert not (tmp_path / "J.pdf").exists()


def test_dot_asked_for_but_missing(tmp_path, monkeypatch, no_system_dot):
    monkeypatch.setenv("AUTOGRAD_LITE_RENDERER", "dot")
    with pytest.raises(RuntimeError, match="PNG output with the 'dot' renderer needs the Graphviz 'dot'"):
        viz.render(course_graph()[0], tmp_path / "J.png")


@pytest.mark.parametrize("where", ["argument", "environment"])
def test_unknown_renderer_is_a_value_error(tmp_path, monkeypatch, where):
    J = course_graph()[0]
    with pytest.raises(ValueError, match="must be one of auto, pygraphviz, dot, not 'wasm'"):
        if where == "argument":
            viz.render(J, tmp_path / "J.svg", renderer="wasm")
        else:
            monkeypatch.setenv("AUTOGRAD_LITE_RENDERER", "wasm")
            viz.render(J, tmp_path / "J.svg")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(viz.system_dot() is None, reason="needs the system Graphviz 'dot' program")
@pytest.mark.parametrize("format", ["svg", "png", "pdf"])
def test_every_format_with_system_dot(tmp_path, format):
    path = viz.render(course_graph()[0], tmp_path / f"J.{format}", renderer="dot")
    assert path.read_bytes().startswith(MAGIC[format])


@pytest.mark.svg
def test_render_accepts_a_diagram_from_draw(tmp_path):
    J = course_graph()[0]
    diagram = viz.draw(J, view="backward", title="Backward")
    text = svg_text(viz.render(diagram, tmp_path / "J.svg", view="forward"))  # the diagram's own view
    assert_has_labels(text, diagram.source)
    assert "Backward" in text
    values = forward_only(viz.draw(J, view="forward").source, diagram.source)
    assert values and not any(label in text for label in values)
    dot = viz.render(diagram, tmp_path / "J.dot")
    assert dot.read_text(encoding="utf-8") == diagram.source


def test_render_passes_draw_options(tmp_path):
    J = course_graph()[0]
    path = viz.render(J, tmp_path / "J.dot", view="both", max_nodes=2)
    assert "more nodes" in path.read_text(encoding="utf-8")


@pytest.mark.svg
def test_render_a_tensor_graph(tmp_path):
    x = Tensor(np.arange(6, dtype=np.float32).reshape(2, 3), requires_grad=True, label="x")
    W = Tensor(np.ones((3, 4), dtype=np.float32), requires_grad=True, label="W")
    J = (x @ W).tanh().sum()
    J.backward()
    text = svg_text(viz.render(J, tmp_path / "tensor.svg", view="both"))
    assert_has_labels(text, viz.draw(J, view="both").source)
    for label in ("(2×3 float32)", "tanh(x @ W)", "7.98"):
        assert label in text, label


@pytest.mark.svg
def test_render_the_nn_graph_with_modules(tmp_path):
    X, Y = nn.datasets.planar_flower()
    model = nn.DeepNetwork([2, 4, 1], hidden_activation="tanh", init="small", seed=2)
    cost = nn.binary_cross_entropy(model(Tensor(X, label="X")), Tensor(Y, label="Y")).named("J")
    cost.backward()
    clusters = svg_text(viz.render(cost, tmp_path / "net.svg", view="both", modules=model))
    assert_has_labels(clusters, viz.draw(cost, view="both", modules=model).source)
    for label in ("layer1", "layer2", "W1", "b2", "dW1"):
        assert label in clusters, label
    assert 'class="cluster"' in clusters
    boxes = svg_text(viz.render(cost, tmp_path / "layers.svg", view="both", modules=model, collapse=True))
    assert_has_labels(boxes, viz.draw(cost, view="both", modules=model, collapse=True).source)
    assert "Dense(W1 (4, 2), b1 (4, 1), tanh)" in boxes and "Z1 = " not in boxes


class _BrokenPygraphviz:
    """An import finder for which pygraphviz is installed but its Graphviz libraries fail to load."""

    def find_spec(self, name, path=None, target=None):
        if name == "pygraphviz":
            raise ImportError("libtiff.so.5: failed to map segment from shared object")
        return None


def test_pygraphviz_that_fails_to_load_is_not_called_missing(tmp_path, monkeypatch, no_system_dot):
    monkeypatch.delitem(sys.modules, "pygraphviz", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_BrokenPygraphviz(), *sys.meta_path])
    with pytest.raises(RuntimeError) as error:
        viz.render(course_graph()[0], tmp_path / "J.pdf")
    message = str(error.value)
    assert "pygraphviz failed to load (libtiff.so.5: failed to map segment" in message
    assert "not installed" not in message and "PDF" in message
