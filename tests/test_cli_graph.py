"""The command line: ``autograd-lite graph`` (a safe little program language), ``train`` and ``demo``.

Most calls go through ``autograd_lite.app.cli.main`` in-process; a few run ``python -m autograd_lite`` to
check the real exit code and that errors never show a traceback.
"""

from __future__ import annotations

import html
import importlib
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite.app.cli import main
from autograd_lite.app.demo import run_demo
from autograd_lite.app.program import MAX_LENGTH, Program, ProgramError, run_program

COURSE = "u = b*c; v = a + u; J = 3*v"
COURSE_SET = ["--set", "a=5", "b=3", "c=2"]
ERROR_LINE = re.compile(r"autograd-lite graph: error: line 1, column (\d+): ")


def run_cli(*arguments: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m autograd_lite ARGUMENTS`` in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "autograd_lite", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def data_directory() -> Path:
    """Where the cat data is: $AUTOGRAD_LITE_DATA, else the shared datasets folder."""
    return Path(
        os.environ.get("AUTOGRAD_LITE_DATA") or Path(__file__).resolve().parents[2] / "shared" / "datasets"
    )


# --- graph: values, derivatives and files -------------------------------------------------------------


@pytest.mark.svg
def test_graph_both_prints_values_and_derivatives_and_writes_svg(tmp_path, capsys):
    target = tmp_path / "tmp" / "J.svg"
    assert main(["graph", COURSE, *COURSE_SET, "--both", "-o", str(target)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "J = 33"
    assert set(out[1:6]) == {"  ∂J/∂a = 3", "  ∂J/∂b = 6", "  ∂J/∂c = 9", "  ∂J/∂u = 3", "  ∂J/∂v = 3"}
    assert out[6] == f"wrote {target}"
    svg = html.unescape(target.read_text(encoding="utf-8"))
    assert "<svg" in svg and "u = b*c = 6" in svg and "∂J/∂b = 6" in svg


@pytest.mark.svg
def test_graph_as_a_subprocess(tmp_path):
    result = run_cli("graph", COURSE, *COURSE_SET, "--both", "-o", "tmp/J.svg", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("J = 33\n") and "  ∂J/∂c = 9\n" in result.stdout
    assert "wrote tmp/J.svg" in result.stdout
    svg = html.unescape((tmp_path / "tmp" / "J.svg").read_text(encoding="utf-8"))
    assert "v = a + u = 11" in svg and "∂J/∂a = 3" in svg


def test_graph_backward_view(tmp_path, capsys):
    target = tmp_path / "J.dot"  # the format comes from the suffix
    assert main(["graph", COURSE, *COURSE_SET, "--backward", "-o", str(target)]) == 0
    dot = target.read_text(encoding="utf-8")
    assert "∂J/∂b = 6" in dot and "∂u/∂b = c = 2" in dot and "dir=back" in dot
    assert "u = b*c = 6" not in dot
    assert f"wrote {target}" in capsys.readouterr().out


def test_graph_forward_dot_goes_to_stdout(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", COURSE, *COURSE_SET, "--format", "dot"]) == 0
    dot, values = capsys.readouterr()
    assert values.startswith("J = 33\n")  # the values go to stderr: stdout is DOT alone, to pipe to dot
    assert dot.startswith("digraph") and dot.endswith("}\n") and "J = 3*v = 33" in dot and "∂J/∂b" not in dot
    assert "wrote" not in dot + values and list(tmp_path.iterdir()) == []


@pytest.mark.svg
def test_graph_writes_graph_svg_by_default(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", "J = 3*(a + b*c)", *COURSE_SET]) == 0
    assert "wrote graph.svg" in capsys.readouterr().out
    assert "J = 3*" in html.unescape((tmp_path / "graph.svg").read_text(encoding="utf-8"))


@pytest.mark.svg
def test_graph_html_writes_a_step_through_page(tmp_path, capsys):
    target = tmp_path / "J.html"
    assert main(["graph", COURSE, *COURSE_SET, "--html", "-o", str(target)]) == 0
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 1
    assert page.count("<li data-step=") == 6
    assert 'id="next"' in page and "∂J/∂u = ∂J/∂v · ∂v/∂u = 3 · 1 = 3" in page
    assert f"wrote {target}" in capsys.readouterr().out


def test_graph_functions_and_an_expression_statement(capsys):
    assert (
        main(["graph", "z = tanh(a) + exp(b) * sqrt(c); z", "--set", "a=0", "b=0", "c=4", "--format", "dot"])
        == 0
    )
    out = capsys.readouterr().err
    assert out.startswith("z = 2\n") and "  ∂z/∂a = 1\n" in out and "  ∂z/∂c = 0.25\n" in out


def test_graph_png_renders_without_a_system_dot(tmp_path, capsys, monkeypatch):
    render_module = importlib.import_module("autograd_lite.viz.render")
    monkeypatch.setattr(render_module, "system_dot", lambda: None)
    assert main(["graph", COURSE, *COURSE_SET, "-o", str(tmp_path / "J.png")]) == 0
    assert (tmp_path / "J.png").read_bytes().startswith(b"\x89PNG")


def test_graph_png_with_no_renderer_at_all_is_one_clear_line(tmp_path, capsys, monkeypatch):
    render_module = importlib.import_module("autograd_lite.viz.render")
    monkeypatch.setattr(render_module, "system_dot", lambda: None)
    monkeypatch.setitem(sys.modules, "pygraphviz", None)  # import pygraphviz now raises ImportError
    assert main(["graph", COURSE, *COURSE_SET, "-o", str(tmp_path / "J.png")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("autograd-lite graph: error: render: PNG output needs")
    assert "pygraphviz" in err
    assert not (tmp_path / "J.png").exists()


def test_graph_views_are_exclusive(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["graph", COURSE, *COURSE_SET, "--backward", "--both"])
    assert exit_.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_graph_reports_the_derivative_of_an_input_used_directly(capsys):
    # BUG: "J = a" names the input node itself J (run_program calls .named() on the node the
    # expression evaluates to), so no "∂J/∂a" line is printed and the diagram has no node a.
    assert main(["graph", "J = a", "--set", "a=5", "--format", "dot"]) == 0
    out = capsys.readouterr().err
    assert out.startswith("J = 5\n")
    assert "  ∂J/∂a = 1\n" in out


def test_graph_keeps_the_input_names_when_a_statement_copies_an_input(capsys):
    # BUG: "u = a" relabels the input node a as u, so the diagram shows "u = 5" and no "a = 5" box.
    assert main(["graph", "u = a; J = 3*u", "--set", "a=5", "--format", "dot"]) == 0
    dot, values = capsys.readouterr()
    assert "  ∂J/∂a = 3\n" in values
    assert re.search(r'label="a = 5', dot), dot


# --- graph: errors ---------------------------------------------------------------------------------------

NOT_ALLOWED_CALL = "only these functions can be called"
TOO_LONG = "J = " + "a + " * 600 + "a"
TOO_DEEP = "J = " + "exp(" * 40 + "a" + ")" * 40

ERRORS = [
    # (program, --set values, column (None: any), words the message contains)
    ("u = b*c; J = 3*x", ["b=3", "c=2"], 16, ["unknown input 'x'", "--set x=VALUE"]),
    ("J = 3*a", ["a=1", "z=2"], 1, ["input 'z' is not used"]),
    ("J = 3*(a", ["a=1"], 7, ["'(' was never closed"]),
    ("J = a +", ["a=1"], 8, ["invalid syntax"]),
    ("J = a.__class__", ["a=1"], 5, ["attribute access"]),
    ("import os", ["a=1"], 1, ["import"]),
    ("from os import path", ["a=1"], 1, ["import"]),
    ("J = __import__('os')", ["a=1"], 5, [NOT_ALLOWED_CALL]),
    ("J = eval('1')", ["a=1"], 5, [NOT_ALLOWED_CALL]),
    ("J = open('x')", ["a=1"], 5, [NOT_ALLOWED_CALL]),
    ("J = (lambda q: q)(a)", ["a=1"], 5, [NOT_ALLOWED_CALL]),
    ("J = lambda: a", ["a=1"], 5, ["Lambda"]),
    ("J = [q for q in a]", ["a=1"], 5, ["ListComp"]),
    ("J = a[0]", ["a=1"], 5, ["Subscript"]),
    ("J = 'a' * a", ["a=1"], 5, ["only numbers"]),
    (TOO_LONG, ["a=1"], 1, ["program too long", str(MAX_LENGTH)]),
    (TOO_DEEP, ["a=1"], None, ["nested too deeply"]),
    ("J = log(a)", ["a=-1"], 5, ["log(a): a = -1.0 is not > 0"]),
    ("J = a / (b - b)", ["a=1", "b=2"], 5, ["divisor", "zero"]),
    ("J = a; J = 2*a", ["a=1"], 8, ["'J' already has a value"]),
    ("", ["a=1"], 1, ["empty program"]),
]


@pytest.mark.parametrize(("program", "values", "column", "words"), ERRORS, ids=lambda x: str(x)[:30])
def test_graph_program_errors_are_one_located_line(program, values, column, words, capsys, tmp_path):
    assert main(["graph", program, "--set", *values, "-o", str(tmp_path / "J.svg")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    match = ERROR_LINE.match(captured.err)
    assert match, captured.err
    if column is not None:
        assert int(match.group(1)) == column, captured.err
    for word in words:
        assert word in captured.err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("value", "words"),
    [("a5", ["--set takes NAME=VALUE pairs", "'a5'"]), ("a=five", ["--set a:", "'five' is not a number"])],
)
def test_graph_bad_set_values_are_one_line(value, words, capsys):
    # not a program error, so no line and column: the message names the --set value instead
    assert main(["graph", "J = 3*a", "--set", value]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("autograd-lite graph: error: ")
    for word in words:
        assert word in err


def test_graph_error_as_a_subprocess_has_no_traceback(tmp_path):
    result = run_cli("graph", "J = a.__class__", "--set", "a=1", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert (
        result.stderr == "autograd-lite graph: error: line 1, column 5: not allowed here: attribute access\n"
    )


@pytest.mark.parametrize("program", ["J = not a", "J = ~a"])
def test_unary_operator_errors_point_at_the_operator(program):
    # BUG: the error is reported at "line 1, column 1": _check reports the ast.Not / ast.Invert
    # operator node, which has no position, instead of the UnaryOp at column 5.
    with pytest.raises(ProgramError, match=r"^line 1, column 5: "):
        run_program(program, {"a": 1.0})


def test_run_program_positions_follow_the_text_as_typed():
    with pytest.raises(ProgramError, match=r"^line 3, column 7: unknown input 'x'"):
        run_program("J = a\n\n  K = x", {"a": 1.0})
    with pytest.raises(ProgramError, match=r"^line 1, column 15: unknown input 'x'"):
        run_program("  J = a;  K = x", {"a": 1.0})


# --- run_program fuzz -------------------------------------------------------------------------------------

NAMES = ["a", "b", "c", "u", "J", "x"]
FUNCTION_NAMES = ["exp", "log", "sqrt", "tanh", "sigmoid", "relu", "leaky_relu", "abs", "eval", "open"]
TOKENS = NAMES + FUNCTION_NAMES + [
    "=", ";", "\n", " ", "+", "-", "*", "/", "**", "(", ")", ",", ".", "[", "]", "'", "#",
    "0", "1", "2.5", "0.0", "1e308", "1e-320", "10", "9" * 30, "_", "lambda", ":",
]  # fmt: skip
INPUTS = st.dictionaries(st.sampled_from(["a", "b", "c"]), st.floats(-10, 10), max_size=3)


def assert_program_or_program_error(source: str, inputs: dict[str, float]) -> None:
    """A program either runs or fails with one located ProgramError, never anything else."""
    try:
        result = run_program(source, inputs)
    except ProgramError as error:
        assert str(error).startswith("line "), str(error)
    else:
        assert isinstance(result, Program) and result.output.requires_grad


@settings(deadline=None, max_examples=300)
@given(source=st.text(alphabet=string.printable, max_size=200), inputs=INPUTS)
def test_fuzz_random_printable_text(source, inputs):
    assert_program_or_program_error(source, inputs)


@settings(deadline=None, max_examples=300)
@given(
    tokens=st.lists(st.sampled_from(TOKENS), max_size=40), inputs=INPUTS, prefix=st.sampled_from(["", "J = "])
)
def test_fuzz_random_token_sequences(tokens, inputs, prefix):
    assert_program_or_program_error(prefix + "".join(tokens), inputs)


# --- train ----------------------------------------------------------------------------------------------


def test_train_planar(capsys):
    assert main(["train", "planar", "--iterations", "50", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "Cost after iteration 0: 0.693048" in out
    assert re.search(r"^train accuracy: \d+\.\d\d %$", out, re.M)


def test_train_logreg_on_the_cat_data(capsys):
    pytest.importorskip("h5py", reason="reading the cat data needs h5py (autograd-lite[data])")
    data = data_directory()
    if not (data / "train_catvnoncat.h5").is_file():
        pytest.skip(f"the course's cat data is not in {data} (set AUTOGRAD_LITE_DATA)")
    assert main(["train", "logreg", "--data", str(data), "--iterations", "1"]) == 0
    out = capsys.readouterr().out
    assert "Cost after iteration 0: 0.693147" in out
    assert "train accuracy:" in out and "test accuracy:" in out


def test_train_deep_without_data_names_the_environment_variable(capsys, monkeypatch):
    pytest.importorskip("h5py", reason="without h5py the error asks for h5py first")
    monkeypatch.delenv("AUTOGRAD_LITE_DATA", raising=False)
    assert main(["train", "deep"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("autograd-lite train: error: ") and err.count("\n") == 1
    assert "AUTOGRAD_LITE_DATA" in err and "--data" in err


# --- demo -------------------------------------------------------------------------------------------------

SVGS = ["J_forward.svg", "J_backward.svg", "J_both.svg", "planar_graph.svg", "planar_layers.svg"]
PNGS = ["planar_costs.png", "planar_boundary.png"]


@pytest.mark.svg
def test_demo_writes_every_picture_and_an_index(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--iterations", "200", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "J = 33; ∂J/∂a = 3, ∂J/∂b = 6, ∂J/∂c = 9" in printed
    assert "Cost after iteration 0: 0.693048" in printed and f"Open {out / 'index.html'}" in printed
    for name in ["index.html", "J_backprop.html", "view.html", *SVGS, *PNGS]:
        assert (out / name).is_file(), name
    for name in PNGS:
        assert (out / name).read_bytes().startswith(b"\x89PNG")
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in [*SVGS, *PNGS]:
        assert f'<img src="{name}"' in index, name
    assert 'href="J_backprop.html"' in index
    assert "∂J/∂b = 6" in html.unescape((out / "J_backward.svg").read_text(encoding="utf-8"))
    assert "layer1" in (out / "planar_graph.svg").read_text(encoding="utf-8")


@pytest.mark.svg
def test_demo_without_matplotlib_skips_only_the_pngs(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    index = run_demo(tmp_path, iterations=200, progress=False)
    printed = capsys.readouterr().out
    assert "pip install 'autograd-lite[plot]'" in printed
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        ["index.html", "J_backprop.html", "view.html", *SVGS]
    )
    page = index.read_text(encoding="utf-8")
    assert ".png" not in page
    for name in SVGS:
        assert f'<img src="{name}"' in page
