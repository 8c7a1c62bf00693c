"""viz.play: the playground in a notebook; its sliders redraw the diagram in place with the engine's
numbers, for a program and for a graph built in Python (replayed op by op)."""

from __future__ import annotations

import builtins

import pytest
from autograd_lite.viz.live import replay

from autograd_lite import Scalar, viz
from autograd_lite.names import number

pytest.importorskip("ipywidgets", reason="viz.play needs ipywidgets (the notebook extra)")


def test_a_program_gets_a_slider_per_input_and_redraws_as_one_moves():
    play = viz.play("u = b*c; v = a + u; J = 3*v")
    assert sorted(play.sliders) == ["a", "b", "c"] and play.values() == {"b": 3.0, "c": 2.0, "a": 5.0}
    assert "J = 3*v = 33" in play.diagram.value and "∂J/∂c = 9" in play.diagram.value
    play.sliders["b"].value = 4.0
    assert "J = 3*v = 39" in play.diagram.value and "∂J/∂c = 12" in play.diagram.value
    assert "it really moves by" in play.nudge.value and play.error.value == ""


def test_the_layout_stays_while_a_slider_moves():
    play = viz.play("J = tanh(w*x + 1)", w=0.5, x=2.0)
    geometry = [line for line in play.diagram.value.split("\n") if "<text" not in line]
    play.sliders["w"].value = -1.25
    assert [line for line in play.diagram.value.split("\n") if "<text" not in line] == geometry


def test_a_value_outside_the_domain_is_shown_not_raised():
    play = viz.play("J = log(a)", a=2.0)
    play.sliders["a"].value = -1.0
    assert "log(a)" in play.error.value and "is not &gt; 0" in play.error.value


def test_a_graph_built_in_python_is_replayed_at_the_new_values():
    a, b = Scalar(2.0, label="a"), Scalar(-1.0, label="b")
    J = (a * b + a.tanh() + Scalar.sum([a, b, 3.0])).named("J")
    play = viz.play(J)
    play.sliders["a"].value = 0.5
    again = replay(J, {"a": 0.5})
    a2, b2 = Scalar(0.5, label="a"), Scalar(-1.0, label="b")
    expected = a2 * b2 + a2.tanh() + Scalar.sum([a2, b2, 3.0])
    expected.backward()
    assert again.data == expected.data
    again.backward()
    shown = play.diagram.value
    assert f"tanh(a) + sum(a, b, 3) = {number(expected.data)}</text>" in shown
    assert f"∂J/∂a = {number(a2.grad)}</text>" in shown and f"∂J/∂b = {number(b2.grad)}</text>" in shown
    with pytest.raises(ValueError, match="no input named 'z'"):
        viz.play(J, z=1.0)


def test_without_ipywidgets_it_names_the_extra(monkeypatch):
    real_import = builtins.__import__

    def no_widgets(name, *args, **kwargs):
        if name == "ipywidgets":
            raise ImportError("no ipywidgets")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_widgets)
    with pytest.raises(ImportError, match=r'pip install "autograd-lite\[notebook\]"'):
        viz.play("J = 3*a")


def test_other_targets_are_refused():
    with pytest.raises(TypeError, match="give a program"):
        viz.play(3.0)
    with pytest.raises(ValueError, match="no labelled input"):
        viz.play(Scalar(2.0) * 3)
