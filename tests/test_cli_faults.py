"""The command line under faults: unusable output paths, a reader that goes away, bad arguments,
programs at the limits, look-alike names, and diagram titles that look like markup.

Every error is one line on stderr (``autograd-lite COMMAND: error: ...``) with exit code 2, and
nothing is written; a closed stdout ends the command quietly with exit code 141.
"""

from __future__ import annotations

import html
import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import course_graph

from autograd_lite import viz
from autograd_lite.app import cli
from autograd_lite.app.cli import EXIT_BROKEN_PIPE, main
from autograd_lite.app.demo import run_demo
from autograd_lite.app.program import MAX_NODES, ProgramError, run_program

SET_AB = ["--set", "a=1", "b=2"]


def script() -> str:
    """The installed ``autograd-lite`` console script."""
    found = shutil.which("autograd-lite", path=str(Path(sys.executable).parent))
    assert found is not None, "the autograd-lite console script is not installed"
    return found


def assert_one_error_line(err: str, command: str, *words: str) -> None:
    """``err`` is one line ``autograd-lite COMMAND: error: ...`` holding every word."""
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith(f"autograd-lite {command}: error: "), err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err


def assert_usage_error(capsys, arguments: list[str], *words: str) -> None:
    """argparse refuses ``arguments``: exit code 2, a usage line and one error line."""
    with pytest.raises(SystemExit) as exit_:
        main(arguments)
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    errors = [line for line in captured.err.splitlines() if ": error: " in line]
    assert len(errors) == 1, captured.err
    for word in words:
        assert word in errors[0], captured.err


# --- output paths -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "words"),
    [
        ("folder", ["-o 'folder' is a folder"]),
        ("folder/", ["is a folder"]),
        ("x" * 300 + ".svg", ["file name too long", "304 bytes"]),
        ("x" * 300, ["file name too long"]),
        ("x" * 300 + "/J.svg", ["file name too long"]),
        ("", ["-o: empty file name"]),
        ("/", ["-o '/' is a folder"]),
        ("plain/J.svg", ["'plain' is a file, not a folder"]),
        ("plain/deeper/J.svg", ["'plain' is a file, not a folder"]),
    ],
    ids=lambda x: str(x)[:20],
)
@pytest.mark.parametrize("mode", [[], ["--html"], ["--format", "dot"]], ids=["svg", "html", "dot"])
def test_graph_output_path_errors_are_one_line(output, words, mode, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "plain").write_text("keep", encoding="utf-8")
    assert main(["graph", "J = a*b", *SET_AB, *mode, "-o", output]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_one_error_line(captured.err, "graph", *words)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["folder", "plain"]
    assert list((tmp_path / "folder").iterdir()) == []
    assert (tmp_path / "plain").read_text(encoding="utf-8") == "keep"


def test_graph_output_path_is_checked_before_the_program_runs(tmp_path, capsys):
    # the program is wrong too, but the output path is what the user must fix first
    assert main(["graph", "J = x", "--set", "a=1", "-o", str(tmp_path)]) == 2
    assert_one_error_line(capsys.readouterr().err, "graph", "is a folder")


def test_graph_default_output_is_checked_too(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "graph.svg").mkdir()
    assert main(["graph", "J = a*b", *SET_AB]) == 2
    assert_one_error_line(capsys.readouterr().err, "graph", "output 'graph.svg' is a folder")


@pytest.mark.svg
def test_graph_output_into_a_new_folder_still_works(tmp_path, capsys):
    target = tmp_path / "new" / "deeper" / "J"  # no suffix: .svg is added, as viz.render does
    assert main(["graph", "J = a*b", *SET_AB, "-o", str(target)]) == 0
    assert (tmp_path / "new" / "deeper" / "J.svg").is_file()
    assert capsys.readouterr().out.endswith(f"wrote {target}.svg\n")


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="needs a user whom permissions stop"
)
def test_graph_output_in_a_read_only_folder(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert main(["graph", "J = a*b", *SET_AB, "-o", str(locked / "J.svg")]) == 2
        assert_one_error_line(capsys.readouterr().err, "graph", "no permission")
        assert main(["demo", "--out", str(locked / "demo")]) == 2
        assert_one_error_line(capsys.readouterr().err, "demo", "no permission")
    finally:
        locked.chmod(0o700)


def test_no_permission_is_reported_before_any_work(tmp_path, capsys, monkeypatch):
    # as above, for any user (root passes every permission check): os.access says no
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    (tmp_path / "J.svg").write_text("old", encoding="utf-8")
    for arguments, command in (
        (["graph", "J = a*b", *SET_AB, "-o", str(tmp_path / "new.svg")], "graph"),
        (["graph", "J = a*b", *SET_AB, "-o", str(tmp_path / "J.svg")], "graph"),
        (["demo", "--out", str(tmp_path)], "demo"),
        (["train", "planar", "--iterations", "5", "--plot", str(tmp_path / "plots")], "train"),
    ):
        assert main(arguments) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert_one_error_line(captured.err, command, "no permission")
    assert [path.name for path in tmp_path.iterdir()] == ["J.svg"]


def test_os_errors_while_writing_are_one_line_and_leave_stdout_empty(tmp_path, capsys, monkeypatch):
    # the last line of defence in main: an OSError the checks could not foresee
    def fail(*args, **kwargs):
        raise IsADirectoryError(21, "Is a directory", "x")

    monkeypatch.setattr(importlib.import_module("autograd_lite.viz"), "render", fail)
    assert main(["graph", "J = a*b", *SET_AB, "-o", str(tmp_path / "J.svg")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # not even the derivatives: the output is all or nothing
    assert captured.err == "autograd-lite graph: error: cannot write 'x': Is a directory\n"


def test_a_message_over_several_lines_is_printed_as_one(tmp_path, capsys, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("Graphviz dot failed: Error: syntax error\nin line 3\n\n")

    monkeypatch.setattr(importlib.import_module("autograd_lite.viz"), "render", fail)
    assert main(["graph", "J = a*b", *SET_AB, "-o", str(tmp_path / "J.svg")]) == 2
    err = capsys.readouterr().err
    assert err == "autograd-lite graph: error: Graphviz dot failed: Error: syntax error in line 3\n"


@pytest.mark.parametrize(
    ("out", "words"),
    [
        ("plain", ["--out 'plain' is a file, not a folder"]),
        ("plain/demo", ["'plain' is a file, not a folder"]),
        ("", ["--out: empty folder name"]),
        ("d" * 300, ["file name too long"]),
    ],
    ids=lambda x: str(x)[:20],
)
def test_demo_output_folder_errors_come_before_any_work(out, words, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plain").write_text("keep", encoding="utf-8")
    assert main(["demo", "--out", out, "--iterations", "5", "--no-progress"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing drawn, nothing trained
    assert_one_error_line(captured.err, "demo", *words)
    assert [path.name for path in tmp_path.iterdir()] == ["plain"]


@pytest.mark.parametrize("plot", ["plain", "plain/plots", "p" * 300], ids=["file", "under-file", "long"])
def test_train_plot_folder_errors_come_before_training(plot, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plain").write_text("keep", encoding="utf-8")
    assert main(["train", "planar", "--iterations", "5", "--no-progress", "--plot", plot]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # "Planar data: ..." would mean training started
    assert_one_error_line(captured.err, "train", "--plot")
    assert [path.name for path in tmp_path.iterdir()] == ["plain"]


def test_train_plot_without_matplotlib_fails_before_training(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    plots = tmp_path / "plots"
    assert main(["train", "planar", "--iterations", "5", "--no-progress", "--plot", str(plots)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_one_error_line(captured.err, "train", "--plot needs matplotlib", "autograd-lite[plot]")
    assert not plots.exists()


def test_output_path_errors_from_the_console_script(tmp_path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "plain").write_text("keep", encoding="utf-8")
    for arguments, command in (
        (["graph", "J = a*b", *SET_AB, "-o", "folder"], "graph"),
        (["graph", "J = a*b", *SET_AB, "-o", "x" * 300], "graph"),
        (["demo", "--out", "plain"], "demo"),
        (["train", "planar", "--plot", "plain"], "train"),
    ):
        result = subprocess.run([script(), *arguments], capture_output=True, text=True, cwd=tmp_path)
        assert result.returncode == 2 and result.stdout == "", result.stderr
        assert_one_error_line(result.stderr, command)


# --- a reader that goes away ----------------------------------------------------------------------------

PIPE_CASES = [
    ["example"],
    ["graph", "J = a*b", *SET_AB, "--format", "dot"],
    ["graph", "J = " + "a*b+" * 120 + "a", *SET_AB, "--both", "--format", "dot"],  # more than a pipe holds
]


@pytest.mark.parametrize("arguments", PIPE_CASES, ids=["example", "small-dot", "large-dot"])
def test_closed_stdout_ends_quietly(arguments, tmp_path):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the command writes anything
    try:
        result = subprocess.run(
            [script(), *arguments], stdout=write_end, stderr=subprocess.PIPE, cwd=tmp_path, timeout=120
        )
    finally:
        os.close(write_end)
    # no traceback, no "Exception ignored": stderr holds at most the values that --format dot puts there
    assert b"Traceback" not in result.stderr and b"Exception" not in result.stderr
    assert result.stderr == b"" or result.stderr.startswith(b"J = ")
    assert result.returncode == EXIT_BROKEN_PIPE
    assert list(tmp_path.iterdir()) == []


def test_reader_that_stops_after_ten_bytes_like_head(tmp_path):
    # autograd-lite graph ... --format dot | head -c 10, with output larger than the pipe's buffer
    process = subprocess.Popen(
        [script(), *PIPE_CASES[2]], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path
    )
    first = os.read(process.stdout.fileno(), 10)
    process.stdout.close()
    err = process.stderr.read()
    process.stderr.close()
    code = process.wait(timeout=120)
    assert first.startswith(b"digraph")  # only DOT on stdout: the values went to stderr
    assert err.startswith(b"J = ") and b"Traceback" not in err and b"Exception" not in err
    assert code in (0, EXIT_BROKEN_PIPE)  # 0 only if everything fitted in the pipe before it closed


def test_main_returns_the_broken_pipe_code_in_process(capsys, monkeypatch):
    class ClosedPipe:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            pass

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["example"]) == EXIT_BROKEN_PIPE
    assert capsys.readouterr().err == ""


# --- bad arguments: argparse refuses them before anything runs ------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["demo", "--iterations", "0"], ["--iterations", "'0'", ">= 1"]),
        (["demo", "--iterations", "-5"], ["--iterations", "'-5'"]),
        (["demo", "--iterations", "many"], ["'many' is not a whole number"]),
        (["train", "planar", "--iterations", "-5"], ["--iterations", "'-5'"]),
        (["train", "planar", "--iterations", "0"], ["--iterations", "'0'"]),
        (["train", "deep", "--layers", "abc"], ["--layers", "'abc'", "two sizes or more"]),
        (["train", "deep", "--layers", "12288,,1"], ["--layers", "size 2 is empty"]),
        (["train", "deep", "--layers", "0,1"], ["--layers", "size 1 is 0"]),
        (["train", "deep", "--layers", "12288,x,1"], ["--layers", "'x' is not a whole number"]),
        (["train", "deep", "--layers", "12288"], ["--layers", "two sizes or more"]),
        (["train", "deep", "--layers", "12288,20,2"], ["--layers", "the last size must be 1"]),
    ],
    ids=lambda x: " ".join(x)[:40] if isinstance(x, list) else None,
)
def test_bad_numbers_are_usage_errors_and_write_nothing(arguments, words, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    extra = ["--out", "demo"] if arguments[0] == "demo" else ["--plot", "plots"]
    assert_usage_error(capsys, [*arguments, *extra], *words)
    assert list(tmp_path.iterdir()) == []  # the demo folder is neither created nor filled


def test_layer_sizes_are_parsed_by_argparse():
    args = cli.build_parser().parse_args(["train", "deep", "--layers", "12288, 7,1"])
    assert args.layers == (12288, 7, 1)
    assert cli.build_parser().parse_args(["train", "deep"]).layers == (12288, 20, 7, 5, 1)


def test_run_demo_refuses_zero_iterations_before_writing(tmp_path):
    with pytest.raises(ValueError, match="iterations must be a whole number >= 1"):
        run_demo(tmp_path / "demo", iterations=0)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("program", "column", "words"),
    [
        ("J = 1" + "0" * 400 + " * a", 5, ["number too long", "401 characters"]),
        ("J = a * 1" + "0" * 400, 9, ["number too long"]),
        ("J = a + 1e999", 9, ["number too large"]),
        ("J = leaky_relu(a, 1" + "0" * 200 + ")", 19, ["number too long"]),
    ],
    ids=["400-digits", "after-a", "1e999", "parameter"],
)
def test_number_literals_that_are_too_long_or_not_finite(program, column, words, capsys):
    assert main(["graph", program, "--set", "a=1", "--format", "dot"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_one_error_line(captured.err, "graph", f"line 1, column {column}: ", *words)


def test_numbers_up_to_the_limit_still_work():
    program = run_program("J = a * 1" + "0" * 99, {"a": 2.0})
    assert program.output.data == 2e99


# --- program limits count what the program builds ------------------------------------------------------


def test_a_flat_sum_of_31_terms_is_not_nesting(capsys):
    assert main(["graph", "J = " + "+".join(["a"] * 31), "--set", "a=1", "--format", "dot"]) == 0
    assert capsys.readouterr().err.startswith("J = 31\n  ∂J/∂a = 31\n")


def test_a_flat_run_of_200_terms_evaluates_correctly():
    values = {"a": 1.5, "b": -2.0, "c": 0.25}
    terms = [("+-"[i % 5 in (1, 4)], "abc"[i % 3]) for i in range(200)]  # (sign, name)
    expression = "".join(f" {sign} {name}" for sign, name in terms).lstrip(" +")
    program = run_program(f"J = {expression}", values)
    expected = sum(values[name] * (1 if sign == "+" else -1) for sign, name in terms)
    assert program.output.data == pytest.approx(expected)
    program.output.backward()
    for name in values:  # each derivative: how many times the name is added, less how many subtracted
        count = sum(1 if sign == "+" else -1 for sign, other in terms if other == name)
        assert program.names[name].grad == count, name


def test_runs_of_products_and_mixed_precedence_are_flat():
    run_program("J = " + "*".join(["a"] * 100), {"a": 1.0})
    run_program("J = " + "/".join(["a"] * 100), {"a": 1.0})
    program = run_program("J = " + " + ".join(["a*b/a"] * 60), {"a": 2.0, "b": 3.0})
    assert program.output.data == pytest.approx(180.0)


@pytest.mark.parametrize(
    ("program", "words"),
    [
        ("J = " + "(a*" * 200 + "a" + ")" * 200, "nested too deeply"),
        ("J = " + "-(" * 200 + "a" + ")" * 200, "nested too deeply"),
        ("J = " + "-" * 1990 + "a", "nested too deeply"),
        ("J = " + "exp(" * 40 + "a" + ")" * 40, "nested too deeply"),
        ("J = " + "(" * 900 + "a" + ")" * 900, "too many nested parentheses"),
        ("J = " + "a**" * 600 + "a", "nested too deeply"),  # ** groups to the right: real nesting
        ("J = " + "+".join(["a"] * (MAX_NODES + 1)), "program too large"),
    ],
    ids=["parenthesised", "minus-paren", "minus", "calls", "parens", "powers", "nodes"],
)
def test_truly_deep_or_large_programs_are_still_refused(program, words):
    with pytest.raises(ProgramError, match=rf"^line 1, column \d+: .*{words}"):
        run_program(program, {"a": 1.0})


def test_moderate_real_nesting_is_allowed():
    assert run_program("J = " + "-(" * 10 + "a" + ")" * 10, {"a": 1.0}).output.data == 1.0
    assert run_program("J = " + "(a*" * 10 + "a" + ")" * 10, {"a": 2.0}).output.data == 2.0**11


# --- --set names are read as Python reads the program ----------------------------------------------------


def test_set_names_are_normalised_like_program_names(capsys):
    # the ligature U+FB01 is the name fi in Python source (NFKC)
    assert main(["graph", "J = 3*fi", "--set", "\ufb01=2", "--format", "dot"]) == 0
    assert capsys.readouterr().err.startswith("J = 6\n  ∂J/∂fi = 3\n")
    assert main(["graph", "J = 3*\ufb01", "--set", "fi=2", "--format", "dot"]) == 0
    assert capsys.readouterr().err.startswith("J = 6\n")
    assert main(["graph", "J = 3*a", "--set", "\uff41=2", "--format", "dot"]) == 0  # fullwidth a
    assert capsys.readouterr().err.startswith("J = 6\n")


def test_the_same_name_written_two_ways_is_given_twice(capsys):
    assert main(["graph", "J = 3*fi", "--set", "fi=1", "\ufb01=2"]) == 2
    assert_one_error_line(capsys.readouterr().err, "graph", "given twice", "the same name as fi")


# --- diagram titles are text, never markup ----------------------------------------------------------------

INJECTION = '"]; evil [URL="javascript:alert(1)"'
HTML_INJECTION = '<x>> ]; evil [URL="javascript:alert(1)"]; y [label=<z>'
TITLES = ["<b>x</b>", "<<b>hi</b>>", "<", INJECTION, HTML_INJECTION, "back\\slash\\", "two\nlines"]


def title_line(source: str) -> str:
    """The one graph-attribute line that holds the title."""
    (line,) = [line for line in source.splitlines() if "labelloc=t" in line]
    return line


@pytest.mark.parametrize("title", TITLES, ids=range(len(TITLES)))
def test_titles_are_quoted_text_in_the_dot_source(title):
    J, _ = course_graph()
    plain = viz.draw(J).source
    source = viz.draw(J, title=title).source
    line = title_line(source)
    assert line.startswith('\tlabel="') and line.endswith('" labelloc=t'), line
    # apart from the title line, the diagram is the one drawn without a title: no extra node or link
    assert [text for text in source.splitlines() if text != line] == plain.splitlines()


@pytest.mark.parametrize("title", TITLES, ids=range(len(TITLES)))
def test_titles_are_shown_literally_in_the_svg(title, tmp_path):
    J, _ = course_graph()
    try:
        svg = viz.render(J, tmp_path / "t.svg", title=title).read_text(encoding="utf-8")
        plain = viz.render(J, tmp_path / "plain.svg").read_text(encoding="utf-8")
    except RuntimeError as error:
        pytest.skip(f"no SVG renderer: {error}")
    assert "href" not in svg and "<a " not in svg
    assert svg.count('class="node"') == plain.count('class="node"')
    texts = re.findall(r"<text [^>]*>(.*?)</text>", svg)
    shown = [text for text in texts if html.unescape(text) in title.split("\n")]
    assert "\n".join(html.unescape(text) for text in shown) == title
    rest = svg
    for text in shown:
        rest = rest.replace(text, "")
    assert "javascript:" not in rest and "evil" not in rest  # only ever inside the title's text


@pytest.mark.svg
def test_to_html_escapes_its_title(tmp_path):
    J, _ = course_graph()
    page = viz.to_html(J, tmp_path / "J.html", title=HTML_INJECTION).read_text(encoding="utf-8")
    escaped = html.escape(HTML_INJECTION)
    assert f"<title>{escaped}</title>" in page and f"<h1>{escaped}</h1>" in page
    assert "<x>" not in page and 'javascript:alert(1)"' not in page


def test_train_help_lists_the_models_and_the_layers_format(capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    out = capsys.readouterr().out
    assert "planar|logreg|deep" in out and "N0,N1,...,1" in out and "--data DIR" in out
