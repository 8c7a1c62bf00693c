"""The course's weeks as notebooks (``notebooks/*.py``, kept as text in jupytext's percent format).

Each notebook is read with jupytext and executed top to bottom on a fresh ``python3`` kernel (nbclient),
in a temporary working directory, with ``AUTOGRAD_LITE_DATA`` set to the course's cat data when it is on
this machine (found as ``cat_data_dir`` in conftest.py finds it). No cell may fail, every cell that shows
a matplotlib figure must have a PNG among its outputs, and every diagram cell an SVG. The notebooks that
read the cat data are also run once with an empty data folder, with their iteration counts cut, to see
them print why the data is missing and run to the end on generated data.
"""

import os
import re
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext", reason="jupytext reads the notebooks (autograd-lite[dev])")
nbclient = pytest.importorskip("nbclient", reason="nbclient executes the notebooks (autograd-lite[dev])")
pytest.importorskip("ipykernel", reason="the notebooks run on ipykernel (autograd-lite[dev])")
pytest.importorskip("matplotlib", reason="the notebooks plot with matplotlib (autograd-lite[dev])")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))
DATA_ENV = "AUTOGRAD_LITE_DATA"
CAT_FILES = ("train_catvnoncat.h5", "test_catvnoncat.h5")
CELL_TIMEOUT = 300  # seconds for any one cell; a notebook takes well under a minute in all
READS_CAT_DATA = ("week2_logistic_regression.py", "week4_deep_network.py")
MISSING_DATA = "cat data not found: set AUTOGRAD_LITE_DATA to the folder holding train_catvnoncat.h5"


def cat_data_folder() -> Path | None:
    """$AUTOGRAD_LITE_DATA, else ``<repo root>/../shared/datasets``, if both files are there; else None."""
    configured = os.environ.get(DATA_ENV)
    folder = Path(configured) if configured else ROOT.parent / "shared" / "datasets"
    return folder if all((folder / name).is_file() for name in CAT_FILES) else None


def execute(path: Path, cwd: Path, data_dir: Path | None, iterations: int | None = None):
    """Run the notebook at ``path`` on a fresh python3 kernel in ``cwd``; returns the executed notebook.

    ``iterations``: replace every ``..._ITERATIONS = N`` setting at the start of a line (the notebooks'
    training lengths) by this number, for a quick run. BLAS runs on one thread, as the notebooks' time
    budget assumes; the kernel uses Jupyter's inline matplotlib backend whatever MPLBACKEND says here.
    """
    notebook = jupytext.read(path)
    if iterations is not None:
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.source = re.sub(r"(?m)^(\w*ITERATIONS) = \d[\d_]*", rf"\1 = {iterations}", cell.source)
    env = {key: value for key, value in os.environ.items() if key not in (DATA_ENV, "MPLBACKEND")}
    if data_dir is not None:
        env[DATA_ENV] = str(data_dir)
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    client = nbclient.NotebookClient(
        notebook, kernel_name="python3", timeout=CELL_TIMEOUT, resources={"metadata": {"path": str(cwd)}}
    )
    client.execute(env=env)  # raises CellExecutionError, naming the cell, if any cell fails
    return notebook


def output_types(cell) -> set[str]:
    """The output kinds of a code cell: "stream", "error", and each display's MIME types."""
    kinds = set()
    for output in cell.get("outputs", []):
        kinds.add(output["output_type"])
        kinds.update(output.get("data", {}))
    return kinds


def printed(notebook) -> str:
    """Everything the notebook's cells printed."""
    return "".join(
        output.get("text", "")
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output["output_type"] == "stream"
    )


def check_outputs(notebook, name: str) -> None:
    """No errors; a PNG from every cell that shows a figure, an SVG from every cell that draws a graph."""
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all("error" not in output_types(cell) for cell in code), name
    figures = [cell for cell in code if "plt.show()" in cell.source]
    diagrams = [cell for cell in code if cell.source.strip().splitlines()[-1].startswith("viz.draw(")]
    assert len(figures) >= 3, f"{name}: expected the notebook to plot (found {len(figures)} figure cells)"
    for cell in figures:
        assert "image/png" in output_types(cell), f"{name}: no plot from the cell\n{cell.source}"
    for cell in diagrams:
        assert "image/svg+xml" in output_types(cell), f"{name}: no diagram from the cell\n{cell.source}"
    for cell in (cell for cell in code if "nn.check(" in cell.source):  # "check yourself" cells
        shown = [output["data"] for output in cell.outputs if output["output_type"] == "execute_result"]
        assert shown, f"{name}: the check shows no result\n{cell.source}"
        message, page = shown[-1]["text/plain"], shown[-1].get("text/html", "")
        if "_wrong" in cell.source:  # the deliberate mistake: a message and the marked diagram
            assert "✓" not in message and "<svg" in page and "✗" in page, f"{name}: {message}"
        else:
            assert message.endswith("✓"), f"{name}: {message}"


def test_there_are_notebooks():
    assert {path.name for path in NOTEBOOKS} >= {
        "week2_logistic_regression.py",
        "week3_planar_data.py",
        "week4_deep_network.py",
    }


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_jupytext_percent_with_the_python3_kernel(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ---\n# jupyter:\n"), "the jupytext header comes first"
    notebook = jupytext.reads(text, fmt="py:percent")
    metadata = notebook.metadata
    assert metadata["jupytext"]["formats"] == "py:percent"
    assert metadata["jupytext"]["text_representation"]["format_name"] == "percent"
    assert metadata["kernelspec"] == {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    kinds = [cell.cell_type for cell in notebook.cells]
    assert set(kinds) == {"markdown", "code"} and kinds[0] == "markdown"
    assert kinds.count("markdown") >= 10 and kinds.count("code") >= 10
    # the file is exactly what jupytext writes for it (apart from the version that wrote it)
    unversioned = lambda text: re.sub(r"(?m)^#\s+jupytext_version: .*\n", "", text)
    assert unversioned(jupytext.writes(notebook, fmt="py:percent")) == unversioned(text)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs(path, tmp_path):
    data_dir = cat_data_folder()
    notebook = execute(path, tmp_path, data_dir)
    check_outputs(notebook, path.name)
    if path.name in READS_CAT_DATA:
        said = printed(notebook)
        if data_dir is None:
            assert MISSING_DATA in said
        else:
            assert "cat data not" not in said


@pytest.mark.parametrize("name", READS_CAT_DATA)
def test_notebook_without_the_cat_data(name, tmp_path):
    empty = tmp_path / "no data here"
    empty.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    notebook = execute(ROOT / "notebooks" / name, work, empty, iterations=20)
    check_outputs(notebook, name)
    said = printed(notebook)
    assert MISSING_DATA in said
    assert "generated" in said
