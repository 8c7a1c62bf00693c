"""Build hooks of the documentation site (registered under ``hooks:`` in mkdocs.yml).

The course's notebooks live in ``notebooks/`` at the repository root, beside the code they run, not in
the docs folder. The nav names each one as ``notebooks/<name>.py``; this hook adds every such nav entry
to the site's files from the repository's ``notebooks/`` folder, before mkdocs-jupyter sees the files,
so that the plugin renders them as pages. A notebook the nav names but the repository lacks is a
warning, which fails a ``--strict`` build with the notebook's name.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.notebooks")

NOTEBOOKS = "notebooks/"  # nav entries under this prefix come from the repository's notebooks/ folder


def _nav_paths(nav) -> list[str]:
    """Every page path named in the nav (a nested list of dicts, strings and lists)."""
    paths, todo = [], [nav or []]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            paths.append(item)
        elif isinstance(item, dict):
            todo.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            todo.extend(reversed(item))
    return paths


def _repository(config) -> Path:
    """The folder holding mkdocs.yml: the repository root."""
    return Path(config.config_file_path).resolve().parent


@event_priority(100)  # before the plugins' on_files: mkdocs-jupyter must see the notebooks
def on_files(files: Files, config) -> Files:
    """Add the nav's ``notebooks/*.py`` entries from the repository's notebooks folder."""
    root = _repository(config)
    for path in _nav_paths(config.nav):
        if not path.startswith(NOTEBOOKS) or files.get_file_from_path(path) is not None:
            continue
        if not (root / path).is_file():
            log.warning("the nav lists the notebook %s, which is missing from the repository", path)
            continue
        files.append(File(path, str(root), config.site_dir, config.use_directory_urls))
    return files


def on_config(config):
    """Keep the API reference's inspection away from ``autograd_lite.__main__``.

    Inspection imports every module of the package, and ``python -m autograd_lite``'s entry module runs
    the command line when it is imported (it would print the command line's usage and exit).
    """
    from griffe import GriffeLoader

    ignored = getattr(GriffeLoader, "ignored_modules", None)  # a set of names, matched as prefixes
    if ignored is not None:
        ignored.add("__main__")  # a submodule is matched by its own name
    return config


def on_serve(server, config, builder):
    """``mkdocs serve`` rebuilds when a notebook changes too."""
    folder = _repository(config) / NOTEBOOKS
    if folder.is_dir():
        server.watch(str(folder))
    return server
