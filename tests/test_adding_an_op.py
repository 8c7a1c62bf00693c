"""The README's claim: a new elementwise op is its record plus one row of test data, and then it works
everywhere. The README's own snippet is added to a copy of the package and of the op tests."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_snippet() -> tuple[str, str]:
    """The record and the test-data row the README shows under "Adding an op"."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("<!-- add-an-op -->", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    record, row = code.split("# tests/op_cases.py", 1)
    record = record.split("\n", 1)[1]  # below the "# autograd_lite/ops/functions.py" line
    row = row.split("\n", 1)[1]
    return record, row


def test_the_readme_op_works_everywhere_after_two_edits(tmp_path):
    record, row = readme_snippet()
    shutil.copytree(ROOT / "autograd_lite", tmp_path / "autograd_lite")
    (tmp_path / "tests").mkdir()
    for name in ("op_cases.py", "test_op_catalogue.py", "helpers.py"):
        shutil.copy(ROOT / "tests" / name, tmp_path / "tests" / name)

    functions = tmp_path / "autograd_lite" / "ops" / "functions.py"
    functions.write_text(functions.read_text(encoding="utf-8") + "\n\n" + record, encoding="utf-8")
    cases = tmp_path / "tests" / "op_cases.py"
    text = cases.read_text(encoding="utf-8")
    cases.write_text(text.replace("ROWS = {\n", "ROWS = {\n" + row, 1), encoding="utf-8")
    name = re.search(r"def (\w+)\(xp", record).group(1)

    environment = {"PYTHONPATH": str(tmp_path), "PATH": ""}
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_op_catalogue.py"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-3000:]
    generated = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_op_catalogue.py",
         "-k", name, "--collect-only"],
        cwd=tmp_path, env=environment, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert len(re.findall(rf"\[{name}[\]-]", generated.stdout)) >= 10, generated.stdout

    check = f"""
import autograd_lite
from autograd_lite import Scalar, Tensor, viz
from autograd_lite.app.cli import main
assert autograd_lite.__file__.startswith({str(tmp_path)!r}), autograd_lite.__file__
x = Scalar(2.0, label="x")
y = x.{name}().named("y")
y.backward()
t = Tensor([1.0, 2.0], requires_grad=True)
t.{name}().sum().backward()
print(y.data, x.grad, t.grad.tolist())
edges = [line for line in viz.draw(y, view="backward").source.splitlines() if "->" in line]
print([line for line in edges if "∂y/∂x =" in line])
main(["graph", "J = {name}(a)", "--set", "a=2", "--format", "dot", "-o", {str(tmp_path / "J.dot")!r}])
"""
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=tmp_path, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "8.0 12.0 [3.0, 12.0]"  # the README's cube: a³ and 3a²
    assert "∂y/∂x = 3x² = 12" in result.stdout
    assert "J = 8" in result.stdout and "∂J/∂a = 12" in result.stdout
