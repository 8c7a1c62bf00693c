"""The engine of an earlier git revision, imported next to the working tree's (the benchmarks' --against).

``load_engine(rev)`` extracts the ``autograd_lite/`` directory of git revision ``rev`` into a temporary
directory and imports it under another top-level name, ``autograd_lite_<short sha>``. The engine's
modules import each other only relatively, so this is a second, independent copy of the engine, with its
own Scalar and Tensor classes, which a benchmark can time in the same process as the working tree's,
interleaved with it. The temporary directory is removed when the process exits.
"""

from __future__ import annotations

import atexit
import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

REPOSITORY = Path(__file__).resolve().parent.parent
PACKAGE = "autograd_lite"


def _git(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(REPOSITORY), *args], capture_output=True)


def load_engine(rev: str) -> tuple[ModuleType, str]:
    """``autograd_lite`` as of git revision ``rev``, and a label for it such as ``autograd-lite @ 4f6f374``.

    Raises SystemExit with a one-line message if ``rev`` is not a commit of the repository.
    """
    resolved = _git("rev-parse", "--verify", "--quiet", "--short", f"{rev}^{{commit}}")
    if resolved.returncode != 0:
        raise SystemExit(f"{rev!r} is not a git revision of this repository")
    sha = resolved.stdout.decode().strip()
    archive = _git("archive", "--format=tar", sha, PACKAGE)
    if archive.returncode != 0:
        raise SystemExit(f"git revision {rev!r} ({sha}) has no {PACKAGE}/ directory")

    directory = tempfile.mkdtemp(prefix=f"{PACKAGE}_{sha}-")
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    subprocess.run(["tar", "-x", "-C", directory], input=archive.stdout, check=True)

    name = f"{PACKAGE}_{sha}"
    init = Path(directory, PACKAGE, "__init__.py")
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(init.parent)])
    engine = importlib.util.module_from_spec(spec)
    sys.modules[name] = engine  # registered first, so that its relative imports find the package
    spec.loader.exec_module(engine)
    return engine, f"autograd-lite @ {sha}"
