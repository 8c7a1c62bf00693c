"""Optimizers over a model's parameters: ``step()`` updates them in place, ``zero_grad()`` clears grads.

The updates are the course's (Improving Deep Neural Networks, week 2), with t counting steps:
  gradient descent  W := W - alpha dW
  momentum          v := beta v + (1 - beta) dW;                  W := W - alpha v
  RMSprop           s := beta s + (1 - beta) dW^2;                W := W - alpha dW / (sqrt(s) + eps)
  Adam              v, s as above with beta1, beta2, bias-corrected by 1 - beta^t;
                    W := W - alpha v_hat / (sqrt(s_hat) + eps)
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from autograd_lite.compiled import state
from autograd_lite.graph import no_grad, zero_grad
from autograd_lite.tensor import Tensor


class Optimizer:
    """Base of the optimizers: ``step()`` subtracts ``update(...)`` from each parameter that has a gradient.

    ``learning_rate`` (PyTorch users may write ``lr=``) is the course's alpha; momentum's default is
    0.01, RMSprop's and Adam's 0.001, and gradient descent needs one.
    """

    def __init__(self, parameters: Iterable[Tensor], learning_rate=None, *, lr=None, default=None):
        self.parameters = list(parameters)
        if not self.parameters:
            raise ValueError(f"{type(self).__name__}: no parameters to optimize")
        if learning_rate is not None and lr is not None:
            raise TypeError(f"{type(self).__name__}: give the learning rate once, as learning_rate= or lr=")
        rate = lr if lr is not None else learning_rate if learning_rate is not None else default
        if rate is None:
            raise TypeError(f"{type(self).__name__}: give a learning rate, as learning_rate= or lr=")
        self.learning_rate = float(rate)
        self._t = np.zeros(())  # the step count, an array changed in place (so a compiled step counts too)

    @property
    def t(self) -> int:
        """How many steps have been taken (Adam's bias correction uses it)."""
        return int(self._t)

    def zero_grad(self) -> None:
        """Reset the gradient of every parameter."""
        zero_grad(self.parameters)

    def step(self) -> None:
        """Update every parameter that has a gradient; all or nothing."""
        for parameter in self.parameters:
            if parameter.grad is not None and not parameter.data.flags.writeable:
                raise RuntimeError(  # read-only: a recorded graph still needs these values
                    f"{type(self).__name__}.step: cannot update {parameter.label or 'a parameter'}: "
                    "a recorded graph still needs its value (one not backpropagated yet, or kept with "
                    "retain_graph=True); keep costs as numbers (cost.item()) or compute them under no_grad()"
                )
        t = state(self._t)
        t += 1
        with no_grad():
            for index, parameter in enumerate(self.parameters):
                if parameter.grad is not None:
                    parameter.data -= self.update(index, parameter.grad)

    def update(self, index: int, grad: np.ndarray) -> np.ndarray:
        """The amount to subtract from parameter ``index`` given its gradient."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(learning_rate={self.learning_rate})"


class GradientDescent(Optimizer):
    """W := W - alpha dW."""

    def update(self, index: int, grad: np.ndarray) -> np.ndarray:
        """The amount to subtract from parameter ``index`` given its gradient."""
        return self.learning_rate * grad


class Momentum(Optimizer):
    """v := beta v + (1 - beta) dW; W := W - alpha v."""

    def __init__(self, parameters, learning_rate=None, beta: float = 0.9, *, lr=None) -> None:
        super().__init__(parameters, learning_rate, lr=lr, default=0.01)
        self.beta = beta
        self.v = [np.zeros_like(p.data) for p in self.parameters]

    def update(self, index: int, grad: np.ndarray) -> np.ndarray:
        """The amount to subtract from parameter ``index`` given its gradient."""
        v = state(self.v[index])  # changed in place: see autograd_lite.compiled.state
        v *= self.beta
        v += (1 - self.beta) * grad
        return self.learning_rate * v


class RMSprop(Optimizer):
    """s := beta s + (1 - beta) dW²; W := W - alpha dW / (sqrt(s) + eps)."""

    def __init__(
        self, parameters, learning_rate=None, beta: float = 0.999, epsilon: float = 1e-8, *, lr=None
    ) -> None:
        super().__init__(parameters, learning_rate, lr=lr, default=0.001)
        self.beta, self.epsilon = beta, epsilon
        self.s = [np.zeros_like(p.data) for p in self.parameters]

    def update(self, index: int, grad: np.ndarray) -> np.ndarray:
        """The amount to subtract from parameter ``index`` given its gradient."""
        s = state(self.s[index])
        s *= self.beta
        s += (1 - self.beta) * grad * grad
        return self.learning_rate * grad / (np.sqrt(s) + self.epsilon)


class Adam(Optimizer):
    """Momentum and RMSprop together, each bias-corrected by 1 - beta^t."""

    def __init__(
        self,
        parameters,
        learning_rate=None,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
        *,
        lr=None,
    ) -> None:
        super().__init__(parameters, learning_rate, lr=lr, default=0.001)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.v = [np.zeros_like(p.data) for p in self.parameters]
        self.s = [np.zeros_like(p.data) for p in self.parameters]

    def update(self, index: int, grad: np.ndarray) -> np.ndarray:
        """The amount to subtract from parameter ``index`` given its gradient."""
        v, s, t = state(self.v[index]), state(self.s[index]), state(self._t)
        v *= self.beta1
        v += (1 - self.beta1) * grad
        s *= self.beta2
        s += (1 - self.beta2) * grad * grad
        v_hat = v / (1 - self.beta1**t)
        s_hat = s / (1 - self.beta2**t)
        return self.learning_rate * v_hat / (np.sqrt(s_hat) + self.epsilon)


OPTIMIZERS = {"gd": GradientDescent, "momentum": Momentum, "rmsprop": RMSprop, "adam": Adam}


def get(name: str, parameters, learning_rate: float) -> Optimizer:
    """The optimizer called ``name`` ("gd", "momentum", "rmsprop", "adam") over ``parameters``."""
    try:
        kind = OPTIMIZERS[name]
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}") from None
    return kind(parameters, learning_rate)
