"""Checks on the files and folders a command will write, made before any long work starts.

``output_file`` and ``output_folder`` look at the path as it is now and create nothing: a folder
where a file should go (or the other way round), a name longer than the file system allows, a
missing permission. Each problem is an ``OutputPathError`` whose message names the option.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_NAME_MAX = 255  # bytes in one file name, where os.pathconf cannot tell
DEFAULT_PATH_MAX = 4096  # bytes in a whole path


class OutputPathError(ValueError):
    """An output path the command could not write; the message names the option and the path."""


def output_file(text: str, option: str) -> Path:
    """The file ``text`` given to ``option``, checked so that writing it later can work."""
    path = _non_empty(text, option, "file")
    _check_names(path, option, text)
    if text.endswith(("/", os.sep)) or path.name in ("", ".", "..") or path.is_dir():
        raise OutputPathError(f"{option} {text!r} is a folder; give a file name")
    if path.exists() and not path.is_file():
        return path  # a device such as /dev/null: nothing to check
    if path.exists():
        if not os.access(path, os.W_OK):
            raise OutputPathError(f"{option} {text!r}: no permission to write it")
    else:
        _check_can_create(path.parent, option, text)
    return path


def output_folder(text: str, option: str) -> Path:
    """The folder ``text`` given to ``option`` (it may not exist yet), checked so that files can go in it."""
    path = _non_empty(text, option, "folder")
    _check_names(path, option, text)
    if path.exists():
        if not path.is_dir():
            raise OutputPathError(f"{option} {text!r} is a file, not a folder")
        if not os.access(path, os.W_OK | os.X_OK):
            raise OutputPathError(f"{option} {text!r}: no permission to write in it")
        return path
    _check_can_create(path.parent, option, text)
    return path


def _non_empty(text: str, option: str, kind: str) -> Path:
    if not text.strip():
        raise OutputPathError(f"{option}: empty {kind} name")
    if "\0" in text:
        raise OutputPathError(f"{option} {text!r}: a {kind} name cannot contain a NUL character")
    return Path(text)


def _check_names(path: Path, option: str, text: str) -> None:
    """Refuse a path, or one of the names in it that do not exist yet, longer than the system allows."""
    existing = _nearest_existing(path.parent)
    if len(os.fsencode(text)) >= _limit(existing, "PC_PATH_MAX", DEFAULT_PATH_MAX):
        raise OutputPathError(f"{option}: path too long ({len(os.fsencode(text))} bytes)")
    name_max = _limit(existing, "PC_NAME_MAX", DEFAULT_NAME_MAX)
    for part in path.parts:
        size = len(os.fsencode(part))
        if size > name_max:
            shown = part if len(part) <= 40 else f"{part[:20]}…{part[-10:]}"
            raise OutputPathError(
                f"{option}: file name too long ({size} bytes, at most {name_max}): {shown!r}"
            )


def _check_can_create(parent: Path, option: str, text: str) -> None:
    """The nearest existing folder above the new file or folder must be a folder we may write in."""
    existing = _nearest_existing(parent)
    if not existing.is_dir():
        raise OutputPathError(f"{option} {text!r}: {str(existing)!r} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputPathError(f"{option} {text!r}: no permission to write in {str(existing)!r}")


def _nearest_existing(path: Path) -> Path:
    """``path`` or its closest ancestor that exists (the current folder for a relative path)."""
    for candidate in (path, *path.parents):
        try:
            if candidate.exists():
                return candidate
        except OSError:  # e.g. a name too long to look up: try the folder above
            continue
    return Path(".")


def _limit(folder: Path, name: str, default: int) -> int:
    try:
        value = os.pathconf(folder if folder.is_dir() else folder.parent, name)
    except (AttributeError, OSError, ValueError):  # no pathconf (Windows), or no such limit
        return default
    return value if value and value > 0 else default
