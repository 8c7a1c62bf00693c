"""Initializers for W[l] of shape (n[l], n[l-1]); biases always start at zero.

With a seed, the random ones draw from NumPy's legacy stream exactly as the course does
(``np.random.seed(s)`` then one ``np.random.randn(n[l], n[l-1])`` per layer, in layer order), so
costs match the course's notebooks to the printed digit.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Initializer = Callable[[np.random.RandomState, int, int], np.ndarray]


def zeros(rng: np.random.RandomState, n: int, n_prev: int) -> np.ndarray:
    """W = 0 (fine for logistic regression; breaks symmetry nowhere in a hidden layer)."""
    return np.zeros((n, n_prev))


def small(rng: np.random.RandomState, n: int, n_prev: int) -> np.ndarray:
    """The course's small random init: W = randn(n[l], n[l-1]) * 0.01."""
    return rng.randn(n, n_prev) * 0.01


def deep(rng: np.random.RandomState, n: int, n_prev: int) -> np.ndarray:
    """The course's deep-network application: W = randn(n[l], n[l-1]) / sqrt(n[l-1])."""
    return rng.randn(n, n_prev) / np.sqrt(n_prev)


def he(rng: np.random.RandomState, n: int, n_prev: int) -> np.ndarray:
    """He et al. (for relu): W = randn(n[l], n[l-1]) * sqrt(2 / n[l-1])."""
    return rng.randn(n, n_prev) * np.sqrt(2.0 / n_prev)


def xavier(rng: np.random.RandomState, n: int, n_prev: int) -> np.ndarray:
    """Xavier, as the course defines it (for tanh): W = randn(n[l], n[l-1]) * sqrt(1 / n[l-1])."""
    return rng.randn(n, n_prev) * np.sqrt(1.0 / n_prev)


INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros,
    "small": small,
    "deep": deep,
    "he": he,
    "xavier": xavier,
}


def get(init: str | Initializer) -> Initializer:
    """The initializer called ``init`` ("zeros", "small", "deep", "he", "xavier"), or ``init`` itself."""
    if callable(init):
        return init
    try:
        return INITIALIZERS[init]
    except KeyError:
        raise ValueError(
            f"unknown init {init!r}; choose one of {', '.join(INITIALIZERS)} or pass a function"
        ) from None


def random_state(seed: int | np.random.RandomState | None) -> np.random.RandomState:
    """The legacy NumPy stream that ``np.random.seed(seed)`` would give (fresh entropy for None)."""
    return seed if isinstance(seed, np.random.RandomState) else np.random.RandomState(seed)
