"""The benchmarks the README's tables come from still run, and their correctness guards pass.

Each runs in a process of its own (a benchmark pins its process to one CPU and tunes malloc), in its
quickest mode: these are smoke runs, and no figure they print is checked. What is checked is that the
script finishes, that every contender's step agreed with hand-written NumPy's (the guard runs before
any timing and stops the script otherwise), and that the tables and target lines are printed.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import run_script

ROOT = Path(__file__).resolve().parents[1]
HAS_GIT = shutil.which("git") is not None and (ROOT / ".git").exists()


def bench(script: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``python bench/<script> <arguments>`` from the repository root, as the README runs it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return run_script(ROOT / "bench" / script, *arguments, cwd=ROOT, env=env, timeout=600)


def test_tensor_benchmark_tiny_net_runs_with_its_guard():
    arguments = ["--quick", "--only", "tiny"] + (["--against", "HEAD"] if HAS_GIT else [])
    result = bench("tensor.py", *arguments)
    assert result.returncode == 0, result.stderr
    for contender in ("hand-written NumPy", "autograd-lite Tensor", "autograd-lite compiled"):
        assert contender in result.stdout
    assert "target tiny: eager <= 2.0x NumPy:" in result.stdout
    if HAS_GIT:  # the engine of the last commit, timed beside the working tree's
        assert "working tree / autograd-lite @ " in result.stdout


def test_tensor_benchmark_deep_net_runs_in_both_dtypes():
    result = bench("tensor.py", "--quick", "--only", "deep")
    assert result.returncode == 0, result.stderr
    assert "target deep float64: <= 1.0x NumPy:" in result.stdout
    assert "target deep float32: <= 1.0x NumPy:" in result.stdout
    for dtype in ("float64", "float32"):  # the eager step's bookkeeping: its time over the compiled step's
        assert f"eager over compiled, {dtype}: " in result.stdout
    assert "peak memory of one step" in result.stdout


def test_scalar_benchmark_runs_with_or_without_micrograd():
    result = bench("scalar.py", "--steps", "1")
    assert result.returncode == 0, result.stderr
    assert "autograd-lite, op for op" in result.stdout
    assert "autograd-lite, idiomatic" in result.stdout


@pytest.mark.skipif(not HAS_GIT, reason="needs git and the repository's history")
def test_against_a_revision_that_does_not_exist_is_one_line():
    result = bench("tensor.py", "--quick", "--only", "tiny", "--against", "no-such-revision")
    assert result.returncode != 0
    assert result.stderr.strip() == "'no-such-revision' is not a git revision of this repository"


def test_scalar_benchmark_refuses_zero_steps():
    result = bench("scalar.py", "--steps", "0")
    assert result.returncode == 2
    assert "--steps must be at least 1" in result.stderr
