"""Model files: the ``.npz`` archives ``Module.save`` writes and ``Module.load`` reads.

``write_npz`` writes one ``.npy`` member per named array, atomically. ``read_npz`` checks every
member's header (names, shapes, a real floating-point or integer dtype, the data's size) before it
reads any array data, and turns each problem into one ValueError starting with ``where``.
"""

from __future__ import annotations

import math
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO, NamedTuple

import numpy as np

from autograd_lite.files import write_atomically

__all__ = ["read_npz", "write_npz"]


def write_npz(path: Path, arrays: dict[str, np.ndarray], where: str) -> Path:
    """Write ``arrays`` to the ``.npz`` at ``path`` atomically (``where`` starts its error messages)."""
    return write_atomically(path, lambda file: _write_archive(file, arrays), where)


def _write_archive(file: BinaryIO, arrays: dict[str, np.ndarray]) -> None:
    """What ``numpy.savez`` writes, without its keyword arguments (a parameter may be called ``file``)."""
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)


class _Header(NamedTuple):
    """What a member's ``.npy`` header declares, and how many data bytes the member really holds."""

    shape: tuple[int, ...]
    fortran_order: bool
    dtype: np.dtype
    data_bytes: int


# Errors a damaged archive or member can raise while being read (numpy's own parse errors are ValueErrors).
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError, NotImplementedError)
_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
_NPY_MAGIC = b"\x93NUMPY"


def read_npz(path: Path, shapes: dict[str, tuple[int, ...]], where: str) -> dict[str, np.ndarray]:
    """The arrays of the ``.npz`` at ``path``, one per name in ``shapes``, checked before any data is read.

    Each problem is one ValueError starting ``where:`` (FileNotFoundError for a missing file).
    """
    try:
        file = open(path, "rb")  # one handle: the checks and the reads see the same file
    except FileNotFoundError:
        raise FileNotFoundError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise ValueError(f"{where}: is a directory, not a saved model") from None
    with file:
        start = file.read(len(_NPY_MAGIC))
        if not start:
            raise ValueError(f"{where}: the file is empty (0 bytes), not a saved model")
        if start == _NPY_MAGIC:
            raise ValueError(f"{where}: this is one .npy array (numpy.save), not a .npz of named parameters")
        file.seek(0)
        try:
            archive = zipfile.ZipFile(file)
        except _DAMAGED:
            damaged = "a truncated or damaged .npz archive"
            what = damaged if start.startswith(b"PK") else "not a .npz archive (not a zip file)"
            raise ValueError(f"{where}: {what}") from None
        with archive:
            members = _members(archive, where)
            missing = sorted(shapes.keys() - members.keys())
            unexpected = sorted(members.keys() - shapes.keys())
            if missing or unexpected:
                raise ValueError(
                    f"{where}: parameters do not match this model"
                    + (f"; missing from the file: {', '.join(missing)}" if missing else "")
                    + (f"; in the file but not in the model: {', '.join(unexpected)}" if unexpected else "")
                )
            headers = {name: _read_header(archive, members[name], where) for name in shapes}
            for name, shape in shapes.items():
                if headers[name].shape != shape:
                    raise ValueError(
                        f"{where}: parameter {name} has shape {headers[name].shape} in the file "
                        f"but {shape} in the model"
                    )
            for name, header in headers.items():
                _check_dtype(header.dtype, f"{where}: parameter {name}")
                expected = math.prod(header.shape) * header.dtype.itemsize
                if header.data_bytes != expected:
                    raise ValueError(
                        f"{where}: parameter {name} holds {header.data_bytes} bytes of data but its header "
                        f"declares {header.dtype} {header.shape}, {expected} bytes"
                    )
            return {name: _read_member(archive, members[name], where) for name in shapes}


def _members(archive: zipfile.ZipFile, where: str) -> dict[str, zipfile.ZipInfo]:
    """The archive's members by array name (``W1.npy`` -> ``W1``); a name twice is a ValueError."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        name = info.filename[: -len(".npy")] if info.filename.endswith(".npy") else info.filename
        if name in members:
            raise ValueError(f"{where}: the archive holds {info.filename} twice")
        members[name] = info
    return members


def _read_header(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> _Header:
    """Read only the magic string and header of one ``.npy`` member."""
    try:
        with archive.open(info) as member:
            version = np.lib.format.read_magic(member)
            read_header = _HEADER_READERS.get(version)
            header = read_header(member) if read_header else None
            offset = member.tell()
    except _DAMAGED as error:
        raise ValueError(f"{where}: {info.filename} is damaged or not a .npy array ({error})") from None
    if header is None:
        major, minor = version
        raise ValueError(f"{where}: {info.filename} uses .npy format {major}.{minor}; load reads 1.0 and 2.0")
    shape, fortran_order, dtype = header
    return _Header(tuple(shape), fortran_order, dtype, info.file_size - offset)


def _check_dtype(dtype: np.dtype, what: str) -> None:
    """Refuse anything but real floating-point or integer numbers (no complex, strings, objects, records)."""
    if dtype.kind in "fiu" and dtype.fields is None and dtype.subdtype is None:
        return
    kinds = {"c": "complex: the imaginary part would be lost", "b": "booleans", "O": "Python objects"}
    kind = kinds.get(dtype.kind, "text" if dtype.kind in "SU" else "records or raw bytes")
    raise ValueError(f"{what} is stored as {dtype} ({kind}); only real floating-point or integer arrays load")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> np.ndarray:
    """Read one member whose header has been checked; reading to its end verifies its checksum."""
    try:
        with archive.open(info) as member:
            array = np.lib.format.read_array(member, allow_pickle=False)
            member.read()
    except _DAMAGED as error:
        raise ValueError(f"{where}: {info.filename} is damaged ({error})") from None
    return array
