"""The door to PyTorch: a model's parameters under the keys and shapes of the equivalent ``torch.nn`` model,
as a dict (``state_dict``) or a ``.safetensors`` file, and that model itself (``to_torch``).

The equivalent of a ``Dense`` layer is ``torch.nn.Linear`` followed by its activation module; of a
``Sequential`` or ``DeepNetwork``, one ``torch.nn.Sequential`` of those, so layer l's weight is
``{2(l-1)}.weight`` (``0.weight``, ``2.weight``, ...); of ``LogisticRegression``,
``Sequential(Linear(n_x, 1), Sigmoid())``. Weights are (n_out, n_in) in both libraries; a bias is
``(n,)`` in PyTorch and the course's column ``(n, 1)`` here; logistic regression's ``w`` (n_x, 1) is
PyTorch's weight row (1, n_x). PyTorch takes examples as rows: give it ``X.T``, and its predictions are
the transpose of ours.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import numpy as np

from autograd_lite.files import write_bytes_atomically

from .layers import Dense, LogisticRegression, Sequential
from .module import Module, Parameter

__all__ = ["load_safetensors", "load_state_dict", "save_safetensors", "state_dict", "to_torch"]


class Entry(NamedTuple):
    """One parameter under PyTorch's key, with the shape PyTorch holds it in."""

    key: str
    parameter: Parameter
    shape: tuple[int, ...]


def layout(model: Module) -> list[Entry]:
    """The model's parameters as the equivalent ``torch.nn`` model names and shapes them."""
    if isinstance(model, (Dense, LogisticRegression)):  # on its own: Sequential(Linear, activation)
        return _entries(model, "0.")
    if isinstance(model, Sequential):
        return _entries(model, "")
    # any other module: its parameters under their module paths, in their own shapes
    seen: set[int] = set()
    entries = []
    for key, parameter in model._named_parameters(""):
        if id(parameter) not in seen:
            seen.add(id(parameter))
            entries.append(Entry(key, parameter, parameter.shape))
    return entries


def _entries(model: Module, prefix: str) -> list[Entry]:
    if isinstance(model, Dense):
        return [
            Entry(f"{prefix}weight", model.W, model.W.shape),
            Entry(f"{prefix}bias", model.b, (model.n_out,)),
        ]
    if isinstance(model, LogisticRegression):
        return [Entry(f"{prefix}weight", model.w, (1, model.n_x)), Entry(f"{prefix}bias", model.b, (1,))]
    if isinstance(model, Sequential):
        entries, place = [], 0
        for layer in model.layers:
            entries += _entries(layer, f"{prefix}{place}.")
            place += 2 if isinstance(layer, (Dense, LogisticRegression)) else 1  # Linear, then its activation
        return entries
    return [entry._replace(key=prefix + entry.key) for entry in layout(model)]


def state_dict(model: Module) -> dict[str, np.ndarray]:
    """Copies of the model's parameters under the equivalent ``torch.nn`` model's keys and shapes."""
    return {entry.key: entry.parameter.data.reshape(entry.shape).copy() for entry in layout(model)}


def load_state_dict(model: Module, state: Mapping, where: str = "load_state_dict") -> Module:
    """Set the model's parameters from ``state`` (``state_dict``'s keys; NumPy arrays or torch tensors).

    Keys must match exactly, each array must have PyTorch's shape or the parameter's own, and hold real
    numbers; each problem is a ValueError starting ``where:``, found before any parameter changes. Values
    are converted to each parameter's dtype; gradients are reset.
    """
    entries = {entry.key: entry for entry in layout(model)}
    missing = [key for key in entries if key not in state]
    unexpected = [str(key) for key in state if key not in entries]
    if missing or unexpected:
        problems = [f"missing {', '.join(missing)}"] if missing else []
        problems += [f"not in the model: {', '.join(unexpected)}"] if unexpected else []
        raise ValueError(
            f"{where}: the keys do not match the model's ({'; '.join(problems)}); it has {', '.join(entries)}"
        )
    arrays = {}
    for key, entry in entries.items():
        array = _as_array(state[key])
        if array.dtype.kind not in "fiu":
            raise ValueError(f"{where}: {key} holds {array.dtype} values, not real numbers")
        _check_shape(array.shape, entry, where)
        arrays[key] = array
    for key, entry in entries.items():
        entry.parameter.data = arrays[key].reshape(entry.parameter.shape).astype(entry.parameter.dtype)
        entry.parameter.grad = None
    return model


def _check_shape(shape: tuple, entry: Entry, where: str) -> None:
    """PyTorch's shape or the parameter's own, else a ValueError naming both."""
    if shape not in (entry.shape, entry.parameter.shape):
        name = entry.parameter.label or entry.key
        raise ValueError(f"{where}: {entry.key} has shape {shape}, but {name} needs {entry.shape}")


def _as_array(value) -> np.ndarray:
    """A NumPy array of a state value: an array, a number, or a torch tensor (read on the CPU)."""
    if hasattr(value, "detach") and hasattr(value, "numpy"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def save_safetensors(model: Module, path: str | Path) -> Path:
    """Write ``state_dict(model)`` to a ``.safetensors`` file, atomically (an old file stays whole if it
    fails); PyTorch reads it with ``safetensors.torch.load_file``."""
    numpy = _safetensors_numpy()
    path = Path(path)
    arrays = {key: np.ascontiguousarray(array) for key, array in state_dict(model).items()}
    return write_bytes_atomically(path, numpy.save(arrays), f"save {path}")


def load_safetensors(model: Module, path: str | Path) -> Module:
    """Read a ``.safetensors`` file of ``state_dict``'s keys into the model (as ``load_state_dict``).

    The keys, shapes and dtypes in the file's header are checked before any data is read, so a file that
    does not fit costs no more memory than the model itself.
    """
    _safetensors_numpy()
    from safetensors import SafetensorError, safe_open

    path = Path(path)
    where = f"load {path}"
    if not path.is_file():
        raise FileNotFoundError(f"{where}: no such file")
    try:
        with safe_open(str(path), framework="numpy") as file:
            keys = list(file.keys())
            expected = {entry.key: entry for entry in layout(model)}
            if set(keys) == set(expected):
                for key, entry in expected.items():  # shapes from the header, before any data
                    _check_shape(tuple(file.get_slice(key).get_shape()), entry, where)
                state = {key: file.get_tensor(key) for key in keys}
            else:
                state = dict.fromkeys(keys)  # load_state_dict names what is missing and what is not expected
    except SafetensorError as error:
        raise ValueError(f"{where}: not a safetensors file ({error})") from None
    return load_state_dict(model, state, where)


def to_torch(model: Module):
    """The equivalent ``torch.nn`` model holding copies of this model's parameters, in their dtype.

    For ``Dense``, ``Sequential``, ``DeepNetwork`` and ``LogisticRegression`` (other modules have no
    equivalent to build). Its input is ``X.T`` (examples as rows).
    """
    torch = _torch()
    built = torch.nn.Sequential(*_torch_layers(torch, model))
    dtypes = {entry.parameter.dtype for entry in layout(model)}
    built = built.to(dtype=torch.float32 if dtypes == {np.dtype(np.float32)} else torch.float64)
    built.load_state_dict({key: torch.from_numpy(array) for key, array in state_dict(model).items()})
    return built


_ACTIVATIONS = {  # our activation -> torch.nn's module (LeakyReLU's default slope, 0.01, is ours too)
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
    "relu": "ReLU",
    "leaky_relu": "LeakyReLU",
    "linear": "Identity",
}


def _torch_layers(torch, model: Module) -> list:
    if isinstance(model, Dense):
        activation = getattr(torch.nn, _ACTIVATIONS[model.activation])()
        return [torch.nn.Linear(model.n_in, model.n_out), activation]
    if isinstance(model, LogisticRegression):
        return [torch.nn.Linear(model.n_x, 1), torch.nn.Sigmoid()]
    if isinstance(model, Sequential):
        return [layer for part in model.layers for layer in _torch_layers(torch, part)]
    raise TypeError(f"to_torch: no torch.nn equivalent is built for {type(model).__name__}")


def _safetensors_numpy():
    try:
        import safetensors.numpy
    except ImportError:
        raise ImportError(
            'safetensors files need the safetensors package: pip install "autograd-lite[safetensors]"'
        ) from None
    return safetensors.numpy


def _torch():
    try:
        import torch
    except ImportError:
        raise ImportError("to_torch needs PyTorch: pip install torch (the CPU build is enough)") from None
    return torch
