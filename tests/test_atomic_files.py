"""Every file the library writes is written atomically: nothing lost, never a half-written file in place
of a good one.

``autograd_lite.files.write_atomically`` is the one mechanism; each writer (``Module.save``,
``viz.render``, ``viz.to_html``, the demo's index page, the training plots) is checked by putting a good
file at its target, breaking the write half way (the content's producer fails, or the disk fills up
after some bytes), and finding the old file byte for byte as it was and no temporary file beside it.
"""

from __future__ import annotations

import errno
import importlib
import io
import os
import re
import stat
import threading
from pathlib import Path

import pytest
from helpers import course_graph, fail_on_the_second_array

import autograd_lite
from autograd_lite import files, nn, viz
from autograd_lite.app import demo

render_module = importlib.import_module("autograd_lite.viz.render")  # viz.render is the function
steps_module = importlib.import_module("autograd_lite.viz.steps")

OLD = b"an old, good file\n"
SMALL_DIMS = [3, 2, 1]


def folder_state(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` (not below it) and its bytes."""
    return {entry.name: entry.read_bytes() for entry in folder.iterdir() if entry.is_file()}


def assert_nothing_changed(folder: Path, before: dict[str, bytes]) -> None:
    after = folder_state(folder)
    assert sorted(after) == sorted(before), "a temporary file was left behind"
    for name, content in before.items():
        assert after[name] == content, f"{name} changed"


class DiskFull:
    """While armed, files opened by ``os.fdopen(..., "wb")`` take ``budget`` bytes, then raise ENOSPC."""

    def __init__(self, budget: int = 100) -> None:
        self.budget = budget
        self.armed = False
        self.partial_sizes: list[int] = []  # bytes on disk in the file when the failure came

    def fdopen(self, real_fdopen):
        def fdopen(fd, mode="r", *args, **kwargs):
            file = real_fdopen(fd, mode, *args, **kwargs)
            return _FillingFile(file, self) if self.armed and "w" in mode and "b" in mode else file

        return fdopen


class _FillingFile:
    """A binary file that fails part-way, as on a full disk; everything else goes to the real file."""

    def __init__(self, file, disk: DiskFull) -> None:
        self._file = file
        self._disk = disk
        self._written = 0

    def write(self, data) -> int:
        data = bytes(data)
        room = self._disk.budget - self._written
        if len(data) > room:
            self._file.write(data[:room])
            self._file.flush()
            self._disk.partial_sizes.append(os.fstat(self._file.fileno()).st_size)
            raise OSError(errno.ENOSPC, "No space left on device")
        self._written += len(data)
        return self._file.write(data)

    def __getattr__(self, name):
        return getattr(self._file, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self._file.close()


@pytest.fixture
def disk_full(monkeypatch) -> DiskFull:
    """Armed from the start: the next binary file written fills the disk after 100 bytes."""
    disk = DiskFull()
    disk.armed = True
    monkeypatch.setattr(os, "fdopen", disk.fdopen(os.fdopen))
    return disk


# --- files.write_atomically itself ------------------------------------------------------------------------


def test_write_atomically_writes_the_file_and_nothing_else(tmp_path):
    path = tmp_path / "out.bin"
    assert files.write_atomically(str(path), lambda file: file.write(b"\x00\x01 new"), "test") == path
    assert path.read_bytes() == b"\x00\x01 new"
    assert [entry.name for entry in tmp_path.iterdir()] == ["out.bin"]


def test_write_atomically_replaces_an_existing_file(tmp_path):
    path = tmp_path / "out.txt"
    path.write_bytes(OLD)
    files.write_text_atomically(path, "naïve\nline two\n", "test")
    assert path.read_bytes() == "naïve\nline two\n".encode()  # UTF-8, newlines as given
    files.write_bytes_atomically(path, b"bytes", "test")
    assert path.read_bytes() == b"bytes"
    assert [entry.name for entry in tmp_path.iterdir()] == ["out.txt"]


@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()])
def test_a_failing_write_leaves_the_old_file_and_no_temporary(tmp_path, error):
    path = tmp_path / "out.bin"
    path.write_bytes(OLD)
    before = folder_state(tmp_path)

    def write_then_fail(file):
        file.write(b"half of the new content")
        file.flush()
        raise error

    with pytest.raises(type(error)):
        files.write_atomically(path, write_then_fail, "test")
    assert_nothing_changed(tmp_path, before)


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_failing_sync_or_rename_leaves_the_old_file(tmp_path, monkeypatch, step):
    path = tmp_path / "out.bin"
    path.write_bytes(OLD)
    before = folder_state(tmp_path)

    def fail(*args, **kwargs):
        raise OSError(f"{step} failed")

    monkeypatch.setattr(os, step, fail)
    with pytest.raises(OSError, match=f"{step} failed"):
        files.write_bytes_atomically(path, b"new", "test")
    assert_nothing_changed(tmp_path, before)


def test_the_disk_filling_up_part_way_leaves_the_old_file(tmp_path, disk_full):
    path = tmp_path / "out.bin"
    path.write_bytes(OLD)
    before = folder_state(tmp_path)
    with pytest.raises(OSError, match="No space left"):
        files.write_bytes_atomically(path, bytes(range(256)) * 4, "test")
    assert disk_full.partial_sizes == [100]  # the temporary file was half written
    assert_nothing_changed(tmp_path, before)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_usual_permissions(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        path = files.write_bytes_atomically(tmp_path / "new.txt", b"new", "test")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == mode  # not mkstemp's 0o600 whatever the umask


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_an_overwritten_file_keeps_its_permissions(tmp_path, mode):
    path = tmp_path / "kept.txt"
    path.write_bytes(OLD)
    path.chmod(mode)
    files.write_bytes_atomically(path, b"new", "test")
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert path.read_bytes() == b"new"


def test_a_missing_folder_is_a_clear_file_not_found_error(tmp_path):
    path = tmp_path / "absent" / "deeper" / "out.txt"
    message = rf"^write out.txt: no folder {re.escape(str(tmp_path / 'absent' / 'deeper'))}$"
    with pytest.raises(FileNotFoundError, match=message):
        files.write_bytes_atomically(path, b"new", "write out.txt")
    assert list(tmp_path.iterdir()) == []  # no folder made either


def test_a_folder_at_the_path_is_refused_before_anything_is_written(tmp_path):
    folder = tmp_path / "taken"
    folder.mkdir()
    calls = []
    with pytest.raises(IsADirectoryError) as error:
        files.write_atomically(folder, calls.append, "test")
    assert error.value.filename == str(folder)  # the path asked for, not a temporary name
    assert calls == [] and list(folder.iterdir()) == [] and list(tmp_path.iterdir()) == [folder]


def test_a_temporary_file_that_cannot_be_made_is_reported_under_the_path_asked_for(tmp_path, monkeypatch):
    real_open = os.open

    def refuse(name, flags, *args, **kwargs):
        if flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", str(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    path = tmp_path / "out.txt"
    with pytest.raises(PermissionError) as error:
        files.write_bytes_atomically(path, b"new", "test")
    assert error.value.filename == str(path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_writing_through_a_symlink_replaces_the_file_it_points_to(tmp_path):
    real = tmp_path / "real.txt"
    real.write_bytes(OLD)
    link = tmp_path / "link.txt"
    link.symlink_to(real.name)
    assert files.write_bytes_atomically(link, b"new", "test") == link
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["link.txt", "real.txt"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_pipe_at_the_path_is_written_into_not_replaced(tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    files.write_bytes_atomically(pipe, b"through the pipe", "test")
    reader.join(timeout=10)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)  # still a pipe (as /dev/null stays a device)
    assert [entry.name for entry in tmp_path.iterdir()] == ["pipe"]


def test_no_library_module_writes_a_file_another_way():
    """The one mechanism: only ``autograd_lite/files.py`` creates, writes or renames files."""
    forbidden = re.compile(
        r"\.write_text\(|\.write_bytes\(|os\.replace\(|os\.rename\(|shutil\.(copy|move)|mkstemp|"
        r"NamedTemporaryFile|(?<![.\w])open\([^)]*['\"][wax]b?['\"]|savefig\((?!content)|(?<!viz)\.render\(|"
        r"np\.save"
    )
    folders = {Path(module.__file__).parent for module in (autograd_lite, nn, viz)}
    offenders = []
    for folder in folders:
        for source in sorted(folder.rglob("*.py")):
            if source == Path(files.__file__):
                continue
            for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
                if forbidden.search(line) and not line.lstrip().startswith("#"):
                    offenders.append(f"{source.name}:{number}: {line.strip()}")
    assert offenders == []


# --- each writer: a good file at the target survives a write that breaks half way -----------------------


def save_model(path: Path) -> Path:
    return nn.DeepNetwork(SMALL_DIMS, seed=1).save(path)


def render_svg(path: Path) -> Path:
    return viz.render(course_graph()[0], path, view="both")


def render_dot(path: Path) -> Path:
    return viz.render(course_graph()[0], path, view="both")


def steps_page(path: Path) -> Path:
    return viz.to_html(course_graph()[0], path)


def plot_costs(path: Path) -> Path:
    from autograd_lite.nn.plots import plot_costs

    return plot_costs([0.7, 0.5, 0.4, 0.35], path, "costs", 0.1)


def plot_boundary(path: Path) -> Path:
    from autograd_lite.nn.plots import plot_decision_boundary

    X, Y = nn.datasets.planar_flower()
    model = nn.DeepNetwork([2, 3, 1], hidden_activation="tanh", init="small", seed=2)
    return plot_decision_boundary(model, X[:, :40], Y[:, :40], path, "boundary")


def _has_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


needs_matplotlib = pytest.mark.skipif(
    not _has_matplotlib(), reason="the plots need matplotlib: pip install 'autograd-lite[plot]'"
)

WRITERS = [
    pytest.param(save_model, "model.npz", id="Module.save"),
    pytest.param(render_svg, "J.svg", id="viz.render-svg", marks=pytest.mark.svg),
    pytest.param(render_dot, "J.dot", id="viz.render-dot"),
    pytest.param(steps_page, "J_backprop.html", id="viz.to_html", marks=pytest.mark.svg),
    pytest.param(plot_costs, "costs.png", id="plot_costs-png", marks=needs_matplotlib),
    pytest.param(plot_costs, "costs.svg", id="plot_costs-svg", marks=needs_matplotlib),
    pytest.param(plot_boundary, "boundary.png", id="plot_decision_boundary", marks=needs_matplotlib),
]


def break_the_producer(monkeypatch, writer) -> type[BaseException]:
    """Make the code that produces ``writer``'s content fail after writing part of it; the error type."""
    if writer is save_model:  # the second array is half written into the archive, then the disk fails
        fail_on_the_second_array(monkeypatch)
        return OSError
    if writer is render_svg:
        monkeypatch.setattr(render_module, "svg_from_dot", _graphviz_fails)
        return RuntimeError
    if writer is render_dot:
        monkeypatch.setattr(render_module, "draw", _graphviz_fails)
        return RuntimeError
    if writer is steps_page:  # the page's one diagram fails to render
        monkeypatch.setattr(steps_module, "svg_from_dot", _graphviz_fails)
        return RuntimeError
    from matplotlib.figure import Figure

    real_savefig = Figure.savefig

    def savefig(self, fname, *args, **kwargs):  # some bytes into the file, then the failure
        buffer = io.BytesIO()
        real_savefig(self, buffer, *args, **kwargs)
        if hasattr(fname, "write"):
            fname.write(buffer.getvalue()[:100])
        else:  # a path: matplotlib would have opened it itself
            Path(fname).write_bytes(buffer.getvalue()[:100])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", savefig)
    return OSError


def _graphviz_fails(*args, **kwargs):
    raise RuntimeError("Graphviz dot failed: out of memory")


@pytest.mark.parametrize(("writer", "name"), WRITERS)
def test_a_successful_write_leaves_only_the_new_file(tmp_path, writer, name):
    path = tmp_path / name
    path.write_bytes(OLD)
    assert writer(path) == path
    assert path.read_bytes() != OLD and path.stat().st_size > 100
    assert [entry.name for entry in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize(("writer", "name"), WRITERS)
def test_the_disk_filling_up_mid_write_leaves_the_old_file(tmp_path, disk_full, writer, name):
    path = tmp_path / name
    path.write_bytes(OLD)
    before = folder_state(tmp_path)
    with pytest.raises(OSError, match="No space left"):
        writer(path)
    assert disk_full.partial_sizes[:1] == [100]  # the new content was half on disk when the failure came
    assert_nothing_changed(tmp_path, before)


@pytest.mark.parametrize(("writer", "name"), WRITERS)
def test_a_failure_while_making_the_content_leaves_the_old_file(tmp_path, monkeypatch, writer, name):
    path = tmp_path / name
    path.write_bytes(OLD)
    before = folder_state(tmp_path)
    error = break_the_producer(monkeypatch, writer)
    with pytest.raises(error):
        writer(path)
    assert_nothing_changed(tmp_path, before)


@pytest.mark.parametrize(
    "writer",
    [
        pytest.param(render_svg, id="viz.render"),
        pytest.param(steps_page, id="viz.to_html", marks=pytest.mark.svg),
    ],
)
def test_a_failed_diagram_into_a_new_folder_leaves_no_partial_file(tmp_path, monkeypatch, writer):
    break_the_producer(monkeypatch, writer)
    with pytest.raises(RuntimeError, match="Graphviz dot failed"):
        writer(tmp_path / "new" / "J.svg")
    assert not (tmp_path / "new" / "J.svg").exists()
    assert [path.name for path in tmp_path.rglob("*") if path.is_file()] == []


@needs_matplotlib
def test_a_failed_plot_closes_its_figure(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    break_the_producer(monkeypatch, plot_costs)
    open_before = plt.get_fignums()
    with pytest.raises(OSError):
        plot_costs(tmp_path / "costs.png")
    assert plt.get_fignums() == open_before


@needs_matplotlib
def test_a_plot_path_without_a_suffix_gets_the_default_format_as_savefig_does(tmp_path):
    path = plot_costs(tmp_path / "costs")
    assert path == tmp_path / "costs.png"
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert [entry.name for entry in tmp_path.iterdir()] == ["costs.png"]


@pytest.mark.svg
def test_the_demo_index_page_survives_a_failure_while_it_is_written(tmp_path, monkeypatch):
    """The demo's other files are written as usual; the disk fills up half way through index.html."""
    index = tmp_path / "index.html"
    index.write_bytes(OLD)
    disk = DiskFull()
    monkeypatch.setattr(os, "fdopen", disk.fdopen(os.fdopen))
    real_index_page = demo._index_page

    def index_page(*args, **kwargs):
        disk.armed = True  # the page's content is ready: its write is the one that fails
        return real_index_page(*args, **kwargs)

    monkeypatch.setattr(demo, "_index_page", index_page)
    with pytest.raises(OSError, match="No space left"):
        demo.run_demo(tmp_path, iterations=1, progress=False, stream=io.StringIO())
    assert disk.partial_sizes == [100]
    assert index.read_bytes() == OLD
    written = sorted(entry.name for entry in tmp_path.iterdir())
    assert "J_backprop.html" in written and "planar_graph.svg" in written  # the rest was written
    assert [name for name in written if name.startswith(".") or name.endswith(".tmp")] == []
