"""``viz.draw(model)`` and ``viz.render(model, path)``: an nn model's layers and parameters with shapes."""

from __future__ import annotations

import pytest

from autograd_lite import nn, viz


def test_a_deep_network_draws_one_box_per_layer_in_the_course_notation():
    source = viz.draw(nn.DeepNetwork([12288, 20, 7, 5, 1], seed=1)).source
    assert "DeepNetwork: 245,973 parameters" in source
    assert "X (12288, m)" in source and "A4 (1, m)" in source
    for line in ("W1 (20, 12288), b1 (20, 1)", "Z2 = W2 A1 + b2", "A4 = sigmoid(Z4)", "245,780 parameters"):
        assert line in source
    assert source.count("shape=box3d") == 4  # collapsed per layer by default


def test_expanded_each_parameter_is_its_own_node_in_its_layers_cluster():
    source = viz.draw(nn.DeepNetwork([2, 4, 1], seed=1), collapse=False).source
    assert source.count("subgraph cluster_") == 2
    assert 'label="W1\\n(4, 2)"' in source and 'label="b2\\n(1, 1)"' in source
    assert "shape=box3d" not in source


def test_logistic_regression_is_drawn_as_the_course_writes_it():
    source = viz.draw(nn.LogisticRegression(n_x=3)).source
    assert "Z1 = wᵀ X + b" in source and "X (3, m)" in source and "A1 (1, m)" in source


def test_a_model_without_parameters_is_refused_clearly():
    with pytest.raises(ValueError, match="Sequential has no parameters to draw"):
        viz.draw(nn.Sequential())


@pytest.mark.svg
def test_render_writes_the_model_diagram(tmp_path):
    path = viz.render(nn.DeepNetwork([2, 4, 1], seed=1), tmp_path / "model.svg")
    svg = path.read_text(encoding="utf-8")
    assert "<svg" in svg and "W1 (4, 2), b1 (4, 1)" in svg
