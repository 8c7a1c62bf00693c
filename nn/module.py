"""Module and Parameter: models as trees of layers that own named parameters (``W1``, ``b1``, ...)."""

from __future__ import annotations

import contextlib
import math
import os
import secrets
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

import numpy as np

from autograd_lite.graph import next_creation_number, zero_grad
from autograd_lite.tensor import Tensor


class Parameter(Tensor):
    """A Tensor that requires grad and carries a name the diagrams show (``W1``, ``b1``)."""

    __slots__ = ()

    def __init__(self, data, name: str | None = None, dtype=None) -> None:
        if dtype is not None and np.dtype(dtype).kind != "f":
            where = f"Parameter {name}" if name else "Parameter"
            raise TypeError(
                f"{where}: dtype must be a floating-point type, not {np.dtype(dtype)} "
                "(the initial values would be truncated)"
            )
        super().__init__(np.array(data, dtype=dtype), requires_grad=True, label=name)  # owns a copy

    @property
    def name(self) -> str | None:
        """The parameter's name (its label), e.g. ``W1``."""
        return self.label

    def __repr__(self) -> str:
        dtype = "" if self.dtype == np.float64 else f", dtype={self.dtype}"
        return f"Parameter({self.label}, shape={self.shape}{dtype})"


class Module:
    """Base of every model piece. Assigning a Parameter or a Module as an attribute registers it.

    ``parameters()``, ``named_parameters()``, ``zero_grad()``, ``train()`` / ``eval()``,
    ``save(path)`` / ``load(path)``; calling the module runs ``forward``.
    """

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_last_call", range(0))

    def __setattr__(self, name: str, value) -> None:
        if "_parameters" not in self.__dict__:
            raise RuntimeError(f"{type(self).__name__}: call super().__init__() before assigning attributes")
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def forward(self, *inputs):
        """The computation the module stands for; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *inputs):
        first = next_creation_number()  # the nodes this call makes get the numbers in between
        output = self.forward(*inputs)
        object.__setattr__(self, "_last_call", range(first, next_creation_number()))
        return output

    def computed(self, node) -> bool:
        """True if ``node`` is one of this module's own parameters or was made by its last call.

        Diagrams use it to group a graph's nodes by the module that made them.
        """
        return node._created in self._last_call or any(node is p for p in self._parameters.values())

    # --- parameters ---------------------------------------------------------------------------------
    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """(name, parameter) pairs, the name being the parameter's label (``W1``) where it has one."""
        seen = set()
        for key, parameter in self._named_parameters(""):
            if id(parameter) not in seen:
                seen.add(id(parameter))
                yield (parameter.label or key), parameter

    def _named_parameters(self, prefix: str) -> Iterator[tuple[str, Parameter]]:
        for name, parameter in self._parameters.items():
            yield prefix + name, parameter
        for name, module in self._modules.items():
            yield from module._named_parameters(f"{prefix}{name}.")

    def parameters(self) -> list[Parameter]:
        """Every parameter of this module and its sub-modules, each once."""
        return [parameter for _, parameter in self.named_parameters()]

    def modules(self) -> Iterator[Module]:
        """This module and its sub-modules, depth first."""
        yield self
        for module in self._modules.values():
            yield from module.modules()

    def zero_grad(self) -> None:
        """Reset every parameter's gradient."""
        zero_grad(self.parameters())

    def train(self, mode: bool = True) -> Module:
        """Training mode (the default); returns the module."""
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode; returns the module."""
        return self.train(False)

    # --- saving -------------------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the parameters to a ``.npz`` file (suffix added if missing), one array per name.

        Each array is keyed by its parameter's name as ``named_parameters`` gives it: the label
        (``W1``, ``b1``, ...), or the module path (``layer1.W``) for a parameter without one. Names must
        be unique across the model: two layers that both call their weights ``W`` raise a ValueError
        naming ``W`` rather than one overwriting the other (give them distinct labels, e.g. ``index=``,
        or put ``Dense`` layers straight into a ``Sequential``, which numbers them).

        The file is written atomically: into a temporary file in the same folder, synced to disk, then
        renamed over ``path``; if anything fails, an existing file at ``path`` is left as it was.
        """
        path = _npz(path)
        arrays = {name: parameter.data for name, parameter in self._saved_parameters(f"save {path}").items()}
        _write_atomically(path, lambda file: _write_npz(file, arrays), f"save {path}")
        return path

    def load(self, path: str | Path) -> Module:
        """Read parameters saved by ``save``; names and shapes must match this model exactly.

        Names follow ``save``'s rule. Every member's ``.npy`` header is checked (names, shapes, and a real
        floating-point or integer dtype) before any array data is read, so a file that does not fit the
        model costs no more memory than the model itself. Each problem is one ValueError starting
        ``load <path>:`` (FileNotFoundError for a missing file). Values are converted to each
        parameter's dtype; gradients are reset; nothing is changed unless every array is read.
        """
        path = _npz(path)
        own = self._saved_parameters(f"load {path}")
        arrays = _read_npz(path, {name: parameter.shape for name, parameter in own.items()})
        for name, parameter in own.items():
            parameter.data = arrays[name].astype(parameter.dtype)
            parameter.grad = None
        return self

    def _saved_parameters(self, where: str) -> dict[str, Parameter]:
        """``named_parameters`` as a dict; a name used by two parameters is a ValueError."""
        paths: dict[str, list[str]] = {}
        seen = set()
        for key, parameter in self._named_parameters(""):
            if id(parameter) not in seen:
                seen.add(id(parameter))
                paths.setdefault(parameter.label or key, []).append(key)
        duplicated = {name: keys for name, keys in paths.items() if len(keys) > 1}
        if duplicated:
            details = "; ".join(f"{name} names {', '.join(keys)}" for name, keys in duplicated.items())
            raise ValueError(
                f"{where}: parameter names must be unique to be saved, but {', '.join(duplicated)} "
                f"{'is' if len(duplicated) == 1 else 'are'} used more than once ({details}); "
                "give the parameters distinct labels"
            )
        return dict(self.named_parameters())

    # --- display ------------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The arguments shown in ``repr`` and in the diagrams' layer boxes."""
        return ""

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__}({self.extra_repr()})"]
        for name, module in self._modules.items():
            child = repr(module).replace("\n", "\n  ")
            lines.append(f"  ({name}): {child}")
        return "\n".join(lines)


def _npz(path: str | Path) -> Path:
    path = Path(path)
    return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")


def _write_atomically(path: Path, write: Callable[[BinaryIO], object], where: str) -> None:
    """Call ``write`` on a new file beside ``path``, sync it, then rename it over ``path``.

    On any error the temporary file is removed and ``path`` is untouched.
    """
    target = Path(os.path.realpath(path))  # through a symlink, replace the file it points to
    for _ in range(100):
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:  # created like any new file (mode 0o666 less the umask), unlike mkstemp's 0o600
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:
            continue
        except FileNotFoundError:
            raise FileNotFoundError(f"{where}: no folder {target.parent}") from None
    else:
        raise FileExistsError(f"{where}: could not create a temporary file in {target.parent}")
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
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        with contextlib.suppress(OSError):
            folder = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)


def _write_npz(file: BinaryIO, arrays: dict[str, np.ndarray]) -> None:
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


def _read_npz(path: Path, shapes: dict[str, tuple[int, ...]]) -> dict[str, np.ndarray]:
    """The arrays of the ``.npz`` at ``path``, one per name in ``shapes``, checked before any data is read."""
    where = f"load {path}"
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
