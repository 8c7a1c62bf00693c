"""The names the diagrams give unnamed nodes, and the derivative labels built from them.

Every unnamed node is named by its formula, with the parentheses precedence needs; a later node
with a name already taken gets a subscript; a formula too long becomes the op's name and a
subscript. Constants show their value. Derivatives are written with ``∂`` and a compound name in
parentheses (``∂(1 - a)/∂a = -1``). Everything reads the DOT text: no Graphviz needed.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from autograd_lite.viz.labels import ATOM, MAX_NAME, Namer, derivative, number, precedence
from helpers import course_graph

from autograd_lite import Scalar, Tensor, viz
from autograd_lite.app.cli import main
from autograd_lite.app.program import run_program

ISSUE = "z = w1*x1 + w2*x2 + b; a = sigmoid(z); L = -(y*log(a) + (1-y)*log(1-a))"
ISSUE_INPUTS = {"w1": 0.5, "w2": -0.3, "x1": 1.0, "x2": 2.0, "b": 0.1, "y": 1.0}
CONSTANT_FILL = "#f1f3f5"


def labels(source: str) -> list[str]:
    """Every label of the DOT text (boxes, op circles and edges), unescaped line breaks."""
    found = re.findall(r'label=("(?:[^"\\]|\\.)*"|[^\s\]]+)', source)
    return [text.strip('"').replace("\\n", "\n") for text in found]


def box_names(source: str) -> tuple[list[str], list[str]]:
    """The names of the value boxes (the text before the first `` = ``): (variables, constants)."""
    variables, constants = [], []
    for label, fill in re.findall(r'^\s*n\d+ \[label=("[^"]*"|\S+) fillcolor="([^"]+)"', source, re.M):
        name = label.strip('"').split("\\n")[0].split(" = ")[0]
        (constants if fill == CONSTANT_FILL else variables).append(name)
    return variables, constants


def issue_program():
    program = run_program(ISSUE, ISSUE_INPUTS)
    program.output.backward(retain_graph=True)
    return program.output


def neuron_loop():
    """z = w1 x1 + w2 x2 + w3 x3 + b over Scalars in a loop, then 3 tanh(z) + 3 v (v unnamed)."""
    w = [Scalar(value, label=f"w{i + 1}") for i, value in enumerate((0.5, -0.3, 0.2))]
    x = [Scalar(value, label=f"x{i + 1}") for i, value in enumerate((1.0, 2.0, -1.0))]
    z = Scalar(0.0, requires_grad=False)
    for i in range(3):
        z = z + w[i] * x[i]
    z = z + Scalar(0.1, label="b")
    J = 3 * z.tanh() + 3 * Scalar(2.0)
    J.backward()
    return J


def logistic_cost():
    """The course's logistic-regression cost over Tensors, J = -(1/m) Σ (Y log A + (1 - Y) log(1 - A))."""
    w = Tensor([[1.0], [2.0]], requires_grad=True, label="w")
    b = Tensor(2.0, requires_grad=True, label="b")
    X = Tensor([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]], label="X")
    Y = Tensor([[1.0, 0.0, 1.0]], label="Y")
    A = (w.T @ X + b).sigmoid()
    A.label = "A"
    cost = -(1 / 3) * (Y * A.log() + (1 - Y) * (1 - A).log()).sum()
    cost.backward()
    return cost


GRAPHS = {"issue": issue_program, "course": lambda: course_graph()[0], "neuron": neuron_loop}
GRAPHS["logistic"] = logistic_cost


@pytest.mark.parametrize("graph", GRAPHS)
@pytest.mark.parametrize("view", viz.VIEWS)
def test_no_label_shows_an_internal_tag_and_names_are_unique(graph, view):
    source = viz.draw(GRAPHS[graph](), view=view).source
    for label in labels(source):
        assert "#" not in label, label
        assert not re.search(r"(?<![\w.])-0(?![.\d])", label), label  # no negative zero
        assert not re.search(r"(?<!\w)d\w+/d", label), label  # one notation: ∂, not dJ/dv
    variables, _ = box_names(source)
    assert len(variables) == len(set(variables)), variables


@pytest.mark.parametrize("graph", GRAPHS)
def test_derivative_labels_parenthesize_compound_names(graph):
    source = viz.draw(GRAPHS[graph](), view="both").source
    for label in labels(source):
        for line in label.split("\n"):
            for operand in re.findall(r"∂([^/=]+?)(?:/|\s=|$)", line):  # what follows each ∂
                assert precedence(operand.strip()) == ATOM, (operand, line)  # one name, or in parentheses


def test_the_issue_program_reads_as_maths():
    source = viz.draw(issue_program(), view="both").source
    text = "\n".join(labels(source))
    for expected in (
        "1 - a = 0.5",
        "∂(1 - a)/∂a = -1",
        "∂L/∂(1 - a) = 0",
        "∂log(1 - a)/∂(1 - a) = 1/(1 - a) = 2",
        "∂(w1*x1 + w2*x2)/∂(w1*x1) = 1",
        "∂L/∂(1 - y)",
        "∂(1 - y)/∂y = -1",
        "z = w1*x1 + w2*x2 + b",
        "L = -(y*log(a) + (1 - y)*log(1 - a))",
        "∂L/∂(y*log(a) + (1 - y)*log(1 - a)) = -1",
    ):
        assert expected in text, expected
    for wrong in ("∂1 - a", "∂L/∂1 - y", "1/1 - a", "dadd", "dL/", "1#2"):
        assert wrong not in text, wrong
    # constants show their value (the two 1s read the same: equal values are not told apart)
    _, constants = box_names(source)
    assert constants == ["1", "1"]


def test_the_neuron_loop_names_its_sums_and_shows_constants_by_value():
    source = viz.draw(neuron_loop(), view="both").source
    text = "\n".join(labels(source))
    assert "0 + w1*x1 + w2*x2 = -0.1" in text
    assert "0 + w1*x1 + w2*x2 + w3*x3" in text
    variables, constants = box_names(source)
    assert sorted(constants) == ["0", "3", "3"]
    assert "v₁" in variables  # an unnamed input that has a gradient
    assert "∂J/∂v₁ = 3" in text


def test_the_logistic_cost_names_tensor_gradients_the_course_way():
    source = viz.draw(logistic_cost(), view="both").source
    text = "\n".join(labels(source))
    assert "wᵀ @ X + b" in text and "d(wᵀ @ X + b)" in text
    assert "d(wᵀ @ X) = d(wᵀ @ X + b)" in text
    # 1 - Y is computed from constants only: a constant, numbered (its values are in its box)
    assert "Y*log(A) + const₁*log(1 - A)" in text and "d(1 - A) = dlog(1 - A) ⊙ (1/(1 - A))" in text


def named(expression) -> str:
    return Namer()(expression)


def precedence_cases():
    a, b, c = Scalar(0.5, label="a"), Scalar(3.0, label="b"), Scalar(4.0, label="c")
    y, w1, x1, w2, x2 = (Scalar(1.0, label=name) for name in ("y", "w1", "x1", "w2", "x2"))
    A, B = (Tensor(np.ones((2, 2)), requires_grad=True, label=name) for name in "AB")
    return [
        (1 - a, "1 - a"),
        (y * a.log(), "y*log(a)"),
        (w1 * x1 + w2 * x2, "w1*x1 + w2*x2"),
        (-(y * a.log() + (1 - y) * (1 - a).log()), "-(y*log(a) + (1 - y)*log(1 - a))"),
        ((a + b) * c, "(a + b)*c"),
        (a + b * c, "a + b*c"),
        (a - (b - c), "a - (b - c)"),
        (a - b - c, "a - b - c"),
        (a + (b + c), "a + (b + c)"),
        (a * b / c, "a*b/c"),
        (a / (b * c), "a/(b*c)"),
        (a ** (b + 1), "a**(b + 1)"),
        ((-a) ** 2, "(-a)**2"),
        (-(a**2), "-a**2"),
        ((a**b) ** c, "(a**b)**c"),
        (a ** (b**c), "a**b**c"),
        (-(a + b), "-(a + b)"),
        (-(a * b), "-(a*b)"),
        (-a * b, "-a*b"),
        (-(a.__neg__()), "-(-a)"),
        (a * -b, "a*(-b)"),
        (a - (-0.3), "a - (-0.3)"),
        (3 * a, "3*a"),
        (a * 0.5, "a*0.5"),
        ((a + b).tanh(), "tanh(a + b)"),
        ((A + B).T, "(A + B)ᵀ"),
        (A.T @ B, "Aᵀ @ B"),
    ]


@pytest.mark.parametrize("index", range(len(precedence_cases())))
def test_precedence_table(index):
    node, expected = precedence_cases()[index]
    assert named(node) == expected


def test_a_formula_computed_twice_gets_a_subscript():
    a = Scalar(0.25, label="a")
    J = ((1 - a).log() + (1 - a)).named("J")
    J.backward()
    source = viz.draw(J, view="both").source
    text = "\n".join(labels(source))
    assert "1 - a = 0.75" in text and "(1 - a)₂ = 0.75" in text
    assert "J = log(1 - a) + (1 - a)₂" in text
    assert "∂J/∂(1 - a)₂ = 1" in text and "∂(1 - a)₂/∂a = -1" in text


def test_a_long_formula_becomes_the_op_name_numbered_in_creation_order():
    terms = [Scalar(1.0, label=f"term{i}") for i in range(12)]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    J = total.tanh().named("J")
    J.backward()
    namer = Namer()
    names = [namer(node) for node in _sums(total)]
    assert all(len(name) <= MAX_NAME for name in names)
    assert names[3] == "term0 + term1 + term2 + term3 + term4"
    assert names[4:6] == ["add₁", "add₁ + term6"]
    assert names[9:] == ["add₂", "add₂ + term11"]
    text = "\n".join(labels(viz.draw(J, view="both").source))
    assert "J = tanh(add₂ + term11)" in text and "∂(add₁ + term6)/∂add₁ = 1" in text
    assert "#" not in text


def _sums(node):
    """The sums of a left-nested chain a + b + c + ..., oldest first."""
    found = []
    while node._op is not None:
        found.append(node)
        node = node._parents[0]
    return found[::-1]


def test_numbers_never_read_minus_zero():
    assert number(-0.0) == "0" and number(0.0) == "0"
    assert number(np.float64(-0.0)) == "0"
    assert number(-1e-20) == "-1e-20" and number(-0.5) == "-0.5" and number(3.0) == "3"


def test_derivative_wraps_compound_names_only():
    assert derivative("L", "1 - a") == "∂L/∂(1 - a)"
    assert derivative("1 - a", "a") == "∂(1 - a)/∂a"
    assert derivative("log(1 - a)", "(1 - a)₂") == "∂log(1 - a)/∂(1 - a)₂"
    assert derivative("J", "-a") == "∂J/∂(-a)"


def test_graph_command_prints_partial_derivatives_and_the_same_names(capsys):
    arguments = ["graph", ISSUE, "--set", *(f"{k}={v:g}" for k, v in ISSUE_INPUTS.items())]
    assert main([*arguments, "--both", "--format", "dot"]) == 0
    dot, values = capsys.readouterr()
    out = values + dot  # the values on stderr, the DOT alone on stdout
    lines = out.splitlines()
    assert lines[0] == "L = 0.693147"
    for line in ("  ∂L/∂w1 = -0.5", "  ∂L/∂z = -0.5", "  ∂L/∂a = -2", "  ∂L/∂y = 0"):
        assert line in lines, line
    shown = "\n".join(lines[:9] + labels(out))
    assert "dL/" not in shown and "#" not in shown and not re.search(r"(?<![\w.])-0(?![.\d])", shown)
    assert "∂(1 - a)/∂a = -1" in out and "∂1 - a" not in out
    assert "L = -(y*log(a) + (1 - y)*log(1 - a)) = 0.6931" in out


@pytest.mark.svg
@pytest.mark.parametrize("view", ["forward", "backward", "both"])
def test_the_rendered_svg_of_the_issues_program_reads_as_maths(tmp_path, view):
    import html

    J = run_program(ISSUE, ISSUE_INPUTS).output
    J.backward(retain_graph=True)
    svg = html.unescape(viz.render(J, tmp_path / f"L_{view}.svg", view=view).read_text(encoding="utf-8"))
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert texts and not any("#" in text for text in texts)
    assert not any(re.search(r"(?<![\w.])-0(?![.\d])", text) for text in texts)
    if view != "forward":
        assert any("∂(1 - a)/∂a = -1" in text for text in texts)
        assert not any("∂1 - a" in text or re.search(r"(?<!\w)d\w+/d", text) for text in texts)
    if view != "backward":
        assert any(text.startswith("1 - a = ") for text in texts)


def test_a_step_caption_sums_over_the_uses_and_brackets_negative_factors():
    a, b = Scalar(2.0, label="a"), Scalar(3.0, label="b")
    J = (a * b + (1 - a)).named("J")
    J.backward()
    caption = viz.backprop_steps(J)[-1].equation
    assert caption == (
        "∂J/∂a = ∂J/∂(1 - a) · ∂(1 - a)/∂a + ∂J/∂(a*b) · ∂(a*b)/∂a = 1 · (-1) + 1 · 3 = 2"
    )
