"""Datasets in the course's layout: X of shape (n_x, m) with examples as columns, Y of shape (1, m).

- ``planar_flower``: the course's two-class "flower", bit for bit (same random stream).
- ``moons``, ``circles``, ``blobs``, ``gaussian_quantiles``: the course's extra planar datasets,
  generated here (no scikit-learn needed).
- ``load_catvnoncat``: the course's cat / non-cat images (needs h5py: ``pip install autograd-lite[data]``).
- ``pictures``: generated stand-ins of the same shape; ``catvnoncat_or_pictures``: the cat data when it is
  there, else those, with a sentence saying which (the notebooks run either way).
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


# Bounds for load_catvnoncat, checked before any data is read (the course's files hold 209 and 50 images).
_CAT_IMAGE_SHAPE = (64, 64, 3)
_CAT_MAX_IMAGES = 10_000  # X as float64 is then at most 10_000 * 12288 * 8 bytes, about 1 GB
_CAT_MAX_BYTES = 1 << 30  # the most any one dataset may declare, uncompressed


def load_catvnoncat(data_dir: str | os.PathLike | None = None) -> CatData:
    """Read ``train_catvnoncat.h5`` and ``test_catvnoncat.h5``; X = images.reshape(m, -1).T / 255.

    Each file must hold ``{split}_set_x`` (m, 64, 64, 3), uint8 (divided by 255) or floating point
    already in [0, 1] (kept as it is); ``{split}_set_y`` (m,) integer labels 0 or 1; and ``list_classes``,
    the two class names. Shapes, dtypes and declared sizes (at most 10,000 images, at most 1 GiB per
    dataset uncompressed) are checked before any array is read. Each problem is one ValueError starting
    ``load_catvnoncat: <path>``; a missing file is a FileNotFoundError.
    """
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
        arrays[split] = _read_cat_file(h5py, path, split)
    (X_train, Y_train, classes), (X_test, Y_test, _) = arrays["train"], arrays["test"]
    return CatData(X_train, Y_train, X_test, Y_test, classes)


def _read_cat_file(h5py, path: Path, split: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """One course file as (X, Y, classes); every dataset's shape, dtype and size checked before reading."""
    where = f"load_catvnoncat: {path}"
    try:
        file = h5py.File(path, "r")
    except OSError as error:
        raise ValueError(f"{where} is not the course's file (not HDF5: {error})") from None
    with file:
        names = (f"{split}_set_x", f"{split}_set_y", "list_classes")
        datasets = {name: file.get(name) for name in names}
        absent = [name for name, dataset in datasets.items() if not isinstance(dataset, h5py.Dataset)]
        if absent:
            held = ", ".join(sorted(file.keys())) or "nothing"
            raise ValueError(
                f"{where} is not the course's file (no dataset {', '.join(absent)}; it holds {held})"
            )
        shapes = {name: dataset.shape or () for name, dataset in datasets.items()}  # None: no dataspace
        for name, dataset in datasets.items():
            declared = (dataset.size or 0) * dataset.dtype.itemsize
            if declared > _CAT_MAX_BYTES:
                raise ValueError(
                    f"{where}: {name} declares {shapes[name]} {dataset.dtype}, {declared / 2**30:.1f} GiB "
                    f"uncompressed; load_catvnoncat reads at most {_CAT_MAX_BYTES >> 30} GiB per dataset"
                )
        images, labels, classes = datasets.values()
        image_shape, label_shape, classes_shape = shapes.values()
        if image_shape[1:] != _CAT_IMAGE_SHAPE or label_shape != image_shape[:1]:
            raise ValueError(
                f"{where} holds images {image_shape} and labels {label_shape}; "
                "expected (m, 64, 64, 3) and (m,): m images of 64x64x3 pixels and one label each"
            )
        if image_shape[0] > _CAT_MAX_IMAGES:
            raise ValueError(
                f"{where} declares {image_shape[0]} images; load_catvnoncat reads at most {_CAT_MAX_IMAGES}"
            )
        if not (images.dtype == np.uint8 or (images.dtype.kind == "f" and images.dtype.itemsize <= 8)):
            raise ValueError(
                f"{where}: images are {images.dtype}; expected uint8 (0-255) or floats in [0, 1]"
            )
        if labels.dtype.kind not in "biu":
            raise ValueError(f"{where}: labels are {labels.dtype}; expected integers 0 or 1")
        if classes_shape != (2,) or h5py.check_string_dtype(classes.dtype) is None:
            raise ValueError(
                f"{where}: list_classes is {classes_shape} {classes.dtype}; expected the two class names"
            )
        try:
            labels, names = labels[()], classes[()]
            wrong = np.unique(labels[(labels != 0) & (labels != 1)])
            if wrong.size:
                shown = ", ".join(map(str, wrong[:5])) + (", ..." if wrong.size > 5 else "")
                raise ValueError(f"{where}: labels must be 0 or 1; found {shown}")
            images = images[()]
        except OSError as error:
            raise ValueError(f"{where}: could not be read ({error})") from None
    if images.dtype == np.uint8:
        X = images.reshape(images.shape[0], -1).T / 255.0
    else:
        inside = (images >= 0) & (images <= 1)  # NaN is outside
        if not inside.all():
            raise ValueError(
                f"{where}: float images must lie in [0, 1] (uint8 images are scaled by 1/255); "
                f"{np.count_nonzero(~inside)} values do not"
            )
        X = images.reshape(images.shape[0], -1).T.astype(np.float64)
    names = [c.decode(errors="replace") if isinstance(c, bytes) else str(c) for c in names]
    return X, labels.reshape(1, -1).astype(np.float64), names


def pictures(m: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``m`` generated 64 x 64 x 3 pictures in [0, 1] in the cat data's layout, X (12288, m) and Y (1, m).

    Noisy backgrounds; label 1 has a warm disc, label 0 cool stripes: a stand-in with the course's shapes
    for when its pictures are not at hand (about a third are 1s, as cats are in the course's set).
    """
    generator = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:64, 0:64]
    images = generator.uniform(0.0, 0.45, size=(m, *_CAT_IMAGE_SHAPE))
    labels = (generator.random(m) < 0.35).astype(np.float64)
    for k in range(m):
        if labels[k]:
            centre, radius = generator.integers(16, 48, size=2), generator.integers(8, 18)
            shape = (rows - centre[0]) ** 2 + (cols - centre[1]) ** 2 < radius**2
            colour = np.array([0.55, 0.3, 0.05]) + generator.normal(0, 0.12, size=3)
        else:
            period = generator.integers(5, 14)
            shape = ((rows + generator.integers(0, 2) * cols) // period) % 2 == 0
            colour = np.array([0.05, 0.3, 0.5]) + generator.normal(0, 0.12, size=3)
        images[k][shape] += colour
    return np.clip(images, 0.0, 1.0).reshape(m, -1).T, labels.reshape(1, m)


def catvnoncat_or_pictures(data_dir: str | os.PathLike | None = None) -> tuple[CatData, str, str]:
    """The course's cat data (``load_catvnoncat``) if it can be read, else generated ``pictures`` of the
    same shapes (209 to train, 50 to test); with what they are (``source``) and, for the generated ones,
    why the cat data was not used (``reason``, empty otherwise)."""
    try:
        return load_catvnoncat(data_dir), "the course's cat pictures", ""
    except (FileNotFoundError, ImportError) as problem:
        why = (
            "reading the .h5 files needs h5py: pip install 'autograd-lite[data]'"
            if isinstance(problem, ImportError)
            else f"set {DATA_ENV} to the folder holding train_catvnoncat.h5 and test_catvnoncat.h5"
            f" ({problem})"
        )
    (X_train, Y_train), (X_test, Y_test) = pictures(209, seed=1), pictures(50, seed=2)
    data = CatData(X_train, Y_train, X_test, Y_test, ["stripes", "disc"])
    return data, "generated pictures", f"cat data not found: {why}; using generated pictures instead"
