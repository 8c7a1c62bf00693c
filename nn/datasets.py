"""Datasets in the course's layout: X of shape (n_x, m) with examples as columns, Y of shape (1, m).

- ``planar_flower``: the course's two-class "flower", bit for bit (same random stream).
- ``moons``, ``circles``, ``blobs``, ``gaussian_quantiles``: the course's extra planar datasets,
  generated here (no scikit-learn needed).
- ``load_catvnoncat``: the course's cat / non-cat images (needs h5py: ``pip install autograd-lite[data]``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

DATA_ENV = "AUTOGRAD_LITE_DATA"


def planar_flower(seed: int = 1, m: int = 400, a: float = 4.0) -> tuple[np.ndarray, np.ndarray]:
    """The course's flower: class j in {0, 1} has t = linspace(3.12 j, 3.12 (j + 1), N) + 0.2 randn(N),
    r = a sin(4t) + 0.2 randn(N), points (r sin t, r cos t). Returns X (2, m), Y (1, m)."""
    if m % 2:
        raise ValueError(f"planar_flower: m must be even (two petals' classes of m/2 points), got {m}")
    rng = np.random.RandomState(seed)
    N = m // 2
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1))
    for j in range(2):
        rows = slice(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * 0.2  # theta
        r = a * np.sin(4 * t) + rng.randn(N) * 0.2  # radius
        X[rows] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[rows] = j
    return X.T, Y.T


def moons(m: int = 200, noise: float = 0.2, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (label 0 the upper one, 1 the lower one), plus Gaussian noise."""
    rng = np.random.RandomState(seed)
    outer, inner = m // 2, m - m // 2
    angle_outer, angle_inner = np.linspace(0, np.pi, outer), np.linspace(0, np.pi, inner)
    points = np.vstack(
        [
            np.c_[np.cos(angle_outer), np.sin(angle_outer)],
            np.c_[1 - np.cos(angle_inner), 0.5 - np.sin(angle_inner)],
        ]
    )
    labels = np.r_[np.zeros(outer), np.ones(inner)]
    return _shuffled(points + rng.normal(scale=noise, size=points.shape), labels, rng)


def circles(m: int = 200, factor: float = 0.5, noise: float = 0.3, seed: int | None = 0):
    """A circle (label 0) around a smaller one scaled by ``factor`` (label 1), plus Gaussian noise."""
    rng = np.random.RandomState(seed)
    outer, inner = m // 2, m - m // 2
    angle_outer = np.linspace(0, 2 * np.pi, outer, endpoint=False)
    angle_inner = np.linspace(0, 2 * np.pi, inner, endpoint=False)
    points = np.vstack(
        [
            np.c_[np.cos(angle_outer), np.sin(angle_outer)],
            factor * np.c_[np.cos(angle_inner), np.sin(angle_inner)],
        ]
    )
    labels = np.r_[np.zeros(outer), np.ones(inner)]
    return _shuffled(points + rng.normal(scale=noise, size=points.shape), labels, rng)


def blobs(m: int = 200, centers: int = 6, spread: float = 1.0, seed: int | None = 5):
    """Gaussian blobs around ``centers`` random centres in [-10, 10]^2; label = centre index mod 2."""
    rng = np.random.RandomState(seed)
    middle = rng.uniform(-10, 10, size=(centers, 2))
    which = np.arange(m) % centers
    points = middle[which] + rng.normal(scale=spread, size=(m, 2))
    return _shuffled(points, (which % 2).astype(np.float64), rng)


def gaussian_quantiles(m: int = 200, variance: float = 0.5, seed: int | None = 0):
    """A 2-D Gaussian cut in two by distance from its centre: inner half label 0, outer half 1."""
    rng = np.random.RandomState(seed)
    points = rng.normal(scale=np.sqrt(variance), size=(m, 2))
    order = np.argsort(np.sum(points**2, axis=1), kind="stable")
    labels = np.zeros(m)
    labels[order[m // 2 :]] = 1.0
    return _shuffled(points, labels, rng)


def _shuffled(points: np.ndarray, labels: np.ndarray, rng: np.random.RandomState):
    order = rng.permutation(len(labels))
    return points[order].T.copy(), labels[order][np.newaxis, :].copy()


class CatData(NamedTuple):
    """The cat / non-cat set, flattened and scaled: X_* (12288, m) in [0, 1], Y_* (1, m)."""

    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    classes: list[str]


def data_directory(data_dir: str | os.PathLike | None = None) -> Path:
    """``data_dir`` if given, else the AUTOGRAD_LITE_DATA environment variable; clear error otherwise."""
    if data_dir is None:
        data_dir = os.environ.get(DATA_ENV)
    if not data_dir:
        raise FileNotFoundError(
            f"no data directory: pass data_dir (or --data DIR) or set {DATA_ENV} to the folder "
            "holding train_catvnoncat.h5 and test_catvnoncat.h5"
        )
    return Path(data_dir)


def load_catvnoncat(data_dir: str | os.PathLike | None = None) -> CatData:
    """Read ``train_catvnoncat.h5`` and ``test_catvnoncat.h5``; X = images.reshape(m, -1).T / 255."""
    try:
        import h5py
    except ImportError:
        raise ImportError(
            "load_catvnoncat needs h5py: pip install 'autograd-lite[data]' (or pip install h5py)"
        ) from None
    folder = data_directory(data_dir)
    arrays = {}
    for split in ("train", "test"):
        path = folder / f"{split}_catvnoncat.h5"
        if not path.is_file():
            raise FileNotFoundError(
                f"load_catvnoncat: {path} not found (expected {split}_catvnoncat.h5 in {folder})"
            )
        try:
            with h5py.File(path, "r") as file:
                images = np.array(file[f"{split}_set_x"])
                labels = np.array(file[f"{split}_set_y"])
                classes = [
                    c.decode() if isinstance(c, bytes) else str(c) for c in np.array(file["list_classes"])
                ]
        except (OSError, KeyError) as error:
            raise ValueError(f"load_catvnoncat: {path} is not the course's file ({error})") from None
        if images.ndim != 4 or labels.ndim != 1 or images.shape[0] != labels.shape[0]:
            raise ValueError(
                f"load_catvnoncat: {path} holds images {images.shape} and labels {labels.shape}; "
                "expected (m, 64, 64, 3) and (m,)"
            )
        arrays[split] = (
            images.reshape(images.shape[0], -1).T / 255.0,
            labels.reshape(1, -1).astype(np.float64),
        )
    return CatData(*arrays["train"], *arrays["test"], classes)
