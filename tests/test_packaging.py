"""Packaging: nn/ and viz/ install inside the autograd_lite namespace, never as top-level packages."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import autograd_lite

ROOT = Path(__file__).resolve().parents[1]


def run_python(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python ARGS`` in a fresh interpreter."""
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_subpackages_import_from_outside_the_repository(tmp_path):
    result = run_python("-c", "import autograd_lite.nn, autograd_lite.viz; print('ok')", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


@pytest.mark.parametrize("name", ["nn", "viz"])
def test_no_top_level_nn_or_viz_is_installed(tmp_path, name):
    result = run_python("-c", f"import {name}", cwd=tmp_path)
    assert result.returncode != 0
    assert "ModuleNotFoundError" in result.stderr


def test_subpackages_map_to_root_folders():
    import autograd_lite.nn
    import autograd_lite.viz

    assert Path(autograd_lite.nn.__file__).parent.name == "nn"
    assert Path(autograd_lite.viz.__file__).parent.name == "viz"


def test_wheel_holds_only_the_autograd_lite_namespace(tmp_path):
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = tmp_path.glob("autograd_lite-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names}
    assert top_level == {"autograd_lite", f"autograd_lite-{autograd_lite.__version__}.dist-info"}
    assert "autograd_lite/nn/__init__.py" in names
    assert "autograd_lite/viz/__init__.py" in names
    assert "autograd_lite/app/playground.html" in names  # the playground's page ships with the package
    assert "autograd_lite/py.typed" in names  # type checkers read the package's hints
    entry_points = zipfile.ZipFile(wheel).read(
        f"autograd_lite-{autograd_lite.__version__}.dist-info/entry_points.txt"
    )
    assert b"autograd-lite = autograd_lite.app.cli:main" in entry_points
