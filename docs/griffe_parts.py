"""A griffe extension for the API reference (listed under the mkdocstrings handler's ``extensions``).

``autograd_lite.nn`` and ``autograd_lite.viz`` install inside the package from the repository's own
``nn/`` and ``viz/`` folders (a package-dir mapping), so looking for them in the ``autograd_lite/``
folder finds nothing. Once the package is loaded, this extension reads each of them, and each of their
modules, from the folder Python imports it from, and adds them to the package. They are read from
their source (no class of theirs gets methods made at import time), which tells the names a module
defines from the names it imports.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import griffe

PACKAGE = "autograd_lite"
PARTS = ("nn", "viz")  # subpackages installed from folders of their own


class InstalledParts(griffe.Extension):
    """Add ``autograd_lite.nn`` and ``autograd_lite.viz`` (and their modules) to the loaded package."""

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs) -> None:
        """Read the parts once ``autograd_lite`` itself is loaded."""
        if pkg.name != PACKAGE:
            return
        for name in PARTS:
            spec = importlib.util.find_spec(f"{PACKAGE}.{name}")
            if spec is None or spec.origin is None:
                raise ImportError(f"{PACKAGE}.{name} cannot be found: install the package (pip install -e .)")
            init = Path(spec.origin)
            part = self._visit(loader, name, init, pkg)
            for path in sorted(init.parent.glob("*.py")):
                if path.stem != "__init__":
                    self._visit(loader, path.stem, path, part)

    @staticmethod
    def _visit(loader: griffe.GriffeLoader, name: str, path: Path, parent: griffe.Module) -> griffe.Module:
        module = griffe.visit(
            name,
            filepath=path,
            code=path.read_text(encoding="utf-8"),
            parent=parent,
            extensions=loader.extensions,
            docstring_parser=loader.docstring_parser,
            docstring_options=loader.docstring_options,
            lines_collection=loader.lines_collection,
            modules_collection=loader.modules_collection,
        )
        parent.set_member(name, module)
        return module
