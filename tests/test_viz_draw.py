"""viz.draw: the DOT text of the forward, backward and combined diagrams.

The course graph is a = 5, b = 3, c = 2; u = b*c; v = a + u; J = 3*v (J = 33, ∂J/∂a = 3, ∂J/∂b = 6,
∂J/∂c = 9). Everything here reads ``Diagram.source`` (no Graphviz needed), except the Jupyter
display, which renders SVG through the WebAssembly Graphviz.
"""

from __future__ import annotations

import importlib
import re

import numpy as np
import pytest
from helpers import course_graph

from autograd_lite import Scalar, Tensor, nn, viz

draw_module = importlib.import_module("autograd_lite.viz.draw")  # viz.draw is the function
FORWARD_COLOR, BACKWARD_COLOR = draw_module.FORWARD_COLOR, draw_module.BACKWARD_COLOR


def value_nodes(source: str) -> dict[str, str]:
    """Node id -> label of every value box (ids n0, n1, ...), from the DOT text."""
    return dict(re.findall(r'^\s*(n\d+) \[label=("[^"]*"|\S+)', source, re.M))


def backward_edges(source: str) -> list[str]:
    return [line for line in source.splitlines() if "dir=back" in line]


# --- the course graph -----------------------------------------------------------------------------------


def test_forward_view_shows_values_and_ops():
    J, _ = course_graph()
    source = viz.draw(J, view="forward").source
    for text in ("a = 5", "b = 3", "c = 2", "u = b*c = 6", "v = a + u = 11", "J = 3*v = 33"):
        assert text in source
    ops = re.findall(r"^\s*op\d+ \[label=(\S+)", source, re.M)
    assert sorted(op.strip('"') for op in ops) == ["+", "×", "×"]
    assert "∂J/" not in source and "dir=back" not in source
    assert f'color="{FORWARD_COLOR}"' in source


def test_backward_view_shows_gradients_and_local_derivatives():
    J, _ = course_graph()
    source = viz.draw(J, view="backward").source
    for text in ("∂J/∂J = 1", "∂J/∂v = 3", "∂J/∂u = 3", "∂J/∂a = 3", "∂J/∂b = 6", "∂J/∂c = 9"):
        assert text in source
    edges = backward_edges(source)
    labels = [re.search(r'label="([^"]*)"', edge).group(1) for edge in edges]
    assert sorted(labels) == sorted(["∂u/∂b = c = 2", "∂u/∂c = b = 3", "∂v/∂a = 1", "∂v/∂u = 1", "∂J/∂v = 3"])
    for edge in edges:
        assert f'color="{BACKWARD_COLOR}"' in edge and f'fontcolor="{BACKWARD_COLOR}"' in edge
    # values and op nodes belong to the forward view; the constant 3 has no gradient to show
    assert "u = b*c = 6" not in source
    assert not re.search(r"^\s*op\d+ \[", source, re.M)
    assert len(value_nodes(source)) == 6


def test_backward_edges_run_from_parent_to_child_drawn_backwards():
    J, _ = course_graph()
    source = viz.draw(J, view="backward").source
    nodes = {label.strip('"').split("\\n")[-1]: node_id for node_id, label in value_nodes(source).items()}
    b_id, u_id = nodes["∂J/∂b = 6"], nodes["∂J/∂u = 3"]
    assert re.search(rf'^\s*{b_id} -> {u_id} \[label="∂u/∂b = c = 2".*dir=back', source, re.M)


def test_both_view_has_values_gradients_and_both_kinds_of_edge():
    J, _ = course_graph()
    source = viz.draw(J, view="both").source
    for text in ("u = b*c = 6\\n∂J/∂u = 3", "v = a + u = 11\\n∂J/∂v = 3", "J = 3*v = 33\\n∂J/∂J = 1"):
        assert text in source
    assert "∂u/∂b = c = 2" in source and "∂v/∂a = 1" in source
    forward = [line for line in source.splitlines() if "->" in line and "dir=back" not in line]
    assert len(forward) == 9 and not backward_edges(source)
    # in the combined view the local derivatives are external labels on the forward edges (no back
    # edges: labelled back edges made dot's layout superlinear on long chains)
    labelled = [line for line in forward if "xlabel=" in line]
    assert len(labelled) == 5
    assert all(f'fontcolor="{BACKWARD_COLOR}"' in edge for edge in labelled)


COURSE_BOTH_SNAPSHOT = r"""digraph autograd_lite {
	graph [fontname=Helvetica fontsize=12 nodesep=0.3 rankdir=LR]
	node [fontname=Helvetica fontsize=11 margin="0.15,0.06"]
	edge [arrowsize=0.7 fontname=Helvetica fontsize=10]
	n0 [label="a = 5\n∂J/∂a = 3" fillcolor="#d0ebff" shape=box style="rounded,filled"]
	n1 [label="b = 3\n∂J/∂b = 6" fillcolor="#d0ebff" shape=box style="rounded,filled"]
	n2 [label="c = 2\n∂J/∂c = 9" fillcolor="#d0ebff" shape=box style="rounded,filled"]
	n3 [label="u = b*c = 6\n∂J/∂u = 3" fillcolor="#ffffff" shape=box style="rounded,filled"]
	op3 [label="×" fillcolor="#e9ecef" fontsize=10 height=0.3 margin=0.02 shape=circle style=filled width=0.3]
	n4 [label="v = a + u = 11\n∂J/∂v = 3" fillcolor="#ffffff" shape=box style="rounded,filled"]
	op4 [label="+" fillcolor="#e9ecef" fontsize=10 height=0.3 margin=0.02 shape=circle style=filled width=0.3]
	n5 [label=3 fillcolor="#f1f3f5" shape=box style="rounded,filled"]
	n6 [label="J = 3*v = 33\n∂J/∂J = 1" fillcolor="#fff3bf" shape=box style="rounded,filled"]
	op6 [label="×" fillcolor="#e9ecef" fontsize=10 height=0.3 margin=0.02 shape=circle style=filled width=0.3]
	n1 -> op3 [color="#333333" fontcolor="#d9480f" xlabel="∂u/∂b = c = 2"]
	n2 -> op3 [color="#333333" fontcolor="#d9480f" xlabel="∂u/∂c = b = 3"]
	op3 -> n3 [color="#333333"]
	n0 -> op4 [color="#333333" fontcolor="#d9480f" xlabel="∂v/∂a = 1"]
	n3 -> op4 [color="#333333" fontcolor="#d9480f" xlabel="∂v/∂u = 1"]
	op4 -> n4 [color="#333333"]
	n5 -> op6 [color="#333333"]
	n4 -> op6 [color="#333333" fontcolor="#d9480f" xlabel="∂J/∂v = 3"]
	op6 -> n6 [color="#333333"]
}
"""  # noqa: E501


def test_both_view_matches_the_dot_snapshot():
    J, _ = course_graph()
    assert viz.draw(J, view="both").source == COURSE_BOTH_SNAPSHOT


def test_output_is_deterministic():
    first, _ = course_graph()
    second, _ = course_graph()
    for view in viz.VIEWS:
        assert viz.draw(first, view=view).source == viz.draw(second, view=view).source
    assert viz.draw(first, view="both").source == viz.draw(first, view="both").source


def test_known_subset_shows_question_marks_for_unknown_gradients():
    J, nodes = course_graph()
    source = viz.draw(J, view="backward", known=[J, nodes["v"]]).source
    assert "∂J/∂J = 1" in source and "∂J/∂v = 3" in source
    for name in "uabc":
        assert f"∂J/∂{name} = ?" in source
    assert "∂J/∂b = 6" not in source and "∂u/∂b = c = 2" not in source
    # edges into unknown nodes are drawn dotted and unlabelled, known ones solid with their factor
    dotted = [edge for edge in backward_edges(source) if "style=dotted" in edge]
    assert len(dotted) == 2 and all('label=""' in edge for edge in dotted)
    assert "∂v/∂u = 1" in source


def test_invalid_view_and_max_nodes_raise_value_error():
    J, _ = course_graph()
    with pytest.raises(ValueError, match="view must be one of forward, backward, both"):
        viz.draw(J, view="sideways")
    with pytest.raises(ValueError, match="max_nodes"):
        viz.draw(J, max_nodes=0)


def test_title_becomes_the_graph_label():
    J, _ = course_graph()
    source = viz.draw(J, title="The course's graph").source
    assert 'label="The course\'s graph"' in source and "labelloc=t" in source


# --- tensors ------------------------------------------------------------------------------------------------


def test_tensor_nodes_show_label_shape_dtype_and_small_values():
    x = Tensor(np.arange(6, dtype=np.float32).reshape(2, 3), requires_grad=True, label="x")
    W = Tensor(np.ones((3, 4), dtype=np.float32), requires_grad=True, label="W")
    J = (x @ W).tanh().sum()
    J.backward()
    labels = value_nodes(viz.draw(J, view="both").source)
    x_label = next(label for label in labels.values() if label.startswith('"x\\n'))
    assert "(2×3 float32)" in x_label and "[[0, 1, 2], [3, 4, 5]]" in x_label
    assert "dx: (2×3 float32)" in x_label
    # 12 elements: a summary instead of the values
    W_label = next(label for label in labels.values() if label.startswith('"W\\n'))
    assert "(3×4 float32) mean 1, min 1, max 1" in W_label
    assert "dW: (3×4 float32) mean" in W_label


def test_big_tensor_shows_a_summary_with_mean_min_max():
    big = Tensor(np.linspace(0.0, 1.0, 100).reshape(10, 10), requires_grad=True, label="big")
    J = (big * 2).mean()
    J.backward()
    source = viz.draw(J, view="both").source
    assert "big\\n(10×10 float64) mean 0.5, min 0, max 1" in source
    assert "dbig: (10×10 float64) mean 0.02, min 0.02, max 0.02" in source


def test_unnamed_tensor_intermediates_get_names_from_their_ops():
    x = Tensor(np.ones((2, 3)), requires_grad=True, label="x")
    W = Tensor(np.ones((3, 4)), requires_grad=True, label="W")
    J = (x @ W).tanh().sum()
    J.backward()
    source = viz.draw(J, view="both").source
    labels = list(value_nodes(source).values())
    assert any(label.startswith('"x @ W\\n') for label in labels)
    assert any(label.startswith('"tanh(x @ W)\\n') for label in labels)
    assert re.search(r"^\s*op\d+ \[label=\"@\"", source, re.M)
    assert "dW = xᵀ · d(x @ W)" in source  # the course's vector-Jacobian product on the edge
    assert "dx = d(x @ W) · Wᵀ" in source


def test_small_tensor_of_tiny_values_is_not_shown_as_zeros():
    # BUG: array_text prints small tensors with np.array2string(precision=4, suppress_small=True),
    # so values below 5e-5 read as 0 ("(3) [0., 0., 0.]", and gradients show "-0."), while the
    # same values in a Scalar box ("1e-05") or in a 7+ element summary ("min 1e-05") are shown.
    t = Tensor([1e-5, 2e-5, 3e-5], requires_grad=True, label="t")
    label = value_nodes(viz.draw(t).source)["n0"]
    assert "0., 0., 0." not in label, label
    assert "e-05" in label, label


def test_mixed_scalar_and_tensor_graph_draws():
    s = Scalar(2.0, label="s")
    t = Tensor([1.0, 2.0, 3.0], requires_grad=True, label="t")
    J = (t * s).sum()
    J.backward()
    source = viz.draw(J, view="both").source
    assert "s = 2\\n∂J/∂s = 6" in source  # the Scalar keeps its ∂J/∂s notation
    assert "t\\n(3 float64) [1, 2, 3]\\ndt: (3 float64) [2, 2, 2]" in source
    assert "J = 12\\ndJ = 1" in source  # an unnamed output is called J
    assert "(summed over broadcast axes)" in source


# --- nn models ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def planar_cost():
    X, Y = nn.datasets.planar_flower()
    model = nn.DeepNetwork([2, 4, 1], hidden_activation="tanh", init="small", seed=2)
    cost = nn.binary_cross_entropy(model(Tensor(X, label="X")), Tensor(Y, label="Y")).named("J")
    cost.backward()
    return model, cost


def test_modules_become_clusters_with_course_names(planar_cost):
    model, cost = planar_cost
    source = viz.draw(cost, view="both", modules=model).source
    clusters = re.findall(r"subgraph (cluster_\d+) \{\s*\n\s*[^\n]*label=(\w+)", source)
    assert [label for _, label in clusters] == ["layer1", "layer2"]
    labels = list(value_nodes(source).values())
    for name in ("W1", "b1", "W2", "b2"):
        assert any(label.startswith(f'"{name}\\n') for label in labels), name
    for name in ("Z1", "A1", "Z2", "A2"):
        assert any(label.startswith(f'"{name} = ') for label in labels), name
    assert "J = BCE(A2, Y) = 0.693" in source
    # the parameters and activations of layer 1 sit inside the first cluster
    first_cluster = source.split("subgraph cluster_0", 1)[1].split("subgraph cluster_1", 1)[0]
    assert '"W1\\n' in first_cluster and '"A1 = tanh(Z1)\\n' in first_cluster
    assert "dZ1 = dA1 ⊙ (1 - A1²)" in source


def test_collapse_draws_one_box_per_layer(planar_cost):
    model, cost = planar_cost
    source = viz.draw(cost, view="both", modules=model, collapse=True).source
    boxes = re.findall(r'^\s*(m\d+) \[label="([^"]*)".*shape=box3d', source, re.M)
    assert [label.split("\\n")[0] for _, label in boxes] == ["layer1", "layer2"]
    assert "Dense(W1 (4, 2), b1 (4, 1), tanh)" in boxes[0][1]
    labels = list(value_nodes(source).values())
    assert not any(label.startswith(('"W1', '"b1', '"Z1', '"A1')) for label in labels)
    assert "subgraph cluster_" not in source
    assert re.search(r"^\s*m0 -> m1 ", source, re.M)


# --- the node limit -------------------------------------------------------------------------------------


def tanh_chain(length: int) -> Scalar:
    """A chain of ``length`` Scalar nodes: x, tanh(x), tanh(tanh(x)), ..."""
    node = Scalar(0.1, label="x")
    for _ in range(length - 1):
        node = node.tanh()
    node.backward()
    return node


def assert_folded(source: str, max_nodes: int, hidden: int) -> None:
    assert len(value_nodes(source)) <= max_nodes
    summary = re.search(r'^\s*more \[label="([^"]*)"', source, re.M)
    assert summary, "no summary node"
    assert f"{hidden} more nodes" in summary.group(1) and "max_nodes" in summary.group(1)


def test_max_nodes_folds_a_medium_chain_into_a_summary_node():
    source = viz.draw(tanh_chain(120), view="both", max_nodes=50).source
    assert_folded(source, 50, 70)
    assert "J = " in source  # the nodes kept are the ones next to the output


def test_max_nodes_folds_a_long_chain_into_a_summary_node():
    # BUG: with 500 nodes this raises RecursionError: Namer names the oldest kept node from its
    # (hidden, never named) parents, recursing once per hidden node down the whole chain.
    source = viz.draw(tanh_chain(500), view="both", max_nodes=50).source
    assert_folded(source, 50, 450)


# --- Jupyter ----------------------------------------------------------------------------------------------


@pytest.mark.svg
def test_diagram_displays_as_svg_in_jupyter():
    J, _ = course_graph()
    diagram = viz.draw(J, view="both")
    assert isinstance(diagram, viz.Diagram)
    bundle = diagram._repr_mimebundle_()
    assert sorted(bundle) == ["image/svg+xml", "text/html"]
    html_box = bundle["text/html"]  # a wide diagram scrolls inside the output area
    assert html_box.startswith('<div style="max-width: 100%') and "<?xml" not in html_box
    assert "<svg" in bundle["image/svg+xml"] and "∂J/∂b = 6" in bundle["image/svg+xml"]
    assert "<svg" in diagram._repr_svg_()


def test_scalar_and_tensor_nodes_have_a_rich_html_display():
    J, nodes = course_graph()
    page = nodes["u"]._repr_html_()
    assert page.startswith("<table>") and "Scalar u" in page and "mul" in page and "6.0" in page
    assert "3.0" in page  # its gradient
    W = Tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True, label="W")
    page = W._repr_html_()
    assert "Tensor W" in page and "(2, 3) float32" in page and "leaf (input)" in page
