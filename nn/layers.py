"""Layers in the course's notation: examples are columns, Z[l] = W[l] A[l-1] + b[l], A[l] = g[l](Z[l])."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from autograd_lite.tensor import Tensor

from . import init as initializers
from .module import Module, Parameter

ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "sigmoid": Tensor.sigmoid,
    "tanh": Tensor.tanh,
    "relu": Tensor.relu,
    "leaky_relu": Tensor.leaky_relu,
    "linear": lambda Z: Z,
}


def activation_function(name: str) -> Callable[[Tensor], Tensor]:
    """The course's g[l] called ``name``: "sigmoid", "tanh", "relu", "leaky_relu" or "linear"."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}") from None


def activation_curve(name: str, z=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(z, g(z), g'(z))`` for the activation called ``name``, the derivative from the engine's own
    backward pass (not a formula written out again): to plot sigmoid, tanh, ReLU and leaky ReLU with their
    derivatives. ``z`` defaults to 401 points on [-5, 5]; at a kink (ReLU's 0) the derivative is the one
    the engine uses in training."""
    z = np.linspace(-5.0, 5.0, 401) if z is None else np.asarray(z, dtype=np.float64)
    Z = Tensor(z, requires_grad=True, label="Z")
    A = activation_function(name)(Z)
    if A is Z:  # linear: g(z) = z, g'(z) = 1
        return z, z.copy(), np.ones_like(z)
    A.backward(grad=np.ones_like(z))  # elementwise: the VJP with ones is g'(z) at every point
    return z, A.data.copy(), Z.grad.copy()


class Dense(Module):
    """One fully connected layer: Z = W A_prev + b, A = g(Z), W of shape (n_out, n_in), b (n_out, 1)."""

    def __init__(
        self,
        n_in: int,
        n_out: int,
        activation: str = "relu",
        init: str | initializers.Initializer = "deep",
        seed: int | np.random.RandomState | None = None,
        index: int | None = None,
        dtype=np.float64,
    ) -> None:
        super().__init__()
        self.n_in, self.n_out, self.activation = int(n_in), int(n_out), activation
        self.g = activation_function(activation)
        rng = initializers.random_state(seed)
        suffix = "" if index is None else str(index)
        self.W = Parameter(initializers.get(init)(rng, self.n_out, self.n_in), name=f"W{suffix}", dtype=dtype)
        self.b = Parameter(np.zeros((self.n_out, 1)), name=f"b{suffix}", dtype=dtype)
        self.index = index

    def forward(self, A_prev: Tensor) -> Tensor:
        """``A[l] = g[l](W[l] A[l-1] + b[l])``, naming Z and A after the layer's number (Z1, A1)."""
        Z = self.W @ A_prev + self.b  # course: Z[l] = W[l] A[l-1] + b[l]
        A = self.g(Z)  # A[l] = g[l](Z[l])
        if self.index is not None:  # the course's names, shown in diagrams
            Z.label = f"Z{self.index}"
            if A is not Z:
                A.label = f"A{self.index}"
        return A

    def extra_repr(self) -> str:
        """``W1 (4, 2), b1 (4, 1), tanh``: what ``repr`` shows of the layer."""
        return f"{self.W.label} {self.W.shape}, {self.b.label} {self.b.shape}, {self.activation}"


class Sequential(Module):
    """Modules applied one after another; Dense layers are numbered 1, 2, ... (W1, b1, W2, ...)."""

    def __init__(self, *layers: Module) -> None:
        super().__init__()
        self.layers = list(layers)
        for number, layer in enumerate(layers, start=1):
            setattr(self, f"layer{number}", layer)
            if isinstance(layer, Dense) and layer.index is None:
                layer.index = number
                layer.W.label, layer.b.label = f"W{number}", f"b{number}"

    def forward(self, A: Tensor) -> Tensor:
        """Each layer applied to the previous one's output, in order."""
        for layer in self.layers:
            A = layer(A)
        return A

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]


class LogisticRegression(Module):
    """The course's logistic regression: A = sigmoid(w^T X + b), w of shape (n_x, 1), b a number."""

    def __init__(
        self, n_x: int, init: str | initializers.Initializer = "zeros", seed=None, dtype=np.float64
    ) -> None:
        super().__init__()
        self.n_x = int(n_x)
        rng = initializers.random_state(seed)
        self.w = Parameter(initializers.get(init)(rng, self.n_x, 1), name="w", dtype=dtype)
        self.b = Parameter(0.0, name="b", dtype=dtype)

    def forward(self, X: Tensor) -> Tensor:
        """A = sigmoid(w^T X + b), one prediction per example (column) of X."""
        return (self.w.T @ X + self.b).sigmoid()

    def extra_repr(self) -> str:
        """``n_x=12288: w (12288, 1), b ()``: what ``repr`` shows of the model."""
        return f"n_x={self.n_x}: w {self.w.shape}, b ()"


class DeepNetwork(Sequential):
    """The course's L-layer network: [LINEAR -> hidden_activation] x (L-1) -> LINEAR -> output_activation.

    ``layer_dims = [n_x, n[1], ..., n[L]]``; with a seed, weights are drawn in layer order from
    NumPy's legacy stream, exactly as the course's ``initialize_parameters_deep``.
    """

    def __init__(
        self,
        layer_dims: Sequence[int],
        hidden_activation: str = "relu",
        output_activation: str = "sigmoid",
        init: str | initializers.Initializer = "deep",
        seed: int | np.random.RandomState | None = None,
        dtype=np.float64,
    ) -> None:
        layer_dims = [int(n) for n in layer_dims]
        if len(layer_dims) < 2 or min(layer_dims) < 1:
            raise ValueError(f"layer_dims must list at least n_x and n[L], all positive; got {layer_dims}")
        rng = initializers.random_state(seed)
        L = len(layer_dims) - 1
        layers = [
            Dense(
                layer_dims[l - 1],
                layer_dims[l],
                activation=output_activation if l == L else hidden_activation,
                init=init,
                seed=rng,
                index=l,
                dtype=dtype,
            )
            for l in range(1, L + 1)
        ]
        super().__init__(*layers)
        self.layer_dims = layer_dims

    def extra_repr(self) -> str:
        """``layer_dims=[12288, 20, 7, 5, 1]``: what ``repr`` shows of the network."""
        return f"layer_dims={self.layer_dims}"
