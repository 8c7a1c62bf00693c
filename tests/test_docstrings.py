"""Every public name has a docstring: the source (interrogate) and the names as a user meets them,
including the methods made from the op records at import, which no source scan sees."""

import inspect
from pathlib import Path

import pytest

import autograd_lite
from autograd_lite import nn, viz

ROOT = Path(__file__).resolve().parents[1]


def test_interrogate_finds_every_public_function_and_class_documented():
    interrogate = pytest.importorskip("interrogate.coverage")
    from interrogate import config

    settings = config.parse_pyproject_toml(str(ROOT / "pyproject.toml"))  # its [tool.interrogate] table
    conf = config.InterrogateConfig(**settings)
    paths = [str(ROOT / name) for name in ("autograd_lite", "nn", "viz")]
    results = interrogate.InterrogateCoverage(paths=paths, conf=conf).get_coverage()
    missing = [
        f"{file.filename}:{node.lineno} {node.name}"
        for file in results.file_results
        for node in file.nodes
        if not node.covered and node.node_type != "Module"
    ]
    assert results.perc_covered >= conf.fail_under == 100, missing


def public_names():
    for module in (autograd_lite, nn, viz):
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.ismodule(value):
                continue
            yield f"{module.__name__}.{name}", value
            if inspect.isclass(value):
                for attribute, member in vars(value).items():
                    if not attribute.startswith("_") and (
                        callable(member) or isinstance(member, (property, staticmethod, classmethod))
                    ):
                        yield f"{module.__name__}.{name}.{attribute}", getattr(value, attribute)


@pytest.mark.parametrize("name, value", list(public_names()), ids=lambda x: x if isinstance(x, str) else "")
def test_public_name_has_its_own_docstring(name, value):
    doc = value.__doc__ if not isinstance(value, property) else value.fget.__doc__
    assert doc and doc.strip(), f"{name} has no docstring"


def test_changelog_top_entry_is_the_version():
    first = next(line for line in (ROOT / "CHANGELOG.md").read_text().splitlines() if line.startswith("## "))
    assert first.split()[1] == autograd_lite.__version__
