"""The command line, the example script and the README's taste of the API all run."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import autograd_lite
from autograd_lite.app.cli import main
from autograd_lite.course import worked_example

ROOT = Path(__file__).resolve().parents[1]


def test_worked_example_text():
    text = worked_example()
    assert "J = 3*v   = 3 * 11 = 33" in text
    for expected in ("∂J/∂v = 3", "= 3 * 1 = 3", "3 * c = 6", "3 * b = 9"):
        assert expected in text


def test_main_example_with_other_values(capsys):
    assert main(["example", "--a", "1", "--b", "2", "--c", "4"]) == 0
    assert "J = 3*v   = 3 * 9 = 27" in capsys.readouterr().out


def test_main_without_command_shows_help_and_fails(capsys):
    assert main([]) == 2
    assert "usage: autograd-lite" in capsys.readouterr().err


def test_console_script_and_module_entry_point():
    script = shutil.which("autograd-lite", path=str(Path(sys.executable).parent))
    assert script is not None, "the autograd-lite console script is not installed"
    version = subprocess.run([script, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == f"autograd-lite {autograd_lite.__version__}"
    module = subprocess.run(
        [sys.executable, "-m", "autograd_lite", "example"], capture_output=True, text=True, check=True
    )
    assert "∂J/∂c = ∂J/∂u * ∂u/∂c = 3 * b = 9" in module.stdout


def test_bad_option_exits_with_usage_error():
    result = subprocess.run(
        [sys.executable, "-m", "autograd_lite", "example", "--a", "five"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "invalid float value: 'five'" in result.stderr
    assert "Traceback" not in result.stderr


def run_example(name: str) -> str:
    """Run ``examples/<name>`` in a fresh interpreter and return what it printed."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / name)], capture_output=True, text=True, check=True
    )
    return result.stdout


def test_computation_graph_example_prints_the_course_figures():
    out = run_example("computation_graph.py")
    assert "J = 3(a + bc) = 33" in out
    for line in ("∂J/∂v = 3", "∂J/∂a = 3", "∂J/∂u = 3", "∂J/∂b = 6", "∂J/∂c = 9"):
        assert line in out
    assert re.search(r"d/da a\*\*2\s+= 4\b", out)
    assert re.search(r"d/da a\*\*3\s+= 12\b", out)
    assert re.search(r"d/da ln\(a\)\s+= 0.5\b", out)
    for name, formula in (("dz ", "a - y"), ("dw1", "x1 \\* dz"), ("dw2", "x2 \\* dz"), ("db ", "dz")):
        match = re.search(rf"{name} = (\S+)\s+\({formula}\s+= (\S+)\)", out)
        assert match and match.group(1) == match.group(2), f"{name} does not match the course formula"


def test_readme_taste_prints_what_its_comments_say(capsys):
    readme = (ROOT / "README.md").read_text()
    taste = readme.split("## A taste", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    expected = [line.rsplit("# ", 1)[1].strip() for line in taste.splitlines() if line.startswith("print(")]
    exec(compile(taste, "README taste", "exec"), {})
    assert capsys.readouterr().out.splitlines() == expected


def test_vectorized_logistic_regression_example_reproduces_propagate():
    out = run_example("vectorized_logistic_regression.py")
    assert "cost = 5.801545, dw = [0.998456 2.395072], db = 0.001456" in out
    assert "Cost after iteration 0: 0.693147" in out
    assert "train accuracy: 47.00 %" in out
