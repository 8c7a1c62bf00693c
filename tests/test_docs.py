"""The documentation site: it builds with ``mkdocs build --strict``, its API reference covers the public
names with their docstrings (the methods made from the op records too), the notebooks and the benchmark
tables are on it, and the examples on its pages run and print what the pages say they print."""

from __future__ import annotations

import doctest
import html
import importlib
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOKS = ("week2_logistic_regression", "week3_planar_data", "week4_deep_network")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built once for this module's tests (strict: any warning fails the build)."""
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip('mkdocs is not installed: pip install -e ".[docs]" to build the documentation site')
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return out


def page_text(path: Path) -> str:
    """A built page's text: tags removed (``<code>x</code>`` reads ``x``), entities decoded, whitespace
    collapsed."""
    text = re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))
    return " ".join(html.unescape(text).split())


def docstring_summary(obj) -> str:
    """The first paragraph of ``obj``'s docstring as a page shows it (inline code marks dropped)."""
    first = obj.__doc__.strip().split("\n\n")[0]
    return " ".join(first.replace("``", "").split())


def anchors(path: Path) -> set[str]:
    return set(re.findall(r'id="([^"]+)"', path.read_text(encoding="utf-8")))


def test_site_builds(site):
    assert (site / "index.html").is_file()
    assert (site / "search" / "search_index.json").is_file()


# methods made at import time from the op records (and one the Node class defines), with a docstring each
METHODS = ("Tensor.sum", "Tensor.log", "Tensor.mean", "Tensor.__matmul__", "Scalar.tanh", "Scalar.backward")


def test_api_reference_shows_the_methods_made_from_the_op_records(site):
    import autograd_lite

    page = site / "reference" / "autograd_lite" / "index.html"
    text, ids = page_text(page), anchors(page)
    for method in METHODS:
        cls, name = method.split(".")
        assert f"autograd_lite.{method}" in ids, f"{method} is not on the page"
        assert docstring_summary(getattr(getattr(autograd_lite, cls), name)) in text, f"{method}'s docstring"


@pytest.mark.parametrize(
    ("module", "page"),
    [("autograd_lite", "autograd_lite"), ("autograd_lite.nn", "nn"), ("autograd_lite.viz", "viz")],
)
def test_api_reference_covers_every_public_name(site, module, page):
    """Each name of the module's ``__all__`` has its entry (a function that shares its module's name,
    as ``gradcheck`` and ``viz.draw`` do, is documented as ``module.name.name``)."""
    ids = anchors(site / "reference" / page / "index.html")
    names = [name for name in importlib.import_module(module).__all__ if not name.startswith("__")]
    missing = [
        name for name in names if f"{module}.{name}" not in ids and f"{module}.{name}.{name}" not in ids
    ]
    assert not missing, f"docs/reference/{page}.md does not document {', '.join(missing)}"


def test_notebooks_are_pages(site):
    for name in NOTEBOOKS:
        page = site / "notebooks" / name / "index.html"
        assert page.is_file(), f"no page for notebooks/{name}.py"
        content = page.read_text(encoding="utf-8")
        assert "jupyter-wrapper" in content, f"{name} is not rendered as a notebook"
        assert (page.parent / f"{name}.py").is_file(), f"{name}.py is not copied beside its page"
        assert f'href="{name}.py" download' in content, f"no download button on {name}'s page"


def test_benchmarks_page_has_the_readme_tables(site):
    source = site / "benchmarks" / "index.html"
    content = source.read_text(encoding="utf-8")
    assert content.count("<table>") >= 4, "the README's benchmark tables are not on the page"
    assert "micrograd" in page_text(source)


def test_no_link_made_by_accident(site):
    """``g[l](Z[l])`` is Markdown's link syntax: a formula written so on a page becomes a broken link."""
    for page in site.rglob("*.html"):
        if "reference" not in page.relative_to(site).parts:  # the reference shows docstrings as written
            broken = re.findall(r'href="([^"]*[\[\] ][^"]*)"', page.read_text(encoding="utf-8"))
            assert not broken, f"{page.relative_to(site)}: links to {broken}"


def test_pages_work_offline(site):
    """No web fonts: the theme's fonts would be fetched from Google by every visitor's browser."""
    for page in site.rglob("*.html"):
        assert "fonts.googleapis.com" not in page.read_text(encoding="utf-8"), page


# --- the examples on the pages -------------------------------------------------------------------------

FENCE = re.compile(r"^(?P<indent>[ \t]*)```pycon[ \t]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)
IMPORT = re.compile(r"^>>> (?:from|import) ([A-Za-z_]\w*)", re.M)
PAGES = sorted(path for path in DOCS.rglob("*.md") if "```pycon" in path.read_text(encoding="utf-8"))


def examples(path: Path) -> str:
    """The page's ``pycon`` blocks as one doctest text; other lines are blank, so line numbers match."""
    source = path.read_text(encoding="utf-8")
    lines = [""] * (source.count("\n") + 1)
    for block in FENCE.finditer(source):
        first = source.count("\n", 0, block.start("body"))
        indent = len(block.group("indent"))
        for offset, line in enumerate(block.group("body").splitlines()):
            lines[first + offset] = line[indent:]
    return "\n".join(lines)


@pytest.mark.parametrize("path", PAGES, ids=lambda path: str(path.relative_to(DOCS)))
def test_page_examples_print_what_the_page_shows(path, tmp_path, monkeypatch):
    """Each page's ``pycon`` blocks run in order as one doctest, in an empty folder (some write files)."""
    text = examples(path)
    for package in sorted(set(IMPORT.findall(text))):
        if importlib.util.find_spec(package) is None:
            pytest.skip(f"{path.name}'s examples need {package}")
    monkeypatch.chdir(tmp_path)
    name = str(path.relative_to(ROOT))
    test = doctest.DocTestParser().get_doctest(text, {}, name, str(path), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report: list[str] = []
    runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)


def test_command_line_example_is_shown_as_it_prints():
    result = subprocess.run(
        [sys.executable, "-m", "autograd_lite", "example"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    page = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    assert "$ autograd-lite example\n" + result.stdout in page
