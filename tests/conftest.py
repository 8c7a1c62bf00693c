"""Shared test setup: where the course's cat / non-cat data lives (never copied into the repository),
and the hypothesis profile."""

import importlib.util
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

DATA_ENV = "AUTOGRAD_LITE_DATA"
CAT_FILES = ("train_catvnoncat.h5", "test_catvnoncat.h5")


@pytest.fixture(scope="session")
def cat_data_dir() -> Path:
    """$AUTOGRAD_LITE_DATA, else ``<repo root>/../shared/datasets``; skips when the .h5 files are absent."""
    configured = os.environ.get(DATA_ENV)
    folder = Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared" / "datasets"
    missing = [name for name in CAT_FILES if not (folder / name).is_file()]
    if missing:
        pytest.skip(
            f"course data not found: set {DATA_ENV} to the folder holding {' and '.join(CAT_FILES)} "
            f"({', '.join(missing)} missing from {folder})"
        )
    pytest.importorskip("h5py", reason="reading the course data needs h5py (autograd-lite[data])")
    return folder


def pytest_configure(config):
    """The ``svg`` marker: the test renders SVG (pygraphviz, which bundles Graphviz, or a system dot)."""
    config.addinivalue_line("markers", "svg: renders SVG (pygraphviz or a system dot)")


def pytest_collection_modifyitems(config, items):
    """Skip the tests that render SVG where nothing can render it (no pygraphviz and no system dot)."""
    if importlib.util.find_spec("pygraphviz") is not None or shutil.which("dot") is not None:
        return
    skip = pytest.mark.skip(
        reason="no SVG renderer: pygraphviz is not installed and no system Graphviz 'dot' is on PATH"
    )
    for item in items:
        if "svg" in item.keywords:
            item.add_marker(skip)


# Property tests: no flaky health-check failures on a slow machine, and a fixed seed in CI.
settings.register_profile(
    "project",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    derandomize=bool(os.environ.get("CI")),
)
settings.load_profile("project")
