"""viz.backprop_steps and viz.to_html: backprop one node at a time, and the page that steps through it.

The browser test opens the page from a file:// address in headless Chromium (no server, no DevTools):
a screenshot of the first step, then a copy of the page that clicks "Next" three times on load.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
from pathlib import Path

import pytest
from helpers import course_graph, run_chromium

from autograd_lite import Scalar, Tensor, viz
from autograd_lite.graph import topological_order

CHROMIUM = Path("/usr/bin/chromium")


def logistic_regression_graph():
    """The course's propagate() test case: w = [[1], [2]], b = 2, X = [[1, 2, -1], [3, 4, -3.2]]."""
    w = Tensor([[1.0], [2.0]], requires_grad=True, label="w")
    b = Tensor(2.0, requires_grad=True, label="b")
    X = Tensor([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]], label="X")
    Y = Tensor([[1.0, 0.0, 1.0]], label="Y")
    A = (w.T @ X + b).sigmoid()
    cost = (-(1 / 3) * (Y * A.log() + (1 - Y) * (1 - A).log()).sum()).named("J")
    cost.backward()
    return cost, w, b


# --- backprop_steps on the course graph -------------------------------------------------------------------


def test_course_graph_has_six_steps_root_first():
    J, nodes = course_graph()
    steps = viz.backprop_steps(J)
    assert len(steps) == 6
    assert [step.index for step in steps] == list(range(6))
    first = steps[0]
    assert first.node is J and first.name == "∂J/∂J" and first.value == "1"
    assert first.equation.startswith("∂J/∂J = 1")
    assert [step.node for step in steps[:3]] == [J, nodes["v"], nodes["u"]]
    assert {id(step.node) for step in steps[3:]} == {id(nodes[name]) for name in "abc"}


def test_every_node_comes_after_the_nodes_that_use_it():
    J, _ = course_graph()
    steps = viz.backprop_steps(J)
    position = {id(step.node): step.index for step in steps}
    for step in steps:
        for parent in step.node.parents:
            if parent.requires_grad:
                assert position[id(parent)] > step.index


def test_course_graph_chain_rule_equations():
    J, _ = course_graph()
    equations = {step.name: step.equation for step in viz.backprop_steps(J)}
    assert equations == {
        "∂J/∂J": "∂J/∂J = 1 (start: the output's derivative with respect to itself)",
        "∂J/∂v": "∂J/∂v = ∂J/∂J · ∂J/∂v = 1 · 3 = 3",
        "∂J/∂u": "∂J/∂u = ∂J/∂v · ∂v/∂u = 3 · 1 = 3",
        "∂J/∂a": "∂J/∂a = ∂J/∂v · ∂v/∂a = 3 · 1 = 3",
        "∂J/∂b": "∂J/∂b = ∂J/∂u · ∂u/∂b = 3 · 2 = 6",
        "∂J/∂c": "∂J/∂c = ∂J/∂u · ∂u/∂c = 3 · 3 = 9",
    }


def test_step_values_match_the_node_gradients():
    J, _ = course_graph()
    for step in viz.backprop_steps(J):
        assert float(step.value) == step.node.grad
        assert step.equation.endswith(f"= {step.value}") or step.index == 0


def test_known_grows_by_one_node_per_step():
    J, _ = course_graph()
    steps = viz.backprop_steps(J)
    previous: tuple = ()
    for step in steps:
        assert len(step.known) == step.index + 1
        assert step.known[:-1] == previous and step.known[-1] is step.node
        previous = step.known


def test_step_diagram_shows_only_the_known_gradients():
    J, _ = course_graph()
    steps = viz.backprop_steps(J)
    source = steps[2].diagram(J, view="backward").source  # J, v and u known
    assert "∂J/∂u = 3" in source and "∂J/∂v = 3" in source
    assert "∂J/∂a = ?" in source and "∂J/∂b = ?" in source and "∂J/∂c = ?" in source


def test_fan_out_sums_one_term_per_use():
    x = Scalar(3.0, label="x")
    y = (x * x).named("y")
    J = (y + x).named("J")
    last = viz.backprop_steps(J)[-1]
    assert last.node is x and last.value == "7"
    assert last.equation.endswith("= 1 · 1 + 1 · 3 + 1 · 3 = 7")
    assert last.equation.count("∂J/∂y · ∂y/∂x") == 2


def test_backprop_steps_runs_backward_when_needed():
    J, nodes = course_graph(backward=False)
    assert nodes["b"].grad == 0.0
    steps = viz.backprop_steps(J)
    assert nodes["a"].grad == 3.0 and nodes["b"].grad == 6.0 and nodes["c"].grad == 9.0
    assert [step.value for step in steps] == ["1", "3", "3", "9", "6", "3"]
    # the graph is retained: a diagram can still be drawn and backward run again
    J.backward()
    assert nodes["b"].grad == 12.0


def test_backprop_steps_does_not_run_backward_twice():
    J, nodes = course_graph(backward=True)
    viz.backprop_steps(J)
    assert nodes["b"].grad == 6.0


def test_backprop_steps_needs_a_node_that_requires_grad():
    with pytest.raises(ValueError, match="does not require grad"):
        viz.backprop_steps(Scalar(1.0, requires_grad=False) * 2)


# --- backprop_steps on a tensor graph ---------------------------------------------------------------------


def test_tensor_graph_gives_one_step_per_node_requiring_grad():
    cost, w, b = logistic_regression_graph()
    steps = viz.backprop_steps(cost)
    assert len(steps) == len(topological_order(cost, check_saved=False)) == 14
    assert steps[0].node is cost and steps[0].name == "dJ" and steps[0].value == "1"
    for step in steps:
        assert step.equation.startswith(f"{step.name} = "), step.equation
        assert step.node.requires_grad
    by_node = {id(step.node): step for step in steps}
    assert by_node[id(w)].name == "dw" and by_node[id(w)].value == "(2×1 float64) [[0.9985], [2.395]]"
    assert by_node[id(b)].name == "db" and by_node[id(b)].value == "0.001456"  # the course's db
    assert "(summed over broadcast axes)" in by_node[id(b)].equation
    matmul = next(step for step in steps if step.node.op is not None and step.node.op.name == "matmul")
    assert matmul.equation.startswith("d(wᵀ @ X) = ")


def test_tensor_gradient_names_wrap_the_whole_expression():
    # BUG: the gradient of the unnamed node (wᵀ @ X) + b is called "d(wᵀ @ X) + b", which reads as
    # "d(wᵀ @ X), plus b": labels._wrap leaves any name that starts with "(" unwrapped. The step of
    # its parent then reads "d(wᵀ @ X) = d(wᵀ @ X) + b". Expected a name like "d((wᵀ @ X) + b)".
    w = Tensor([[1.0], [2.0]], requires_grad=True, label="w")
    b = Tensor(2.0, requires_grad=True, label="b")
    X = Tensor([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]], label="X")
    Z = w.T @ X + b
    J = Z.sigmoid().sum()
    name = next(step.name for step in viz.backprop_steps(J) if step.node is Z)
    assert name.startswith("d(") and name.endswith(")"), name
    depth = 0
    for position, character in enumerate(name[1:], start=1):
        depth += {"(": 1, ")": -1}.get(character, 0)
        assert depth > 0 or position == len(name) - 1, f"{name!r}: the parentheses close before the end"


# --- to_html ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def course_page(tmp_path_factory) -> Path:
    J, _ = course_graph()
    return viz.to_html(J, tmp_path_factory.mktemp("page") / "steps" / "J.html")


ALLOWED_URLS = {
    "http://www.w3.org/2000/svg",  # SVG namespace attributes, not fetched
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd",
}


@pytest.mark.svg
def test_page_is_self_contained(course_page):
    page = course_page.read_text(encoding="utf-8")
    urls = set(re.findall(r"""https?://[^\s"'<>)]+""", page))
    assert urls <= ALLOWED_URLS, urls - ALLOWED_URLS
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link\b", page, re.I)
    assert not re.search(r"@import|url\(", page, re.I)
    for attribute, value in re.findall(r"""\b((?:xlink:)?(?:src|href))\s*=\s*["']([^"']*)""", page, re.I):
        assert not re.match(r"(https?:)?//", value), f"{attribute}={value}"
    assert page.count("<svg") == 1  # one diagram, laid out once; the steps only restyle it


def page_data(page: str) -> dict:
    """The step data the page's script reads."""
    found = re.search(r'<script type="application/json" id="steps-data">(.*?)</script>', page, re.S)
    assert found, "no step data"
    return json.loads(found.group(1).replace("<\\/", "</"))


@pytest.mark.svg
def test_page_has_one_diagram_slider_and_buttons(course_page):
    page = course_page.read_text(encoding="utf-8")
    assert re.search(r'<input id="slider" type="range" min="0" max="5" value="0"', page)
    assert re.search(r'<button id="previous"[^>]*>[^<]*Previous</button>', page)
    assert re.search(r'<button id="next"[^>]*>Next[^<]*</button>', page)
    assert '<span id="counter">1 / 6</span>' in page
    assert "<title>Backpropagation through J</title>" in page
    # each caption shows its step's equation (HTML-escaped); only the first is visible
    captions = re.findall(r'<li data-step="(\d+)"( hidden)?>', page)
    assert [int(step) for step, _ in captions] == list(range(6))
    assert [hidden for _, hidden in captions] == [""] + [" hidden"] * 5
    assert "Step 3 of 6:</b> ∂J/∂u = ∂J/∂v · ∂v/∂u = 3 · 1 = 3" in page
    # the one diagram holds every value, gradient and local derivative
    assert "u = b*c = 6" in page and "∂J/∂b = 6" in page and "∂u/∂b = c = 2" in page


@pytest.mark.svg
def test_page_elements_carry_the_ids_of_the_dot_nodes_and_edges(course_page):
    page = course_page.read_text(encoding="utf-8")
    data = page_data(page)
    assert len(data["steps"]) == 6
    for name in data["steps"]:
        assert re.search(rf'<g id="g_{name}" class="node">', page), name
    for edge, parent_step, child_step in data["edges"]:
        assert re.search(rf'<g id="{edge}" class="edge">', page), edge
        assert child_step < parent_step  # a derivative is used after its child's gradient is known
    on, off = data["texts"][data["steps"][3]]
    assert on[-1] == "∂J/∂c = 9" and off[-1] == "∂J/∂c = ?"


@pytest.mark.svg
def test_to_html_of_a_tensor_graph(tmp_path):
    cost, _, _ = logistic_regression_graph()
    page = viz.to_html(cost, tmp_path / "logreg.html", title="Logistic <regression>").read_text("utf-8")
    assert page.count("<svg") == 1
    assert page.count("<li data-step=") == 14 and len(page_data(page)["steps"]) == 14
    assert "<title>Logistic &lt;regression&gt;</title>" in page


# --- the page in a browser ------------------------------------------------------------------------------


def chromium(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    """Headless chromium with a fresh profile in ``tmp_path``."""
    return run_chromium(tmp_path / "profile", *arguments)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.mark.svg
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium (CI installs it)")
def test_stepping_through_the_page_in_headless_chromium(course_page, tmp_path):
    page = course_page.read_text(encoding="utf-8")
    click = '<script>for (var i = 0; i < 3; i++) document.getElementById("next").click();</script>\n'
    at_end = page.rindex("</body>")
    clicked = tmp_path / "clicked.html"
    clicked.write_text(page[:at_end] + click + page[at_end:], encoding="utf-8")

    first, after = tmp_path / "first.png", tmp_path / "after.png"
    for screenshot, html_file in ((first, course_page), (after, clicked)):
        result = chromium(tmp_path, f"--screenshot={screenshot}", html_file.as_uri())
        assert screenshot.exists(), f"no screenshot (exit {result.returncode}): {result.stderr[-2000:]}"
    assert png_size(first) == png_size(after) == (1200, 900)
    assert first.read_bytes() != after.read_bytes()

    dom = chromium(tmp_path, "--dump-dom", clicked.as_uri()).stdout
    assert re.search(r'<span id="counter">4 / 6</span>', dom), dom[-2000:]
    assert 'data-current="3"' in dom
    assert re.search(r'<li data-step="3"><b>Step 4 of 6:</b> ∂J/∂c = ', dom)
    assert len(re.findall(r'<li data-step="\d+" hidden="">', dom)) == 5
    # steps 0-3 known (J, v, u, c): c is the current node; a and b still read "?"
    data = page_data(page)
    current = data["steps"][3]
    assert re.search(rf'<g id="g_{current}" class="node known current">', dom)
    for name in data["steps"][4:]:
        group = re.search(rf'<g id="g_{name}" class="node unknown">(.*?)</g>', dom, re.S)
        assert group and "= ?</text>" in group.group(1), name
    assert "∂J/∂c = 9</text>" in dom
