"""Module and Parameter: models as trees of layers that own named parameters (``W1``, ``b1``, ...)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from autograd_lite.graph import next_creation_number, zero_grad
from autograd_lite.tensor import Tensor

from .npz import read_npz, write_npz

if TYPE_CHECKING:
    from .summary import Summary


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
        return write_npz(path, arrays, f"save {path}")

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
        arrays = read_npz(path, {name: parameter.shape for name, parameter in own.items()}, f"load {path}")
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

    # --- summary ------------------------------------------------------------------------------------
    def summary(self, X=None) -> Summary:
        """A table of the model in the course's notation, as Keras and torchinfo users expect: each
        parameter's shape (``W[l]``, ``b[l]``), each layer's output shape (``Z[l]``/``A[l]`` is
        ``(n[l], m)``), the parameter counts and their total. With ``X`` (``(n_x, m)``, examples as
        columns), ``m`` is its number of examples, and an ``X`` with the wrong number of rows is refused
        (the course's "getting matrix dimensions right")."""
        from .summary import summary

        return summary(self, X)

    # --- the door to PyTorch (nn/pytorch.py) ---------------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of the parameters under the keys and shapes of the equivalent ``torch.nn`` model
        (``0.weight``, ``0.bias``, ``2.weight``, ...; a bias is ``(n,)`` there): see ``nn.pytorch``."""
        from .pytorch import state_dict

        return state_dict(self)

    def load_state_dict(self, state) -> Module:
        """Set the parameters from a ``state_dict`` (ours, or the equivalent ``torch.nn`` model's: NumPy
        arrays or torch tensors); keys and shapes are checked before anything changes."""
        from .pytorch import load_state_dict

        return load_state_dict(self, state)

    def save_safetensors(self, path: str | Path) -> Path:
        """Write ``state_dict()`` to a ``.safetensors`` file (atomically), which PyTorch loads."""
        from .pytorch import save_safetensors

        return save_safetensors(self, path)

    def load_safetensors(self, path: str | Path) -> Module:
        """Read a ``.safetensors`` file of ``state_dict()``'s keys (ours, or a PyTorch model's)."""
        from .pytorch import load_safetensors

        return load_safetensors(self, path)

    def to_torch(self):
        """The equivalent ``torch.nn`` model with copies of these parameters (its input is ``X.T``)."""
        from .pytorch import to_torch

        return to_torch(self)

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
