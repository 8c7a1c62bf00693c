"""Writing files atomically: nothing lost, never a half-written file in place of a good one.

Every file the library writes (saved models, diagrams, pages, plots) goes through ``write_atomically``:
the content goes into a new temporary file beside the target, is synced to disk, and only then is
renamed over the target. If anything fails on the way, the temporary file is removed and a file
already at the target is left byte for byte as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["write_atomically", "write_bytes_atomically", "write_text_atomically"]


def write_atomically(path: str | Path, write: Callable[[BinaryIO], object], where: str) -> Path:
    """Call ``write`` on a new binary file beside ``path``, sync it, then rename it over ``path``.

    ``where`` starts the message of the errors this function makes itself (``save model.npz``).
    On any error the temporary file is removed and ``path`` is untouched; a missing folder is a
    FileNotFoundError naming it. A new file gets the usual permissions (0o666 less the umask), an
    overwritten one keeps its own; through a symlink, the file it points to is replaced. A device
    or pipe at ``path`` (``/dev/null``) cannot be replaced, so it is written directly.
    Returns ``path`` as a Path.
    """
    path = Path(path)
    target = Path(os.path.realpath(path))
    try:
        mode = os.stat(target).st_mode
    except OSError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if mode is not None and not stat.S_ISREG(mode):
        with open(target, "wb") as stream:
            write(stream)
        return path
    temporary, fd = _create_temporary(path, target, where)
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileNotFoundError):  # an overwritten file keeps its permissions
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(target.parent)
    return path


def write_bytes_atomically(path: str | Path, data: bytes, where: str) -> Path:
    """Write ``data`` to ``path`` through ``write_atomically``; returns ``path`` as a Path."""
    return write_atomically(path, lambda file: file.write(data), where)


def write_text_atomically(path: str | Path, text: str, where: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` (encoded, newlines as given) to ``path`` through ``write_atomically``."""
    return write_bytes_atomically(path, text.encode(encoding), where)


def _create_temporary(path: Path, target: Path, where: str) -> tuple[Path, int]:
    """A new, empty file beside ``target`` that no one else has opened, and its descriptor."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:  # created like any new file (mode 0o666 less the umask), unlike mkstemp's 0o600
            return temporary, os.open(temporary, flags, 0o666)
        except FileExistsError:
            continue
        except FileNotFoundError:
            raise FileNotFoundError(f"{where}: no folder {target.parent}") from None
        except OSError as error:  # e.g. no permission: name the file asked for, not the temporary one
            if error.errno is None:
                raise
            raise OSError(error.errno, error.strerror, str(path)) from None
    raise FileExistsError(f"{where}: could not create a temporary file in {target.parent}")


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; elsewhere nothing to do)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
